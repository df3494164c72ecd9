import { randomBytes } from 'node:crypto';
import type { ChannelView } from '@covenant/chaincode';
import type { Principal } from '../identity/store';
import { IDEMPOTENCY_TTL_MS, journalContext, requestScopedId } from '../ledger/journal';
import type { Faults } from './context';
import type { WarnLog } from './multiparty-watch';
import { KeyedLocks } from './locks';
import { abortableSleep } from './abortable-sleep';
import { ChannelRefusal, refuse } from './protocol';
import { findRoute, RoutedPayment, RoutePaymentService, RouterName } from './route-payment';
import type { PendingPaymentRecord, PendingPaymentStore, PendingStatus } from './pending-store';

/**
 * Routed payments that wait for liquidity (issue 14): the product side of the channel simulator's
 * `wait` column (test/bench/channel-sim/README.md, "Waiting"), after Spider's queues (Sivaraman et
 * al., "High Throughput Cryptocurrency Routing in Payment Channel Networks", NSDI 2020) over the
 * routing of seeds/003 (section 3.3.2).
 *
 * A payment sent with `waitSeconds` that no route can carry now is kept by the payer's gateway,
 * durably, as PENDING until a deadline, and retried: whenever one of the payer's channels changes
 * at this gateway (OffchainStore.onChange: an off-chain payment sent or received, an opening, a
 * route's release) and every RETRY_INTERVAL_MS. A retry pass takes the payer's pending payments
 * smallest amount first (oldest first among equals), plans them against one snapshot of the
 * channel graph the payer knows (each planned payment takes the liquidity its route uses), and
 * pays each planned one through RoutePaymentService.pay, as a fresh payment: journaled, every hop
 * or none. Nothing is locked or moved while a payment waits; the payer's money moves only when a
 * route carries it, by the request that created it. A payment whose deadline passed is EXPIRED
 * with nothing moved; the payer may cancel a PENDING one (CANCELLED). At most one pass or cancel
 * per payer runs at a time (KeyedLocks), so a cancel never races an attempt.
 *
 * Exactly once: a pending payment created by an idempotent request has an id derived from the
 * request's (TransactionJournal.requestId), so a repeat finds it; each attempt routes under its own
 * key (`pending|{id}|{n}`), so an attempt a stop interrupted is answered from the route journal
 * after the restart (paid, or closed unpaid: then the next attempt), never routed twice.
 */
export const MIN_WAIT_SECONDS = 1;
export const MAX_WAIT_SECONDS = 86_400;
/** The periodic retry of every payer's pending payments (balances change where this gateway cannot see: others' channels). */
export const RETRY_INTERVAL_MS = 2_000;
/** The least time between two passes, however often channels change. */
const MIN_PASS_GAP_MS = 100;
/** Pending payments one pass of one payer looks at, smallest first: every pass is bounded. */
const MAX_PER_PASS = 100;

/** A waiting payment as its payer reads it (GET /v1/payments/{id}). */
export interface PendingPaymentView {
  id: string;
  status: PendingStatus;
  to: string;
  amount: string;
  router: RouterName;
  createdAt: string;
  deadline: string;
  multiparty?: string;
  parts?: PendingPaymentRecord['parts'];
  paidAt?: string;
  finishedAt?: string;
  lastRefusal?: { code: string; detail: string };
}

/** What POST /v1/payments with `waitSeconds` answers: paid at once (201) or kept (202). */
export type WaitingAnswer = { paid: RoutedPayment } | { pending: PendingPaymentView };

export class PendingPaymentService {
  private readonly locks = new KeyedLocks();
  /** PENDING records by payer name, then id: what the retry passes look at (loaded at start). */
  private readonly open = new Map<string, Map<string, PendingPaymentRecord>>();
  /** Accounts whose channels changed since the last pass. */
  private readonly changedAccounts = new Set<string>();
  private wake?: () => void;

  constructor(
    private readonly routed: RoutePaymentService,
    private readonly store: PendingPaymentStore,
    private readonly accountIdOf: (p: Principal) => string,
    private readonly principalNamed: (name: string) => Principal | undefined,
    /** The caller's open two-party channels (to refuse a payee that is a direct counterparty). */
    private readonly ownChannels: (p: Principal) => Promise<ChannelView[]>,
    private readonly log?: WarnLog,
    private readonly faults: Faults = {},
  ) {}

