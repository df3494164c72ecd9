import { literalsOf } from '../shared/schema';
import { decoderOf } from '../shared/validate';
import { Channel, ChannelRecord, ChannelStatus, ChannelView, Closing } from './schema';
import { failedPrecondition, forbidden, invalidArgument } from '../shared/errors';
import { parseAmount } from '../shared/amount';
import { at } from '../shared/time';
import { parseId, rejectUnknownFields } from '../shared/args';
import { Signature, parseBalances, parseFinal, parsePairSignatures, parseVersion } from './signed';
import { checkConservation, htlcsField, parseHtlcs, resolveHtlcs, sameHtlcs } from './htlc';
import type { Htlc, TpcState } from './state';

/**
 * The two-party payment channel of "Research on Multiparty Payment Technology Based on Blockchain
 * and Smart Contract Mechanism" (J. Math. 2022, section 3.1: createTPC, updateTPC, closeTPC) with
 * the unilateral close that Lightning and Perun users expect (register, challenge, settle).
 *
 * t = {id, parties [P1, P2], deposits b1⁰ b2⁰, balances b1 b2, version, busy, status}. The channel
 * holds `total` = b1⁰ + b2⁰ while OPEN or CLOSING; every accepted state conserves it (its balances
 * plus its pending HTLCs, htlc.ts, as Lightning's BOLT 2/3). A state is agreed when both parties
 * signed `tpcStateBytes` (state.ts) of it.
 *
 * This module is pure: it checks the rules and computes the next channel value; the contract
 * verifies signatures, moves money between accounts and the channel, and writes.
 */
export type { Channel, ChannelStatus, ChannelView, Closing };
export const CHANNEL_STATUSES: readonly ChannelStatus[] = literalsOf(ChannelStatus);

export interface OpenRequest {
  id: string;
  parties: [string, string];
  deposits: [bigint, bigint];
  signatures: [Signature | undefined, Signature | undefined];
}

/** A state as a transaction argument carries it: `{channel?, version, balances, final, htlcs?}`. */
export interface StateArg {
  version: number;
  balances: [bigint, bigint];
  final: boolean;
  /** Pending HTLCs sorted by id; [] when none. */
  htlcs: Htlc[];
}

const WHAT = 'channel';

/** Validates an openChannel request body; INVALID_ARGUMENT for anything malformed. */
export function parseOpenRequest(body: Record<string, unknown>): OpenRequest {
  rejectUnknownFields(body, ['id', 'parties', 'deposits', 'signatures'], 'request');
  const id = parseId(body.id, 'id');
  const parties = body.parties;
  if (!Array.isArray(parties) || parties.length !== 2 || parties.some((p) => typeof p !== 'string' || p.length === 0)) {
    throw invalidArgument('parties must list the two parties\' account ids');
  }
  if (parties[0] === parties[1]) throw invalidArgument('a channel needs two distinct parties');
  const deposits = body.deposits;
  if (!Array.isArray(deposits) || deposits.length !== 2) throw invalidArgument('deposits must list the two parties\' deposits');
  const amounts = deposits.map((d, i) => parseAmount(d, `deposits[${i}]`, { positive: false })) as [bigint, bigint];
  if (amounts[0] + amounts[1] === 0n) throw invalidArgument('the deposits must sum to more than zero');
  return { id, parties: parties as [string, string], deposits: amounts, signatures: parsePairSignatures(body.signatures, 'signatures') };
}

/**
 * Validates a channel state argument `{channel?, version, balances, final, htlcs?}` of channel
 * `id` (`channel`, when given, must be `id`; `htlcs` as htlc.ts parseHtlcs). A final state
 * closes the channel and so may carry no HTLCs (BOLT 2: no closing_signed while HTLCs are
 * pending): INVALID_ARGUMENT.
 */
export function parseStateArg(body: Record<string, unknown>, id: string): StateArg {
  rejectUnknownFields(body, ['channel', 'version', 'balances', 'final', 'htlcs'], 'state');
  if (body.channel !== undefined && body.channel !== id) throw invalidArgument(`state.channel must be ${id}`);
  const s = {
    version: parseVersion(body.version, 'state.version'),
    balances: parseBalances(body.balances, 'state.balances'),
    final: parseFinal(body.final, 'state.final'),
    htlcs: parseHtlcs(body.htlcs, 'state.htlcs'),
  };
  if (s.final && s.htlcs.length > 0) throw invalidArgument('a final state must carry no HTLCs: settle them off-chain first');
  return s;
}

