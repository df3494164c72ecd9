import { canonicalBytes, mpcStateBytes } from '@covenant/chaincode';
import type { MpcState } from '@covenant/chaincode';
import type { ChaincodeClient } from '../ledger/chaincode';
import type { Principal } from '../identity/store';
import type { GatewayDb } from '../gateway-db';
import { HttpProblem, problem } from '../http/problem';
import type { ChannelMessage, ChannelService } from './service';
import { BindingBasis, BindingConsent, DEFAULT_CONSENT_SECONDS, ForwardingPermission, LedgerChannel, decideMultipartySignature } from './consent';

/**
 * Multiparty channels between gateways (J. Math. 2022, section 3.3: createMPC, updateMPC, closeMPC
 * and the mpc- messages). The caller's gateway coordinates: it asks every party's gateway for the
 * member channels' states (mpc-query), builds the multiparty state, collects every party's
 * signature (mpc-sign → mpc-agree) and submits openMultiparty / updateMultiparty /
 * closeMultiparty, which the chaincode applies to all member channels or none.
 *
 * A gateway signs for its user only what the user consented to (the rules are in consent.ts):
 * - opening: binding the user's channels needs the user's consent: its own POST /v1/multiparty,
 *   its consent to exactly these parties and channels given beforehand at its own gateway
 *   (POST /v1/multiparty/{id}/consent, until it expires), or its standing forwarding permission
 *   on each of its member channels (POST /v1/channels/{id}/forwarding, what routed payments use);
 *   each of its member channels exactly as on the ledger, and no newer two-party state agreed
 *   off-chain (else an old two-party state could later undo multiparty payments: checkpoint first);
 * - an update: the user's balance summed over its member channels does not fall, or falls by no
 *   more than the user authorized at its own gateway for this multiparty channel (consumed); a
 *   channel bound by forwarding permission moves by no more than its cap;
 * - closing: the balances as on the ledger.
 * Only channels whose owner allows forwarding are announced to other gateways for routing.
 */
type MpcStateJson = NonNullable<ChannelMessage['mpcState']>;
export interface ChannelView {
  id: string;
  parties: [string, string];
  version: number;
  balances: [string, string];
  status: string;
  busy: string | null;
}
interface MultipartyView {
  id: string;
  parties: string[];
  channels: string[];
  version: number;
  status: string;
  states: { channel: string; version: number; balances: [string, string] }[];
}
export interface MultipartyPayment {
  from: string;
  to: string;
  amount: string;
  /** The member channel to use, when the two parties share more than one. */
  channel?: string;
}

const QUERY_DOMAIN = 'covenant/mpc-query/v1';
const AUTH_PREFIX = 'mpc-auth!';
const CONSENT_PREFIX = 'mpc-consent!';
const BASIS_PREFIX = 'mpc-basis!';
const enc = new TextEncoder();
const dec = new TextDecoder();

const refuse = (status: number, code: 'INVALID_ARGUMENT' | 'FORBIDDEN' | 'FAILED_PRECONDITION' | 'NOT_FOUND' | 'INSUFFICIENT_FUNDS', detail: string) =>
  new HttpProblem(problem(status, code, detail));

function toMpcState(mpc: string, s: MpcStateJson): MpcState {
  return {
    mpc,
    version: s.version,
    final: s.final,
    channels: s.channels.map((c) => ({ channel: c.channel, version: c.version, balances: [BigInt(c.balances[0]), BigInt(c.balances[1])] })),
  };
}

export class MultipartyService {
  constructor(
    private readonly chaincode: ChaincodeClient,
    private readonly channels: ChannelService,
    private readonly db: GatewayDb,
  ) {
    channels.multiparty = this;
  }

  // ------------------------------------------------------------------ user requests