  /**
   * POST /v1/payments with `waitSeconds` (MIN_WAIT_SECONDS..MAX_WAIT_SECONDS): pays `amount` (minor
   * units) to `to` at once if a route carries it (`paid`, as RoutePaymentService.pay), else keeps
   * it PENDING with the deadline now + waitSeconds (`pending`). A repeat of an idempotent request
   * answers the payment the first run kept, as it stands now. Errors: as RoutePaymentService.pay,
   * except INSUFFICIENT_FUNDS (the payment waits instead); INVALID_ARGUMENT when the payee shares
   * a channel with the payer (pay through it).
   */
  async pay(principal: Principal, to: string, amount: bigint, router: RouterName, waitSeconds: number): Promise<WaitingAnswer> {
    const requestId = journalContext.getStore()?.requestId;
    const id = pendingId(requestId);
    const kept = requestId === undefined ? undefined : await this.store.get(id);
    if (kept && kept.payer === principal.name) return { pending: await this.current(principal, kept) };
    try {
      return { paid: await this.routed.pay(principal, to, amount, router) };
    } catch (err) {
      if (!(err instanceof ChannelRefusal) || err.code !== 'INSUFFICIENT_FUNDS') throw err;
    }
    const direct = (await this.ownChannels(principal)).find((c) => c.parties.includes(to));
    if (direct) throw refuse('INVALID_ARGUMENT', `the payee shares channel ${direct.id} with the payer: pay through it (POST /v1/channels/${direct.id}/payments)`);
    const now = Date.now();
    const record: PendingPaymentRecord = {
      id,
      payer: principal.name,
      from: this.accountIdOf(principal),
      to,
      amount: amount.toString(),
      router,
      status: 'PENDING',
      createdAt: new Date(now).toISOString(),
      deadline: new Date(now + waitSeconds * 1000).toISOString(),
      attempt: 0,
    };
    await this.store.create(record);
    this.keep(record);
    this.faults.afterPendingStored?.(id);
    return { pending: viewOf(record) };
  }

  /** The caller's payment `id`, as it stands (a PENDING one past its deadline is expired first). NOT_FOUND unless the caller is its payer. */
  async get(principal: Principal, id: string): Promise<PendingPaymentView> {
    return this.current(principal, await this.owned(principal, id));
  }

  /** One page of the caller's payments, newest first, with `status` if given (pending-store.ts, `page`). */
  async list(principal: Principal, status: PendingStatus | undefined, pageSize: number, bookmark: string): Promise<{ items: PendingPaymentView[]; bookmark: string }> {
    const page = await this.store.page(this.accountIdOf(principal), status, pageSize, bookmark);
    return { items: page.items.filter((r) => r.payer === principal.name).map(viewOf), bookmark: page.bookmark };
  }

  /**
   * The payer cancels its PENDING payment `id`: CANCELLED, nothing moved. Runs under the payer's
   * lock, so never during an attempt; an attempt a stop left unsettled is settled first (if it
   * paid, the payment is PAID). A CANCELLED payment answers as it is. Errors: NOT_FOUND unless the
   * caller is its payer; FAILED_PRECONDITION when it is PAID or EXPIRED.
   */
  async cancel(principal: Principal, id: string): Promise<PendingPaymentView> {
    await this.owned(principal, id);
    return this.locks.run(principal.name, async () => {
      let record = (await this.store.get(id))!;
      if (record.status === 'PENDING') record = await this.settleBegun(principal, record);
      if (record.status === 'PENDING' && Date.parse(record.deadline) <= Date.now()) record = await this.expire(principal, record);
      if (record.status === 'CANCELLED') return viewOf(record);
      if (record.status !== 'PENDING') throw refuse('FAILED_PRECONDITION', `payment ${id} is already ${record.status}`);
      return viewOf(await this.finish({ ...record, status: 'CANCELLED' }));
    });
  }

  /** Marks `account`'s channels changed: its pending payments are retried at once (OffchainStore.onChange). */
  changed(account: string): void {
    this.changedAccounts.add(account);
    this.wake?.();
  }

  /** Reads the PENDING payments kept before a stop (call once, before requests and {@link run}); purges records finished more than IDEMPOTENCY_TTL_MS ago. */
  async load(): Promise<void> {
    await this.store.purge(Date.now() - IDEMPOTENCY_TTL_MS);
    for (const record of await this.store.pending()) this.keep(record);
  }

