import type { ChannelView, MultipartyView } from '@covenant/chaincode';
import type { ChaincodeClient } from '../ledger/chaincode';
import type { Principal } from '../identity/store';
import type { GatewayDb } from '../gateway-db';
import type { MessageHandlers, OffchainMessenger } from './messenger';
import { MultipartyConsents } from './multiparty-consents';
import {
  BindingConsent,
  ChannelMessage,
  DEFAULT_CONSENT_SECONDS,
  ForwardingPermission,
  LedgerChannel,
  MemberChannel,
  MpcStateJson,
  MultipartyPayment,
  OffchainAnswer,
  applyPayments,
  checkCurrent,
  decideMultipartySignature,
  expectAnswer,
  mpcBytes,
  queryBytes,
  refuse,
} from './protocol';
import type { TwoPartyBindings } from './records';
import { DEFAULT_WEIGHT_PARAMS, type WeightParams } from './routing';

export type { MultipartyPayment } from './protocol';
export type { ChannelView } from '@covenant/chaincode';

/** What the multiparty protocol uses of the two-party one (ChannelService provides it). */
export interface MultipartyPort {
  messenger: OffchainMessenger;
  bindings: TwoPartyBindings;
}

/** A multiparty channel's parties and member channels. */
type Members = { parties: string[]; channels: string[] };

/**
 * Multiparty channels between gateways (J. Math. 2022, section 3.3: createMPC, updateMPC, closeMPC
 * and the mpc- messages). The caller's gateway coordinates: it asks every party's gateway for the
 * member channels' states (mpc-query), builds the multiparty state, collects every party's
 * signature (mpc-sign → mpc-agree) and submits openMultiparty / updateMultiparty /
 * closeMultiparty, which the chaincode applies to all member channels or none. A gateway signs
 * for its user only what the user consented to (protocol/multiparty.ts decides; this service
 * gathers the facts and records the outcome). Only channels whose owner allows forwarding are
 * announced to other gateways for routing.
 */
export class MultipartyService {
  private readonly consents: MultipartyConsents;
  private readonly messenger: OffchainMessenger;
  private readonly bindings: TwoPartyBindings;

  constructor(
    private readonly chaincode: ChaincodeClient,
    channels: MultipartyPort,
    db: GatewayDb,
    /** k1 and k2 of the paper's W_ij, with which `pay` selects member channels (protocol/multiparty.ts applyPayments). */
    private readonly weights: WeightParams = DEFAULT_WEIGHT_PARAMS,
  ) {
    this.consents = new MultipartyConsents(db);
    this.messenger = channels.messenger;
    this.bindings = channels.bindings;
    this.messenger.on(this.handlers);
  }

  /** The handlers of the multiparty messages, by type. */
  private readonly handlers: MessageHandlers = {
    'mpc-query': (principal, m) => this.answerQuery(principal, m),
    'mpc-sign': (principal, m) => this.agreeSign(principal, m),
  };

  // ------------------------------------------------------------------ user requests

  /** createMPC: binds the member channels (each OPEN, idle, between parties) into one. Refusals: FORBIDDEN the caller is not a party, NOT_FOUND no party reported a channel, the parties' gateways'. */
  async open(principal: Principal, req: { id: string; parties: string[]; channels: string[] }): Promise<MultipartyView> {
    const self = this.messenger.accountIdOf(principal);
    if (!req.parties.includes(self)) throw refuse('FORBIDDEN', 'the caller must be one of the parties');
    const states = new Map<string, ChannelView>();
    for (const party of req.parties) {
      for (const c of await this.query(principal, party, req.id, req)) if (req.channels.includes(c.id)) states.set(c.id, c);
    }
    const missing = req.channels.filter((c) => !states.has(c));
    if (missing.length) throw refuse('NOT_FOUND', `no party reported channel(s) ${missing.join(', ')}`);
    const state: MpcStateJson = { version: 0, final: false, channels: [...states.values()].map((c) => ({ channel: c.id, version: c.version, balances: c.balances })) };
    const signatures = await this.collect(principal, req.id, req, state);
    return this.chaincode.submit<MultipartyView>(principal, 'channels:openMultiparty', [JSON.stringify({ id: req.id, parties: req.parties, channels: req.channels, signatures })]);
  }

  /**
   * The caller consents, at its own gateway, to binding its channels into multiparty channel `id`
   * with exactly these `parties` and `channels` (in any order), until `expiresInSeconds` (default
   * 1 h) from now. Its gateway then signs that opening (and no other) when another party
   * coordinates it. Refusals: INVALID_ARGUMENT the caller is not among the parties.
   */
  async consentTo(principal: Principal, id: string, req: { parties: string[]; channels: string[]; expiresInSeconds?: number }): Promise<{ multiparty: string; account: string } & BindingConsent> {
    const account = this.messenger.accountIdOf(principal);
    if (!req.parties.includes(account)) throw refuse('INVALID_ARGUMENT', 'the caller must be one of the parties it consents for');
    const consent: BindingConsent = {
      parties: [...new Set(req.parties)].sort(),
      channels: [...new Set(req.channels)].sort(),
      expiresAt: new Date(Date.now() + (req.expiresInSeconds ?? DEFAULT_CONSENT_SECONDS) * 1000).toISOString(),
    };
    await this.consents.setConsent(id, account, consent);
    return { multiparty: id, account, ...consent };
  }

