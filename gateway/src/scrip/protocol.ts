import type { ScripView, SwapAuthorizations, SwapRequest } from '@covenant/chaincode';

/**
 * The scrip protocol between gateways (seeds/001 section 6; issue 12): a customer's gateway asks
 * the gateway of an issuer (broker or vendor) to countersign or to submit a swap. Messages travel
 * as JSON POSTs to the issuer's gateway at `/v1/scrip/inbox` (no API key: a swap authorizes itself
 * by the holder-key and account signatures inside it, which the chaincode checks again).
 *
 *   scrip-sign   → scrip-signed    the issuer checks the swap (its series, fees, its scrip accepted)
 *                                  and returns its signatures over its outputs' scrip bytes
 *                                  (chaincode scripBytes), for another issuer to submit with
 *   scrip-submit → scrip-done      the issuer adds its own output signatures, submits the swap as
 *                                  its ledger identity and returns what was issued and spent; a
 *                                  repeat of an applied request (same digest) returns the same
 *                                  result (the chaincode answers ALREADY_EXISTS; the issuer reads
 *                                  the log entry and the output serials instead)
 * Refusals are problem+json (the chaincode's codes: DOUBLE_SPEND, SCRIP_EXPIRED, FORBIDDEN, ...).
 *
 * Digital envelopes (gateway/src/envelopes): `sealed` carries what only the issuer may read, sealed
 * for the issuer account's registered encryption key with context {type: 'scrip-<flow>', ref:
 * request nonce, from: 'customer', to: issuer account}: the order (purchase), and the customer's
 * account where the flow names it (buy, top-up, withdrawals). `receiptKey` is a one-time HPKE
 * public key of the customer (base64url 65-byte point): the issuer seals the receipt to it, so a
 * customer who stays anonymous to a vendor still gets a receipt only it can open.
 */

export const SCRIP_MESSAGE_TYPES = ['scrip-sign', 'scrip-submit'] as const;
export type ScripMessageType = (typeof SCRIP_MESSAGE_TYPES)[number];

/** A message to an issuer's gateway. */
export interface ScripMessage {
  type: ScripMessageType;
  /** The issuer account addressed (a broker or vendor identity the receiving gateway holds). */
  issuer: string;
  /** The swap exactly as the chaincode's `scrip:swap` takes it (its canonical JSON digest is signed). */
  request: SwapRequest;
  authorizations: SwapAuthorizations;
  /** Envelope for the issuer (see above); optional. */
  sealed?: string;
  /** One-time HPKE public key for the receipt; optional. */
  receiptKey?: string;
}

/** The answers. */
export type ScripAnswer =
  | {
      type: 'scrip-signed';
      issuers: { index: number; signature: string }[];
      /**
       * The issuer's consent in `authorizations.accounts` (its ledger key over the request digest),
       * given only when the swap spends the issuer's scrip and issues none of its scrip (e.g. 6.5
       * without change BrokerScrip: the broker consents to its BrokerScrip being spent).
       */
      accounts?: { account: string; signature: string }[];
    }
  | {
      type: 'scrip-done';
      txId: string;
      /** The scrip issued, in output order (with the issuer signatures). */
      issued: ScripView[];
      /** The serials spent. */
      spent: string[];
      /** The receipt sealed to `receiptKey`, when one was given. */
      receipt?: string;
    };