  /**
   * The retry loop, until `signal` aborts: a pass over the payers whose channels changed as soon as
   * one does (at most one pass per MIN_PASS_GAP_MS), and over every payer with pending payments
   * each RETRY_INTERVAL_MS. Never rejects: a failed pass is logged and the loop goes on.
   */
  async run(signal: AbortSignal): Promise<void> {
    let lastFull = Date.now();
    while (!signal.aborted) {
      if (this.changedAccounts.size === 0) await this.pause(lastFull + RETRY_INTERVAL_MS - Date.now(), signal);
      if (signal.aborted) break;
      const full = Date.now() - lastFull >= RETRY_INTERVAL_MS;
      if (full) lastFull = Date.now();
      const accounts = new Set(this.changedAccounts);
      this.changedAccounts.clear();
      for (const [payer, records] of [...this.open]) {
        if (signal.aborted) break;
        if (!full && ![...records.values()].some((r) => accounts.has(r.from))) continue;
        await this.retry(payer, signal).catch((err) => this.log?.warn({ err, payer }, 'retrying waiting payments failed'));
      }
      await abortableSleep(MIN_PASS_GAP_MS, signal);
    }
  }

  /**
   * One pass over `payer`'s pending payments (see the class comment): expires those past their
   * deadline, settles attempts a stop left unsettled, then plans the rest smallest first on one
   * snapshot of the graph and attempts the planned ones.
   */
  retry(payer: string, signal?: AbortSignal): Promise<void> {
    return this.locks.run(payer, async () => {
      const principal = this.principalNamed(payer);
      const records = [...(this.open.get(payer)?.values() ?? [])].sort(smallestFirst).slice(0, MAX_PER_PASS);
      if (!principal || records.length === 0) return;
      const live: PendingPaymentRecord[] = [];
      for (const record of records) {
        const settled = await this.settleBegun(principal, record);
        if (settled.status !== 'PENDING') continue;
        if (Date.parse(settled.deadline) <= Date.now()) await this.expire(principal, settled);
        else live.push(settled);
      }
      if (live.length === 0) return;
      const graph = await this.routed.knownGraph(principal);
      const self = this.accountIdOf(principal);
      for (const record of live) {
        if (signal?.aborted || Date.parse(record.deadline) <= Date.now()) break;
        const route = findRoute(graph, self, record.to, BigInt(record.amount), record.router);
        if (!route.ok) continue;
        try {
          graph.apply(route, self, record.to);
        } catch {
          continue;
        }
        await this.attempt(principal, record);
      }
    });
  }

  /**
   * Attempt `record.attempt`: RoutePaymentService.pay under its key, outside any request's journal.
   * PAID when the route paid; else the attempt number advances if its route was begun and closed
   * (unpaid), and the refusal is kept. Returns the record as it now stands.
   */
  private async attempt(principal: Principal, record: PendingPaymentRecord): Promise<PendingPaymentRecord> {
    const key = attemptKey(record);
    let paid: RoutedPayment;
    try {
      paid = await journalContext.exit(() => this.routed.pay(principal, record.to, BigInt(record.amount), record.router, key));
    } catch (err) {
      const begun = await this.routed.routeOf(key);
      const refusal = err instanceof ChannelRefusal ? { code: err.code, detail: err.detail } : { code: 'LEDGER_UNAVAILABLE', detail: (err as Error).message };
      // Only a route closed unpaid frees the key for the next attempt: one paid is answered as paid.
      const closedUnpaid = begun?.stage === 'closed' && begun.outcome === 'unpaid';
      const next = { ...record, attempt: closedUnpaid ? record.attempt + 1 : record.attempt, lastRefusal: refusal };
      if (next.attempt === record.attempt && record.lastRefusal?.code === refusal.code) return record;
      await this.store.put(next);
      this.keep(next);
      return next;
    }
    return this.finish({ ...record, status: 'PAID', multiparty: paid.multiparty, parts: paid.parts, paidAt: new Date().toISOString(), lastRefusal: undefined });
  }

  /**
   * A PENDING record whose current attempt began a route that is not closed unpaid (a stop came
   * mid-attempt, or after it paid but before PAID was written): the attempt is answered from the
   * route (RoutePaymentService.pay under the same key routes nothing new). Other records as they are.
   */
  private async settleBegun(principal: Principal, record: PendingPaymentRecord): Promise<PendingPaymentRecord> {
    const begun = await this.routed.routeOf(attemptKey(record));
    if (!begun || (begun.stage === 'closed' && begun.outcome === 'unpaid')) return begun ? this.advance(record) : record;
    return this.attempt(principal, record);
  }