/** The signed form of a state of channel `c`. */
export function tpcState(c: Pick<Channel, 'id'>, s: StateArg): TpcState {
  return { channel: c.id, version: s.version, balances: s.balances, final: s.final, htlcs: s.htlcs };
}

/** The opening state both parties sign: version 0, balances = deposits, not final. */
export function openingState(r: Pick<OpenRequest, 'id' | 'deposits'>): TpcState {
  return { channel: r.id, version: 0, balances: r.deposits, final: false };
}

export function newChannel(r: OpenRequest, organizations: string[], now: string): Channel {
  return {
    id: r.id,
    parties: r.parties,
    organizations: [...new Set(organizations)].sort(),
    deposits: r.deposits,
    balances: r.deposits,
    version: 0,
    total: r.deposits[0] + r.deposits[1],
    status: 'OPEN',
    busy: null,
    createdAt: now,
    updatedAt: now,
  };
}

export function isChannelParty(c: Channel, account: string): boolean {
  return c.parties.includes(account);
}

export function requireParty(c: Channel, account: string, action: string): void {
  if (!isChannelParty(c, account)) throw forbidden(`only a party to channel ${c.id} may ${action}`);
}

/** FAILED_PRECONDITION unless the channel is OPEN and not bound to a multiparty channel. */
export function requireIdle(c: Channel, action: string): void {
  if (c.status !== 'OPEN') throw failedPrecondition(`channel ${c.id} is ${c.status}, not OPEN: cannot ${action}`);
  if (c.busy !== null) throw failedPrecondition(`channel ${c.id} is busy in multiparty channel ${c.busy}: cannot ${action}`);
}

const sameBalances = (a: [bigint, bigint], b: [bigint, bigint]) => a[0] === b[0] && a[1] === b[1];

/**
 * updateTPC (on-chain checkpoint): a non-final state with a version strictly greater than the
 * stored one (an older or equal version is a replayed or old state: FAILED_PRECONDITION),
 * conserving the total. The caller verifies both signatures before applying.
 */
export function checkpointChannel(c: Channel, s: StateArg, now: string): Channel {
  if (s.final) throw invalidArgument('a final state closes the channel: use closeChannel');
  requireIdle(c, 'checkpoint');
  if (s.version <= c.version) {
    throw failedPrecondition(`replayed or old state: version ${s.version} of channel ${c.id} is not greater than the stored version ${c.version}`);
  }
  checkConservation(c.id, c.total, s.balances, s.htlcs);
  return { ...c, version: s.version, balances: s.balances, htlcs: htlcsField(s.htlcs), updatedAt: now };
}

/**
 * The state a new state must not be older than: the registered one while CLOSING, else the stored one.
 */
function reference(c: Channel): { version: number; balances: [bigint, bigint]; htlcs: Htlc[]; what: string } {
  return c.status === 'CLOSING' && c.closing
    ? { version: c.closing.version, balances: c.closing.balances, htlcs: c.closing.htlcs ?? [], what: 'registered' }
    : { version: c.version, balances: c.balances, htlcs: c.htlcs ?? [], what: 'stored' };
}

/** A state not older than the reference; one of the same version must be the same state. */
function checkNotOlder(c: Channel, s: StateArg): void {
  const ref = reference(c);
  if (s.version < ref.version) {
    throw failedPrecondition(`replayed or old state: version ${s.version} of channel ${c.id} is older than the ${ref.what} version ${ref.version}`);
  }
  if (s.version === ref.version && !(sameBalances(s.balances, ref.balances) && sameHtlcs(s.htlcs, ref.htlcs))) {
    throw failedPrecondition(`state version ${s.version} of channel ${c.id} conflicts with the ${ref.what} state of the same version`);
  }
  checkConservation(c.id, c.total, s.balances, s.htlcs);
}

/**
 * closeTPC (cooperative): a final state (version at least the stored one, or the registered one
 * during a unilateral close; one of the same version must carry the same balances). The channel
 * becomes CLOSED with these balances; the contract pays them to the parties (L.add).
 */
export function closeChannelCooperatively(c: Channel, s: StateArg, now: string): Channel {
  if (!s.final) throw invalidArgument('a cooperative close needs a state with final: true');
  if (c.status === 'CLOSED') throw failedPrecondition(`channel ${c.id} is already CLOSED`);
  if (c.busy !== null) throw failedPrecondition(`channel ${c.id} is busy in multiparty channel ${c.busy}: cannot close`);
  checkNotOlder(c, s);
  return { ...c, status: 'CLOSED', version: s.version, balances: s.balances, htlcs: undefined, updatedAt: now, closedAt: now };
}

