import { randomBytes } from 'node:crypto';
import type { Principal } from '../identity/store';
import type { ChannelView, MultipartyView } from '@covenant/chaincode';
import type { MultipartyService } from './multiparty';
import { ChannelRefusal, MultipartyPayment, refuse } from './protocol';
import { IDEMPOTENCY_TTL_MS, journalContext, requestScopedId } from '../ledger/journal';
import { KeyedLocks } from './locks';
import { abortableSleep } from './abortable-sleep';
import { LedgerUnavailableError } from '../ledger/port';
import { ChannelGraph, RouteResult, routeByWeight, routeMultipath } from './routing';
import type { RouteEntry, RouteJournal, RoutePart } from './route-journal';
import type { Faults } from './context';

/**
 * A payment along a route of channels (issue 5, "Channel selection and routing"): the payer's
 * gateway learns the channels around it (its own, then its neighbours' announced channels, up to
 * MAX_DEPTH hops), picks a route with the paper's W heuristic or Covenant's multipath router
 * (routing/), and settles every hop atomically as one multiparty transaction over the route's
 * channels: open a multiparty channel over them, one update carrying every hop, close. Only
 * channels whose parties allow forwarding (their standing consent, POST /v1/channels/{id}/forwarding,
 * optionally capped) are announced by their gateways, and each party other than the payer binds
 * its channels on that permission (protocol/multiparty.ts). Each intermediary's gateway signs the update
 * because its user's balance over the route is unchanged (and no channel moves beyond its cap);
 * the payee's because it only gains; the payer's because the payer asked. Either every hop moves
 * or none.
 * The route's channels must be open and idle. Routing sees each channel's latest balances agreed
 * off-chain (MultipartyService.openChannelsOf), and a party's gateway checkpoints a channel whose
 * agreed state is newer than the ledger's before binding it, so no off-chain payment is undone.
 * The payer's gateway journals each step (route-journal.ts) and closes, when it starts again, every
 * route a stop left open ({@link RoutePaymentService.resume}): its channels are released with the
 * payment made or not, never half made. An idempotent request's route id derives from the
 * request's id, so its repeat after a stop answers what the route did and never routes again.
 */
export const MAX_DEPTH = 3;
/** How long after a route began a missing opening may still commit (a transaction sent before a stop is ordered within seconds). */
const OPENING_GRACE_MS = 60_000;
/** resume's passes over routes left open, RESUME_RETRY_MS apart: about three minutes, then the next start or a repeat. */
const RESUME_PASSES = 12;
const RESUME_RETRY_MS = 15_000;
const MAX_PARTIES = 50;

export type RouterName = 'multipath' | 'weight';

export interface RoutedPayment {
  to: string;
  amount: string;
  router: RouterName;
  settlement: 'multiparty';
  multiparty: string;
  parts: RoutePart[];
}

export class RoutePaymentService {
  private readonly locks = new KeyedLocks();

  constructor(
    private readonly multiparty: MultipartyService,
    private readonly accountIdOf: (p: Principal) => string,
    private readonly journal: RouteJournal,
    /** The principal of a payer's name, to close its routes after a restart. */
    private readonly principalNamed: (name: string) => Principal | undefined,
    private readonly faults: Faults = {},
  ) {}

  /** The channel graph the payer knows: breadth-first over announced channels, MAX_DEPTH hops. */
  async knownGraph(principal: Principal): Promise<ChannelGraph> {
    const self = this.accountIdOf(principal);
    const channels = new Map<string, ChannelView>();
    for (const c of await this.multiparty.openChannelsOf(principal)) channels.set(c.id, c);
    const seen = new Set([self]);
    let frontier = [...channels.values()].flatMap((c) => c.parties).filter((p) => !seen.has(p));
    for (let depth = 1; depth < MAX_DEPTH && frontier.length > 0 && seen.size < MAX_PARTIES; depth++) {
      const next: string[] = [];
      for (const party of [...new Set(frontier)]) {
        if (seen.has(party) || seen.size >= MAX_PARTIES) continue;
        seen.add(party);
        let announced: ChannelView[] = [];
        try {
          announced = await this.multiparty.announcedChannels(principal, party);
        } catch {
          continue; // an unreachable gateway announces nothing
        }
        for (const c of announced) {
          channels.set(c.id, c);
          next.push(...c.parties.filter((p) => !seen.has(p)));
        }
      }
      frontier = next;
    }
    return new ChannelGraph(
      [...channels.values()].map((c) => ({ id: c.id, a: c.parties[0], b: c.parties[1], balanceA: BigInt(c.balances[0]), balanceB: BigInt(c.balances[1]) })),
    );
  }

