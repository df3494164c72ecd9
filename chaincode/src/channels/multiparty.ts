import { decoderOf } from '../shared/validate';
import { Multiparty, MultipartyRecord, MultipartyStatus, MultipartyView } from './schema';
import { failedPrecondition, forbidden, invalidArgument } from '../shared/errors';
import { parseId, rejectUnknownFields } from '../shared/args';
import { Signature, checkBalances, parseBalances, parseFinal, parseSignatureMap, parseVersion } from './signed';
import type { Channel } from './channel';
import type { MpcChannelState, MpcState } from './state';

/**
 * The multiparty payment channel of "Research on Multiparty Payment Technology Based on
 * Blockchain and Smart Contract Mechanism" (J. Math. 2022, section 3.3: createMPC, updateMPC,
 * closeMPC): several two-party channels bound together (each marked busy) so that a multiparty
 * transaction, e.g. mptx = {(P1,P3,1), (P2,P3,1), (P4,P3,1)}, moves every member channel to its
 * new state or none. Every party signs `mpcStateBytes` (state.ts) of each multiparty state.
 *
 * The paper deletes a closed instance; Covenant keeps it with status CLOSED so its id (and so
 * every state signed for it) can never be used again, and its history stays readable.
 *
 * Pure: the contract loads the member channels and certificates, verifies signatures and writes.
 */
export type { Multiparty, MultipartyStatus, MultipartyView };

export interface OpenMultipartyRequest {
  id: string;
  parties: string[];
  channels: string[];
  signatures: (Signature | undefined)[];
}

/** A multiparty state argument: `{mpc?, version, channels: [{channel, version, balances}], final}`. */
export interface MultipartyStateArg {
  version: number;
  channels: MpcChannelState[];
  final: boolean;
}

export const MAX_MULTIPARTY_PARTIES = 50;
export const MAX_MULTIPARTY_CHANNELS = 100;
const WHAT = 'multiparty channel';

const byId = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/** Validates an openMultiparty request body; INVALID_ARGUMENT for anything malformed. */
export function parseOpenMultipartyRequest(body: Record<string, unknown>): OpenMultipartyRequest {
  rejectUnknownFields(body, ['id', 'parties', 'channels', 'signatures'], 'request');
  const id = parseId(body.id, 'id');
  const parties = body.parties;
  if (
    !Array.isArray(parties) ||
    parties.length < 2 ||
    parties.length > MAX_MULTIPARTY_PARTIES ||
    parties.some((p) => typeof p !== 'string' || p.length === 0)
  ) {
    throw invalidArgument(`parties must list 2 to ${MAX_MULTIPARTY_PARTIES} account ids`);
  }
  if (new Set(parties).size !== parties.length) throw invalidArgument('a party is listed twice');
  const channels = body.channels;
  if (!Array.isArray(channels) || channels.length < 2 || channels.length > MAX_MULTIPARTY_CHANNELS) {
    throw invalidArgument(`channels must list 2 to ${MAX_MULTIPARTY_CHANNELS} channel ids`);
  }
  const ids = channels.map((c, i) => parseId(c, `channels[${i}]`));
  if (new Set(ids).size !== ids.length) throw invalidArgument('a channel is listed twice');
  return { id, parties: parties as string[], channels: [...ids].sort(byId), signatures: parseSignatureMap(body.signatures, parties as string[], 'signatures') };
}

/**
 * Validates a multiparty state argument of multiparty channel `m` (`mpc`, when given, must be its
 * id): its channels must be exactly the member channels, each once. Returns them sorted by id.
 */
export function parseMultipartyStateArg(body: Record<string, unknown>, m: Multiparty): MultipartyStateArg {
  rejectUnknownFields(body, ['mpc', 'version', 'channels', 'final'], 'state');
  if (body.mpc !== undefined && body.mpc !== m.id) throw invalidArgument(`state.mpc must be ${m.id}`);
  const version = parseVersion(body.version, 'state.version');
  const final = parseFinal(body.final, 'state.final');
  if (!Array.isArray(body.channels)) throw invalidArgument('state.channels must list the member channels\' states');
  const channels = body.channels.map((raw, i): MpcChannelState => {
    const field = `state.channels[${i}]`;
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalidArgument(`${field} must be an object`);
    const c = raw as Record<string, unknown>;
    rejectUnknownFields(c, ['channel', 'version', 'balances'], field);
    if (typeof c.channel !== 'string' || c.channel.length === 0) throw invalidArgument(`${field}.channel must be a channel id`);
    return { channel: c.channel, version: parseVersion(c.version, `${field}.version`), balances: parseBalances(c.balances, `${field}.balances`) };
  });
  const listed = channels.map((c) => c.channel).sort(byId);
  if (listed.length !== m.channels.length || listed.some((c, i) => c !== m.channels[i])) {
    throw invalidArgument(`state.channels must list exactly the member channels of ${m.id}, each once: ${m.channels.join(', ')}`);
  }
  return { version, final, channels: channels.sort((a, b) => byId(a.channel, b.channel)) };
}