/**
 * Unilateral close, step 1: a party registers a fully signed state (final or not) at least as new
 * as the stored one; the challenge period runs until `deadline`. Returns the next channel and
 * whether the state is exactly the stored one (which both parties already agreed on-chain, so it
 * needs no signatures).
 */
export function startClosing(c: Channel, s: StateArg, by: string, deadline: string, now: string): { next: Channel; isStored: boolean } {
  requireIdle(c, 'start a unilateral close');
  checkNotOlder(c, s);
  const closing: Closing = { version: s.version, balances: s.balances, htlcs: htlcsField(s.htlcs), deadline, registeredBy: by };
  return { next: { ...c, status: 'CLOSING', closing, updatedAt: now }, isStored: s.version === c.version };
}

/**
 * Unilateral close, step 2: before the deadline, anyone holding a fully signed state newer than
 * the registered one replaces it (the deadline stays).
 */
export function challengeClosing(c: Channel, s: StateArg, by: string, now: string): Channel {
  if (c.status !== 'CLOSING' || !c.closing) throw failedPrecondition(`channel ${c.id} is ${c.status}, not CLOSING: nothing to challenge`);
  if (at(now) >= at(c.closing.deadline)) {
    throw failedPrecondition(`the challenge period of channel ${c.id} ended at ${c.closing.deadline}: settle it`);
  }
  if (s.version <= c.closing.version) {
    throw failedPrecondition(`replayed or old state: version ${s.version} of channel ${c.id} is not newer than the registered version ${c.closing.version}`);
  }
  checkConservation(c.id, c.total, s.balances, s.htlcs);
  const closing: Closing = { ...c.closing, version: s.version, balances: s.balances, htlcs: htlcsField(s.htlcs), registeredBy: by };
  return { ...c, closing, updatedAt: now };
}

/**
 * Unilateral close, step 3: after the deadline, anyone settles with the registered state. Its
 * HTLCs resolve by htlc.ts resolveHtlcs, `revealedAt(hash)` being the preimage registry's verified
 * reveal time of `hash` (or undefined): FAILED_PRECONDITION, naming when it can settle, while one
 * is neither revealed nor expired. The settled balances make the channel total.
 */
export function settleChannel(c: Channel, revealedAt: (hash: string) => string | undefined, now: string): Channel {
  if (c.status !== 'CLOSING' || !c.closing) throw failedPrecondition(`channel ${c.id} is ${c.status}, not CLOSING: nothing to settle`);
  if (at(now) < at(c.closing.deadline)) {
    throw failedPrecondition(`channel ${c.id} is in its challenge period until ${c.closing.deadline}`);
  }
  const balances = resolveHtlcs(c.id, c.closing.balances, c.closing.htlcs ?? [], revealedAt, now);
  if (balances[0] + balances[1] !== c.total) throw new Error(`invariant: channel ${c.id} would settle to ${balances[0] + balances[1]}, not its total ${c.total}`);
  return { ...c, status: 'CLOSED', version: c.closing.version, balances, htlcs: undefined, updatedAt: now, closedAt: now };
}

// ---------------------------------------------------------------- records and views

/** Decodes a stored channel; a corrupt one is a plain Error. */
export const decodeChannel = decoderOf(ChannelRecord, WHAT);

const amounts = (p: [bigint, bigint]): [string, string] => [p[0].toString(), p[1].toString()];
const htlcViews = (htlcs: Htlc[] | undefined) => htlcs?.map((h) => ({ ...h, amount: h.amount.toString() }));

/**
 * The channel as shown to callers: `{id, parties, deposits, balances, version, htlcs?, total,
 * status, busy, closing?, createdAt, updatedAt, closedAt?}`, amounts as decimal strings; `htlcs`
 * (and `closing.htlcs`) only when the stored (registered) state has pending HTLCs.
 */
export function viewChannel(c: Channel): ChannelView {
  return {
    id: c.id,
    parties: c.parties,
    deposits: amounts(c.deposits),
    balances: amounts(c.balances),
    version: c.version,
    htlcs: htlcViews(c.htlcs),
    total: c.total.toString(),
    status: c.status,
    busy: c.busy,
    closing: c.closing && { ...c.closing, balances: amounts(c.closing.balances), htlcs: htlcViews(c.closing.htlcs) },
    createdAt: c.createdAt,
    updatedAt: c.updatedAt,
    closedAt: c.closedAt,
  };
}
