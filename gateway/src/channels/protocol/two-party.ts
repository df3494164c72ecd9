import { amounts } from './amounts';
import { channelTotal, checkNoHtlcs, htlcsIn, htlcsMember, sameHtlcs } from './htlc';
import type { ChannelMessage, StateJson } from './messages';
import { ChannelRefusal, refuse } from './refusal';

/**
 * What a gateway countersigns for its user on a two-party channel (DESIGN.md, "Consent,
 * exactly-once, visibility": money leaves a party only by that party's own act; a gateway never
 * consents for a user by default), J. Math. 2022, section 3.1:
 * - opening (createTPC): signed at once only when it takes nothing from the user (its deposit is
 *   "0"); an opening that takes a deposit is signed only as the exact proposal the user accepted at
 *   its own gateway, while that proposal is open and unexpired ({@link checkOpeningAtOnce},
 *   {@link checkProposalAcceptable});
 * - update or close (updateTPC, closeTPC): the next version, conserving the channel, never lowering
 *   the user's balance (a close keeps the agreed balances) ({@link checkNextState}).
 * Pure: the services gather the facts and ask. Amounts are minor units as decimal strings (bigint
 * inside); times are epoch milliseconds. Refusals are {@link ChannelRefusal}s.
 */

/** Longest and default life of a channel proposal, in seconds. */
export const MAX_PROPOSAL_SECONDS = 7 * 24 * 3600;
export const DEFAULT_PROPOSAL_SECONDS = 24 * 3600;

/**
 * A tpc-create (opening state, version 0) that the counterparty's gateway may countersign at once:
 * only one that takes nothing from its user, i.e. the user's deposit (`balances[self]`) is "0".
 * Any other opening waits for the user's acceptance (tpc-propose, then POST
 * /v1/channels/{id}/accept at its own gateway): FORBIDDEN.
 */
export function checkOpeningAtOnce(channel: string, state: StateJson, self: 0 | 1, party: string): void {
  if (state.version !== 0 || state.final) throw refuse('INVALID_ARGUMENT', 'an opening state is version 0 and not final');
  const deposits = amounts(state.balances, `channel ${channel}`);
  if (deposits[0] + deposits[1] === 0n) throw refuse('INVALID_ARGUMENT', 'the deposits must sum to more than zero');
  if (deposits[self] !== 0n) {
    throw refuse(
      'FORBIDDEN',
      `channel ${channel}: the opening takes a deposit of ${deposits[self]} from ${party}, which needs ${party}'s acceptance at its own gateway (a proposal: POST /v1/channels with counterpartyDeposit > 0, then POST /v1/channels/${channel}/accept)`,
    );
  }
}

/** A tpc-create names its parties as [from, to]: INVALID_ARGUMENT otherwise. */
export function checkCreateParties(m: ChannelMessage): [string, string] {
  if (!m.parties || m.parties[0] !== m.from || m.parties[1] !== m.to) throw refuse('INVALID_ARGUMENT', 'tpc-create parties must be [from, to]');
  return m.parties;
}

/** Two different parties: INVALID_ARGUMENT otherwise. */
export function checkTwoParties(a: string, b: string): void {
  if (a === b) throw refuse('INVALID_ARGUMENT', 'a channel needs two different parties');
}

/** True when `known` (a channel record) holds exactly this opening: version 0 between `parties` with `balances`. */
export const sameOpening = (known: { parties: [string, string]; latest: StateJson }, parties: [string, string], balances: [string, string]): boolean =>
  known.latest.version === 0 && known.parties.join() === parties.join() && known.latest.balances.join() === balances.join();

/** What a gateway knows of a channel proposal (see offchain-store.ts). */
export interface ProposalFacts {
  id: string;
  status: 'PROPOSED' | 'ACCEPTED' | 'DECLINED' | 'WITHDRAWN';
  deposits: [string, string];
  expiresAt: string;
}

