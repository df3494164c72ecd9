import { failedPrecondition } from '../shared/errors';
import { at } from '../shared/time';
import type { Channel } from './channel';
import { Multiparty, MultipartyStateArg, bound, checkNotOlder, memberStates, multipartyReference, requireMultipartyParty, requireOpen } from './multiparty';
import type { MultipartyClosing } from './schema';

/**
 * Unilateral close of a multiparty channel, mirroring the two-party one (channel.ts startClosing,
 * challengeClosing, settleChannel; Lightning and Perun disputes), which the paper (J. Math. 2022,
 * section 3.3) leaves out: multiparty states are exchanged off-chain, so a party whose co-parties
 * stop answering needs a way to put the newest state every party signed on the ledger.
 *
 *   register  OPEN -> CLOSING, the state recorded with deadline = tx time + challenge period
 *   challenge while CLOSING, before the deadline: a strictly newer all-signed state replaces it
 *   settle    after the deadline, anyone: every member channel takes the registered balances and
 *             version and is released (busy = null, OPEN); the multiparty channel is CLOSED
 *
 * exitMultiparty (after the multiparty timeout) starts the same challenge period with the state
 * recorded on the ledger, so a party holding a newer off-chain state can still answer with it.
 * A cooperative close (closeMultiparty) may end a CLOSING channel with a final state not older
 * than the registered one. Pure: the contract verifies signatures and writes.
 */

type Next = { multiparty: Multiparty; members: Channel[] };

/** What registering `s` does: the next values, whether `s` is the recorded state, and the event to emit. */
export interface Registered {
  next: Next;
  /** True when `s` is exactly the state recorded on the ledger, which every party signed already. */
  isStored: boolean;
  event: 'MultipartyCloseStarted' | 'MultipartyChallenged';
}

/** The closing record of `s`, registered by `by`. */
function closingOf(s: Pick<MultipartyStateArg, 'version' | 'channels'>, deadline: string, by: string): MultipartyClosing {
  return { version: s.version, states: s.channels.map((c) => ({ channel: c.channel, version: c.version, balances: c.balances })), deadline, registeredBy: by };
}

/**
 * registerMultipartyState: a party (FORBIDDEN otherwise) registers an all-signed multiparty state
 * (final or not). OPEN: the state must be at least as new as the recorded one (checkNotOlder) and
 * the channel becomes CLOSING until `deadline`. CLOSING: before the deadline, a strictly newer
 * state replaces the registered one (the deadline stays); after it, FAILED_PRECONDITION (settle).
 * CLOSED: FAILED_PRECONDITION. The member channels stay bound until settlement.
 */
export function registerMultipartyState(m: Multiparty, s: MultipartyStateArg, members: Channel[], by: string, deadline: string, now: string): Registered {
  requireMultipartyParty(m, by, 'register a state of it');
  if (m.status === 'CLOSING' && m.closing) {
    if (at(now) >= at(m.closing.deadline)) {
      throw failedPrecondition(`the challenge period of multiparty channel ${m.id} ended at ${m.closing.deadline}: settle it`);
    }
    checkNotOlder(m, s, members, multipartyReference(m, members), true);
    const closing = closingOf(s, m.closing.deadline, by);
    return { next: { multiparty: { ...m, closing, updatedAt: now }, members }, isStored: false, event: 'MultipartyChallenged' };
  }
  requireOpen(m);
  checkNotOlder(m, s, members, multipartyReference(m, members));
  const closing = closingOf(s, deadline, by);
  return { next: { multiparty: { ...m, status: 'CLOSING', closing, updatedAt: now }, members }, isStored: s.version === m.version, event: 'MultipartyCloseStarted' };
}

/**
 * settleMultiparty: once the deadline has passed, anyone settles: every member channel takes its
 * registered version and balances and is released (busy = null, OPEN), the multiparty channel is
 * CLOSED at the registered version. FAILED_PRECONDITION when not CLOSING or before the deadline.
 */
export function settleMultiparty(m: Multiparty, members: Channel[], now: string): Next {
  if (m.status !== 'CLOSING' || !m.closing) throw failedPrecondition(`multiparty channel ${m.id} is ${m.status}, not CLOSING: nothing to settle`);
  const closing = m.closing;
  if (at(now) < at(closing.deadline)) throw failedPrecondition(`multiparty channel ${m.id} is in its challenge period until ${closing.deadline}`);
  const released = bound(m, members).map((c, i) => {
    const r = closing.states[i];
    if (r.channel !== c.id) throw new Error(`invariant: registered states of ${m.id} do not follow its member channels`);
    return { ...c, version: r.version, balances: r.balances, busy: null, updatedAt: now };
  });
  return { multiparty: { ...m, version: closing.version, status: 'CLOSED', updatedAt: now, closedAt: now }, members: released };
}

/**
 * The way out of a multiparty channel whose other parties stop answering (Covenant beyond the
 * paper; DESIGN.md: every locked state has a documented way out): once `timeoutSeconds` (the
 * `multipartyTimeoutSeconds` setting) have passed since the opening or the last on-ledger change,
 * any one party starts a unilateral close with the recorded on-ledger state (which every party
 * signed): the channel becomes CLOSING until `deadline` with `exitedBy`, any party holding a newer
 * all-signed off-chain state registers it (registerMultipartyState), and anyone settles after the
 * deadline. Releasing at once at the recorded state would undo the off-chain payments since.
 * Before the timeout: FAILED_PRECONDITION; a non-party: FORBIDDEN; not OPEN: FAILED_PRECONDITION.
 */
export function exitMultiparty(m: Multiparty, members: Channel[], by: string, timeoutSeconds: number, deadline: string, now: string): Next {
  requireMultipartyParty(m, by, 'exit it');
  requireOpen(m);
  const from = new Date(Date.parse(m.updatedAt) + timeoutSeconds * 1000).toISOString();
  if (Date.parse(now) < Date.parse(from)) {
    throw failedPrecondition(`multiparty channel ${m.id} was last updated at ${m.updatedAt}: a party may exit it alone from ${from} (timeout ${timeoutSeconds} s)`);
  }
  const closing = closingOf({ version: m.version, channels: memberStates(bound(m, members)) }, deadline, by);
  return { multiparty: { ...m, status: 'CLOSING', closing, updatedAt: now, exitedBy: by }, members };
}