  /**
   * Routes and settles `amount` (minor units) from the caller to `to`; INSUFFICIENT_FUNDS when no
   * route can carry it, INVALID_ARGUMENT when the payee is a direct counterparty. `key` names the
   * attempt in place of the idempotent request's id (a waiting payment's retry,
   * pending-payments.ts): a route begun under the same key is answered, never routed again.
   */
  async pay(principal: Principal, to: string, amount: bigint, router: RouterName, key?: string): Promise<RoutedPayment> {
    const self = this.accountIdOf(principal);
    const requestId = key ?? journalContext.getStore()?.requestId;
    if (requestId !== undefined && (await this.journal.get(routeId(requestId)))) return this.answerRepeat(principal, routeId(requestId));
    const graph = await this.knownGraph(principal);
    const route = findRoute(graph, self, to, amount, router);
    if (!route.ok) throw refuse(route.reason === 'INVALID_ARGUMENT' ? 'INVALID_ARGUMENT' : 'INSUFFICIENT_FUNDS', `no route: ${route.reason}: ${route.detail}`);
    const hops = new Map<string, MultipartyPayment>();
    const parties = new Set<string>();
    for (const part of route.parts) {
      for (const hop of part.path) {
        parties.add(hop.from).add(hop.to);
        const key = `${hop.channel}|${hop.from}|${hop.to}`;
        const previous = hops.get(key);
        hops.set(key, { channel: hop.channel, from: hop.from, to: hop.to, amount: String((previous ? BigInt(previous.amount) : 0n) + part.amount) });
      }
    }
    const channels = [...new Set(route.parts.flatMap((p) => p.path.map((h) => h.channel)))];
    if (channels.length === 1) {
      throw refuse('INVALID_ARGUMENT', `the payee shares channel ${channels[0]} with the payer: pay through it (POST /v1/channels/${channels[0]}/payments)`);
    }
    const id = routeId(requestId);
    const parts = route.parts.map((p) => ({ amount: p.amount.toString(), path: p.path.map((h) => ({ channel: h.channel, from: h.from, to: h.to })) }));
    await this.journal.begin(id, { payer: principal.name, to, amount: amount.toString(), router, parts });
    try {
      await this.multiparty.open(principal, { id, parties: [...parties], channels });
    } catch (err) {
      await this.closeRoute(principal, id, refusalOf(err)).catch(() => undefined);
      throw err;
    }
    await this.step(id, 'opened');
    let refusal: unknown;
    try {
      await this.multiparty.pay(principal, id, [...hops.values()]);
    } catch (err) {
      refusal = err;
    }
    await this.step(id, refusal === undefined ? 'paid' : 'failed');
    // What the close applied decides the answer: an update agreed though its answer was lost is paid.
    const closed = await this.settle(principal, id, refusalOf(refusal));
    if (closed.outcome === 'paid') return answerOf(id, closed);
    throw refusal ?? new Error(`route ${id} closed at its opening state after its update was agreed`);
  }

  /** The route begun under `key` (an attempt key given to {@link pay}), if one was: its stage and, once closed, its outcome. */
  routeOf(key: string): Promise<RouteEntry | undefined> {
    return this.journal.get(routeId(key));
  }

  /**
   * A repeat of an idempotent routed payment whose first run never answered (the gateway stopped,
   * or answered 5xx): its route is closed first if it is still open, then the repeat answers what
   * the route did: 201 with the route when every hop moved; the refusal the first run met; or
   * FAILED_PRECONDITION (409) when it stopped before paying and nothing moved, so the payer can
   * send it again under a new Idempotency-Key; or, while the route cannot be closed yet, 503
   * (not kept: the repeat is answered once it can). It never routes a second payment.
   */
  private async answerRepeat(principal: Principal, id: string): Promise<RoutedPayment> {
    const closed = await this.settle(principal, id);
    if (closed.refusal) throw refuse(closed.refusal.code, closed.refusal.detail);
    if (closed.outcome !== 'paid') {
      throw refuse('FAILED_PRECONDITION', `the routed payment (${id}) stopped before it paid and its route was closed with nothing moved: send it again with a new Idempotency-Key`);
    }
    return answerOf(id, closed);
  }

  /**
   * Closes every route a stop of this gateway left open (called when the gateway starts): each
   * route's multiparty channel is closed at the state its parties last signed, so its channels are
   * released at the state its parties last signed, with the payment made or not made, all hops
   * or none, and the outcome is recorded for a repeat of the request (a route whose opening never
   * committed is recorded unpaid). A route that cannot be closed now (a party's gateway
   * unreachable) stays journaled for the next start or a repeat; the multiparty timeout (exit) is
   * the way out meanwhile. Records of routes closed more than IDEMPOTENCY_TTL_MS ago are purged.
   * Returns the ids closed and those left.
   */
  async resume(signal?: AbortSignal): Promise<{ closed: string[]; left: string[] }> {
    const closed: string[] = [];
    let left: string[] = [];
    await this.journal.purge(Date.now() - IDEMPOTENCY_TTL_MS);
    for (let pass = 0; pass < RESUME_PASSES && !signal?.aborted; pass++) {
      if (pass > 0) await abortableSleep(RESUME_RETRY_MS, signal);
      left = [];
      for (const [id, entry] of await this.journal.pending()) {
        const principal = this.principalNamed(entry.payer);
        try {
          if (!principal) throw new Error(`no principal ${entry.payer} at this gateway`);
          await this.closeRoute(principal, id);
          closed.push(id);
        } catch {
          left.push(id);
        }
      }
      if (left.length === 0) break;
    }
    return { closed, left };
  }