  /** The caller allows its gateway to sign one update of `id` lowering its balance by up to `amount` (minor units). */
  async authorize(principal: Principal, id: string, amount: bigint): Promise<{ multiparty: string; account: string; amount: string }> {
    const account = this.messenger.accountIdOf(principal);
    await this.consents.setAuthorized(id, account, amount);
    return { multiparty: id, account, amount: amount.toString() };
  }

  /**
   * updateMPC with a multiparty transaction (mptx): every payment moves `amount` from `from` to `to`
   * in their member channel; every member channel moves to version + 1, all or none.
   * Refusals: FAILED_PRECONDITION not OPEN, those of protocol/multiparty.ts applyPayments, the parties' gateways'.
   */
  async pay(principal: Principal, id: string, payments: MultipartyPayment[]): Promise<MultipartyView> {
    const view = await this.chaincode.evaluate<MultipartyView>(principal, 'channels:getMultiparty', [id]);
    if (view.status !== 'OPEN') throw refuse('FAILED_PRECONDITION', `multiparty channel ${id} is ${view.status}`);
    const members = new Map<string, MemberChannel>();
    for (const s of view.states) members.set(s.channel, { parties: await this.partiesOf(principal, view, s.channel), version: s.version, balances: s.balances as [string, string] });
    const state = applyPayments(view.version, members, payments, this.weights);
    const signatures = await this.collect(principal, id, view, state);
    return this.chaincode.submit<MultipartyView>(principal, 'channels:updateMultiparty', [id, JSON.stringify(state), JSON.stringify(signatures)]);
  }

  /** closeMPC: every party signs the final state; the member channels are released (busy = 0). */
  async close(principal: Principal, id: string): Promise<MultipartyView> {
    const view = await this.chaincode.evaluate<MultipartyView>(principal, 'channels:getMultiparty', [id]);
    const state: MpcStateJson = { version: view.version, final: true, channels: view.states as MpcStateJson['channels'] };
    const signatures = await this.collect(principal, id, view, state);
    return this.chaincode.submit<MultipartyView>(principal, 'channels:closeMultiparty', [id, JSON.stringify(state), JSON.stringify(signatures)]);
  }

  /** The multiparty channel as the ledger shows it to the principal (a party): NOT_FOUND, FORBIDDEN otherwise. */
  view(principal: Principal, id: string): Promise<MultipartyView> {
    return this.chaincode.evaluate<MultipartyView>(principal, 'channels:getMultiparty', [id]);
  }

  /** The principal's OPEN channels not bound to a multiparty channel (first 100). */
  async openChannelsOf(principal: Principal): Promise<ChannelView[]> {
    const page = await this.chaincode.evaluate<{ records: ChannelView[] }>(principal, 'channels:listChannels', ['100', '']);
    return page.records.filter((c) => c.status === 'OPEN' && !c.busy);
  }

  /** Asks `party`'s gateway for its user's channels open to forwarding (signed as the caller). */
  async announcedChannels(principal: Principal, party: string): Promise<ChannelView[]> {
    return this.query(principal, party, 'channel-list', { parties: [this.messenger.accountIdOf(principal), party], channels: [] });
  }

  // ------------------------------------------------------------------ messages from gateways

  /** Both ends of an mpc- message must be parties: INVALID_ARGUMENT without members, FORBIDDEN otherwise. */
  private members(m: ChannelMessage): Members {
    if (!m.members) throw refuse('INVALID_ARGUMENT', `${m.type} needs members`);
    if (!m.members.parties.includes(m.to) || !m.members.parties.includes(m.from)) throw refuse('FORBIDDEN', 'both ends of an mpc- message must be parties');
    return m.members;
  }

  /**
   * mpc-query: the named member channels as the ledger shows them to the user; with no channels
   * named, the user's open, idle channels it allows forwarding on, for routing (a channel
   * announcement), each direction's balance limited by the forwarding cap.
   */
  private async answerQuery(principal: Principal, m: ChannelMessage): Promise<OffchainAnswer> {
    const members = this.members(m);
    checkCurrent(m.type, m.at, Date.now());
    await this.messenger.verify(principal, m.from, queryBytes(m.channel, members.channels, m.from, m.at), m.signature);
    if (members.channels.length === 0) return { type: 'mpc-channels', channels: await this.forwardingChannelsOf(principal, m.to) };
    const out: ChannelView[] = [];
    for (const id of members.channels) {
      const view = await this.ledgerChannel(principal, id);
      if (view) out.push(view);
    }
    return { type: 'mpc-channels', channels: out };
  }

