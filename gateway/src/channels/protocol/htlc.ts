import { preimageHash } from '@covenant/chaincode';
import { parseExpiry, parseHtlcs } from '@covenant/chaincode/dist/channels/htlc';
import { HEX64 } from '@covenant/chaincode/dist/shared/hash';
import { amounts } from './amounts';
import type { HtlcJson, StateJson } from './messages';
import { refuse } from './refusal';

/**
 * Hash-locked conditional updates of two-party states, the off-chain half of the chaincode's
 * channels/htlc.ts (Lightning's BOLT 2: update_add_htlc, update_fulfill_htlc, update_fail_htlc),
 * as pure rules: the next state of each step, and which step a proposed state is. A state's
 * balances plus its HTLC amounts make the channel total; each step is one version, so the ledger's
 * dispute path (checkpoint, startClose, challenge, settle) takes any of them. Amounts are minor
 * units as decimal strings; times are ISO 8601 (expiries) or epoch milliseconds (`now`).
 */

/** Which HTLC step a next state is, and the HTLC it adds or removes. */
export interface HtlcChange {
  kind: 'add' | 'fulfill' | 'fail';
  htlc: HtlcJson;
}

/** Most HTLCs a state carries at once (as the chaincode's MAX_HTLCS). */
export const MAX_HTLCS = 483;

const byId = (a: HtlcJson, b: HtlcJson) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
/** The state's HTLCs (none: an empty list). */
export const htlcsIn = (s: StateJson): HtlcJson[] => s.htlcs ?? [];
/** `htlcs` as a state member: absent when none, so a plain state keeps its bytes. */
export const htlcsMember = (htlcs: HtlcJson[]): { htlcs?: HtlcJson[] } => (htlcs.length > 0 ? { htlcs: [...htlcs].sort(byId) } : {});

/** The minor units a state holds aside in HTLCs. */
export const heldInHtlcs = (s: StateJson): bigint => htlcsIn(s).reduce((sum, h) => sum + BigInt(h.amount), 0n);

/** A state's whole channel total: balances plus HTLC amounts (minor units). */
export const channelTotal = (s: StateJson): bigint => BigInt(s.balances[0]) + BigInt(s.balances[1]) + heldInHtlcs(s);

/** The HTLC's hash matches `preimage` (64 hex characters): else FORBIDDEN. */
export function checkPreimage(htlc: HtlcJson, preimage: string | undefined): string {
  if (typeof preimage !== 'string' || !HEX64.test(preimage) || preimageHash(preimage) !== htlc.hash) {
    throw refuse('FORBIDDEN', `HTLC ${htlc.id}: the preimage does not hash to ${htlc.hash}`);
  }
  return preimage;
}

/**
 * The next state of `c` adding `htlc` offered by this side (`c.self` pays): `amount` leaves this
 * party's balance and is held aside. INSUFFICIENT_FUNDS when the balance does not cover it;
 * FAILED_PRECONDITION when the id is taken or the state is full.
 */
export function addHtlcState(c: { id: string; self: 0 | 1; latest: StateJson }, htlc: Omit<HtlcJson, 'payer'>): StateJson {
  const held = htlcsIn(c.latest);
  if (held.some((h) => h.id === htlc.id)) throw refuse('FAILED_PRECONDITION', `channel ${c.id} already holds HTLC ${htlc.id}`);
  if (held.length >= MAX_HTLCS) throw refuse('FAILED_PRECONDITION', `channel ${c.id} holds ${MAX_HTLCS} HTLCs, the most a state may carry`, true);
  const balances = c.latest.balances.map(BigInt) as [bigint, bigint];
  const amount = BigInt(htlc.amount);
  if (balances[c.self] < amount) throw refuse('INSUFFICIENT_FUNDS', `channel ${c.id} holds ${balances[c.self]} for the payer, ${amount} needed`);
  balances[c.self] -= amount;
  return { version: c.latest.version + 1, balances: balances.map(String) as [string, string], final: false, ...htlcsMember([...held, { ...htlc, payer: c.self }]) };
}

/**
 * The next state removing HTLC `id`: to its payee (`fulfill`, the preimage known) or back to its
 * payer (`fail`). FAILED_PRECONDITION when the state holds no such HTLC.
 */
export function removeHtlcState(c: { id: string; latest: StateJson }, htlcId: string, kind: 'fulfill' | 'fail'): StateJson {
  const held = htlcsIn(c.latest);
  const htlc = held.find((h) => h.id === htlcId);
  if (!htlc) throw refuse('FAILED_PRECONDITION', `channel ${c.id} holds no HTLC ${htlcId}`);
  const balances = c.latest.balances.map(BigInt) as [bigint, bigint];
  balances[kind === 'fulfill' ? 1 - htlc.payer : htlc.payer] += BigInt(htlc.amount);
  return { version: c.latest.version + 1, balances: balances.map(String) as [string, string], final: false, ...htlcsMember(held.filter((h) => h.id !== htlcId)) };
}

