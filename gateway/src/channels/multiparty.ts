import type { ChannelView, MultipartyView } from '@covenant/chaincode';
import type { ChaincodeClient } from '../ledger/chaincode';
import type { Principal } from '../identity/store';
import type { GatewayDb } from '../gateway-db';
import type { MessageHandlers, OffchainMessenger } from './messenger';
import type { Faults } from './context';
import { MultipartyConsents } from './multiparty-consents';
import { ChannelOffers } from './channel-offers';
import { Members, MultipartyOffchain, heldView, ledgerState } from './multiparty-offchain';
import { MultipartyStates } from './multiparty-states';
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
  checkSignable,
  conflictingVersion,
  decideMultipartySignature,
  expectAnswer,
  mpcBytes,
  nextUpdate,
  queryBytes,
  refuse,
  sortedMpcState,
} from './protocol';
import type { TwoPartyBindings } from './records';
import { DEFAULT_WEIGHT_PARAMS, type WeightParams } from './routing';
import { journalContext } from '../ledger/journal';

export type { MultipartyPayment } from './protocol';
export type { ChannelView } from '@covenant/chaincode';

/** What the multiparty protocol uses of the two-party one (ChannelService provides it). */
export interface MultipartyPort {
  messenger: OffchainMessenger;
  bindings: TwoPartyBindings;
  /** Puts the latest two-party state both parties signed on the ledger (ChannelService.onChain). */
  onChain(principal: Principal, id: string, step: 'checkpoint'): Promise<ChannelView>;
}

/**
 * Multiparty channels between gateways (J. Math. 2022, section 3.3: createMPC, updateMPC, closeMPC
 * and the mpc- messages). The caller's gateway coordinates: it asks every party's gateway for the
 * member channels' states (mpc-query), builds the multiparty state and collects every party's
 * signature in parallel (mpc-sign → mpc-agree). The opening and the close are submitted
 * (openMultiparty, closeMultiparty: the chaincode applies them to all member channels or none);
 * an update (mptx) stays off-chain: the all-signed state goes to every party's gateway
 * (mpc-commit), each storing it durably before answering (multiparty-offchain.ts). A party
 * registers the latest all-signed state it holds in a unilateral close (registerMultipartyState). A gateway signs
 * for its user only what the user consented to (protocol/multiparty.ts decides; this service
 * gathers the facts and records the outcome). Only channels whose owner allows forwarding are
 * announced to other gateways for routing.
 */
export class MultipartyService {
  private readonly consents: MultipartyConsents;
  private readonly messenger: OffchainMessenger;
  private readonly bindings: TwoPartyBindings;
  private readonly offchain: MultipartyOffchain;
  private readonly offers: ChannelOffers;

  constructor(
    private readonly chaincode: ChaincodeClient,
    channels: MultipartyPort,
    db: GatewayDb,
    /** k1 and k2 of the paper's W_ij, with which `pay` selects member channels (protocol/multiparty.ts applyPayments). */
    private readonly weights: WeightParams = DEFAULT_WEIGHT_PARAMS,
    /** Crash points for tests (beforeMpcCommitStore). */
    faults: Faults = {},
  ) {
    this.consents = new MultipartyConsents(db);
    this.messenger = channels.messenger;
    this.bindings = channels.bindings;
    this.offers = new ChannelOffers(chaincode, this.bindings, this.consents, (principal, id) => channels.onChain(principal, id, 'checkpoint'), (p) => this.messenger.accountIdOf(p));
    this.offchain = new MultipartyOffchain(chaincode, this.messenger, new MultipartyStates(db), faults);
    this.messenger.on(this.handlers);
  }