/** The member channels' current states, as the parties sign them. */
export function memberStates(channels: Channel[]): MpcChannelState[] {
  return [...channels].sort((a, b) => byId(a.id, b.id)).map((c) => ({ channel: c.id, version: c.version, balances: c.balances }));
}

export function mpcState(m: Pick<Multiparty, 'id'>, version: number, channels: MpcChannelState[], final: boolean): MpcState {
  return { mpc: m.id, version, channels, final };
}

/**
 * createMPC: every member channel OPEN, idle and without pending HTLCs in its stored state (a
 * multiparty state carries balances only, MpcChannelState), both of its parties among `parties`,
 * every party in some channel (else FAILED_PRECONDITION / INVALID_ARGUMENT). Returns the new
 * multiparty channel and the members marked busy. The parties' organisations are those of the
 * member channels (every party is in one).
 */
export function openMultiparty(r: OpenMultipartyRequest, channels: Channel[], now: string): { multiparty: Multiparty; members: Channel[] } {
  const covered = new Set<string>();
  const organizations: string[] = [];
  for (const c of channels) {
    if (c.status !== 'OPEN') throw failedPrecondition(`channel ${c.id} is ${c.status}, not OPEN`);
    if (c.busy !== null) throw failedPrecondition(`channel ${c.id} is already busy in multiparty channel ${c.busy}`);
    if (c.htlcs && c.htlcs.length > 0) {
      throw failedPrecondition(`channel ${c.id} has pending HTLCs on the ledger: settle them (checkpoint a state without them) before binding it`);
    }
    for (const p of c.parties) {
      if (!r.parties.includes(p)) throw invalidArgument(`party ${p} of channel ${c.id} is not among the parties`);
      covered.add(p);
    }
    organizations.push(...c.organizations);
  }
  const idle = r.parties.filter((p) => !covered.has(p));
  if (idle.length > 0) throw invalidArgument(`parties without a member channel: ${idle.join(', ')}`);
  const multiparty: Multiparty = {
    id: r.id,
    parties: r.parties,
    channels: r.channels,
    organizations: [...new Set(organizations)].sort(),
    version: 0,
    status: 'OPEN',
    createdAt: now,
    updatedAt: now,
  };
  return { multiparty, members: channels.map((c) => ({ ...c, busy: r.id, updatedAt: now })) };
}

export function isMultipartyParty(m: Multiparty, account: string): boolean {
  return m.parties.includes(account);
}

export function requireMultipartyParty(m: Multiparty, account: string, action: string): void {
  if (!isMultipartyParty(m, account)) throw forbidden(`only a party to multiparty channel ${m.id} may ${action}`);
}

export function requireOpen(m: Multiparty): void {
  if (m.status !== 'OPEN') throw failedPrecondition(`multiparty channel ${m.id} is ${m.status}`);
}

/** `members` in the order of `s.channels` (both sorted by id), each checked to be bound to `m`. */
export function bound(m: Multiparty, members: Channel[]): Channel[] {
  const sorted = [...members].sort((a, b) => byId(a.id, b.id));
  for (const c of sorted) {
    if (c.busy !== m.id || c.status !== 'OPEN') throw new Error(`invariant: channel ${c.id} is not bound to multiparty channel ${m.id}`);
  }
  return sorted;
}

/**
 * updateMPC: a non-final state with a multiparty version above the stored one, every member
 * channel at a version above its stored one with balances conserving its total. Every check runs
 * before anything is written; the contract then writes every member (all or nothing).
 */
export function updateMultiparty(m: Multiparty, s: MultipartyStateArg, members: Channel[], now: string): { multiparty: Multiparty; members: Channel[] } {
  if (s.final) throw invalidArgument('a final multiparty state closes it: use closeMultiparty');
  requireOpen(m);
  if (s.version <= m.version) {
    throw failedPrecondition(`replayed or old state: version ${s.version} of multiparty channel ${m.id} is not greater than the stored version ${m.version}`);
  }
  const channels = bound(m, members);
  const next = channels.map((c, i) => {
    const cs = s.channels[i];
    if (cs.version <= c.version) {
      throw failedPrecondition(`replayed or old state: version ${cs.version} of channel ${c.id} is not greater than the stored version ${c.version}`);
    }
    checkBalances(c.id, c.total, cs.balances);
    return { ...c, version: cs.version, balances: cs.balances, updatedAt: now };
  });
  return { multiparty: { ...m, version: s.version, updatedAt: now }, members: next };
}

