import { randomBytes } from 'node:crypto';
import type { Principal } from '../identity/store';
import type { ChannelService } from './service';
import type { HtlcPart, HtlcPaymentRecord, HtlcStore } from './htlc-store';
import type { HtlcSteps } from './htlc-steps';
import type { HtlcTiming } from './htlc-timing';
import type { RouterName } from './route-payment';
import type { ChannelGraph } from './routing';
import type { RoutePart } from './route-journal';
import { KeyedLocks } from './locks';
import type { Faults } from './context';
import { wasRefused } from './messenger';
import { abortableSleep } from './abortable-sleep';
import { findRoute } from './route-payment';
import { ChannelRefusal, ForwardHop, RefusalCode, expectAnswer, htlcsIn, invoiceBytes, refuse } from './protocol';
import { LedgerUnavailableError } from '../ledger/port';
import { journalContext, requestScopedId } from '../ledger/journal';

/** A routed payment settled by HTLCs, as its payer is answered. */
export interface HtlcPaymentAnswer {
  id: string;
  to: string;
  amount: string;
  router: RouterName;
  settlement: 'htlc';
  /** The payment hash; `preimage` (its SHA-256 preimage, from the payee) is the proof of payment. */
  hash: string;
  preimage: string;
  parts: RoutePart[];
}

/** How often a waiting payer looks at its payment again when no settlement wakes it (ms). */
const POLL_MS = 250;

/**
 * The payer's side of routed payments settled off-chain by hash-locked conditional updates
 * (Lightning BOLT 2 and 4, over the two-party channels of J. Math. 2022 s. 3.1): the payee's
 * gateway gives a payment hash (htlc-invoice), the payer's gateway adds an HTLC on the first
 * channel of each part of the route with the hops after it (each hop's expiry `deltaMs` before
 * the previous one's), every intermediary adds the next one only with the incoming one agreed
 * (htlc-relay.ts), the payee claims with the preimage once the parts add up to the amount, and the
 * claims run back hop by hop. Nothing goes on the ledger: a dispute is the only on-chain path
 * (reveal the preimage, then the channel's unilateral close settles each HTLC). Either the payee
 * is paid in full (the payer holds the preimage) or every HTLC goes back to its payer.
 * An idempotent request's payment id derives from the request's id: a repeat answers the same
 * payment, never a second one.
 */
export class HtlcPayments {
  private readonly locks = new KeyedLocks();
  private readonly waiters = new Map<string, Set<() => void>>();

  constructor(
    private readonly channels: ChannelService,
    private readonly knownGraph: (principal: Principal) => Promise<ChannelGraph>,
    private readonly store: HtlcStore,
    private readonly steps: HtlcSteps,
    private readonly timing: HtlcTiming,
    private readonly faults: Faults = {},
  ) {}

  /**
   * Pays `amount` (minor units) to `to` along a route `router` finds, by HTLCs. Answers once the
   * payee has claimed (the preimage known), or refuses once every HTLC went back: the route's
   * refusal (INSUFFICIENT_FUNDS when no route or a hop lacks liquidity; FORBIDDEN a party did
   * not consent). INVALID_ARGUMENT when `to` is the payer or a direct counterparty. While the
   * HTLCs are still in flight after `payWaitMs`, 503 (not kept): the same request answers later.
   */
  async pay(principal: Principal, to: string, amount: bigint, router: RouterName, key?: string): Promise<HtlcPaymentAnswer> {
    const self = this.channels.accountIdOf(principal);
    const requestId = key ?? journalContext.getStore()?.requestId;
    const id = requestId !== undefined ? requestScopedId('htlc', requestId) : `htlc-${randomBytes(12).toString('hex')}`;
    if (await this.store.payment(id)) return this.outcome(id);
    if (to === self) throw refuse('INVALID_ARGUMENT', 'the payee is the payer');
    const route = findRoute(await this.knownGraph(principal), self, to, amount, router);
    if (!route.ok) throw refuse(route.reason === 'INVALID_ARGUMENT' ? 'INVALID_ARGUMENT' : 'INSUFFICIENT_FUNDS', `no route: ${route.reason}: ${route.detail}`);
    const channels = new Set(route.parts.flatMap((p) => p.path.map((h) => h.channel)));
    if (channels.size === 1) {
      const [only] = channels;
      throw refuse('INVALID_ARGUMENT', `the payee shares channel ${only} with the payer: pay through it (POST /v1/channels/${only}/payments)`);
    }
    const at = new Date().toISOString();
    const ask = { type: 'htlc-invoice' as const, channel: id, from: self, to, amount: amount.toString(), at };
    const invoice = expectAnswer(await this.channels.messenger.deliver(principal, { ...ask, signature: this.channels.messenger.sign(principal, invoiceBytes(id, self, to, ask.amount, at)) }), 'htlc-invoice');
    const parts: HtlcPart[] = route.parts.map((p, i) => ({
      amount: p.amount.toString(),
      path: p.path.map((h) => ({ channel: h.channel, from: h.from, to: h.to })),
      htlcId: `${invoice.hash.slice(0, 32)}.${i}`,
      status: 'adding',
    }));
    const record: HtlcPaymentRecord = { id, payer: self, principal: principal.name, to, amount: amount.toString(), router, hash: invoice.hash, parts, status: 'PENDING', createdAt: at };
    await this.store.putPayment(record);
    const now = Date.now();
    await Promise.all(parts.map((part) => this.send(principal, record, part, now)));
    this.faults.afterHtlcsAdded?.(id);
    return this.outcome(id);
  }

