import { amounts } from './amounts';
import type { MpcStateJson } from './messages';
import { refuse } from './refusal';
import { ChannelGraph, DEFAULT_WEIGHT_PARAMS, type Hop, type WeightParams, routeByWeight } from '../routing';

/**
 * What a gateway signs for its user on a multiparty channel (J. Math. 2022, section 3.3: createMPC,
 * updateMPC, closeMPC; DESIGN.md, "Consent, exactly-once, visibility"): binding the user's
 * channels needs the user's consent (its own request, an explicit consent to exactly these parties
 * and channels, or its standing forwarding permission on each of its channels); the opening and
 * the close are the states on the ledger; an update never lowers the user's balance over its
 * member channels beyond what the user authorized, and a channel bound by forwarding permission
 * moves by no more than its cap ({@link decideMultipartySignature}). Also the coordinator's
 * building of an update from payments ({@link applyPayments}).
 * Pure. Amounts are minor units as decimal strings (bigint inside); times are epoch milliseconds.
 */

/** Longest and default life of a consent to a multiparty binding, in seconds. */
export const MAX_CONSENT_SECONDS = 7 * 24 * 3600;
export const DEFAULT_CONSENT_SECONDS = 3600;

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

/** One payment of a multiparty transaction (mptx): `amount` minor units from `from` to `to` in their member channel. */
export interface MultipartyPayment {
  from: string;
  to: string;
  amount: string;
  /** The member channel to use, when the two parties share more than one. */
  channel?: string;
}

/** A member channel as the coordinator knows it: its parties, ledger version and balances. */
export interface MemberChannel {
  parties: [string, string];
  version: number;
  balances: [string, string];
}

/**
 * The update (version + 1 of the multiparty channel and of every member channel) that carries
 * `payments` over `members` (by channel id), applied in order. A payment naming its `channel` moves
 * in that channel. Otherwise the coordinator selects the member channels by the paper's weight
 * (J. Math. 2022, seeds/003, section 3.3.2 and Figure 1): the path of least Σ W_ij, W_ij = k1 (1 −
 * Dist_ij) + k2 Bal_ij with this gateway's `weights`, among the member channels, over hops that can
 * carry the whole amount at that point of the transaction. The path may go through other parties
 * (P1 → P5 → P3 when P1 ↔ P3 is drained), whose balance summed over their member channels does not
 * change. When no such path exists, a direct member channel between the two parties carries it
 * if one exists (the transaction is then checked as a whole, so payments that net out within it
 * still pass). Refusals: INVALID_ARGUMENT when a named channel is not between the payment's two
 * parties, or no member channels join them; INSUFFICIENT_FUNDS when a member channel lacks the
 * funds at the end (refused here before anyone signs; the chaincode would too).
 */
export function applyPayments(version: number, members: Map<string, MemberChannel>, payments: MultipartyPayment[], weights: WeightParams = DEFAULT_WEIGHT_PARAMS): MpcStateJson {
  const next = new Map([...members].map(([id, m]) => [id, { parties: m.parties, balances: [BigInt(m.balances[0]), BigInt(m.balances[1])] as [bigint, bigint] }]));
  const move = (channel: string, from: string, amount: bigint) => {
    const member = next.get(channel)!;
    const i = member.parties.indexOf(from);
    member.balances[i] -= amount;
    member.balances[1 - i] += amount;
  };
  for (const p of payments) {
    const amount = BigInt(p.amount);
    const between = (m: { parties: [string, string] }) => m.parties.includes(p.from) && m.parties.includes(p.to) && p.from !== p.to;
    if (p.channel) {
      const member = next.get(p.channel);
      if (!member || !between(member)) throw refuse('INVALID_ARGUMENT', `channel ${p.channel} is not between ${p.from} and ${p.to}`);
      move(p.channel, p.from, amount);
      continue;
    }
    const path = memberPath(next, p.from, p.to, amount, weights);
    if (path) {
      for (const hop of path) move(hop.channel, hop.from, amount);
      continue;
    }
    const direct = [...next].find(([, m]) => between(m));
    if (!direct) throw refuse('INVALID_ARGUMENT', `no member channel between ${p.from} and ${p.to}`);
    move(direct[0], p.from, amount);
  }
  const state: MpcStateJson = {
    version: version + 1,
    final: false,
    channels: [...next].map(([channel, m]) => ({ channel, version: members.get(channel)!.version + 1, balances: [m.balances[0].toString(), m.balances[1].toString()] })),
  };
  const short = state.channels.find((c) => c.balances.some((b) => b.startsWith('-')));
  if (short) throw refuse('INSUFFICIENT_FUNDS', `member channel ${short.channel} lacks the funds for this multiparty transaction`);
  return state;
}

/** The least-Σ W path of member channels (non-negative balances only) carrying `amount` from `from` to `to`, or undefined. */
function memberPath(members: Map<string, { parties: [string, string]; balances: [bigint, bigint] }>, from: string, to: string, amount: bigint, weights: WeightParams): readonly Hop[] | undefined {
  if (from === to || amount <= 0n) return undefined;
  const usable = [...members].filter(([, m]) => m.balances[0] >= 0n && m.balances[1] >= 0n);
  const graph = new ChannelGraph(usable.map(([id, m]) => ({ id, a: m.parties[0], b: m.parties[1], balanceA: m.balances[0], balanceB: m.balances[1] })));
  const route = routeByWeight(graph, from, to, amount, weights);
  return route.ok ? route.parts[0].path : undefined;
}
