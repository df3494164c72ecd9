import { canonicalBytes } from '../shared/canonical';

/**
 * What parties sign off-chain in a payment channel, and the exact bytes they sign
 * ("Research on Multiparty Payment Technology Based on Blockchain and Smart Contract Mechanism",
 * J. Math. 2022, section 3: a channel state is signed by both parties; a multiparty state by all).
 *
 * Both the chaincode (verifying) and the gateways (signing, countersigning) use these encoders,
 * so a signature made by one is checked by the other over identical bytes. Each encoding starts
 * with a domain string naming its kind and version, so a signature over one kind can never be
 * replayed as another. Signatures are ECDSA P-256 / SHA-256 by the party's Fabric identity key,
 * base64 DER (see shared/signature.ts).
 */

/**
 * A hash-locked conditional payment inside a two-party state (an HTLC, as Lightning's BOLT 2
 * update_add_htlc / BOLT 3 offered and received HTLC outputs): `amount` minor units taken from
 * the balance of party `payer` (0 or 1, in the channel's party order) and held aside; it goes to
 * the other party (the payee) if the SHA-256 preimage of `hash` is revealed on the ledger by
 * `expiresAt`, back to the payer after it (channels/htlc.ts, seeds/003 extended as Lightning does).
 */
export interface Htlc {
  /** 1-64 of [A-Za-z0-9._-], unique within the state. */
  id: string;
  /** SHA-256 of the preimage, 64 lowercase hex characters (BOLT 2 payment_hash). */
  hash: string;
  /** Minor units, > 0. */
  amount: bigint;
  /** ISO 8601 UTC with milliseconds, as Date.prototype.toISOString writes it (BOLT 2 cltv_expiry, as a time). */
  expiresAt: string;
  /** The party whose balance funded it: 0 or 1; the other party is the payee. */
  payer: 0 | 1;
}

/**
 * A two-party channel state: balances in minor units, in the order of the channel's parties,
 * plus the pending HTLCs (none when absent). The balances plus every HTLC amount make the
 * channel's total.
 */
export interface TpcState {
  channel: string;
  /** Strictly increasing per channel; 0 is the opening state. */
  version: number;
  balances: [bigint, bigint];
  /** True only for a state both parties signed to close the channel cooperatively (never with HTLCs). */
  final: boolean;
  /** Pending hash-locked payments; absent or empty: none. */
  htlcs?: Htlc[];
}

/** One member channel's new state inside a multiparty state. */
export interface MpcChannelState {
  channel: string;
  version: number;
  balances: [bigint, bigint];
}

/** A multiparty channel state: the states of all member channels, applied all or nothing. */
export interface MpcState {
  mpc: string;
  /** Strictly increasing per multiparty channel; 0 is the opening state. */
  version: number;
  /** Every member channel, sorted by channel id. */
  channels: MpcChannelState[];
  /** True only for the state all parties signed to close the multiparty channel. */
  final: boolean;
}

export const TPC_DOMAIN = 'covenant/tpc-state/v1';
export const MPC_DOMAIN = 'covenant/mpc-state/v1';

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * The bytes a party signs for a two-party state (canonical JSON, UTF-8). A state without HTLCs
 * gives exactly the bytes of the encoding before HTLCs existed (no `htlcs` member), so every
 * signature made before keeps verifying; with HTLCs, `htlcs` lists them sorted by id, each
 * `{id, hash, amount, expiresAt, payer}` (amount as a decimal string).
 */
export function tpcStateBytes(s: TpcState): Uint8Array {
  const plain = { domain: TPC_DOMAIN, channel: s.channel, version: s.version, balances: s.balances, final: s.final };
  if (!s.htlcs || s.htlcs.length === 0) return canonicalBytes(plain);
  const htlcs = [...s.htlcs]
    .sort((a, b) => byId(a.id, b.id))
    .map((h) => ({ id: h.id, hash: h.hash, amount: h.amount, expiresAt: h.expiresAt, payer: h.payer }));
  return canonicalBytes({ ...plain, htlcs });
}

/** The bytes every party signs for a multiparty state (member channels sorted by id). */
export function mpcStateBytes(s: MpcState): Uint8Array {
  const channels = [...s.channels]
    .sort((a, b) => byId(a.channel, b.channel))
    .map((c) => ({ channel: c.channel, version: c.version, balances: c.balances }));
  return canonicalBytes({ domain: MPC_DOMAIN, mpc: s.mpc, version: s.version, channels, final: s.final });
}