  /** Adds the first HTLC of `part`: expiries fall by `deltaMs` per hop, the last `deltaMs` from now. */
  private async send(principal: Principal, record: HtlcPaymentRecord, part: HtlcPart, now: number): Promise<void> {
    const expiry = (hop: number) => new Date(now + (part.path.length - hop) * this.timing.deltaMs).toISOString();
    const forward: ForwardHop[] = part.path.slice(1).map((h, j) => ({ channel: h.channel, to: h.to, amount: part.amount, expiresAt: expiry(j + 1) }));
    try {
      await this.steps.add(principal, part.path[0].channel, { id: part.htlcId, hash: record.hash, amount: part.amount, expiresAt: expiry(0) }, forward);
      await this.updatePart(record.id, part.htlcId, (p) => (p.status === 'adding' ? { ...p, status: 'added' } : p));
    } catch (err) {
      // Not answered: the proposal is pending, and the watch (reconcile) learns what became of it.
      if (!wasRefused(err)) return;
      const reason = `${refusalCode(err)}: ${err instanceof ChannelRefusal ? err.detail : (err as Error).message}`;
      await this.updatePart(record.id, part.htlcId, (p) => ({ ...p, status: 'failed', reason }));
    }
  }

  /**
   * An outgoing HTLC of this gateway's payer `party` was settled by the next party (htlc-relay.ts):
   * fulfilled (the preimage is the proof of payment) or failed back.
   */
  settled(party: string, hash: string, htlcId: string, kind: 'fulfill' | 'fail', detail: { preimage?: string; reason?: string }): void {
    void (async () => {
      const record = await this.store.paymentByHash(hash);
      if (!record || record.payer !== party) return;
      await this.updatePart(record.id, htlcId, (p) => ({ ...p, status: kind === 'fulfill' ? 'fulfilled' : 'failed', reason: detail.reason }), detail.preimage);
    })().catch(() => undefined); // the watch's reconcile reads the channel again
  }

  /**
   * The watch's pass over payments still PENDING: a part whose HTLC left its first channel
   * without this gateway being told (a state adopted after a stop, an expired HTLC failed by the
   * watch) is fulfilled if the preimage is known here, else failed; a part never added (its
   * proposal refused or lost) is failed once the request's wait is over.
   */
  async reconcile(): Promise<void> {
    for (const record of await this.store.pendingPayments()) {
      const late = Date.now() > Date.parse(record.createdAt) + this.timing.payWaitMs;
      for (const part of record.parts) {
        if (part.status === 'fulfilled' || part.status === 'failed') continue;
        const c = await this.channels.bindings.store.get(part.path[0].channel, record.payer);
        if (!c || c.pending) continue;
        const held = htlcsIn(c.latest).some((h) => h.id === part.htlcId);
        if (held) {
          if (part.status === 'adding') await this.updatePart(record.id, part.htlcId, (p) => ({ ...p, status: 'added' }));
          continue;
        }
        if (part.status === 'adding' && !late) continue;
        const preimage = await this.store.preimage(record.payer, record.hash);
        const never = `FAILED_PRECONDITION: the routed payment stopped before its HTLC was added, nothing moved: send it again with a new Idempotency-Key`;
        await this.updatePart(record.id, part.htlcId, (p) => (preimage && p.status === 'added' ? { ...p, status: 'fulfilled' } : { ...p, status: 'failed', reason: p.reason ?? (p.status === 'adding' ? never : 'the HTLC went back') }), preimage);
      }
    }
  }