/** The status a caller sees: a PROPOSED proposal past its expiry is EXPIRED. */
export function proposalStatus(p: Pick<ProposalFacts, 'status' | 'expiresAt'>, now: number): ProposalFacts['status'] | 'EXPIRED' {
  return p.status === 'PROPOSED' && now >= Date.parse(p.expiresAt) ? 'EXPIRED' : p.status;
}

/**
 * A tpc-propose as its receiver checks it: parties [from, to], two different accounts; the opening
 * state (version 0, not final); a future `expiresAt` (INVALID_ARGUMENT otherwise). Returns the
 * proposal's parties, deposits and expiry.
 */
export function checkProposeMessage(m: ChannelMessage, now: number): { parties: [string, string]; deposits: [string, string]; expiresAt: string } {
  const { parties, state, expiresAt } = m;
  if (!parties || parties[0] !== m.from || parties[1] !== m.to || m.from === m.to) throw refuse('INVALID_ARGUMENT', 'tpc-propose parties must be [from, to], two different accounts');
  if (!state || state.version !== 0 || state.final) throw refuse('INVALID_ARGUMENT', 'tpc-propose carries the opening state: version 0, not final');
  if (!(Date.parse(expiresAt ?? '') > now)) throw refuse('INVALID_ARGUMENT', 'tpc-propose needs a future `expiresAt`');
  return { parties, deposits: state.balances, expiresAt: expiresAt! };
}

/** True when `p` is the same proposal (the opener sent it again, not having the answer). */
export const sameProposal = (p: { parties: [string, string]; deposits: [string, string]; expiresAt: string }, q: { parties: [string, string]; deposits: [string, string]; expiresAt: string }): boolean =>
  p.parties.join() === q.parties.join() && p.deposits.join() === q.deposits.join() && p.expiresAt === q.expiresAt;

/**
 * A proposal may be accepted (the counterparty's gateway signs its opening state, the opener's
 * countersigns it) only while it is PROPOSED and unexpired: else FAILED_PRECONDITION. When
 * `state` is given (the acceptor's signed opening, at the opener's gateway) it must be the
 * proposed opening ({@link checkProposedOpening}).
 */
export function checkProposalAcceptable(p: ProposalFacts, now: number, state?: StateJson): void {
  const status = proposalStatus(p, now);
  if (status !== 'PROPOSED') throw refuse('FAILED_PRECONDITION', `channel proposal ${p.id} is ${status}${status === 'EXPIRED' ? ` (since ${p.expiresAt})` : ''}: it can no longer be accepted`);
  if (state) checkProposedOpening(p, state);
}

/** `state` is exactly the proposal's opening: version 0, not final, balances = the proposed deposits; else FORBIDDEN. */
export function checkProposedOpening(p: Pick<ProposalFacts, 'id' | 'deposits'>, state: StateJson): void {
  if (state.version !== 0 || state.final || state.balances[0] !== p.deposits[0] || state.balances[1] !== p.deposits[1]) {
    throw refuse('FORBIDDEN', `channel proposal ${p.id}: the signed opening is not the proposed one (deposits ${p.deposits.join(', ')})`);
  }
}

/** A decline or withdrawal ends only a PROPOSED (or expired) proposal: FAILED_PRECONDITION otherwise. */
export function checkEndable(p: { id: string; status: ProposalFacts['status'] }): void {
  if (p.status !== 'PROPOSED') throw refuse('FAILED_PRECONDITION', `channel proposal ${p.id} is ${p.status}`);
}

/**
 * The next two-party state a gateway countersigns (tpc-update, tpc-close): version = agreed + 1
 * (else FAILED_PRECONDITION), the channel not closed, final only for a close (INVALID_ARGUMENT),
 * balances non-negative and conserving the channel total (INVALID_ARGUMENT), its user's balance
 * not lowered (FORBIDDEN: money leaves a user only by its own request to its own gateway), and a
 * close keeping the agreed balances (FAILED_PRECONDITION).
 */