  /** createMPC: binds the member channels (each OPEN, idle, between parties) into one. */
  async open(principal: Principal, req: { id: string; parties: string[]; channels: string[] }): Promise<unknown> {
    const self = this.channels.accountIdOf(principal);
    if (!req.parties.includes(self)) throw refuse(403, 'FORBIDDEN', 'the caller must be one of the parties');
    const states = new Map<string, ChannelView>();
    const at = new Date().toISOString();
    for (const party of req.parties) {
      const signature = this.channels.signFor(principal, canonicalBytes({ domain: QUERY_DOMAIN, mpc: req.id, channels: req.channels, from: self, at }));
      const answer = (await this.channels.exchange(principal, { type: 'mpc-query', channel: req.id, from: self, to: party, at, members: { parties: req.parties, channels: req.channels }, signature })) as { channels: ChannelView[] };
      for (const c of answer.channels) if (req.channels.includes(c.id)) states.set(c.id, c);
    }
    const missing = req.channels.filter((c) => !states.has(c));
    if (missing.length) throw refuse(404, 'NOT_FOUND', `no party reported channel(s) ${missing.join(', ')}`);
    const state: MpcStateJson = {
      version: 0,
      final: false,
      channels: [...states.values()].map((c) => ({ channel: c.id, version: c.version, balances: c.balances })),
    };
    const signatures = await this.collect(principal, req.id, req, state);
    const view = await this.chaincode.submit(principal, 'channels:openMultiparty', [JSON.stringify({ id: req.id, parties: req.parties, channels: req.channels, signatures })]);
    return view;
  }

  /**
   * The caller consents, at its own gateway, to binding its channels into multiparty channel `id`
   * with exactly these `parties` and `channels` (in any order), until `expiresInSeconds` (default
   * 1 h) from now. Its gateway then signs that opening (and no other) when another party
   * coordinates it. Errors: 400 the caller is not among the parties.
   */
  async consentTo(
    principal: Principal,
    id: string,
    req: { parties: string[]; channels: string[]; expiresInSeconds?: number },
  ): Promise<{ multiparty: string; account: string } & BindingConsent> {
    const account = this.channels.accountIdOf(principal);
    if (!req.parties.includes(account)) throw refuse(400, 'INVALID_ARGUMENT', 'the caller must be one of the parties it consents for');
    const consent: BindingConsent = {
      parties: [...new Set(req.parties)].sort(),
      channels: [...new Set(req.channels)].sort(),
      expiresAt: new Date(Date.now() + (req.expiresInSeconds ?? DEFAULT_CONSENT_SECONDS) * 1000).toISOString(),
    };
    await this.db.put(`${CONSENT_PREFIX}${id}!${account}`, enc.encode(JSON.stringify(consent)));
    return { multiparty: id, account, ...consent };
  }

  /** The caller allows its gateway to sign one update of `id` lowering its balance by up to `amount`. */
  async authorize(principal: Principal, id: string, amount: bigint): Promise<{ multiparty: string; account: string; amount: string }> {
    const account = this.channels.accountIdOf(principal);
    await this.db.put(`${AUTH_PREFIX}${id}!${account}`, enc.encode(amount.toString()));
    return { multiparty: id, account, amount: amount.toString() };
  }

  /**
   * updateMPC with a multiparty transaction (mptx): every payment moves `amount` from `from` to `to`
   * in their member channel; every member channel moves to version + 1, all or none.
   */
  async pay(principal: Principal, id: string, payments: MultipartyPayment[]): Promise<unknown> {
    const view = await this.chaincode.evaluate<MultipartyView>(principal, 'channels:getMultiparty', [id]);
    if (view.status !== 'OPEN') throw refuse(409, 'FAILED_PRECONDITION', `multiparty channel ${id} is ${view.status}`);
    const members = new Map<string, { parties: [string, string]; balances: [bigint, bigint]; version: number }>();
    for (const s of view.states) {
      const parties = await this.partiesOf(principal, view, s.channel);
      members.set(s.channel, { parties, version: s.version, balances: [BigInt(s.balances[0]), BigInt(s.balances[1])] });
    }
    for (const p of payments) {
      const amount = BigInt(p.amount);
      const member = p.channel
        ? members.get(p.channel)
        : [...members.values()].find((m) => m.parties.includes(p.from) && m.parties.includes(p.to) && p.from !== p.to);
      if (member && (!member.parties.includes(p.from) || !member.parties.includes(p.to) || p.from === p.to)) {
        throw refuse(400, 'INVALID_ARGUMENT', `channel ${p.channel} is not between ${p.from} and ${p.to}`);
      }
      if (!member) throw refuse(400, 'INVALID_ARGUMENT', `no member channel between ${p.from} and ${p.to}`);
      const i = member.parties.indexOf(p.from);
      member.balances[i] -= amount;
      member.balances[1 - i] += amount;
    }
    const state: MpcStateJson = {
      version: view.version + 1,
      final: false,
      channels: [...members].map(([channel, m]) => ({ channel, version: m.version + 1, balances: [m.balances[0].toString(), m.balances[1].toString()] })),
    };
    // A member channel without the funds: refused here before anyone signs (the chaincode would too).
    const short = state.channels.find((c) => c.balances.some((b) => b.startsWith('-')));
    if (short) throw refuse(422, 'INSUFFICIENT_FUNDS', `member channel ${short.channel} lacks the funds for this multiparty transaction`);
    const signatures = await this.collect(principal, id, view, state);
    return this.chaincode.submit(principal, 'channels:updateMultiparty', [id, JSON.stringify(state), JSON.stringify(signatures)]);
  }

