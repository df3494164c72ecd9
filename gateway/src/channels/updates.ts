import type { ChannelView } from '@covenant/chaincode';
import type { Principal } from '../identity/store';
import { LockedBatches, Outcome } from './batches';
import { TwoPartyContext, fromSender, withSignedState } from './context';
import { MessageHandlers, wasRefused } from './messenger';
import { journalContext } from '../ledger/journal';
import { OffchainChannel, PendingPayment, RECOVERED_PAYMENTS_KEPT, RecoveredPayment } from './offchain-store';
import {
  ChannelMessage,
  SignedState,
  StateJson,
  checkCurrent,
  checkNextState,
  checkSyncedState,
  closingState,
  HtlcChange,
  expectAnswer,
  htlcChangeOf,
  inPartyOrder,
  nettedPaymentState,
  refuse,
  stateJson,
  syncBytes,
  tpcBytes,
  verifySignature,
} from './protocol';

/**
 * An off-chain payment as its payer sees it: the agreed state that includes it and the amount
 * (minor units). Concurrent payments of one payer on one channel may be agreed in one state (see
 * ChannelUpdates.pay): they then share its version and balances.
 */
export interface ChannelPayment {
  channel: string;
  version: number;
  balances: [string, string];
  amount: string;
}

/**
 * What a gateway's HTLC relay (htlc-relay.ts) decides of an htlc-update the other party
 * proposed: `check` refuses what its user does not consent to (before this side signs); `agreed`
 * is told once the countersigned state is stored (it must not block: it schedules what follows).
 */
export interface HtlcPolicy {
  check(principal: Principal, c: OffchainChannel, change: HtlcChange, m: ChannelMessage): Promise<void>;
  agreed(principal: Principal, c: OffchainChannel, change: HtlcChange, m: ChannelMessage): void;
}

/** The ledger transactions that put the latest agreed state on-chain. */
export type OnChainStep = 'checkpoint' | 'startClose' | 'challengeClose';

/**
 * Updating and closing open two-party channels (updateTPC, closeTPC, J. Math. 2022, section 3.1),
 * both sides: the user's requests (pay, close, put the agreed state on-chain) and the other
 * gateway's messages (tpc-update, tpc-close, tpc-sync). A gateway writes its own proposal
 * (`pending`) before sending it and stores the fully signed state (synced to disk) before
 * answering, so a crash never loses an agreed state; one channel has one proposal in flight at a
 * time (its lock), concurrent payments being netted into it rather than pipelined; after a
 * restart it asks the other side (tpc-sync) about every proposal it sent but did not store.
 */
export class ChannelUpdates {
  /** The handlers of the update messages, by type. */
  readonly handlers: MessageHandlers;
  /** Concurrent payments by payer and channel, each batch run under the channel's lock. */
  private readonly payments: LockedBatches<{ principal: Principal; id: string; amount: bigint; requestId?: string }, ChannelPayment>;
  /** How htlc-updates from the other side are decided; none: they are refused. */
  htlcPolicy?: HtlcPolicy;

  constructor(private readonly ctx: TwoPartyContext) {
    this.payments = new LockedBatches(this.ctx.locks, (batch) => this.payBatch(batch[0].principal, batch[0].id, batch));
    this.handlers = {
      'tpc-update': withSignedState(this.ctx, (principal, m, state) => this.agreeNext(principal, m, state, false)),
      'tpc-close': withSignedState(this.ctx, (principal, m, state) => this.agreeNext(principal, m, state, true)),
      'tpc-sync': fromSender(this.ctx, (_principal, m, certificate) => this.answerSync(m, certificate), false),
      'htlc-update': withSignedState(this.ctx, (principal, m, state) => this.agreeHtlc(principal, m, state)),
    };
  }

  private get store() {
    return this.ctx.records.store;
  }

  /**
   * Pays `amount` (minor units) to the other party off-chain: a new version both sign; nothing on
   * the ledger. Payments of the same payer on the same channel that arrive while the channel is
   * busy are netted, in arrival order, into one next state (one signature each side, one round
   * trip, one synced write each side), which every one of them answers with. Refusals:
   * INSUFFICIENT_FUNDS (this payment only), the other gateway's (every payment of the state).
   * A repeat of an idempotent request (same caller and Idempotency-Key) whose proposal was left
   * pending by a failure and then found agreed answers that agreed state: it is not paid again.
   */
  pay(principal: Principal, id: string, amount: bigint): Promise<ChannelPayment> {
    const requestId = journalContext.getStore()?.requestId;
    return this.payments.submit(id, `${this.ctx.messenger.accountIdOf(principal)}!${id}`, { principal, id, amount, requestId });
  }