export function checkNextState(c: { id: string; self: 0 | 1; latest: StateJson }, state: StateJson, closing: boolean): void {
  if (state.version !== c.latest.version + 1) {
    throw refuse('FAILED_PRECONDITION', `channel ${c.id}: version ${state.version} does not follow the agreed version ${c.latest.version}`);
  }
  if (c.latest.final) throw refuse('FAILED_PRECONDITION', `channel ${c.id} is closed`);
  if (state.final !== closing) throw refuse('INVALID_ARGUMENT', closing ? 'a closing state must be final' : 'a payment state must not be final');
  const next = amounts(state.balances, `channel ${c.id}`);
  const prev = c.latest.balances.map(BigInt);
  // A payment or close leaves the HTLCs in flight as they are (only htlc-update changes them; a close carries none).
  if (!sameHtlcs(c.latest, state)) {
    throw refuse('INVALID_ARGUMENT', `channel ${c.id}: a payment or close must keep the HTLCs in flight unchanged`);
  }
  if (closing) checkNoHtlcs(c.id, c.latest, 'close it');
  if (next[0] + next[1] !== prev[0] + prev[1]) throw refuse('INVALID_ARGUMENT', `channel ${c.id}: the state does not conserve the channel total`);
  if (next[c.self] < prev[c.self]) throw refuse('FORBIDDEN', `channel ${c.id}: the state lowers this party's balance without its request`);
  if (closing && (next[0] !== prev[0] || next[1] !== prev[1])) throw refuse('FAILED_PRECONDITION', 'a closing state must keep the agreed balances');
}

/**
 * Several payments of one payer, in order, netted into the one next state (version + 1) that pays
 * them all: each amount (minor units) the payer's running balance covers is included, each other
 * is refused INSUFFICIENT_FUNDS (and moves nothing). `state` is undefined when none is included.
 * One payment alone is the same rule with one amount. The other party countersigns the netted
 * state as any payment state ({@link checkNextState}): it only raises its balance.
 */
export function nettedPaymentState(c: { id: string; self: 0 | 1; latest: StateJson }, payments: readonly bigint[]): { state?: StateJson; refusals: (ChannelRefusal | undefined)[] } {
  const balances = c.latest.balances.map(BigInt) as [bigint, bigint];
  let included = 0;
  const refusals = payments.map((amount) => {
    if (balances[c.self] < amount) return refuse('INSUFFICIENT_FUNDS', `channel ${c.id} holds ${balances[c.self]} for the payer, ${amount} needed`);
    balances[c.self] -= amount;
    balances[1 - c.self] += amount;
    included += 1;
    return undefined;
  });
  const state = included > 0 ? { version: c.latest.version + 1, balances: balances.map(String) as [string, string], final: false, ...htlcsMember(htlcsIn(c.latest)) } : undefined;
  return { state, refusals };
}

/** The cooperative close of `c`: the agreed balances, final, version + 1 (FAILED_PRECONDITION while HTLCs are in flight). */
export function closingState(c: { id: string; latest: StateJson }): StateJson {
  checkNoHtlcs(c.id, c.latest, 'close it');
  return { version: c.latest.version + 1, balances: c.latest.balances, final: true };
}

/** A state the other side holds replaces ours (recovery) only if it conserves the channel: FAILED_PRECONDITION otherwise. */
export function checkSyncedState(id: string, ours: StateJson, theirs: StateJson): void {
  if (channelTotal(theirs) !== channelTotal(ours)) throw refuse('FAILED_PRECONDITION', `channel ${id}: the other side's state does not conserve the channel`);
}

/** Two signatures in the order of the channel's parties, given which party `self` is. */
export const inPartyOrder = (self: 0 | 1, mine: string, theirs: string): [string, string] => (self === 0 ? [mine, theirs] : [theirs, mine]);