  /** Applies `change` to one part under the payment's lock, settles the payment's status, wakes its waiters. */
  private async updatePart(id: string, htlcId: string, change: (p: HtlcPart) => HtlcPart, preimage?: string): Promise<void> {
    await this.locks.run(id, async () => {
      const record = await this.store.payment(id);
      if (!record) return;
      const parts = record.parts.map((p) => (p.htlcId === htlcId ? change(p) : p));
      const known = preimage ?? record.preimage;
      const status = parts.some((p) => p.status === 'fulfilled') && known ? 'PAID' : parts.every((p) => p.status === 'failed') ? 'FAILED' : 'PENDING';
      if (known && known !== record.preimage) await this.store.putPreimage(record.payer, record.hash, known);
      await this.store.putPayment({ ...record, parts, preimage: known, status, settledAt: status === 'PENDING' ? undefined : (record.settledAt ?? new Date().toISOString()) });
    });
    for (const wake of this.waiters.get(id) ?? []) wake();
  }

  /** Waits up to `payWaitMs` for the payment to settle: its answer, its refusal, or 503 while in flight. */
  private async outcome(id: string): Promise<HtlcPaymentAnswer> {
    const deadline = Date.now() + this.timing.payWaitMs;
    for (;;) {
      const record = (await this.store.payment(id))!;
      if (record.status === 'PAID') return answerOf(record);
      if (record.status === 'FAILED') throw failureOf(record);
      if (Date.now() >= deadline) {
        throw new LedgerUnavailableError(`the routed payment (${id}) is not settled yet: its HTLCs are in flight; send the request again with the same Idempotency-Key for its outcome`, 'commit');
      }
      await this.wait(id, Math.min(POLL_MS, deadline - Date.now()));
    }
  }

  private wait(id: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const set = this.waiters.get(id) ?? new Set();
      this.waiters.set(id, set);
      const done = () => {
        set.delete(done);
        if (set.size === 0) this.waiters.delete(id);
        clearTimeout(timer);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
    });
  }

  /** Runs `reconcile` every `watchMs` until `signal` aborts. */
  async run(signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.reconcile().catch(() => undefined);
      await abortableSleep(this.timing.watchMs, signal);
    }
  }
}

function answerOf(r: HtlcPaymentRecord): HtlcPaymentAnswer {
  return { id: r.id, to: r.to, amount: r.amount, router: r.router as RouterName, settlement: 'htlc', hash: r.hash, preimage: r.preimage!, parts: r.parts.map(({ amount, path }) => ({ amount, path })) };
}

/** The refusal's code: a local ChannelRefusal's own, a peer gateway's by its HTTP status. */
function refusalCode(err: unknown): RefusalCode {
  if (err instanceof ChannelRefusal) return err.code;
  const status = (err as { peerStatus?: number }).peerStatus;
  return (({ 400: 'INVALID_ARGUMENT', 404: 'NOT_FOUND', 409: 'FAILED_PRECONDITION', 422: 'INSUFFICIENT_FUNDS' }) as Record<number, RefusalCode>)[status ?? 0] ?? 'FORBIDDEN';
}

const REFUSAL_CODES: ReadonlySet<string> = new Set<RefusalCode>(['INVALID_ARGUMENT', 'FORBIDDEN', 'NOT_FOUND', 'FAILED_PRECONDITION', 'INSUFFICIENT_FUNDS']);

/**
 * Why a FAILED payment failed: the first failed part's refusal code when it names one (a part
 * refused where it was added), else INSUFFICIENT_FUNDS (a later hop could not carry it).
 */
function failureOf(r: HtlcPaymentRecord): ChannelRefusal {
  const reason = r.parts.find((p) => p.reason)?.reason ?? 'a hop could not carry it';
  const code = /^([A-Z_]+): /.exec(reason)?.[1];
  const known = code !== undefined && REFUSAL_CODES.has(code) ? (code as RefusalCode) : 'INSUFFICIENT_FUNDS';
  return refuse(known, `the routed payment (${r.id}) failed and every HTLC went back to its payer, nothing moved: ${reason.replace(/^[A-Z_]+: /, '')}`);
}