  /** closeMPC: every party signs the final state; the member channels are released (busy = 0). */
  async close(principal: Principal, id: string): Promise<unknown> {
    const view = await this.chaincode.evaluate<MultipartyView>(principal, 'channels:getMultiparty', [id]);
    const state: MpcStateJson = { version: view.version, final: true, channels: view.states };
    const signatures = await this.collect(principal, id, view, state);
    const closed = await this.chaincode.submit(principal, 'channels:closeMultiparty', [id, JSON.stringify(state), JSON.stringify(signatures)]);
    return closed;
  }

  // ------------------------------------------------------------------ messages from gateways

  async handle(principal: Principal, m: ChannelMessage): Promise<unknown> {
    if (!m.members) throw refuse(400, 'INVALID_ARGUMENT', `${m.type} needs members`);
    const self = m.to;
    if (!m.members.parties.includes(self) || !m.members.parties.includes(m.from)) throw refuse(403, 'FORBIDDEN', 'both ends of an mpc- message must be parties');
    if (m.type === 'mpc-query') {
      const at = Date.parse(m.at ?? '');
      if (!(Math.abs(Date.now() - at) < 5 * 60_000)) throw refuse(400, 'INVALID_ARGUMENT', 'mpc-query needs a current `at`');
      await this.channels.checkSignature(principal, m.from, canonicalBytes({ domain: QUERY_DOMAIN, mpc: m.channel, channels: m.members.channels, from: m.from, at: m.at }), m.signature);
      // No channels named: the user's open, idle channels it allows forwarding on, for routing (a
      // channel announcement); a cap limits what the router may count on in either direction.
      if (m.members.channels.length === 0) return { type: 'mpc-channels', channels: await this.forwardingChannelsOf(principal, self) };
      const out: ChannelView[] = [];
      for (const id of m.members.channels) {
        const view = await this.ledgerChannel(principal, id);
        if (view) out.push(view);
      }
      return { type: 'mpc-channels', channels: out };
    }
    const state = m.mpcState;
    if (!state) throw refuse(400, 'INVALID_ARGUMENT', 'mpc-sign needs mpcState');
    const bytes = mpcStateBytes(toMpcState(m.channel, state));
    await this.channels.checkSignature(principal, m.from, bytes, m.signature);
    await this.consent(principal, self, m.channel, m.members, state, m.from === self);
    return { type: 'mpc-agree', signature: this.channels.signFor(principal, bytes) };
  }

  // ------------------------------------------------------------------ internals

  /**
   * Gathers what consent.ts decides on (the user's member channels on the ledger, its agreed
   * off-chain versions, its consent, forwarding permissions and authorization), then records the
   * outcome: the binding's basis (opening), the used authorization, the binding or release on
   * the user's two-party records.
   */
  private async consent(principal: Principal, self: string, mpc: string, members: { parties: string[]; channels: string[] }, state: MpcStateJson, requestedBySelf: boolean): Promise<void> {
    const own: LedgerChannel[] = [];
    const agreedVersions: Record<string, number | undefined> = {};
    const forwarding: Record<string, ForwardingPermission | undefined> = {};
    for (const c of state.channels) {
      const onLedger = await this.ledgerChannel(principal, c.channel);
      if (!onLedger) continue;
      own.push(onLedger);
      agreedVersions[c.channel] = await this.channels.agreedVersion(c.channel, self);
      forwarding[c.channel] = await this.channels.forwarding(c.channel, self);
    }
    const authKey = `${AUTH_PREFIX}${mpc}!${self}`;
    const basisKey = `${BASIS_PREFIX}${mpc}!${self}`;
    const read = async (key: string) => {
      const raw = await this.db.get(key);
      return raw ? dec.decode(raw) : undefined;
    };
    const consent = await read(`${CONSENT_PREFIX}${mpc}!${self}`);
    const authorized = await read(authKey);
    const decision = decideMultipartySignature({
      self,
      mpc,
      members,
      state,
      own,
      agreedVersions,
      requestedBySelf,
      consent: consent ? (JSON.parse(consent) as BindingConsent) : undefined,
      forwarding,
      basis: (await read(basisKey)) as BindingBasis | undefined,
      authorized: authorized ? BigInt(authorized) : 0n,
      now: Date.now(),
    });
    if (decision.basis) await this.db.put(basisKey, enc.encode(decision.basis));
    if (decision.consumesAuthorization) await this.db.del(authKey);
    // Record the binding (opening) or the release (closing) on this party's two-party records.
    for (const c of own) {
      if (state.version === 0 && !state.final) await this.channels.bind(c.id, self, mpc);
      if (state.final) await this.channels.bind(c.id, self, undefined);
    }
  }

