import { canonicalJson } from '@covenant/chaincode';
import type { SwapRequest } from '@covenant/chaincode';
import type { EnvelopeContext } from '../envelopes';

/**
 * The digital envelopes of the scrip protocol (protocol.ts; gateway/src/envelopes/README.md),
 * each bound to its context so it opens nowhere else. Shared by the customer's gateway (which
 * seals `sealed` and opens receipts) and the issuer's (which opens `sealed`, seals receipts and
 * the log's envelopes):
 *
 * | envelope | sealed by | for | context {type, ref, from, to} |
 * |---|---|---|---|
 * | `sealed` in a message | customer's gateway | the issuer account's registered key | `scrip-<flow>`, request nonce, `customer`, issuer account |
 * | `receipt` in scrip-done | issuer's gateway | the message's one-time `receiptKey` | `scrip-receipt`, request nonce, issuer account, `customer` |
 * | log envelope (authorizations.envelopes[reader]) | issuer's gateway | the reader account's registered key | `scrip-log`, request digest (hex), issuer account (the submitter), reader account |
 *
 * The issuer's log envelope for itself holds what `sealed` held (the order, the customer's
 * account); the customer's log envelope, written when the flow names the customer's account
 * (buy, top-up, withdrawals) and that account has an encryption key, holds the receipt without
 * its transaction id (not known before the swap is submitted; the log entry names it).
 */

/** Who the anonymous customer is in an envelope's context. */
export const CUSTOMER = 'customer';
export const RECEIPT_TYPE = 'scrip-receipt';
export const LOG_TYPE = 'scrip-log';

/** The context of a message's `sealed`: sealed by the customer for `issuer`. */
export function sealedContext(request: Pick<SwapRequest, 'flow' | 'nonce'>, issuer: string): EnvelopeContext {
  return { type: `scrip-${request.flow}`, ref: request.nonce, from: CUSTOMER, to: issuer };
}

/** The context of a scrip-done's `receipt`: sealed by `issuer` for the message's receiptKey. */
export function receiptContext(request: Pick<SwapRequest, 'nonce'>, issuer: string): EnvelopeContext {
  return { type: RECEIPT_TYPE, ref: request.nonce, from: issuer, to: CUSTOMER };
}

/** The context of a log entry's envelope for `reader`, written by the submitting issuer. */
export function logContext(digest: string, submitter: string, reader: string): EnvelopeContext {
  return { type: LOG_TYPE, ref: digest, from: submitter, to: reader };
}

/** What a receipt says (its plaintext is this object's canonical JSON). Amounts: minor units, decimal strings. */
export interface ScripReceipt {
  type: 'covenant.scrip.receipt/v1';
  /** The swap transaction; absent in the log's copy (sealed before the transaction existed). */
  txId?: string;
  digest: string;
  flow: SwapRequest['flow'];
  issuer: string;
  issued: { serial: string; series: string; value: string }[];
  spent: string[];
  money: { in: SwapRequest['inputs']['money']; out: SwapRequest['outputs']['money'] };
  fee: string;
  context?: string;
}

/** The receipt of `request` (digest hex `digest`, output serials `serials`) submitted by `issuer`. */
export function receiptOf(request: SwapRequest, digest: string, serials: string[], issuer: string, txId?: string): ScripReceipt {
  return {
    type: 'covenant.scrip.receipt/v1',
    ...(txId === undefined ? {} : { txId }),
    digest,
    flow: request.flow,
    issuer,
    issued: request.outputs.scrip.map((o, i) => ({ serial: serials[i], series: o.series, value: o.value })),
    spent: [...request.inputs.scrip],
    money: { in: request.inputs.money, out: request.outputs.money },
    fee: request.fee,
    ...(request.context === undefined ? {} : { context: request.context }),
  };
}

/** A receipt's plaintext: its canonical JSON. */
export function receiptText(receipt: ScripReceipt): string {
  return canonicalJson(receipt);
}