  /** One netted payment state for the `batch` (in order), inside the channel's lock. */
  private async payBatch(principal: Principal, id: string, batch: { amount: bigint; requestId?: string }[]): Promise<Outcome<ChannelPayment>[]> {
    const c = await this.own(principal, id);
    const recovered = (p: { requestId?: string }) => (p.requestId === undefined ? undefined : c.recoveredPayments?.find((r) => r.requestId === p.requestId));
    const fresh = batch.filter((p) => !recovered(p));
    const { state, refusals } = nettedPaymentState(c, fresh.map((p) => p.amount));
    const carried = fresh.flatMap((p, i) => (refusals[i] || p.requestId === undefined ? [] : [{ requestId: p.requestId, amount: p.amount.toString() }]));
    const latest = state && (await this.propose(principal, c, 'tpc-update', state, carried));
    return batch.map((p) => {
      const done = recovered(p);
      if (done) return { ok: true, value: { channel: id, version: done.version, balances: done.balances, amount: done.amount } };
      const refusal = refusals[fresh.indexOf(p)];
      return refusal || !latest ? { ok: false, error: refusal } : { ok: true, value: { channel: id, version: latest.version, balances: latest.balances, amount: p.amount.toString() } };
    });
  }

  /** Cooperative close: both sign a final state with the latest balances; then closeChannel on-chain. */
  async close(principal: Principal, id: string): Promise<ChannelView> {
    return this.ctx.locks.run(id, async () => {
      const c = await this.own(principal, id);
      const latest = await this.propose(principal, c, 'tpc-close', closingState(c));
      return this.ctx.chaincode.submit<ChannelView>(principal, 'channels:closeChannel', [id, stateJson(latest), JSON.stringify(latest.signatures)]);
    });
  }

  /** Puts the latest state both signed on the ledger (checkpoint, start or challenge a unilateral close). */
  async onChain(principal: Principal, id: string, step: OnChainStep): Promise<ChannelView> {
    return this.ctx.locks.run(id, async () => {
      const c = await this.own(principal, id);
      return this.ctx.chaincode.submit<ChannelView>(principal, `channels:${step}`, [id, stateJson(c.latest), JSON.stringify(c.latest.signatures)]);
    });
  }

  /**
   * Proposes the HTLC step `next` builds from the caller's channel (protocol/htlc.ts: add,
   * fulfill or fail), with the message's `extra` fields (the preimage of a fulfill, the hops of a
   * forwarded add), inside the channel's lock; returns the state both signed. Refusals: `next`'s,
   * and the other gateway's (nothing changed).
   */
  async updateHtlc(principal: Principal, id: string, next: (c: OffchainChannel) => StateJson, extra: Pick<ChannelMessage, 'preimage' | 'forward' | 'reason'> = {}): Promise<SignedState> {
    return this.ctx.locks.run(id, async () => {
      const c = await this.own(principal, id);
      return this.propose(principal, c, 'htlc-update', next(c), [], extra);
    });
  }

  /** The latest state both parties signed, as this gateway holds it. */
  async latest(principal: Principal, id: string): Promise<SignedState> {
    return this.ctx.locks.run(id, async () => (await this.own(principal, id)).latest);
  }

  /** After a restart: asks the other side about every proposal that was sent but not stored; returns how many states it adopted. */
  async recover(): Promise<number> {
    let recovered = 0;
    for (const c of await this.store.withPending()) {
      const principal = this.ctx.messenger.principalOf(c.parties[c.self]);
      if (!principal) continue;
      try {
        await this.ctx.locks.run(c.id, async () => {
          if (await this.sync(principal, c)) recovered += 1;
        });
      } catch {
        /* the other gateway is unreachable: try again at the next request on this channel */
      }
    }
    return recovered;
  }

  // ------------------------------------------------------------------ the other gateway's messages

  /** tpc-update / tpc-close: countersigns the next state if protocol/two-party.ts allows it, and stores it. */
  private async agreeNext(principal: Principal, m: ChannelMessage, state: StateJson, closing: boolean) {
    const c = await this.ctx.records.usable(principal, await this.ctx.records.between(m.channel, m.from, m.to));
    checkNextState(c, state, closing);
    return (await this.countersign(principal, c, m, state)).answer;
  }

  /** htlc-update: countersigns one HTLC step (protocol/htlc.ts) the HTLC policy consents to, stores it, then tells the policy. */
  private async agreeHtlc(principal: Principal, m: ChannelMessage, state: StateJson) {
    if (!this.htlcPolicy) throw refuse('NOT_FOUND', 'HTLCs are not served here');
    const c = await this.ctx.records.usable(principal, await this.ctx.records.between(m.channel, m.from, m.to));
    const change = htlcChangeOf(c, state);
    await this.htlcPolicy.check(principal, c, change, m);
    const { agreed, answer } = await this.countersign(principal, c, m, state);
    this.htlcPolicy.agreed(principal, agreed, change, m);
    return answer;
  }

  /** Signs the other side's proposed `state` for this side and stores it, both signatures in party order, as the agreed state. */
  private async countersign(principal: Principal, c: OffchainChannel, m: ChannelMessage, state: StateJson) {
    const mine = this.ctx.messenger.sign(principal, tpcBytes(c.id, state));
    const agreed: OffchainChannel = { ...c, latest: { ...state, signatures: inPartyOrder(c.self, mine, m.signature) }, pending: undefined, pendingPayments: undefined };
    await this.store.put(agreed);
    return { agreed, answer: { type: 'tpc-agree' as const, signature: mine } };
  }