  /** closeRoute for an answer: a route that cannot be closed now is a 503 (LedgerUnavailableError), which a repeat of the request may turn into the outcome. */
  private async settle(principal: Principal, id: string, refusal?: RouteEntry['refusal']): Promise<RouteEntry> {
    try {
      return await this.closeRoute(principal, id, refusal);
    } catch (err) {
      if (err instanceof LedgerUnavailableError) throw err;
      throw new LedgerUnavailableError(`the routed payment (${id}) is not settled yet: its route could not be closed now (${(err as Error).message}); send the request again with the same Idempotency-Key for its outcome`, 'commit');
    }
  }

  /** Records `stage` in the journal, then passes the crash point. */
  private async step(id: string, stage: 'opened' | 'paid' | 'failed'): Promise<void> {
    await this.journal.advance(id, stage);
    this.faults.afterRouteStep?.(id, stage);
  }

  /**
   * Closes the route's multiparty channel if it is open and records the outcome: `paid` when the
   * channel closed above its opening version (the route's one update went through), else
   * `unpaid`. Serialized per route (a repeat and the start's resume may meet); a route already
   * closed answers its record. Refusals: FAILED_PRECONDITION (transient) while a party's
   * unilateral close of it runs its challenge period; the ledger's and the parties' gateways'.
   */
  private closeRoute(principal: Principal, id: string, refusal?: RouteEntry['refusal']): Promise<RouteEntry> {
    return this.locks.run(id, async () => {
      const entry = await this.journal.get(id);
      if (!entry) throw refuse('NOT_FOUND', `no routed payment ${id}`);
      if (entry.stage === 'closed') return entry;
      let view: MultipartyView | undefined;
      try {
        view = await this.multiparty.view(principal, id);
      } catch (err) {
        if ((err as { code?: string }).code !== 'NOT_FOUND') throw err;
      }
      if (view === undefined && entry.stage === 'opening' && Date.now() - Date.parse(entry.startedAt) < OPENING_GRACE_MS) {
        // The opening was sent before a stop and may still commit: decide once it cannot.
        throw new LedgerUnavailableError(`the opening of the route's multiparty channel ${id} may still commit`, 'commit');
      }
      // The close is the route's own step, not one of a request's journaled submits: a repeat of
      // the request that began the route finds its opening at submit 1, so the close runs outside it.
      if (view?.status === 'OPEN') view = await journalContext.exit(() => this.multiparty.close(principal, id));
      if (view?.status === 'CLOSING') throw refuse('FAILED_PRECONDITION', `the route's multiparty channel ${id} is closing unilaterally: it settles after ${view.closing?.deadline}`, true);
      const paid = view !== undefined && view.version > 0;
      return (await this.journal.close(id, paid ? 'paid' : 'unpaid', paid ? undefined : refusal))!;
    });
  }
}

/** The route `router` finds for `amount` (minor units) from `self` to `to` over `graph` (default weights), or why there is none. */
export function findRoute(graph: ChannelGraph, self: string, to: string, amount: bigint, router: RouterName): RouteResult {
  return router === 'weight' ? routeByWeight(graph, self, to, amount) : routeMultipath(graph, self, to, amount);
}

/**
 * The route's multiparty channel id: derived from the idempotent request's id
 * (TransactionJournal.requestId) when there is one, so a repeat finds the route its first run
 * began; else from `unique`.
 */
function routeId(requestId: string | undefined): string {
  return requestId !== undefined ? requestScopedId('route', requestId) : `route-${randomBytes(12).toString('hex')}`;
}

/** The stable code and detail of a channel refusal, kept to answer a repeat with it; undefined for other errors (a repeat then answers as for a stop). */
function refusalOf(err: unknown): RouteEntry['refusal'] {
  return err instanceof ChannelRefusal && !err.transient ? { code: err.code, detail: err.detail } : undefined;
}


function answerOf(id: string, entry: RouteEntry): RoutedPayment {
  return { to: entry.to, amount: entry.amount, router: entry.router as RouterName, settlement: 'multiparty', multiparty: id, parts: entry.parts };
}