  /** The handlers of the multiparty messages, by type. */
  private readonly handlers: MessageHandlers = {
    'mpc-query': (principal, m) => this.answerQuery(principal, m),
    'mpc-sign': (principal, m) => this.agreeSign(principal, m),
    'mpc-commit': (principal, m) => this.receiveCommit(principal, m),
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
    const signatures = await this.offchain.collect(principal, req.id, req, state);
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
   * updateMPC with a multiparty transaction (mptx), off-chain: every payment moves `amount` from
   * `from` to `to` in their member channel; the next state (a version above the latest agreed one,
   * every member channel at its version + 1) is built over the latest all-signed state this
   * gateway holds (at first the ledger's), signed by every party in parallel and stored by every
   * party's gateway (mpc-commit) before the answer: nothing goes on the ledger. Answers the view
   * with the new off-chain `version` and `states` (`ledgerVersion` unchanged).
   * Refusals: FAILED_PRECONDITION not OPEN, final state signed, a party's gateway refused the
   * version; those of protocol/multiparty.ts applyPayments; the parties' gateways'.
   */
  async pay(principal: Principal, id: string, payments: MultipartyPayment[]): Promise<MultipartyView> {
    const self = this.messenger.accountIdOf(principal);
    const requestId = journalContext.getStore()?.requestId;
    return this.offchain.run(id, '', async () => {
      const view = await this.chaincode.evaluate<MultipartyView>(principal, 'channels:getMultiparty', [id]);
      const paid = await this.offchain.paidBy(id, self, requestId);
      if (paid) return heldView(view, { mpc: id, account: self, parties: view.parties, latest: { state: paid, signatures: {} }, updatedAt: '' });
      if (view.status !== 'OPEN') throw refuse('FAILED_PRECONDITION', `multiparty channel ${id} is ${view.status}`);
      const { record, base } = await this.offchain.held(principal, self, id);
      const parties = record.memberParties ?? (await this.learnMemberParties(principal, self, view));
      const members = new Map<string, MemberChannel>();
      for (const s of base.channels) members.set(s.channel, { parties: parties[s.channel], version: s.version, balances: s.balances });
      const build = (version: number) => sortedMpcState(applyPayments(version - 1, members, payments, this.weights));
      const agree = async (state: MpcStateJson) => {
        const signatures = await this.offchain.collect(principal, id, view, state, record.latest);
        await this.offchain.distribute(principal, id, view, state, signatures, requestId);
        return heldView(view, { ...record, latest: { state, signatures }, updatedAt: '' });
      };
      const state = nextUpdate(base, record.signed, build);
      try {
        return await agree(state);
      } catch (err) {
        // A party signed another state of this version (an update that failed): propose above it, once.
        const taken = conflictingVersion(err);
        if (taken === undefined) throw err;
        return agree(build(Math.max(taken, state.version) + 1));
      }
    });
  }

  /**
   * closeMPC: every party signs the latest agreed state (the last off-chain one this gateway holds,
   * else the ledger's) as final, in parallel, shown that state with its signatures (mpc-sign
   * `previous`: a party's gateway that missed its commit stores it first); the chaincode applies
   * it to every member channel and releases them (busy = null). A party's gateway holding a newer
   * all-signed state refuses (FAILED_PRECONDITION naming its version): a close never undoes an
   * update a party holds.
   */
  async close(principal: Principal, id: string): Promise<MultipartyView> {
    const self = this.messenger.accountIdOf(principal);
    return this.offchain.run(id, '', async () => {
      const view = await this.chaincode.evaluate<MultipartyView>(principal, 'channels:getMultiparty', [id]);
      const { record, base } = await this.offchain.held(principal, self, id);
      const state: MpcStateJson = { ...sortedMpcState(base), final: true };
      const signatures = await this.offchain.collect(principal, id, view, state, record.latest);
      return this.chaincode.submit<MultipartyView>(principal, 'channels:closeMultiparty', [id, JSON.stringify(state), JSON.stringify(signatures)]);
    });
  }

  /**
   * Unilateral close (`unilateral-close`) or its challenge (`challenge`): registers on the ledger
   * (registerMultipartyState) the latest all-signed state this gateway holds for the caller, or,
   * holding none, the recorded one (no signatures needed). The chaincode decides: OPEN starts the
   * challenge period, CLOSING replaces an older registered state. Refusals: the chaincode's.
   */
  async register(principal: Principal, id: string): Promise<MultipartyView> {
    const self = this.messenger.accountIdOf(principal);
    const held = await this.offchain.states.get(id, self);
    const latest = held?.latest;
    const args = latest
      ? [id, JSON.stringify(latest.state), JSON.stringify(latest.signatures)]
      : [id, JSON.stringify(ledgerState(await this.chaincode.evaluate<MultipartyView>(principal, 'channels:getMultiparty', [id]))), '{}'];
    return heldView(await this.chaincode.submit<MultipartyView>(principal, 'channels:registerMultipartyState', args), held);
  }

  /**
   * Answers a registration seen on the ledger (multiparty-watch.ts): for every party this gateway
   * serves that holds an all-signed state newer than the registered one, registers it before the
   * deadline (a challenge). A refusal (another party answered first, the deadline passed) is
   * thrown to the caller, which logs it.
   */
  async answerRegistration(view: MultipartyView): Promise<void> {
    const closing = view.closing;
    if (view.status !== 'CLOSING' || !closing) return;
    for (const party of view.parties) {
      const principal = this.messenger.principalOf(party);
      const held = principal && (await this.offchain.states.get(view.id, party));
      if (!principal || !held?.latest || held.latest.state.version <= closing.version || Date.now() >= Date.parse(closing.deadline)) continue;
      await this.register(principal, view.id);
      return;
    }
  }

  /** The multiparty channel as the ledger shows it to the caller, with the latest off-chain state this gateway holds (heldView). */
  async view(principal: Principal, id: string): Promise<MultipartyView> {
    const view = await this.chaincode.evaluate<MultipartyView>(principal, 'channels:getMultiparty', [id]);
    return heldView(view, await this.offchain.states.get(id, this.messenger.accountIdOf(principal)));
  }

  /** One page of the caller's multiparty channels as the ledger lists them (listMultiparties), each with the latest off-chain state this gateway holds (heldView). */
  async list(principal: Principal, pageSize: string, bookmark: string): Promise<{ items: MultipartyView[]; bookmark: string }> {
    const page = await this.chaincode.evaluate<{ records: MultipartyView[]; bookmark: string }>(principal, 'channels:listMultiparties', [pageSize, bookmark]);
    return { items: await this.offchain.heldViews(page.records, this.messenger.accountIdOf(principal)), bookmark: page.bookmark };
  }

  /** The principal's OPEN channels not bound to a multiparty channel (first 100), at their latest agreed balances (ChannelOffers). */
  openChannelsOf(principal: Principal): Promise<ChannelView[]> {
    return this.offers.openChannelsOf(principal);
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
    if (members.channels.length === 0) return { type: 'mpc-channels', channels: await this.offers.forwardingChannelsOf(principal, m.to) };
    const out: ChannelView[] = [];
    for (const id of members.channels) {
      let view = await this.ledgerChannel(principal, id);
      if (view && (await this.offers.checkpointBeforeBinding(principal, m, view))) view = await this.ledgerChannel(principal, id);
      if (view) out.push(view);
    }
    return { type: 'mpc-channels', channels: out };
  }

  /**
   * mpc-sign: first stores the coordinator's latest all-signed state (`previous`) when it is newer
   * than the one held (MultipartyOffchain.catchUp: a commit this gateway missed), then signs the
   * multiparty state if the off-chain rules (protocol/multiparty-offchain.ts: one state per
   * version, over the latest agreed state) and protocol/multiparty.ts (the user's consent) allow
   * it; an update is remembered as signed, durably, before the answer.
   */
  private async agreeSign(principal: Principal, m: ChannelMessage): Promise<OffchainAnswer> {
    const members = this.members(m);
    const state = m.mpcState;
    if (!state) throw refuse('INVALID_ARGUMENT', 'mpc-sign needs mpcState');
    const bytes = mpcBytes(m.channel, state);
    await this.messenger.verify(principal, m.from, bytes, m.signature);
    const requestedBySelf = m.from === m.to;
    if (!(state.version === 0 && !state.final)) await this.offchain.catchUp(principal, m.channel, m.to, m.previous);
    await this.offchain.run(m.channel, m.to, async () => {
      if (state.version === 0 && !state.final) {
        if ((await this.offchain.states.get(m.channel, m.to))?.latest) throw refuse('FAILED_PRECONDITION', `multiparty channel ${m.channel} is already open`);
        return this.consent(principal, m.to, m.channel, members, state, requestedBySelf);
      }
      const { record, base } = await this.offchain.held(principal, m.to, m.channel);
      checkSignable(m.channel, base, record.signed, state);
      await this.consent(principal, m.to, m.channel, members, state, requestedBySelf, base);
      await this.offchain.states.put({ ...record, signed: state });
    });
    return { type: 'mpc-agree', signature: this.messenger.sign(principal, bytes) };
  }

  /** mpc-commit: an all-signed state from the coordinator, stored when newer (multiparty-offchain.ts). */
  private async receiveCommit(principal: Principal, m: ChannelMessage): Promise<OffchainAnswer> {
    this.members(m);
    return this.offchain.receiveCommit(principal, m);
  }

  // ------------------------------------------------------------------ internals

  /**
   * Gathers what protocol/multiparty.ts decides on (the user's member channels on the ledger, or
   * as in `base`, the latest agreed multiparty state, after the opening; its agreed two-party versions, its consent, forwarding permissions and authorization), then
   * records the outcome: the binding's basis (opening), the used authorization, the binding or
   * release on the user's two-party records.
   */
  private async consent(principal: Principal, self: string, mpc: string, members: Members, state: MpcStateJson, requestedBySelf: boolean, base?: MpcStateJson): Promise<void> {
    const own: LedgerChannel[] = [];
    const agreedVersions: Record<string, number | undefined> = {};
    const forwarding: Record<string, ForwardingPermission | undefined> = {};
    for (const c of state.channels) {
      const onLedger = await this.ledgerChannel(principal, c.channel);
      if (!onLedger) continue;
      // After the opening, the user's channels stand as in the latest agreed off-chain state.
      const agreed = base?.channels.find((x) => x.channel === c.channel);
      own.push(agreed ? { ...onLedger, version: agreed.version, balances: agreed.balances } : onLedger);
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

  /** Each member channel's two parties (partiesOf), by channel id, remembered in `self`'s record. */
  private async learnMemberParties(principal: Principal, self: string, view: MultipartyView): Promise<Record<string, [string, string]>> {
    const out: Record<string, [string, string]> = {};
    for (const channel of view.channels) out[channel] = await this.partiesOf(principal, view, channel);
    await this.offchain.run(view.id, self, async () => {
      const stored = await this.offchain.states.get(view.id, self);
      await this.offchain.states.put({ ...(stored ?? { mpc: view.id, account: self, parties: view.parties }), memberParties: out });
    });
    return out;
  }
}