  /** tpc-sync: the latest state both signed, to the other party only. */
  private async answerSync(m: ChannelMessage, certificate: string) {
    checkCurrent(m.type, m.at, Date.now());
    verifySignature(certificate, syncBytes(m.channel, m.from, m.at), m.signature, m.from);
    const c = await this.store.get(m.channel, m.to);
    if (!c || c.parties[1 - c.self] !== m.from) throw refuse('NOT_FOUND', `no channel ${m.channel} with ${m.from}`);
    return { type: 'tpc-state' as const, state: c.latest };
  }

  // ------------------------------------------------------------------ internals

  /**
   * Writes the proposal (with the idempotent payments it carries), sends it, verifies the
   * countersignature and stores the agreed state.
   */
  private async propose(
    principal: Principal,
    c: OffchainChannel,
    type: 'tpc-update' | 'tpc-close' | 'htlc-update',
    state: StateJson,
    payments: PendingPayment[] = [],
    extra: Pick<ChannelMessage, 'preimage' | 'forward' | 'reason'> = {},
  ): Promise<SignedState> {
    const bytes = tpcBytes(c.id, state);
    const mine = this.ctx.messenger.sign(principal, bytes);
    await this.store.put({ ...c, pending: state, pendingPayments: payments.length > 0 ? payments : undefined });
    const other = c.parties[1 - c.self];
    let theirs: string;
    try {
      theirs = expectAnswer(await this.ctx.messenger.deliver(principal, { type, channel: c.id, from: c.parties[c.self], to: other, state, signature: mine, ...extra }), 'tpc-agree').signature;
    } catch (err) {
      // A refusal means the proposal was not countersigned: forget it. Anything else leaves it
      // pending for recovery.
      if (wasRefused(err)) await this.store.put({ ...c, pending: undefined, pendingPayments: undefined });
      throw err;
    }
    await this.ctx.messenger.verify(principal, other, bytes, theirs);
    this.ctx.faults.afterAgreeBeforeStore?.(c.id);
    const latest: SignedState = { ...state, signatures: inPartyOrder(c.self, mine, theirs) };
    await this.store.put({ ...c, latest, pending: undefined, pendingPayments: undefined });
    return latest;
  }

  /** The caller's channel, recovered first if a proposal is pending, usable for a two-party update. */
  private async own(principal: Principal, id: string): Promise<OffchainChannel> {
    const self = this.ctx.messenger.accountIdOf(principal);
    let c = await this.ctx.records.ownedBy(self, id);
    if (c.pending) {
      await this.sync(principal, c);
      c = (await this.store.get(id, self))!;
    }
    return this.ctx.records.usable(principal, c);
  }

  /** Adopts the other side's latest state when it is newer and signed by both; true when adopted. */
  private async sync(principal: Principal, c: OffchainChannel): Promise<boolean> {
    const self = c.parties[c.self];
    const at = new Date().toISOString();
    const signature = this.ctx.messenger.sign(principal, syncBytes(c.id, self, at));
    const answer = await this.ctx.messenger.deliver(principal, { type: 'tpc-sync', channel: c.id, from: self, to: c.parties[1 - c.self], at, signature });
    const theirs = expectAnswer(answer, 'tpc-state').state;
    if (theirs.version <= c.latest.version) {
      await this.store.put({ ...c, pending: undefined, pendingPayments: undefined });
      return false;
    }
    const bytes = tpcBytes(c.id, theirs);
    await this.ctx.messenger.verify(principal, c.parties[0], bytes, theirs.signatures[0]);
    await this.ctx.messenger.verify(principal, c.parties[1], bytes, theirs.signatures[1]);
    checkSyncedState(c.id, c.latest, theirs);
    await this.store.put({ ...c, latest: theirs, pending: undefined, pendingPayments: undefined, recoveredPayments: recoveredPayments(c, theirs) });
    return true;
  }
}

/**
 * The channel's recovered payments after adopting `theirs`: when it is exactly the pending
 * proposal (same version and balances), the payments that proposal carried were agreed, and
 * repeats of their requests must answer it rather than pay again.
 */
function recoveredPayments(c: OffchainChannel, theirs: StateJson): RecoveredPayment[] | undefined {
  const agreed =
    c.pending !== undefined && c.pending.version === theirs.version && c.pending.balances.every((b, i) => b === theirs.balances[i]) && c.pending.final === theirs.final;
  if (!agreed || !c.pendingPayments) return c.recoveredPayments;
  const added = c.pendingPayments.map((p) => ({ ...p, version: theirs.version, balances: theirs.balances }));
  return [...(c.recoveredPayments ?? []), ...added].slice(-RECOVERED_PAYMENTS_KEPT);
}
