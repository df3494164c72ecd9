import { MAX_AMOUNT } from '@covenant/chaincode';
import { HttpProblem, problem } from '../http/problem';

/**
 * What a gateway countersigns for its user, in one place (DESIGN.md, "Consent, exactly-once,
 * visibility": money leaves a party only by that party's own act; a gateway never consents for a
 * user by default). The off-chain protocols of service.ts (tpc-*) and multiparty.ts (mpc-*)
 * gather the facts (the ledger's channel states, the agreed off-chain states, the user's recorded
 * consents) and ask these pure functions; a refusal is an HttpProblem with a stable code:
 *
 * - two-party opening (J. Math. 2022, section 3.1, createTPC): signed at once only when it takes
 *   nothing from the user (its deposit is "0"); an opening that takes a deposit is signed only as
 *   the exact proposal the user accepted at its own gateway, while that proposal is open and
 *   unexpired ({@link checkOpeningAtOnce}, {@link checkProposalAcceptable});
 * - two-party update or close (updateTPC, closeTPC): the next version, conserving the channel,
 *   never lowering the user's balance (a close keeps the agreed balances) ({@link checkNextState});
 * - multiparty (section 3.3, createMPC / updateMPC / closeMPC): binding the user's channels needs
 *   the user's consent (its own request, an explicit consent to exactly these parties and channels,
 *   or its standing forwarding permission on each of its channels); the opening and the close are
 *   the states on the ledger; an update never lowers the user's balance over its member channels
 *   beyond what the user authorized, and a channel bound by forwarding permission moves by no more
 *   than its cap ({@link decideMultipartySignature}).
 *
 * Amounts are minor units as decimal strings (bigint inside); times are epoch milliseconds.
 */

export interface StateJson {
  version: number;
  /** Minor units, decimal strings, in the order of the channel's parties. */
  balances: [string, string];
  final: boolean;
}

type Code = 'INVALID_ARGUMENT' | 'FORBIDDEN' | 'FAILED_PRECONDITION' | 'NOT_FOUND';
const STATUS: Record<Code, number> = { INVALID_ARGUMENT: 400, FORBIDDEN: 403, FAILED_PRECONDITION: 409, NOT_FOUND: 404 };
const refuse = (code: Code, detail: string) => new HttpProblem(problem(STATUS[code], code, detail));

const AMOUNT = new RegExp(`^(0|[1-9][0-9]{0,${MAX_AMOUNT.toString().length - 1}})$`);
/** Decimal strings to bigints; INVALID_ARGUMENT for anything else (a negative, a float, junk). */
function amounts(balances: readonly string[], what: string): bigint[] {
  if (balances.some((b) => typeof b !== 'string' || !AMOUNT.test(b))) throw refuse('INVALID_ARGUMENT', `${what}: balances must be non-negative decimal strings`);
  return balances.map(BigInt);
}

// ------------------------------------------------------------------ two-party channels

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
  if (next[0] + next[1] !== prev[0] + prev[1]) throw refuse('INVALID_ARGUMENT', `channel ${c.id}: the state does not conserve the channel total`);
  if (next[c.self] < prev[c.self]) throw refuse('FORBIDDEN', `channel ${c.id}: the state lowers this party's balance without its request`);
  if (closing && (next[0] !== prev[0] || next[1] !== prev[1])) throw refuse('FAILED_PRECONDITION', 'a closing state must keep the agreed balances');
}

// ------------------------------------------------------------------ multiparty channels

/** Longest and default life of a consent to a multiparty binding, in seconds. */
export const MAX_CONSENT_SECONDS = 7 * 24 * 3600;
export const DEFAULT_CONSENT_SECONDS = 3600;

export interface MpcStateJson {
  version: number;
  channels: { channel: string; version: number; balances: [string, string] }[];
  final: boolean;
}

/** One of the user's member channels as the ledger holds it. */
export interface LedgerChannel {
  id: string;
  parties: [string, string];
  version: number;
  balances: [string, string];
}

/** A user's consent, given at its own gateway, to binding its channels into one multiparty channel. */
export interface BindingConsent {
  parties: string[];
  channels: string[];
  expiresAt: string;
}

/** A user's standing permission to route others' payments through one of its channels. */
export interface ForwardingPermission {
  /** Most a routed payment may move through the channel, either way, minor units; none: unlimited. */
  cap?: string;
}

/** Why a gateway bound its user's channels: recorded at the opening, it governs the updates. */
export type BindingBasis = 'request' | 'consent' | 'forwarding';

export interface MultipartySigning {
  /** The user. */
  self: string;
  mpc: string;
  /** The multiparty channel's parties and member channels, as the message names them. */
  members: { parties: string[]; channels: string[] };
  state: MpcStateJson;
  /** The user's member channels (those the user is a party to), as the ledger holds them. */
  own: LedgerChannel[];
  /** The latest agreed off-chain version of each of `own`, when this gateway holds one. */
  agreedVersions: Record<string, number | undefined>;
  /** True when the user itself coordinates (its own request to its own gateway). */
  requestedBySelf: boolean;
  /** Opening only: the user's recorded consent for this multiparty channel, if any. */
  consent?: BindingConsent;
  /** The user's forwarding permissions on its member channels, by channel (opening, and updates of a binding by forwarding). */
  forwarding: Record<string, ForwardingPermission | undefined>;
  /** Updates: how the user's channels were bound (unknown: treated as by consent). */
  basis?: BindingBasis;
  /** Updates: what the user authorized this gateway to let the next update take (minor units). */
  authorized: bigint;
  /** Epoch milliseconds. */
  now: number;
}

