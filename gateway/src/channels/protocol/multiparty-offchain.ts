import type { MpcStateJson } from './messages';
import { refuse } from './refusal';

/**
 * The off-chain multiparty states (J. Math. 2022, section 3.3 and Table 1: an mptx is an off-chain
 * update, 0 on-chain transactions): after the opening, every multiparty payment is a new state
 * (version + 1, every member channel's next version and balances) that every party signs and every
 * party's gateway stores before answering; nothing goes on the ledger until a close or a dispute.
 * The rules here are those a gateway keeps before it signs for its user, beside the user's consent
 * (multiparty.ts decideMultipartySignature):
 * - at most one state per version of a multiparty channel: once it signed a state of a version, a
 *   different state of the same or an older version is refused (FAILED_PRECONDITION, HTTP 409);
 *   the same state is signed again (a retried request);
 * - an update only over the latest state every party signed that it holds (or, before any, the one
 *   recorded on the ledger): a version above it, the same member channels, each member at a
 *   version above its version there;
 * - the final state (cooperative close) is that latest state itself with `final: true` (it
 *   repeats an agreed state, so the one-per-version rule does not hold it back); once it signed a
 *   final state, it signs no further update (that close could otherwise undo it). The latest state
 *   is the newest the gateway holds after storing the one the coordinator shows (mpc-sign
 *   `previous`): a close never undoes an update some party's gateway holds, and one that missed
 *   an update's mpc-commit learns it from the close proposal instead of refusing it.
 * Pure; amounts are minor units as decimal strings.
 */

const HOLDS = 'this gateway holds the all-signed version';
const CONFLICT = 'this gateway already signed another state of version';
const CONFLICT_END = 'and signs at most one state per version';
const CONFLICT_PATTERN = new RegExp(`${CONFLICT} (\\d+) ${CONFLICT_END}`);

/**
 * The version a party's gateway says it signed another state of, read from its refusal's detail
 * (a ChannelRefusal's, or a peer's problem relayed as a PeerFailure): a coordinator then proposes
 * its update above it. Undefined for any other error.
 */
export function conflictingVersion(err: unknown): number | undefined {
  const detail = (err as { detail?: unknown } | undefined)?.detail;
  const match = typeof detail === 'string' ? CONFLICT_PATTERN.exec(detail) : null;
  return match ? Number(match[1]) : undefined;
}

const sameChannels = (a: MpcStateJson, b: MpcStateJson): boolean =>
  a.channels.length === b.channels.length &&
  a.channels.every((c, i) => {
    const d = b.channels[i];
    return c.channel === d.channel && c.version === d.version && c.balances[0] === d.balances[0] && c.balances[1] === d.balances[1];
  });

/** True when `a` and `b` are the same state (channels in the same order, as gateways build them). */
export function sameMpcState(a: MpcStateJson, b: MpcStateJson): boolean {
  return a.version === b.version && a.final === b.final && sameChannels(a, b);
}

/** `s` with its member channels sorted by id (the order mpcStateBytes signs them in). */
export function sortedMpcState(s: MpcStateJson): MpcStateJson {
  return { ...s, channels: [...s.channels].sort((a, b) => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0)) };
}

/**
 * FAILED_PRECONDITION (INVALID_ARGUMENT for a wrong channel list) unless a gateway may sign
 * `state` of `mpc` over `base` (the latest all-signed state it holds, or the recorded one) having
 * signed `signed` last (see the module comment). A final state other than `base` is refused with
 * a detail naming the version it holds ("this gateway holds the all-signed version N").
 */
export function checkSignable(mpc: string, base: MpcStateJson, signed: MpcStateJson | undefined, state: MpcStateJson): void {
  const proposed = sortedMpcState(state);
  const held = sortedMpcState(base);
  if (proposed.channels.map((c) => c.channel).join('\n') !== held.channels.map((c) => c.channel).join('\n')) {
    throw refuse('INVALID_ARGUMENT', `the state must list exactly the member channels of ${mpc}`);
  }
  if (proposed.final) {
    if (proposed.version !== held.version || !sameChannels(proposed, held)) {
      throw refuse('FAILED_PRECONDITION', `the final state of ${mpc} (version ${proposed.version}) is not the latest state every party signed: ${HOLDS} ${held.version}`);
    }
    return;
  }
  if (signed && signed.version >= proposed.version && !sameMpcState(sortedMpcState(signed), proposed)) {
    throw refuse('FAILED_PRECONDITION', `version ${proposed.version} of multiparty channel ${mpc}: ${CONFLICT} ${signed.version} ${CONFLICT_END}`);
  }
  if (signed?.final) throw refuse('FAILED_PRECONDITION', `multiparty channel ${mpc} is being closed: this gateway signed its final state`);
  if (proposed.version <= held.version) {
    throw refuse('FAILED_PRECONDITION', `version ${proposed.version} of multiparty channel ${mpc} is not above the latest agreed version ${held.version}`);
  }
  proposed.channels.forEach((c, i) => {
    if (c.version <= held.channels[i].version) {
      throw refuse('FAILED_PRECONDITION', `channel ${c.channel}: version ${c.version} is not above its latest agreed version ${held.channels[i].version}`);
    }
  });
}

/**
 * The version of the next update a coordinator proposes: the latest agreed one + 1, unless it
 * signed another state of that version or a later one already (an update some party refused):
 * then above the last version it signed. `build` makes the update at a given version.
 * FAILED_PRECONDITION once it signed the final state.
 */
export function nextUpdate(base: MpcStateJson, signed: MpcStateJson | undefined, build: (version: number) => MpcStateJson): MpcStateJson {
  if (signed?.final) throw refuse('FAILED_PRECONDITION', 'the multiparty channel is being closed: its final state is signed');
  const state = sortedMpcState(build(base.version + 1));
  if (!signed || signed.version < state.version || sameMpcState(sortedMpcState(signed), state)) return state;
  return sortedMpcState(build(signed.version + 1));
}
