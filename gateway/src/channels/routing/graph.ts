/**
 * The channel graph one party knows (its own channels and those it has learnt of), with the
 * paper's weights per channel, a check that a route fits the current balances, and
 * {@link ChannelGraph.apply}, which moves balances the way the off-chain updates of every hop
 * would. Units: balances and amounts in minor units (`bigint`). Deterministic: iteration follows
 * insertion order.
 */
import { ArcNetwork, type ArcView, reverse } from './network';
import type { ChannelId, ChannelInfo, Hop, NodeId, RoutePart, RouteResult } from './types';
import { DEFAULT_WEIGHT_PARAMS, type WeightParams, channelWeight, imbalance, localities } from './weights';

/**
 * Directed channel capacities. Each channel is a pair of arcs in {@link ChannelGraph.network}:
 * arc 2c is a→b (capacity balanceA) and arc 2c+1 is b→a (capacity balanceB). Parallel channels
 * between the same two parties are allowed and stay distinct hops.
 */
export class ChannelGraph {
  private readonly net = new ArcNetwork();
  private readonly nodeIds: NodeId[] = [];
  private readonly nodeIndices = new Map<NodeId, number>();
  private readonly channelIndex = new Map<ChannelId, number>();
  private readonly chId: ChannelId[] = [];
  /** Dist_ij per channel; depends only on channel totals, so payments never invalidate it. */
  private distCache: number[] | null = null;

  constructor(channels: Iterable<ChannelInfo> = []) {
    for (const c of channels) this.addChannel(c);
  }

  /** Adds an open channel. Throws on a duplicate id, a self-channel or a negative balance. */
  addChannel(c: ChannelInfo): void {
    if (this.channelIndex.has(c.id)) throw new Error(`channel ${c.id} already in the graph`);
    if (c.a === c.b) throw new Error(`channel ${c.id} joins ${c.a} to itself`);
    if (c.balanceA < 0n || c.balanceB < 0n) throw new Error(`channel ${c.id} has a negative balance`);
    const idx = this.net.addPair(this.node(c.a), this.node(c.b), c.balanceA, c.balanceB);
    this.channelIndex.set(c.id, idx);
    this.chId.push(c.id);
    this.distCache = null;
  }

  /** Removes a channel (closed on-chain or no longer known). Unknown ids are ignored. */
  removeChannel(id: ChannelId): void {
    const c = this.channelIndex.get(id);
    if (c === undefined) return;
    this.net.removePair(c);
    this.channelIndex.delete(id);
    this.distCache = null;
  }

  /** Replaces a channel's balances (e.g. after an update learnt from its parties). Throws on a negative balance or an unknown channel. */
  setBalances(id: ChannelId, balanceA: bigint, balanceB: bigint): void {
    const c = this.indexOf(id);
    if (balanceA < 0n || balanceB < 0n) throw new Error(`channel ${id}: negative balance`);
    if (balanceA + balanceB !== this.net.capacity(2 * c) + this.net.capacity(2 * c + 1)) this.distCache = null;
    this.net.setCapacity(2 * c, balanceA);
    this.net.setCapacity(2 * c + 1, balanceB);
  }

  /** Whether `id` has at least one open channel. */
  hasNode(id: NodeId): boolean {
    return this.nodeIndex(id) !== undefined;
  }

  /** Parties with at least one open channel, in insertion order. */
  nodes(): NodeId[] {
    return this.nodeIds.filter((_, n) => this.net.arcsFrom(n).length > 0);
  }

  /** The open channels with their current balances, in insertion order. */
  channels(): ChannelInfo[] {
    const result: ChannelInfo[] = [];
    for (let c = 0; c < this.chId.length; c++) if (this.net.isOpen(c)) result.push(this.info(c));
    return result;
  }

  /** One open channel with its current balances. Throws on an unknown channel. */
  channel(id: ChannelId): ChannelInfo {
    return this.info(this.indexOf(id));
  }

  /** b_{from,to} in channel `id`: what `from` can pay `to` through it. Throws on an unknown channel or if `from` is not a party of it. */
  capacity(id: ChannelId, from: NodeId): bigint {
    const arc = this.arcOf(this.indexOf(id), from);
    if (arc === undefined) throw new Error(`${from} is not a party of channel ${id}`);
    return this.net.capacity(arc);
  }

  /** Sum of what `from` can pay `to` over all their direct channels (the paper's b_ij when there is one channel). */
  pairCapacity(from: NodeId, to: NodeId): bigint {
    const i = this.nodeIndices.get(from);
    const j = this.nodeIndices.get(to);
    if (i === undefined || j === undefined) return 0n;
    let sum = 0n;
    for (const arc of this.net.arcsFrom(i)) if (this.net.head(arc) === j) sum += this.net.capacity(arc);
    return sum;
  }

  /** Dist_ij of formula 16 for channel `id` (see {@link localities}). Throws on an unknown channel. */
  dist(id: ChannelId): number {
    return this.dists()[this.indexOf(id)];
  }

  /** Bal_ij of formula 17: |b_ij - b_ji| / (b_ij + b_ji), in [0, 1]; 1 for an empty channel. Throws on an unknown channel. */
  bal(id: ChannelId): number {
    return this.balOf(this.indexOf(id));
  }