/**
 * Which HTLC step `state` is from the agreed one (version + 1 else FAILED_PRECONDITION; not final
 * and conserving the total, else INVALID_ARGUMENT): exactly one HTLC added, its amount taken from
 * its payer's balance, or exactly one removed, its amount paid to one side; no other change.
 * What this side may sign of it is the service's rule (the preimage, forwarding, expiry).
 */
export function htlcChangeOf(c: { id: string; latest: StateJson }, state: StateJson): HtlcChange {
  if (state.version !== c.latest.version + 1) throw refuse('FAILED_PRECONDITION', `channel ${c.id}: version ${state.version} does not follow the agreed version ${c.latest.version}`);
  if (c.latest.final || state.final) throw refuse('INVALID_ARGUMENT', `channel ${c.id}: an HTLC update is never final`);
  amounts(state.balances, `channel ${c.id}`);
  const before = new Map(htlcsIn(c.latest).map((h) => [h.id, h]));
  const after = new Map(htlcsIn(state).map((h) => [h.id, h]));
  const added = [...after.values()].filter((h) => !before.has(h.id));
  const removed = [...before.values()].filter((h) => !after.has(h.id));
  const kept = [...after.values()].every((h) => !before.has(h.id) || sameHtlc(before.get(h.id)!, h));
  let change: HtlcChange | undefined;
  let expected: StateJson | undefined;
  if (kept && added.length === 1 && removed.length === 0) {
    const htlc = added[0];
    checkHtlcFields(c.id, htlc);
    change = { kind: 'add', htlc };
    expected = addHtlcState({ id: c.id, self: htlc.payer, latest: c.latest }, htlc);
  } else if (kept && added.length === 0 && removed.length === 1) {
    const htlc = removed[0];
    const fulfilled = removeHtlcState(c, htlc.id, 'fulfill');
    change = { kind: state.balances.join() === fulfilled.balances.join() ? 'fulfill' : 'fail', htlc };
    expected = change.kind === 'fulfill' ? fulfilled : removeHtlcState(c, htlc.id, 'fail');
  }
  if (!change || !expected || !sameState(expected, state)) throw refuse('INVALID_ARGUMENT', `channel ${c.id}: the state is not one HTLC added, fulfilled or failed`);
  return change;
}

/**
 * A new HTLC's fields exactly as the ledger takes them in a dispute (the chaincode's parseHtlcs:
 * an id of 1-64 [A-Za-z0-9._-], a SHA-256 hash in lowercase hex, a positive amount, a canonical
 * ISO expiry); INVALID_ARGUMENT otherwise, so no state is signed that the ledger would refuse.
 */
function checkHtlcFields(channel: string, h: HtlcJson): void {
  asRefusal(() => parseHtlcs([h], `channel ${channel}: htlcs`));
}

/** `expiresAt` spelled as the ledger takes an HTLC expiry (the chaincode's parseExpiry); INVALID_ARGUMENT otherwise. */
export function checkExpirySpelling(expiresAt: unknown, field: string): void {
  asRefusal(() => parseExpiry(expiresAt, field));
}

/** Runs a chaincode parser; its INVALID_ARGUMENT becomes the protocol's refusal with the same detail. */
function asRefusal(parse: () => unknown): void {
  try {
    parse();
  } catch (err) {
    throw refuse('INVALID_ARGUMENT', (err as { detail?: string }).detail ?? (err as Error).message);
  }
}

const sameHtlc = (a: HtlcJson, b: HtlcJson): boolean => a.hash === b.hash && a.amount === b.amount && a.expiresAt === b.expiresAt && a.payer === b.payer;

/** The same HTLCs in flight in both states. */
export function sameHtlcs(a: StateJson, b: StateJson): boolean {
  const ha = [...htlcsIn(a)].sort(byId);
  const hb = [...htlcsIn(b)].sort(byId);
  return ha.length === hb.length && ha.every((h, i) => h.id === hb[i].id && sameHtlc(h, hb[i]));
}

/** Equal states: version, balances, finality and HTLCs. */
export const sameState = (a: StateJson, b: StateJson): boolean =>
  a.version === b.version && a.final === b.final && a.balances[0] === b.balances[0] && a.balances[1] === b.balances[1] && sameHtlcs(a, b);

/** FAILED_PRECONDITION while `s` holds HTLCs: a close or a binding waits until they are settled. */
export function checkNoHtlcs(id: string, s: StateJson, what: string): void {
  if (htlcsIn(s).length > 0) throw refuse('FAILED_PRECONDITION', `channel ${id} holds ${htlcsIn(s).length} HTLC(s) in flight: ${what} once they are fulfilled or failed`, true);
}
