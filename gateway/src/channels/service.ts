import type { ChannelView } from '@covenant/chaincode';
import type { ChaincodeClient } from '../ledger/chaincode';
import type { IdentityStore, Principal } from '../identity/store';
import { CertificateCache } from './certificates';
import type { Faults, TwoPartyContext } from './context';
import { KeyedLocks } from './locks';
import { OffchainMessenger } from './messenger';
import type { OffchainChannel, OffchainStore, SignedState } from './offchain-store';
import { ChannelOpenings, Opened, ProposalView } from './openings';
import type { PeerDirectory } from './peers';
import { ChannelMessage, OffchainAnswer, PROPOSALS, StateJson, refuse } from './protocol';
import { ChannelRecords } from './records';
import { PeerTransport } from './transport';
import { ChannelPayment, ChannelUpdates, HtlcPolicy, OnChainStep } from './updates';

export type { Faults } from './context';
export type { ChannelMessage } from './protocol';
export { viewProposal } from './openings';
export type { ProposalView } from './openings';

/**
 * The off-chain half of the payment channels of "Research on Multiparty Payment Technology Based
 * on Blockchain and Smart Contract Mechanism" (J. Math. 2022, section 3), between the parties'
 * gateways (the messages: protocol/messages.ts; what a gateway countersigns:
 * protocol/two-party.ts). This service wires the parts and is what the routes call:
 * openings.ts (createTPC, proposals), updates.ts (payments, close, recovery), records.ts (the
 * records and their reconciliation with the ledger), messenger.ts (signing, certificates,
 * delivery to this or a peer gateway, handlers by message type), locks.ts (one request or message
 * per channel at a time). The multiparty protocol (multiparty.ts) uses its `messenger` and
 * `bindings`, and registers its own message handlers.
 */
export class ChannelService {
  /** The off-chain messaging of this gateway's accounts, shared with the multiparty protocol. */
  readonly messenger: OffchainMessenger;
  /** The two-party records as the multiparty protocol sees them. */
  readonly bindings: ChannelRecords;
  private readonly locks = new KeyedLocks();
  private readonly openings: ChannelOpenings;
  private readonly updates: ChannelUpdates;
  private readonly transport: PeerTransport;

  constructor(
    private readonly chaincode: ChaincodeClient,
    identities: IdentityStore,
    store: OffchainStore,
    peers: PeerDirectory,
    faults: Faults = {},
  ) {
    this.messenger = new OffchainMessenger(identities, new CertificateCache(chaincode), (this.transport = new PeerTransport(peers)));
    this.bindings = new ChannelRecords(store, chaincode);
    const ctx: TwoPartyContext = { chaincode, records: this.bindings, messenger: this.messenger, locks: this.locks, faults };
    this.openings = new ChannelOpenings(ctx);
    this.updates = new ChannelUpdates(ctx);
    this.messenger.on(this.openings.handlers);
    this.messenger.on(this.updates.handlers);
  }

  /** The account id of a principal of this gateway. */
  accountIdOf(principal: Principal): string {
    return this.messenger.accountIdOf(principal);
  }

  // ------------------------------------------------------------------ user requests

  /** Opens a channel or proposes one (see ChannelOpenings.open). */
  open(principal: Principal, req: { id: string; counterparty: string; deposit: string; counterpartyDeposit: string; expiresInSeconds?: number }): Promise<Opened> {
    return this.openings.open(principal, req);
  }

  /** The caller's channel proposals, incoming and outgoing, one page by id. */
  proposals(principal: Principal, pageSize: number, bookmark: string): Promise<{ items: ProposalView[]; bookmark: string }> {
    return this.openings.proposals(principal, pageSize, bookmark);
  }

  /** The counterparty accepts a proposal: the channel opens with both deposits (see ChannelOpenings.accept). */
  accept(principal: Principal, id: string): Promise<ChannelView> {
    return this.openings.accept(principal, id);
  }

  /** The counterparty declines a proposal. */
  decline(principal: Principal, id: string): Promise<ProposalView> {
    return this.openings.decline(principal, id);
  }

  /** The opener withdraws its proposal. */
  withdraw(principal: Principal, id: string): Promise<ProposalView> {
    return this.openings.withdraw(principal, id);
  }

  /** Pays `amount` (minor units) to the other party off-chain. */
  pay(principal: Principal, id: string, amount: bigint): Promise<ChannelPayment> {
    return this.updates.pay(principal, id, amount);
  }

  /** Cooperative close: both sign a final state, then closeChannel on-chain. */
  close(principal: Principal, id: string): Promise<ChannelView> {
    return this.updates.close(principal, id);
  }

  /** Puts the latest state both signed on the ledger (checkpoint, start or challenge a unilateral close). */
  onChain(principal: Principal, id: string, step: OnChainStep): Promise<ChannelView> {
    return this.updates.onChain(principal, id, step);
  }

  /** Proposes one HTLC step on the caller's channel (see ChannelUpdates.updateHtlc; htlc-steps.ts). */
  updateHtlc(principal: Principal, id: string, next: (c: OffchainChannel) => StateJson, extra?: Pick<ChannelMessage, 'preimage' | 'forward' | 'reason'>): Promise<SignedState> {
    return this.updates.updateHtlc(principal, id, next, extra);
  }

  /** Decides the htlc-updates other gateways propose (htlc-relay.ts); without one they are refused. */
  setHtlcPolicy(policy: HtlcPolicy): void {
    this.updates.htlcPolicy = policy;
  }

  /** The latest state both parties signed, as this gateway holds it. */
  latest(principal: Principal, id: string): Promise<SignedState> {
    return this.updates.latest(principal, id);
  }

  /**
   * The caller allows (`allow`, with an optional `cap` in minor units) or forbids routing others'
   * payments through its channel `id`: with it, its gateway binds the channel into the
   * multiparty channel of a routed payment (POST /v1/payments) and announces it to other gateways
   * for routing; an update moving more than `cap` through it is not signed. The caller must be a
   * party of the channel on the ledger (the chaincode's FORBIDDEN / NOT_FOUND).
   */
  async setForwarding(principal: Principal, id: string, allow: boolean, cap?: string): Promise<{ channel: string; account: string; allow: boolean; cap?: string }> {
    const account = this.accountIdOf(principal);
    await this.chaincode.evaluate(principal, 'channels:getChannel', [id]);
    await this.bindings.store.setForwarding(id, account, allow ? (cap === undefined ? {} : { cap }) : undefined);
    return { channel: id, account, allow, cap: allow ? cap : undefined };
  }

  // ------------------------------------------------------------------ other gateways' messages

  /**
   * Handles a message from another party's gateway; returns the countersignature, the state, a
   * receipt or channels. While this gateway is itself working on the channel (its own user's
   * proposal in flight), a proposal from the other side is refused at once (FAILED_PRECONDITION,
   * transient: retry) rather than queued: two gateways each waiting for the other would
   * otherwise deadlock on simultaneous payments.
   */
  async receive(m: ChannelMessage): Promise<OffchainAnswer> {
    if (PROPOSALS.has(m.type) && this.locks.busy(m.channel)) {
      throw refuse('FAILED_PRECONDITION', `channel ${m.channel} has a proposal in progress on this side: retry`, true);
    }
    return this.messenger.dispatch(m, true);
  }

  /** After a restart: asks the other side about every proposal that was sent but not stored. */
  recover(): Promise<number> {
    return this.updates.recover();
  }

  /** Closes the kept-alive connections to the other gateways (the gateway is shutting down). */
  closeConnections(): void {
    this.transport.close();
  }
}