export interface MultipartyDecision {
  /** Opening: why the user's channels may be bound. */
  basis?: BindingBasis;
  /** True when the update uses up the user's authorization. */
  consumesAuthorization: boolean;
}

const sameSet = (a: readonly string[], b: readonly string[]) => a.length === b.length && [...a].sort().join('\n') === [...b].sort().join('\n');

/**
 * Whether a gateway signs a multiparty state (mpc-sign) for its user `self`:
 * - the user must be in some member channel (NOT_FOUND); each of its member channels must keep its
 *   total (INVALID_ARGUMENT);
 * - opening (version 0) and close (final): each of the user's member channels exactly as on the
 *   ledger (FAILED_PRECONDITION); at the opening, no newer two-party state agreed off-chain
 *   (FAILED_PRECONDITION: checkpoint it first, else it could later undo multiparty payments);
 * - opening: the user consented to the binding: it coordinates (`requestedBySelf`), or it
 *   consented at its own gateway to exactly these parties and channels and the consent has not
 *   expired, or it allows forwarding on every one of its member channels; else FORBIDDEN naming
 *   the user;
 * - update: the user's balance summed over its member channels does not fall unless it
 *   coordinates, or falls by no more than it authorized (FORBIDDEN); bound by forwarding
 *   permission, that permission still stands and each of its channels moves by no more than its
 *   cap (FORBIDDEN).
 */
export function decideMultipartySignature(s: MultipartySigning): MultipartyDecision {
  const { self, mpc, state } = s;
  if (s.own.length === 0) throw refuse('NOT_FOUND', `no member channel of ${mpc} belongs to ${self}`);
  const opening = state.version === 0 && !state.final;
  let before = 0n;
  let after = 0n;
  const moved: Record<string, bigint> = {};
  for (const c of s.own) {
    const proposed = state.channels.find((x) => x.channel === c.id);
    if (!proposed) throw refuse('INVALID_ARGUMENT', `the multiparty state of ${mpc} does not list channel ${c.id}`);
    const next = amounts(proposed.balances, `channel ${c.id}`);
    const now = c.balances.map(BigInt);
    if (next[0] + next[1] !== now[0] + now[1]) throw refuse('INVALID_ARGUMENT', `channel ${c.id}: the multiparty state does not conserve it`);
    const i = c.parties.indexOf(self);
    before += now[i];
    after += next[i];
    moved[c.id] = next[i] > now[i] ? next[i] - now[i] : now[i] - next[i];
    if (state.version === 0 || state.final) {
      if (proposed.version !== c.version || proposed.balances.join() !== c.balances.join()) {
        throw refuse('FAILED_PRECONDITION', `channel ${c.id}: the state is not the one on the ledger`);
      }
      const agreed = s.agreedVersions[c.id];
      if (opening && agreed !== undefined && agreed > c.version) {
        throw refuse('FAILED_PRECONDITION', `channel ${c.id}: version ${agreed} agreed off-chain is not on the ledger: checkpoint it first`);
      }
    }
  }
  if (opening) return { basis: bindingBasis(s), consumesAuthorization: false };
  if (!s.requestedBySelf && s.basis === 'forwarding') {
    for (const c of s.own) {
      const permission = s.forwarding[c.id];
      if (!permission) throw refuse('FORBIDDEN', `channel ${c.id}: ${self} no longer allows forwarding through it`);
      const cap = permission.cap;
      if (cap !== undefined && moved[c.id] > BigInt(cap)) {
        throw refuse('FORBIDDEN', `channel ${c.id}: the update moves ${moved[c.id]} through it, above the forwarding cap ${cap} ${self} set`);
      }
    }
  }
  if (after < before && !s.requestedBySelf) {
    if (before - after > s.authorized) throw refuse('FORBIDDEN', `the update takes ${before - after} from ${self}, who authorized ${s.authorized}`);
    return { consumesAuthorization: true };
  }
  return { consumesAuthorization: false };
}

/** Why `self`'s channels may be bound into the multiparty channel, or FORBIDDEN naming `self`. */
function bindingBasis(s: MultipartySigning): BindingBasis {
  if (s.requestedBySelf) return 'request';
  const c = s.consent;
  // The channels are those of the signed state (the ledger binds exactly those); the parties are
  // then fixed too: the ledger requires them to be exactly the member channels' parties.
  const channels = s.state.channels.map((x) => x.channel);
  if (c && sameSet(c.parties, s.members.parties) && sameSet(c.channels, channels) && s.now < Date.parse(c.expiresAt)) return 'consent';
  if (s.own.every((ch) => s.forwarding[ch.id] !== undefined)) return 'forwarding';
  const why = !c
    ? 'has not consented'
    : s.now >= Date.parse(c.expiresAt)
      ? `consented until ${c.expiresAt} only`
      : 'consented to other parties or channels';
  throw refuse(
    'FORBIDDEN',
    `${s.self} ${why} to binding its channel(s) ${s.own.map((ch) => ch.id).join(', ')} into multiparty channel ${s.mpc}: it consents at its own gateway (POST /v1/multiparty/${s.mpc}/consent) or allows forwarding on each channel`,
  );
}