  /** The record with its next attempt number (its current attempt's route closed unpaid), written. */
  private async advance(record: PendingPaymentRecord): Promise<PendingPaymentRecord> {
    const next = { ...record, attempt: record.attempt + 1 };
    await this.store.put(next);
    this.keep(next);
    return next;
  }

  /** EXPIRED, unless its current attempt's route is unsettled or paid (then that decides). */
  private async expire(principal: Principal, record: PendingPaymentRecord): Promise<PendingPaymentRecord> {
    const settled = await this.settleBegun(principal, record);
    return settled.status === 'PENDING' && !(await this.unsettled(settled)) ? this.finish({ ...settled, status: 'EXPIRED' }) : settled;
  }

  /** Whether the current attempt's route was begun and is not closed yet. */
  private async unsettled(record: PendingPaymentRecord): Promise<boolean> {
    const begun = await this.routed.routeOf(attemptKey(record));
    return begun !== undefined && begun.stage !== 'closed';
  }

  /** Writes `record` as it leaves PENDING (`finishedAt` now) and stops retrying it. */
  private async finish(record: PendingPaymentRecord): Promise<PendingPaymentRecord> {
    const done = { ...record, finishedAt: new Date().toISOString() };
    await this.store.put(done);
    this.open.get(record.payer)?.delete(record.id);
    if (this.open.get(record.payer)?.size === 0) this.open.delete(record.payer);
    return done;
  }

  /** Keeps a PENDING record for the retry passes (replacing its older copy). */
  private keep(record: PendingPaymentRecord): void {
    if (record.status !== 'PENDING') return;
    let records = this.open.get(record.payer);
    if (!records) this.open.set(record.payer, (records = new Map()));
    records.set(record.id, record);
  }

  /** The caller's record `id`, else NOT_FOUND (never saying whether another's exists). */
  private async owned(principal: Principal, id: string): Promise<PendingPaymentRecord> {
    const record = await this.store.get(id);
    if (!record || record.payer !== principal.name) throw refuse('NOT_FOUND', `no payment ${id} of the caller`);
    return record;
  }

  /** The view of `record` now: a PENDING one past its deadline is expired first (under the payer's lock). */
  private async current(principal: Principal, record: PendingPaymentRecord): Promise<PendingPaymentView> {
    if (record.status !== 'PENDING' || Date.parse(record.deadline) > Date.now()) return viewOf(this.open.get(record.payer)?.get(record.id) ?? record);
    return viewOf(
      await this.locks.run(record.payer, async () => {
        const now = (await this.store.get(record.id))!;
        return now.status === 'PENDING' ? this.expire(principal, now) : now;
      }),
    );
  }

  /** Waits `ms`, or less if a channel change wakes it or `signal` aborts. */
  private pause(ms: number, signal: AbortSignal): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = () => {
        clearTimeout(timer);
        signal.removeEventListener('abort', done);
        this.wake = undefined;
        resolve();
      };
      const timer = setTimeout(done, Math.max(1, ms));
      this.wake = done;
      signal.addEventListener('abort', done, { once: true });
    });
  }
}

/** Smallest amount first, oldest first among equals (Spider's smallest-first queue; the simulator's `--wait` order). */
function smallestFirst(a: PendingPaymentRecord, b: PendingPaymentRecord): number {
  const [x, y] = [BigInt(a.amount), BigInt(b.amount)];
  return x < y ? -1 : x > y ? 1 : a.createdAt < b.createdAt ? -1 : a.createdAt > b.createdAt ? 1 : 0;
}

/** The payment's id: derived from the idempotent request's id when there is one (a repeat finds it), else random. */
function pendingId(requestId: string | undefined): string {
  return requestId !== undefined ? requestScopedId('pay', requestId) : `pay-${randomBytes(12).toString('hex')}`;
}

/** The route key of the record's current attempt (RoutePaymentService.pay's `key`). */
function attemptKey(record: PendingPaymentRecord): string {
  return `pending|${record.id}|${record.attempt}`;
}

function viewOf(r: PendingPaymentRecord): PendingPaymentView {
  const { id, status, to, amount, router, createdAt, deadline, multiparty, parts, paidAt, finishedAt, lastRefusal } = r;
  return { id, status, to, amount, router, createdAt, deadline, multiparty, parts, paidAt, finishedAt, lastRefusal };
}

