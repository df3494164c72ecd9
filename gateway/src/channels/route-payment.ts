import { createHash } from 'node:crypto';
import type { Principal } from '../identity/store';
import type { ChannelView } from '@covenant/chaincode';
import type { MultipartyService } from './multiparty';
import { MultipartyPayment, refuse } from './protocol';
import { ChannelGraph, RouteResult, routeByWeight, routeMultipath } from './routing';
import type { RouteJournal } from './route-journal';
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
 * payment made or not, never half made.
 */
export const MAX_DEPTH = 3;
const MAX_PARTIES = 50;

export type RouterName = 'multipath' | 'weight';

export interface RoutedPayment {
  to: string;
  amount: string;
  router: RouterName;
  multiparty: string;
  parts: { amount: string; path: { channel: string; from: string; to: string }[] }[];
}

export class RoutePaymentService {
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

  /** Routes and settles `amount` (minor units) from the caller to `to`; INSUFFICIENT_FUNDS when no route can carry it, INVALID_ARGUMENT when the payee is a direct counterparty. */
  async pay(principal: Principal, to: string, amount: bigint, router: RouterName): Promise<RoutedPayment> {
    const self = this.accountIdOf(principal);
    const graph = await this.knownGraph(principal);
    const route: RouteResult = router === 'weight' ? routeByWeight(graph, self, to, amount) : routeMultipath(graph, self, to, amount);
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
    const id = `route-${createHash('sha256').update(`${self}|${to}|${amount}|${Date.now()}|${Math.random()}`).digest('hex').slice(0, 24)}`;
    if (channels.length === 1) {
      throw refuse('INVALID_ARGUMENT', `the payee shares channel ${channels[0]} with the payer: pay through it (POST /v1/channels/${channels[0]}/payments)`);
    }
    await this.journal.begin(id, { payer: principal.name, to, amount: amount.toString() });
    try {
      await this.multiparty.open(principal, { id, parties: [...parties], channels });
    } catch (err) {
      await this.journal.end(id);
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
    await this.closeRoute(principal, id);
    if (refusal !== undefined) throw refusal;
    return {
      to,
      amount: amount.toString(),
      router,
      multiparty: id,
      parts: route.parts.map((p) => ({ amount: p.amount.toString(), path: p.path.map((h) => ({ channel: h.channel, from: h.from, to: h.to })) })),
    };
  }

  /**
   * Closes every route a stop of this gateway left open (called when the gateway starts): each
   * route's multiparty channel is closed at the state its parties last signed, so its channels are
   * released with the payment made (stage `paid`) or not made (`opened`, `failed`), all hops or
   * none. A route whose opening never committed is forgotten. A route that cannot be closed now
   * (a party's gateway unreachable) stays journaled for the next start; the multiparty timeout
   * (exit) is the way out meanwhile. Returns the ids closed and those left.
   */
  async resume(): Promise<{ closed: string[]; left: string[] }> {
    const closed: string[] = [];
    const left: string[] = [];
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
    return { closed, left };
  }

  /** Records `stage` in the journal, then passes the crash point. */
  private async step(id: string, stage: 'opened' | 'paid' | 'failed'): Promise<void> {
    await this.journal.advance(id, stage);
    this.faults.afterRouteStep?.(id, stage);
  }

  /** Closes the route's multiparty channel if it is open, then forgets the route. */
  private async closeRoute(principal: Principal, id: string): Promise<void> {
    let status: string | undefined;
    try {
      status = (await this.multiparty.view(principal, id)).status;
    } catch (err) {
      if ((err as { code?: string }).code !== 'NOT_FOUND') throw err;
    }
    if (status === 'OPEN') await this.multiparty.close(principal, id);
    await this.journal.end(id);
  }
}
