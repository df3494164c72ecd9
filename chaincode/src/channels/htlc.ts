import { failedPrecondition, invalidArgument } from '../shared/errors';
import { parseAmount } from '../shared/amount';
import { parseId, parseObject, rejectUnknownFields } from '../shared/args';
import { HEX64 } from '../shared/hash';
import { at } from '../shared/time';
import { checkBalances } from './signed';
import type { Htlc } from './state';

/**
 * Hash-locked conditional payments (HTLCs) inside two-party channel states: the pure rules the
 * chaincode applies wherever a state carrying them is accepted, and how they resolve when a
 * unilateral close settles. Lightning's design (BOLT 2 update_add_htlc / update_fulfill_htlc /
 * update_fail_htlc; BOLT 3 offered and received HTLC outputs: the payee claims with the payment
 * preimage, the payer takes it back after cltv_expiry), over the two-party channels of
 * "Research on Multiparty Payment Technology Based on Blockchain and Smart Contract Mechanism"
 * (J. Math. 2022, section 3.1, ../shared/seeds/003), so a routed payment can settle off-chain
 * hop by hop with an on-chain path only for disputes.
 *
 * An HTLC `{id, hash, amount, expiresAt, payer}` holds `amount` aside from party `payer`'s
 * balance: the balances plus every HTLC amount make the channel total. Off-chain, the parties
 * settle it by signing a next state that moves the amount to one side (fulfill) or back (fail).
 * On-chain (settle after a unilateral close) it goes to the payee when the preimage registry
 * (preimage.ts) holds its hash with `revealedAt <= expiresAt`, to the payer once `expiresAt` has
 * passed without such a reveal; before either, settle waits: every lock has a way out, the expiry.
 */

/** Most HTLCs one state may carry (BOLT 2 caps max_accepted_htlcs at 483). */
export const MAX_HTLCS = 483;

/** An HTLC expiry: ISO 8601 UTC with milliseconds exactly as Date.prototype.toISOString writes it (one spelling per instant: these are signed bytes). */
export function parseExpiry(raw: unknown, field: string): string {
  const ms = typeof raw === 'string' ? at(raw) : NaN;
  if (typeof raw !== 'string' || Number.isNaN(ms) || new Date(ms).toISOString() !== raw) {
    throw invalidArgument(`${field} must be an ISO 8601 UTC time with milliseconds, such as "2026-01-31T12:00:00.000Z"`);
  }
  return raw;
}

/** One HTLC `{id, hash, amount, expiresAt, payer}` of a state argument (INVALID_ARGUMENT when malformed). */
function parseHtlc(raw: unknown, field: string): Htlc {
  const body = parseObject(raw, field);
  rejectUnknownFields(body, ['id', 'hash', 'amount', 'expiresAt', 'payer'], field);
  if (typeof body.hash !== 'string' || !HEX64.test(body.hash)) throw invalidArgument(`${field}.hash must be a SHA-256 digest as 64 lowercase hex characters`);
  if (body.payer !== 0 && body.payer !== 1) throw invalidArgument(`${field}.payer must be 0 or 1, the index of the paying party`);
  return {
    id: parseId(body.id, `${field}.id`),
    hash: body.hash,
    amount: parseAmount(body.amount, `${field}.amount`, { positive: true }),
    expiresAt: parseExpiry(body.expiresAt, `${field}.expiresAt`),
    payer: body.payer,
  };
}

const byId = (a: Htlc, b: Htlc) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

/**
 * The `htlcs` member of a state argument: absent means none; otherwise a list of at most
 * MAX_HTLCS HTLCs with distinct ids. Returns them sorted by id. INVALID_ARGUMENT when malformed.
 */
export function parseHtlcs(raw: unknown, field: string): Htlc[] {
  if (raw === undefined) return [];
  if (!Array.isArray(raw) || raw.length > MAX_HTLCS) throw invalidArgument(`${field} must be a list of at most ${MAX_HTLCS} HTLCs`);
  const htlcs = raw.map((item, i) => parseHtlc(item, `${field}[${i}]`)).sort(byId);
  const twice = htlcs.find((h, i) => i > 0 && htlcs[i - 1].id === h.id);
  if (twice) throw invalidArgument(`${field} lists HTLC id ${twice.id} twice`);
  return htlcs;
}

/** The minor units a state's HTLCs hold aside. */
export function heldInHtlcs(htlcs: readonly Htlc[]): bigint {
  return htlcs.reduce((sum, h) => sum + h.amount, 0n);
}

/**
 * A state's balances and HTLCs must make the channel total exactly (b1 + b2 + Σ HTLC amounts =
 * total, INVALID_ARGUMENT) and no balance may be negative (INSUFFICIENT_FUNDS). Without HTLCs
 * this is signed.ts checkBalances, with its messages.
 */
export function checkConservation(channel: string, total: bigint, balances: [bigint, bigint], htlcs: readonly Htlc[]): void {
  if (htlcs.length === 0) return checkBalances(channel, total, balances);
  const held = heldInHtlcs(htlcs);
  const sum = balances[0] + balances[1] + held;
  if (sum !== total) {
    throw invalidArgument(`channel ${channel}: balances ${balances[0]} + ${balances[1]} and ${held} held in HTLCs make ${sum}, not the channel total ${total}`);
  }
  checkBalances(channel, total - held, balances);
}

/** True when both lists hold the same HTLCs (each sorted by id, as parseHtlcs and the records keep them). */
export function sameHtlcs(a: readonly Htlc[], b: readonly Htlc[]): boolean {
  return (
    a.length === b.length &&
    a.every((h, i) => h.id === b[i].id && h.hash === b[i].hash && h.amount === b[i].amount && h.expiresAt === b[i].expiresAt && h.payer === b[i].payer)
  );
}

/** The HTLCs as a record field: undefined when there are none, so a plain state's record and view stay as they were. */
export function htlcsField(htlcs: readonly Htlc[] | undefined): Htlc[] | undefined {
  return htlcs && htlcs.length > 0 ? [...htlcs] : undefined;
}

/**
 * The balances a registered state settles to (BOLT 3: the received HTLC output is claimed with
 * the preimage, the offered one is refunded after the expiry): each HTLC goes to its payee when
 * `revealedAt(hash)` (the registry's time of a verified reveal, or undefined) is at or before
 * its `expiresAt`, to its payer when `now` is past `expiresAt` without such a reveal. If any
 * HTLC is neither, FAILED_PRECONDITION naming the time after which the channel can settle (the
 * latest such expiry), unless its preimage is revealed first. The result sums to the balances
 * plus every HTLC amount: nothing is created or destroyed.
 */
export function resolveHtlcs(
  channel: string,
  balances: [bigint, bigint],
  htlcs: readonly Htlc[],
  revealedAt: (hash: string) => string | undefined,
  now: string,
): [bigint, bigint] {
  const out: [bigint, bigint] = [balances[0], balances[1]];
  const pending: Htlc[] = [];
  for (const h of htlcs) {
    const revealed = revealedAt(h.hash);
    if (revealed !== undefined && at(revealed) <= at(h.expiresAt)) out[1 - h.payer] += h.amount;
    else if (at(now) > at(h.expiresAt)) out[h.payer] += h.amount;
    else pending.push(h);
  }
  if (pending.length > 0) {
    const latest = pending.map((h) => h.expiresAt).reduce((a, b) => (at(a) >= at(b) ? a : b));
    throw failedPrecondition(
      `channel ${channel} holds HTLCs neither revealed nor expired (${pending.map((h) => h.id).join(', ')}): it can settle after ${latest}, or once their preimages are revealed`,
    );
  }
  return out;
}