  /** The user's open, idle channels it allows forwarding on, each direction's balance limited by its cap. */
  private async forwardingChannelsOf(principal: Principal, self: string): Promise<ChannelView[]> {
    const out: ChannelView[] = [];
    for (const c of await this.openChannelsOf(principal)) {
      const permission = await this.channels.forwarding(c.id, self);
      if (!permission) continue;
      const cap = permission.cap;
      const limit = (b: string) => (cap !== undefined && BigInt(b) > BigInt(cap) ? cap : b);
      out.push(cap === undefined ? c : { ...c, balances: [limit(c.balances[0]), limit(c.balances[1])] });
    }
    return out;
  }

  /** Every party's signature over the state, in a map by account, the coordinator's own first. */
  private async collect(principal: Principal, id: string, members: { parties: string[]; channels: string[] }, state: MpcStateJson): Promise<Record<string, string>> {
    const self = this.channels.accountIdOf(principal);
    const bytes = mpcStateBytes(toMpcState(id, state));
    const mine = this.channels.signFor(principal, bytes);
    const signatures: Record<string, string> = {};
    for (const party of [self, ...members.parties.filter((p) => p !== self)]) {
      const answer = (await this.channels.exchange(principal, {
        type: 'mpc-sign',
        channel: id,
        from: self,
        to: party,
        members: { parties: members.parties, channels: members.channels },
        mpcState: state,
        signature: mine,
      })) as { signature: string };
      await this.channels.checkSignature(principal, party, bytes, answer.signature);
      signatures[party] = answer.signature;
    }
    return signatures;
  }

  /** The principal's OPEN channels not bound to a multiparty channel (first 100). */
  async openChannelsOf(principal: Principal): Promise<ChannelView[]> {
    const page = await this.chaincode.evaluate<{ records: ChannelView[] }>(principal, 'channels:listChannels', ['100', '']);
    return page.records.filter((c) => c.status === 'OPEN' && !c.busy);
  }

  /** Asks `party`'s gateway for its user's open channels (signed as the caller). */
  async announcedChannels(principal: Principal, party: string): Promise<ChannelView[]> {
    const self = this.channels.accountIdOf(principal);
    const at = new Date().toISOString();
    const signature = this.channels.signFor(principal, canonicalBytes({ domain: QUERY_DOMAIN, mpc: 'channel-list', channels: [], from: self, at }));
    const answer = (await this.channels.exchange(principal, { type: 'mpc-query', channel: 'channel-list', from: self, to: party, at, members: { parties: [self, party], channels: [] }, signature })) as { channels: ChannelView[] };
    return answer.channels;
  }

  private async ledgerChannel(principal: Principal, id: string): Promise<ChannelView | undefined> {
    try {
      return await this.chaincode.evaluate<ChannelView>(principal, 'channels:getChannel', [id]);
    } catch {
      return undefined; // not a party to it (FORBIDDEN) or unknown
    }
  }

  /** A member channel's parties: from the ledger when the caller is a party, else from a party's gateway. */
  private async partiesOf(principal: Principal, view: MultipartyView, channel: string): Promise<[string, string]> {
    const own = await this.ledgerChannel(principal, channel);
    if (own) return own.parties;
    const self = this.channels.accountIdOf(principal);
    const at = new Date().toISOString();
    for (const party of view.parties.filter((p) => p !== self)) {
      const signature = this.channels.signFor(principal, canonicalBytes({ domain: QUERY_DOMAIN, mpc: view.id, channels: [channel], from: self, at }));
      const answer = (await this.channels.exchange(principal, { type: 'mpc-query', channel: view.id, from: self, to: party, at, members: { parties: view.parties, channels: [channel] }, signature })) as { channels: ChannelView[] };
      if (answer.channels[0]) return answer.channels[0].parties;
    }
    throw refuse(404, 'NOT_FOUND', `no party reported member channel ${channel}`);
  }
}
