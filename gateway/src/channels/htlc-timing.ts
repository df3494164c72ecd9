/**
 * How long an HTLC route takes, in ms. `deltaMs`: each hop's HTLC expires this much after the
 * next hop's (BOLT 2 cltv_expiry_delta), and the last hop's this long after it is added; an
 * intermediary forwards only with at least half of it between its incoming and outgoing expiries.
 * `invoiceMs`: how long a payee waits for the HTLCs of an invoice to arrive. `maxExpiryMs`: the
 * latest expiry a gateway accepts for an incoming HTLC. `revealMarginMs`: a payee whose claim is
 * not countersigned reveals the preimage on the ledger this long before the HTLC expires.
 * `payWaitMs`: how long a payer's request waits for its HTLCs to settle before answering 503.
 */
export interface HtlcTiming {
  deltaMs: number;
  invoiceMs: number;
  maxExpiryMs: number;
  revealMarginMs: number;
  payWaitMs: number;
  /** How often the watch looks at every HTLC in flight (htlc-relay.ts). */
  watchMs: number;
}

export const DEFAULT_HTLC_TIMING: HtlcTiming = {
  deltaMs: 10 * 60_000,
  invoiceMs: 60_000,
  maxExpiryMs: 24 * 3600_000,
  revealMarginMs: 3 * 60_000,
  payWaitMs: 30_000,
  watchMs: 5_000,
};