/**
 * The multiparty state a new one must not be older than: the registered one while CLOSING, else
 * the recorded one (the opening, or the last state put on the ledger) with the members' states.
 */
export function multipartyReference(m: Multiparty, members: Channel[]): { version: number; states: MpcChannelState[]; what: string } {
  return m.status === 'CLOSING' && m.closing
    ? { version: m.closing.version, states: m.closing.states, what: 'registered' }
    : { version: m.version, states: memberStates(members), what: 'stored' };
}

/**
 * An all-signed multiparty state at least as new as `ref` (strictly newer with `strict`): at the
 * reference version every member state must be the reference one; above it, each member may carry
 * a newer version conserving its total or stay as in the reference (FAILED_PRECONDITION for an
 * older or conflicting state, INVALID_ARGUMENT / INSUFFICIENT_FUNDS for balances). Returns the
 * members in the order of `s.channels`.
 */
export function checkNotOlder(m: Multiparty, s: MultipartyStateArg, members: Channel[], ref: ReturnType<typeof multipartyReference>, strict = false): Channel[] {
  if (s.version < ref.version || (strict && s.version === ref.version)) {
    throw failedPrecondition(`replayed or old state: version ${s.version} of multiparty channel ${m.id} is ${strict ? 'not newer than' : 'older than'} the ${ref.what} version ${ref.version}`);
  }
  const channels = bound(m, members);
  channels.forEach((c, i) => {
    const cs = s.channels[i];
    const r = ref.states[i];
    const same = cs.version === r.version && cs.balances[0] === r.balances[0] && cs.balances[1] === r.balances[1];
    if (s.version === ref.version && !same) {
      throw failedPrecondition(`multiparty state version ${s.version} of ${m.id} is the ${ref.what} version but channel ${c.id} differs from its ${ref.what} state`);
    }
    if (cs.version < r.version) {
      throw failedPrecondition(`replayed or old state: version ${cs.version} of channel ${c.id} is older than the ${ref.what} version ${r.version}`);
    }
    if (cs.version === r.version && !same) {
      throw failedPrecondition(`state version ${cs.version} of channel ${c.id} conflicts with the ${ref.what} state of the same version`);
    }
    checkBalances(c.id, c.total, cs.balances);
  });
  return channels;
}

/**
 * closeMPC: a final state all parties signed, with a version at least the stored one (the
 * off-chain multiparty states in between never reach the ledger), or the registered one while a
 * unilateral close is CLOSING. At that version every member state must be the reference one;
 * above it, each member may carry a newer version or stay as it is. Every member takes the
 * state's balances and version and is released (busy = null), OPEN as an ordinary two-party
 * channel.
 */
export function closeMultiparty(m: Multiparty, s: MultipartyStateArg, members: Channel[], now: string): { multiparty: Multiparty; members: Channel[] } {
  if (!s.final) throw invalidArgument('closing a multiparty channel needs a state with final: true');
  if (m.status === 'CLOSED') throw failedPrecondition(`multiparty channel ${m.id} is CLOSED`);
  const channels = checkNotOlder(m, s, members, multipartyReference(m, members));
  const next = channels.map((c, i) => ({ ...c, version: s.channels[i].version, balances: s.channels[i].balances, busy: null, updatedAt: now }));
  return { multiparty: { ...m, version: s.version, status: 'CLOSED', updatedAt: now, closedAt: now }, members: next };
}

// ---------------------------------------------------------------- records and views

/** Decodes a stored multiparty channel; a corrupt one is a plain Error. */
export const decodeMultiparty = decoderOf(MultipartyRecord, WHAT);

/**
 * The multiparty channel as shown to callers: `{id, parties, channels, version, status, states,
 * createdAt, updatedAt, closedAt?, exitedBy?, closing?}`; `states` are the member channels' current
 * `{channel, version, balances}` (what the parties sign the next multiparty state over).
 */
export function viewMultiparty(m: Multiparty, members: Channel[]): MultipartyView {
  return {
    id: m.id,
    parties: m.parties,
    channels: m.channels,
    version: m.version,
    status: m.status,
    states: memberStates(members).map((s) => ({ ...s, balances: [s.balances[0].toString(), s.balances[1].toString()] })),
    createdAt: m.createdAt,
    updatedAt: m.updatedAt,
    closedAt: m.closedAt,
    exitedBy: m.exitedBy,
    closing: m.closing && { ...m.closing, states: m.closing.states.map((c) => ({ ...c, balances: [c.balances[0].toString(), c.balances[1].toString()] as [string, string] })) },
  };
}