  /** mpc-sign: signs the multiparty state if protocol/multiparty.ts allows it for the user. */
  private async agreeSign(principal: Principal, m: ChannelMessage): Promise<OffchainAnswer> {
    const members = this.members(m);
    if (!m.mpcState) throw refuse('INVALID_ARGUMENT', 'mpc-sign needs mpcState');
    const bytes = mpcBytes(m.channel, m.mpcState);
    await this.messenger.verify(principal, m.from, bytes, m.signature);
    await this.consent(principal, m.to, m.channel, members, m.mpcState, m.from === m.to);
    return { type: 'mpc-agree', signature: this.messenger.sign(principal, bytes) };
  }

  // ------------------------------------------------------------------ internals

  /**
   * Gathers what protocol/multiparty.ts decides on (the user's member channels on the ledger, its
   * agreed off-chain versions, its consent, forwarding permissions and authorization), then
   * records the outcome: the binding's basis (opening), the used authorization, the binding or
   * release on the user's two-party records.
   */
  private async consent(principal: Principal, self: string, mpc: string, members: Members, state: MpcStateJson, requestedBySelf: boolean): Promise<void> {
    const own: LedgerChannel[] = [];
    const agreedVersions: Record<string, number | undefined> = {};
    const forwarding: Record<string, ForwardingPermission | undefined> = {};
    for (const c of state.channels) {
      const onLedger = await this.ledgerChannel(principal, c.channel);
      if (!onLedger) continue;
      own.push(onLedger);
      agreedVersions[c.channel] = await this.bindings.agreedVersion(c.channel, self);
      forwarding[c.channel] = await this.bindings.forwarding(c.channel, self);
    }
    const decision = decideMultipartySignature({
      self,
      mpc,
      members,
      state,
      own,
      agreedVersions,
      requestedBySelf,
      consent: await this.consents.consent(mpc, self),
      forwarding,
      basis: await this.consents.basis(mpc, self),
      authorized: await this.consents.authorized(mpc, self),
      now: Date.now(),
    });
    if (decision.basis) await this.consents.setBasis(mpc, self, decision.basis);
    if (decision.consumesAuthorization) await this.consents.useAuthorization(mpc, self);
    // Record the binding (opening) or the release (closing) on this party's two-party records.
    for (const c of own) {
      if (state.version === 0 && !state.final) await this.bindings.bind(c.id, self, mpc);
      if (state.final) await this.bindings.bind(c.id, self, undefined);
    }
  }

  /** The user's open, idle channels it allows forwarding on, each direction's balance limited by its cap. */
  private async forwardingChannelsOf(principal: Principal, self: string): Promise<ChannelView[]> {
    const out: ChannelView[] = [];
    for (const c of await this.openChannelsOf(principal)) {
      const permission = await this.bindings.forwarding(c.id, self);
      if (!permission) continue;
      const cap = permission.cap;
      const limit = (b: string) => (cap !== undefined && BigInt(b) > BigInt(cap) ? cap : b);
      out.push(cap === undefined ? c : { ...c, balances: [limit(c.balances[0]), limit(c.balances[1])] });
    }
    return out;
  }

  /** Every party's signature over the state, in a map by account, the coordinator's own first. */
  private async collect(principal: Principal, id: string, members: Members, state: MpcStateJson): Promise<Record<string, string>> {
    const self = this.messenger.accountIdOf(principal);
    const bytes = mpcBytes(id, state);
    const mine = this.messenger.sign(principal, bytes);
    const signatures: Record<string, string> = {};
    for (const party of [self, ...members.parties.filter((p) => p !== self)]) {
      const message: ChannelMessage = { type: 'mpc-sign', channel: id, from: self, to: party, members: { parties: members.parties, channels: members.channels }, mpcState: state, signature: mine };
      const { signature } = expectAnswer(await this.messenger.deliver(principal, message), 'mpc-agree');
      await this.messenger.verify(principal, party, bytes, signature);
      signatures[party] = signature;
    }
    return signatures;
  }

  /** `party`'s gateway's answer to an mpc-query about `members.channels` of `mpc` (signed as the caller). */
  private async query(principal: Principal, party: string, mpc: string, members: Members): Promise<ChannelView[]> {
    const self = this.messenger.accountIdOf(principal);
    const at = new Date().toISOString();
    const signature = this.messenger.sign(principal, queryBytes(mpc, members.channels, self, at));
    const answer = await this.messenger.deliver(principal, { type: 'mpc-query', channel: mpc, from: self, to: party, at, members: { parties: members.parties, channels: members.channels }, signature });
    return expectAnswer(answer, 'mpc-channels').channels;
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
    const self = this.messenger.accountIdOf(principal);
    for (const party of view.parties.filter((p) => p !== self)) {
      const [reported] = await this.query(principal, party, view.id, { parties: view.parties, channels: [channel] });
      if (reported) return reported.parties;
    }
    throw refuse('NOT_FOUND', `no party reported member channel ${channel}`);
  }
}