  /** W_ij of formula 18: k1 (1 - Dist_ij) + k2 Bal_ij; smaller is better. Throws on an unknown channel. */
  weight(id: ChannelId, params: WeightParams = DEFAULT_WEIGHT_PARAMS): number {
    return this.arcWeight(2 * this.indexOf(id), params);
  }

  /**
   * Checks a route against current balances without changing anything. Every part's hops must
   * chain from `from` to `to`, use known channels in a direction their parties allow, and, per
   * channel direction, the parts using it together must fit its balance (parts are locked at once,
   * as in an atomic multipath payment). Returns null if the route fits, otherwise why not.
   */
  check(route: { parts: readonly RoutePart[] }, from: NodeId, to: NodeId): string | null {
    const need = new Map<number, bigint>();
    for (const part of route.parts) {
      if (part.amount <= 0n) return 'a part has a non-positive amount';
      if (part.path.length === 0) return 'a part has an empty path';
      let at = from;
      for (const hop of part.path) {
        const c = this.channelIndex.get(hop.channel);
        if (c === undefined) return `unknown channel ${hop.channel}`;
        if (hop.from !== at) return `hop through ${hop.channel} starts at ${hop.from}, expected ${at}`;
        const arc = this.arcOf(c, hop.from);
        if (arc === undefined || this.nodeIds[this.net.head(arc)] !== hop.to) return `channel ${hop.channel} does not join ${hop.from} and ${hop.to}`;
        need.set(arc, (need.get(arc) ?? 0n) + part.amount);
        at = hop.to;
      }
      if (at !== to) return `a part ends at ${at}, not ${to}`;
    }
    for (const [arc, amount] of need) {
      const capacity = this.net.capacity(arc);
      if (amount > capacity) return `channel ${this.chId[arc >> 1]}: ${this.nodeIds[this.net.tail(arc)]} can pay ${capacity}, route needs ${amount}`;
    }
    return null;
  }

  /**
   * Applies a successful route: for every part and hop, b_from,to -= amount and
   * b_to,from += amount, so each channel's total is unchanged. All or nothing: throws (changing
   * nothing) if {@link check} refuses the route, or if the route is a failure.
   */
  apply(route: RouteResult, from: NodeId, to: NodeId): void {
    if (!route.ok) throw new Error(`cannot apply a failed route (${route.reason})`);
    const problem = this.check(route, from, to);
    if (problem !== null) throw new Error(`route does not fit: ${problem}`);
    for (const part of route.parts) {
      for (const hop of part.path) {
        const arc = this.arcOf(this.indexOf(hop.channel), hop.from) as number;
        this.net.setCapacity(arc, this.net.capacity(arc) - part.amount);
        this.net.setCapacity(reverse(arc), this.net.capacity(reverse(arc)) + part.amount);
      }
    }
  }

  // ---- The arc-level view routers search (see ./network) ----

  /** The graph's arcs: node n is the n-th party added, pair c the c-th channel added. A live view, not a copy. */
  get network(): ArcView {
    return this.net;
  }

  /** The node index of a party with at least one open channel, else undefined. */
  nodeIndex(id: NodeId): number | undefined {
    const n = this.nodeIndices.get(id);
    return n !== undefined && this.net.arcsFrom(n).length > 0 ? n : undefined;
  }

  /** The hop an arc of {@link network} stands for. */
  hop(arc: number): Hop {
    return { channel: this.chId[arc >> 1], from: this.nodeIds[this.net.tail(arc)], to: this.nodeIds[this.net.head(arc)] };
  }

  /** W (formula 18) of the channel of an arc of {@link network}; symmetric in direction, as in the paper. */
  arcWeight(arc: number, params: WeightParams): number {
    return channelWeight(this.dists()[arc >> 1], this.balOf(arc >> 1), params);
  }

  private node(id: NodeId): number {
    let n = this.nodeIndices.get(id);
    if (n === undefined) {
      n = this.net.addNode();
      this.nodeIndices.set(id, n);
      this.nodeIds.push(id);
    }
    return n;
  }

  private indexOf(id: ChannelId): number {
    const c = this.channelIndex.get(id);
    if (c === undefined) throw new Error(`unknown channel ${id}`);
    return c;
  }

  /** The arc of channel c that leaves `from`, or undefined if `from` is not a party of it. */
  private arcOf(c: number, from: NodeId): number | undefined {
    if (this.nodeIds[this.net.tail(2 * c)] === from) return 2 * c;
    if (this.nodeIds[this.net.tail(2 * c + 1)] === from) return 2 * c + 1;
    return undefined;
  }

  private info(c: number): ChannelInfo {
    const [a, b] = [this.net.tail(2 * c), this.net.head(2 * c)];
    return { id: this.chId[c], a: this.nodeIds[a], b: this.nodeIds[b], balanceA: this.net.capacity(2 * c), balanceB: this.net.capacity(2 * c + 1) };
  }

  private balOf(c: number): number {
    return imbalance(this.net.capacity(2 * c), this.net.capacity(2 * c + 1));
  }

  private dists(): number[] {
    this.distCache ??= localities(this.net);
    return this.distCache;
  }
}
