/**
 * Channel selection and routing over a payment channel network.
 *
 * Source: "Research on Multiparty Payment Technology Based on Blockchain and Smart Contract
 * Mechanism" (J. Math. 2022, seeds/003), section 3.3.2 (2), formulas 16-18:
 *
 *   Dist_ij = (b_ij + b_ji) / (b_ij + b_ji + Σ_{k ∈ N_ij} (b_ik + b_ki + b_jk + b_kj))   (16)
 *   Bal_ij  = |b_ij - b_ji| / (b_ij + b_ji)                                              (17)
 *   W_ij    = k1 (1 - Dist_ij) + k2 Bal_ij                                               (18)
 *
 * where b_ij is what i can pay to j in channel ij and N_ij the nodes that have a channel with both
 * i and j; "the smaller the W_ij value, the better the quality of the channel", and the paper
 * chooses the channel or path of least W. {@link routeByWeight} is that heuristic;
 * {@link routeMultipath} is Covenant's router (capacity-aware multipath over a min-cost flow with a
 * direction-aware balance cost), which succeeds whenever the maximum flow between the two parties
 * covers the payment.
 *
 * Units: every balance and amount is a non-negative integer in minor units (`bigint`), as
 * everywhere in Covenant. Weights (Dist, Bal, W, costs) are dimensionless JavaScript numbers; they
 * only order routes and never enter an amount. Everything here is deterministic: iteration follows
 * insertion order and ties break by node and channel insertion order.
 *
 * The graph is what one party knows (its own channels and those it has learnt of); routes are
 * computed over it and {@link ChannelGraph.apply} moves balances the way the off-chain updates of
 * every hop would.
 */

/** A party (an account id in the gateway). */
export type NodeId = string;
/** A two-party channel id (the chaincode's channel id in the gateway). */
export type ChannelId = string;

/** A two-party channel as the graph knows it: balanceA = b_ab (what a can pay b), balanceB = b_ba. */
export interface ChannelInfo {
  readonly id: ChannelId;
  readonly a: NodeId;
  readonly b: NodeId;
  readonly balanceA: bigint;
  readonly balanceB: bigint;
}

/** One hop of a path: `from` pays `to` through `channel`. */
export interface Hop {
  readonly channel: ChannelId;
  readonly from: NodeId;
  readonly to: NodeId;
}

/** One part of a route: `amount` (minor units, > 0) travels along `path` (first hop from the payer, last hop to the payee). */
export interface RoutePart {
  readonly path: readonly Hop[];
  readonly amount: bigint;
}

/**
 * Why no route was found.
 * - INVALID_ARGUMENT: amount ≤ 0, payer = payee.
 * - UNKNOWN_NODE: the payer or the payee has no channel in the graph.
 * - NO_PATH: payer and payee are not connected at all (ignoring balances).
 * - INSUFFICIENT_CAPACITY: connected, but the router found no way to carry the amount (for
 *   {@link routeMultipath}: the maximum flow from payer to payee is below the amount, so no
 *   router could carry it; for {@link routeByWeight}: no single path has every hop ≥ amount).
 * - TOO_MANY_PARTS: the amount fits only when split into more parts than allowed.
 */
export type RouteFailureReason = 'INVALID_ARGUMENT' | 'UNKNOWN_NODE' | 'NO_PATH' | 'INSUFFICIENT_CAPACITY' | 'TOO_MANY_PARTS';

/** A route: parts whose amounts sum to the payment, or why there is none. */
export type RouteResult =
  | { readonly ok: true; readonly amount: bigint; readonly parts: readonly RoutePart[] }
  | { readonly ok: false; readonly amount: bigint; readonly reason: RouteFailureReason; readonly detail: string };

/** A routing algorithm: route `amount` from `from` to `to` over `graph` without changing it. */
export type Router = (graph: ChannelGraph, from: NodeId, to: NodeId, amount: bigint) => RouteResult;

/** Parameters of the paper's weight W_ij = k1 (1 - Dist_ij) + k2 Bal_ij (formula 18). */
export interface WeightParams {
  /** Weight of the locality term 1 - Dist_ij; the paper leaves it adjustable. Default 0.5. */
  readonly k1: number;
  /** Weight of the imbalance term Bal_ij; the paper leaves it adjustable. Default 0.5. */
  readonly k2: number;
}

export const DEFAULT_WEIGHT_PARAMS: WeightParams = { k1: 0.5, k2: 0.5 };

/** n / d as a number, exact enough for ratios of bigints of any size; 0 when d is 0. */
export function ratio(n: bigint, d: bigint): number {
  if (d === 0n) return 0;
  const limit = 1n << 52n;
  while (n > limit || d > limit || n < -limit || d < -limit) {
    n >>= 1n;
    d >>= 1n;
  }
  return d === 0n ? 0 : Number(n) / Number(d);
}

/**
 * Directed channel capacities. Each channel is stored once with both balances; arc 2c is a→b
 * (capacity balanceA) and arc 2c+1 is b→a (capacity balanceB). Parallel channels between the
 * same two parties are allowed and stay distinct hops.
 */
export class ChannelGraph {
  private readonly nodeIds: NodeId[] = [];
  private readonly nodeIndex = new Map<NodeId, number>();
  private readonly channelIndex = new Map<ChannelId, number>();
  private readonly chId: ChannelId[] = [];
  private readonly chA: number[] = [];
  private readonly chB: number[] = [];
  /** cap[2c] = b_ab, cap[2c+1] = b_ba of channel c. */
  private readonly cap: bigint[] = [];
  private readonly open: boolean[] = [];
  /** Per node, the arcs leaving it, in insertion order. */
  private readonly out: number[][] = [];
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
    const a = this.node(c.a);
    const b = this.node(c.b);
    const idx = this.chId.length;
    this.channelIndex.set(c.id, idx);
    this.chId.push(c.id);
    this.chA.push(a);
    this.chB.push(b);
    this.cap.push(c.balanceA, c.balanceB);
    this.open.push(true);
    this.out[a].push(2 * idx);
    this.out[b].push(2 * idx + 1);
    this.distCache = null;
  }

  /** Removes a channel (closed on-chain or no longer known). Unknown ids are ignored. */
  removeChannel(id: ChannelId): void {
    const c = this.channelIndex.get(id);
    if (c === undefined || !this.open[c]) return;
    this.open[c] = false;
    this.channelIndex.delete(id);
    this.out[this.chA[c]] = this.out[this.chA[c]].filter((arc) => arc !== 2 * c);
    this.out[this.chB[c]] = this.out[this.chB[c]].filter((arc) => arc !== 2 * c + 1);
    this.distCache = null;
  }

  /** Replaces a channel's balances (e.g. after an update learnt from its parties). */
  setBalances(id: ChannelId, balanceA: bigint, balanceB: bigint): void {
    const c = this.indexOf(id);
    if (balanceA < 0n || balanceB < 0n) throw new Error(`channel ${id}: negative balance`);
    if (balanceA + balanceB !== this.cap[2 * c] + this.cap[2 * c + 1]) this.distCache = null;
    this.cap[2 * c] = balanceA;
    this.cap[2 * c + 1] = balanceB;
  }

  hasNode(id: NodeId): boolean {
    const n = this.nodeIndex.get(id);
    return n !== undefined && this.out[n].length > 0;
  }

  /** Parties with at least one open channel, in insertion order. */
  nodes(): NodeId[] {
    return this.nodeIds.filter((_, n) => this.out[n].length > 0);
  }

  /** The open channels with their current balances, in insertion order. */
  channels(): ChannelInfo[] {
    const result: ChannelInfo[] = [];
    for (let c = 0; c < this.chId.length; c++) if (this.open[c]) result.push(this.info(c));
    return result;
  }

  channel(id: ChannelId): ChannelInfo {
    return this.info(this.indexOf(id));
  }

  /** b_{from,to} in channel `id`: what `from` can pay `to` through it. */
  capacity(id: ChannelId, from: NodeId): bigint {
    const c = this.indexOf(id);
    if (this.nodeIds[this.chA[c]] === from) return this.cap[2 * c];
    if (this.nodeIds[this.chB[c]] === from) return this.cap[2 * c + 1];
    throw new Error(`${from} is not a party of channel ${id}`);
  }

  /** Sum of what `from` can pay `to` over all their direct channels (the paper's b_ij when there is one channel). */
  pairCapacity(from: NodeId, to: NodeId): bigint {
    const i = this.nodeIndex.get(from);
    const j = this.nodeIndex.get(to);
    if (i === undefined || j === undefined) return 0n;
    let sum = 0n;
    for (const arc of this.out[i]) if (this.arcTo(arc) === j) sum += this.cap[arc];
    return sum;
  }

  /**
   * Dist_ij of formula 16 for channel `id` between i and j: the channel's total over itself plus
   * the totals of i's and j's channels to every common neighbour k (all channels i–k and j–k,
   * so parallel channels to k count together). In [0, 1]; 0 for an empty channel with no
   * common neighbours' funds; 1 when i and j have no common neighbour.
   */
  dist(id: ChannelId): number {
    return this.dists()[this.indexOf(id)];
  }

  /** Bal_ij of formula 17: |b_ij - b_ji| / (b_ij + b_ji), in [0, 1]; 1 for an empty channel. */
  bal(id: ChannelId): number {
    return this.balOf(this.indexOf(id));
  }

  /** W_ij of formula 18: k1 (1 - Dist_ij) + k2 Bal_ij; smaller is better. */
  weight(id: ChannelId, params: WeightParams = DEFAULT_WEIGHT_PARAMS): number {
    const c = this.indexOf(id);
    return params.k1 * (1 - this.dists()[c]) + params.k2 * this.balOf(c);
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
        let arc: number;
        if (this.nodeIds[this.chA[c]] === hop.from && this.nodeIds[this.chB[c]] === hop.to) arc = 2 * c;
        else if (this.nodeIds[this.chB[c]] === hop.from && this.nodeIds[this.chA[c]] === hop.to) arc = 2 * c + 1;
        else return `channel ${hop.channel} does not join ${hop.from} and ${hop.to}`;
        need.set(arc, (need.get(arc) ?? 0n) + part.amount);
        at = hop.to;
      }
      if (at !== to) return `a part ends at ${at}, not ${to}`;
    }
    for (const [arc, amount] of need) {
      if (amount > this.cap[arc]) {
        const c = arc >> 1;
        return `channel ${this.chId[c]}: ${this.nodeIds[this.arcFrom(arc)]} can pay ${this.cap[arc]}, route needs ${amount}`;
      }
    }
    return null;
  }

  /**
   * Applies a successful route: for every part and hop, b_from,to -= amount and
   * b_to,from += amount, so each channel's total is unchanged. All or nothing: throws (changing
   * nothing) if {@link check} refuses the route.
   */
  apply(route: RouteResult, from: NodeId, to: NodeId): void {
    if (!route.ok) throw new Error(`cannot apply a failed route (${route.reason})`);
    const problem = this.check(route, from, to);
    if (problem !== null) throw new Error(`route does not fit: ${problem}`);
    for (const part of route.parts) {
      for (const hop of part.path) {
        const c = this.indexOf(hop.channel);
        const arc = this.nodeIds[this.chA[c]] === hop.from ? 2 * c : 2 * c + 1;
        this.cap[arc] -= part.amount;
        this.cap[arc ^ 1] += part.amount;
      }
    }
  }

  // ---- internal access for the routers in this module ----

  /** @internal */ nodeCount(): number {
    return this.nodeIds.length;
  }
  /** @internal */ indexOfNode(id: NodeId): number | undefined {
    const n = this.nodeIndex.get(id);
    return n !== undefined && this.out[n].length > 0 ? n : undefined;
  }
  /** @internal */ nodeId(n: number): NodeId {
    return this.nodeIds[n];
  }
  /** @internal */ arcsFrom(n: number): readonly number[] {
    return this.out[n];
  }
  /** @internal */ arcFrom(arc: number): number {
    return arc & 1 ? this.chB[arc >> 1] : this.chA[arc >> 1];
  }
  /** @internal */ arcTo(arc: number): number {
    return arc & 1 ? this.chA[arc >> 1] : this.chB[arc >> 1];
  }
  /** @internal b of the arc's direction. */ arcCap(arc: number): bigint {
    return this.cap[arc];
  }
  /** @internal b of the opposite direction. */ arcBack(arc: number): bigint {
    return this.cap[arc ^ 1];
  }
  /** @internal */ arcCount(): number {
    return this.cap.length;
  }
  /** @internal */ hopOf(arc: number): Hop {
    return { channel: this.chId[arc >> 1], from: this.nodeIds[this.arcFrom(arc)], to: this.nodeIds[this.arcTo(arc)] };
  }
  /** @internal W of the channel of `arc` (symmetric in direction, as in the paper). */
  arcWeight(arc: number, params: WeightParams): number {
    const c = arc >> 1;
    return params.k1 * (1 - this.dists()[c]) + params.k2 * this.balOf(c);
  }

  private node(id: NodeId): number {
    let n = this.nodeIndex.get(id);
    if (n === undefined) {
      n = this.nodeIds.length;
      this.nodeIndex.set(id, n);
      this.nodeIds.push(id);
      this.out.push([]);
    }
    return n;
  }

  private indexOf(id: ChannelId): number {
    const c = this.channelIndex.get(id);
    if (c === undefined) throw new Error(`unknown channel ${id}`);
    return c;
  }

  private info(c: number): ChannelInfo {
    return { id: this.chId[c], a: this.nodeIds[this.chA[c]], b: this.nodeIds[this.chB[c]], balanceA: this.cap[2 * c], balanceB: this.cap[2 * c + 1] };
  }

  private balOf(c: number): number {
    const x = this.cap[2 * c];
    const y = this.cap[2 * c + 1];
    const total = x + y;
    if (total === 0n) return 1;
    return ratio(x > y ? x - y : y - x, total);
  }

  private dists(): number[] {
    if (this.distCache) return this.distCache;
    // Per node: neighbour -> total funds of all open channels between them.
    const pair: Map<number, bigint>[] = this.nodeIds.map(() => new Map());
    for (let c = 0; c < this.chId.length; c++) {
      if (!this.open[c]) continue;
      const t = this.cap[2 * c] + this.cap[2 * c + 1];
      const a = this.chA[c];
      const b = this.chB[c];
      pair[a].set(b, (pair[a].get(b) ?? 0n) + t);
      pair[b].set(a, (pair[b].get(a) ?? 0n) + t);
    }
    const dist = new Array<number>(this.chId.length).fill(0);
    for (let c = 0; c < this.chId.length; c++) {
      if (!this.open[c]) continue;
      const own = this.cap[2 * c] + this.cap[2 * c + 1];
      const [small, large] = pair[this.chA[c]].size <= pair[this.chB[c]].size ? [pair[this.chA[c]], pair[this.chB[c]]] : [pair[this.chB[c]], pair[this.chA[c]]];
      let around = 0n;
      for (const [k, t] of small) {
        if (k === this.chA[c] || k === this.chB[c]) continue;
        const u = large.get(k);
        if (u !== undefined) around += t + u;
      }
      dist[c] = ratio(own, own + around);
    }
    this.distCache = dist;
    return dist;
  }
}

// ---------------------------------------------------------------------------------------------
// Shortest paths

/** Binary min-heap of (primary, secondary, node) with lexicographic order. */
class Heap {
  private p: number[] = [];
  private s: number[] = [];
  private n: number[] = [];
  get size(): number {
    return this.n.length;
  }
  push(p: number, s: number, node: number): void {
    this.p.push(p);
    this.s.push(s);
    this.n.push(node);
    let i = this.n.length - 1;
    while (i > 0) {
      const parent = (i - 1) >> 1;
      if (!this.less(i, parent)) break;
      this.swap(i, parent);
      i = parent;
    }
  }
  /** Removes the minimum; returns its index data through the out array [p, s, node]. */
  pop(out: number[]): void {
    out[0] = this.p[0];
    out[1] = this.s[0];
    out[2] = this.n[0];
    const last = this.n.length - 1;
    this.swap(0, last);
    this.p.pop();
    this.s.pop();
    this.n.pop();
    let i = 0;
    for (;;) {
      const l = 2 * i + 1;
      const r = l + 1;
      let m = i;
      if (l < this.n.length && this.less(l, m)) m = l;
      if (r < this.n.length && this.less(r, m)) m = r;
      if (m === i) break;
      this.swap(i, m);
      i = m;
    }
  }
  private less(i: number, j: number): boolean {
    if (this.p[i] !== this.p[j]) return this.p[i] < this.p[j];
    if (this.s[i] !== this.s[j]) return this.s[i] < this.s[j];
    return this.n[i] < this.n[j];
  }
  private swap(i: number, j: number): void {
    [this.p[i], this.p[j]] = [this.p[j], this.p[i]];
    [this.s[i], this.s[j]] = [this.s[j], this.s[i]];
    [this.n[i], this.n[j]] = [this.n[j], this.n[i]];
  }
}

/**
 * Dijkstra from `src` to `dst` over arcs with `usable(arc)`, minimising (Σ cost, hops)
 * lexicographically. Costs must be ≥ 0. Returns the arcs of the path, or null.
 */
function shortestPath(graph: ChannelGraph, src: number, dst: number, usable: (arc: number) => boolean, cost: (arc: number) => number): number[] | null {
  const n = graph.nodeCount();
  const best = new Float64Array(n).fill(Infinity);
  const hops = new Float64Array(n).fill(Infinity);
  const via = new Int32Array(n).fill(-1);
  const done = new Uint8Array(n);
  const heap = new Heap();
  const top = [0, 0, 0];
  best[src] = 0;
  hops[src] = 0;
  heap.push(0, 0, src);
  while (heap.size > 0) {
    heap.pop(top);
    const u = top[2];
    if (done[u]) continue;
    done[u] = 1;
    if (u === dst) break;
    for (const arc of graph.arcsFrom(u)) {
      const v = graph.arcTo(arc);
      if (done[v] || !usable(arc)) continue;
      const d = top[0] + cost(arc);
      const h = top[1] + 1;
      if (d < best[v] || (d === best[v] && h < hops[v])) {
        best[v] = d;
        hops[v] = h;
        via[v] = arc;
        heap.push(d, h, v);
      }
    }
  }
  if (!done[dst]) return null;
  const path: number[] = [];
  for (let v = dst; v !== src; v = graph.arcFrom(via[v])) path.push(via[v]);
  return path.reverse();
}

function connected(graph: ChannelGraph, src: number, dst: number): boolean {
  const seen = new Uint8Array(graph.nodeCount());
  const stack = [src];
  seen[src] = 1;
  while (stack.length) {
    const u = stack.pop() as number;
    if (u === dst) return true;
    for (const arc of graph.arcsFrom(u)) {
      const v = graph.arcTo(arc);
      if (!seen[v]) {
        seen[v] = 1;
        stack.push(v);
      }
    }
  }
  return false;
}

type Endpoints = { ok: true; src: number; dst: number } | { ok: false; result: RouteResult };

function endpoints(graph: ChannelGraph, from: NodeId, to: NodeId, amount: bigint): Endpoints {
  const fail = (reason: RouteFailureReason, detail: string): Endpoints => ({ ok: false, result: { ok: false, amount, reason, detail } });
  if (amount <= 0n) return fail('INVALID_ARGUMENT', `amount must be positive, got ${amount}`);
  if (from === to) return fail('INVALID_ARGUMENT', 'payer and payee are the same party');
  const src = graph.indexOfNode(from);
  const dst = graph.indexOfNode(to);
  if (src === undefined) return fail('UNKNOWN_NODE', `${from} has no known channel`);
  if (dst === undefined) return fail('UNKNOWN_NODE', `${to} has no known channel`);
  if (!connected(graph, src, dst)) return fail('NO_PATH', `${from} and ${to} are not connected by known channels`);
  return { ok: true, src, dst };
}

// ---------------------------------------------------------------------------------------------
// The paper's heuristic

/**
 * The paper's channel selection (formulas 16-18): the single path of least Σ W_ij over channels
 * that can carry the whole amount in the payment's direction (b_ij ≥ amount on every hop); ties
 * (W is often 0 on balanced channels without common neighbours) go to the path with fewer hops.
 * W_ij is symmetric in direction, as the paper defines it. Never splits a payment.
 */
export function routeByWeight(graph: ChannelGraph, from: NodeId, to: NodeId, amount: bigint, params: WeightParams = DEFAULT_WEIGHT_PARAMS): RouteResult {
  const ends = endpoints(graph, from, to, amount);
  if (!ends.ok) return ends.result;
  const path = shortestPath(
    graph,
    ends.src,
    ends.dst,
    (arc) => graph.arcCap(arc) >= amount,
    (arc) => graph.arcWeight(arc, params),
  );
  if (!path) return { ok: false, amount, reason: 'INSUFFICIENT_CAPACITY', detail: `no single path can carry ${amount}` };
  return { ok: true, amount, parts: [{ path: path.map((arc) => graph.hopOf(arc)), amount }] };
}

// ---------------------------------------------------------------------------------------------
// Covenant's router

/** Parameters of {@link routeMultipath}. */
export interface MultipathParams {
  /** Most parts a payment may be split into. Default 16. */
  readonly maxParts: number;
  /** Weight of the depletion penalty against the one unit every hop costs. Default 1. */
  readonly balanceWeight: number;
}

export const DEFAULT_MULTIPATH_PARAMS: MultipathParams = { maxParts: 16, balanceWeight: 1 };

/**
 * Cost of sending `x` over an arc with b = cap in its direction and back in the other: one unit
 * per hop (each hop locks liquidity that other payments could use) plus `beta` times the share of
 * the channel left on the far side beyond an even split after the payment,
 * max(0, ((back + x) - (cap - x)) / (cap + back)) ∈ [0, 1]. Unlike the paper's Bal_ij this looks
 * at the payment's direction: a hop that moves a skewed channel toward balance costs no more than
 * a balanced hop, a hop that drains a direction costs up to 1 + beta.
 */
function hopCost(cap: bigint, back: bigint, x: bigint, beta: number): number {
  const total = cap + back;
  if (total === 0n) return 1 + beta;
  const send = x < cap ? x : cap;
  const skew = back + send - (cap - send);
  return skew <= 0n ? 1 : 1 + beta * ratio(skew, total);
}

/**
 * Covenant's router: capacity-aware multipath with a direction-aware balance cost.
 *
 * 1. If some single path can carry the whole amount, take the one of least Σ hopCost. A hop costs
 *    between 1 and 1 + balanceWeight, so a longer path wins only over a shorter one whose hops
 *    the payment would drain badly; among equally long paths, the one whose channels end up least
 *    drained in the payment's direction.
 * 2. Otherwise, split: a min-cost flow of `amount` from payer to payee (successive shortest paths
 *    with Bellman-Ford on the residual graph, so earlier augmentations can be undone), arc
 *    capacity b_ij, per-unit cost hopCost; the flow is decomposed into paths, widest first. If
 *    the maximum flow is below the amount no router can carry it (INSUFFICIENT_CAPACITY).
 * 3. If that takes more than maxParts paths, the flow of widest augmenting paths (fewer, wider
 *    parts, longer hops allowed) is tried instead; still too many is TOO_MANY_PARTS.
 *
 * Parts are meant to be locked together (atomic multipath): {@link ChannelGraph.check} requires
 * the parts through a channel direction to fit its balance together, which a flow guarantees.
 *
 * Why the cost only shapes routes, never later successes: a payment of x along any path changes
 * the funds crossing every cut of the network by -x, +x or 0 according to the sides its payer and
 * payee are on, whatever the path. Every maximum flow, hence whether a later payment fits, thus
 * depends only on which payments went through, not on how they were routed. The cost decides hop
 * counts (each hop is an off-chain update of one more channel) and how many parts a payment takes.
 */
export function routeMultipath(graph: ChannelGraph, from: NodeId, to: NodeId, amount: bigint, options: Partial<MultipathParams> = {}): RouteResult {
  const params: MultipathParams = { ...DEFAULT_MULTIPATH_PARAMS, ...options };
  const ends = endpoints(graph, from, to, amount);
  if (!ends.ok) return ends.result;
  const { src, dst } = ends;
  const beta = params.balanceWeight;
  const single = shortestPath(
    graph,
    src,
    dst,
    (arc) => graph.arcCap(arc) >= amount,
    (arc) => hopCost(graph.arcCap(arc), graph.arcBack(arc), amount, beta),
  );
  if (single) return { ok: true, amount, parts: [{ path: single.map((arc) => graph.hopOf(arc)), amount }] };

  const flow = minCostFlow(graph, src, dst, amount, (arc) => hopCost(graph.arcCap(arc), graph.arcBack(arc), amount, beta));
  if (flow.total < amount) {
    return { ok: false, amount, reason: 'INSUFFICIENT_CAPACITY', detail: `maximum flow ${flow.total} is below ${amount}` };
  }
  let paths = decompose(graph, src, dst, flow.f);
  if (paths.length > params.maxParts) {
    // Cheapest flow, too many parts: try the flow of widest augmenting paths, which needs fewer.
    const wide = widestFlow(graph, src, dst, amount);
    const widePaths = wide.total === amount ? decompose(graph, src, dst, wide.f) : paths;
    if (widePaths.length < paths.length) paths = widePaths;
  }
  if (paths.length > params.maxParts) {
    return { ok: false, amount, reason: 'TOO_MANY_PARTS', detail: `needs ${paths.length} parts, at most ${params.maxParts} allowed` };
  }
  return { ok: true, amount, parts: paths.map((p) => ({ path: p.arcs.map((arc) => graph.hopOf(arc)), amount: p.amount })) };
}

/**
 * Min-cost flow of up to `want` from src to dst by successive shortest paths; f[arc] is the flow
 * on each arc (≤ its capacity). Residual arcs: arc with room cap - f (cost +c), and the undo of
 * arc with room f (cost -c, from its head to its tail). Bellman-Ford (queue based) handles the
 * negative undo costs; there are no negative cycles because each augmentation is a shortest path.
 */
function minCostFlow(graph: ChannelGraph, src: number, dst: number, want: bigint, cost: (arc: number) => number): { total: bigint; f: bigint[] } {
  const n = graph.nodeCount();
  const arcs = graph.arcCount();
  const f = new Array<bigint>(arcs).fill(0n);
  const c = new Float64Array(arcs);
  const inArcs: number[][] = Array.from({ length: n }, () => []);
  for (let u = 0; u < n; u++) {
    for (const arc of graph.arcsFrom(u)) {
      c[arc] = cost(arc);
      inArcs[graph.arcTo(arc)].push(arc);
    }
  }
  let total = 0n;
  const dist = new Float64Array(n);
  // via[v] = residual arc used to reach v: arc id (forward) or ~arc (undo of arc).
  const via = new Int32Array(n);
  const inQueue = new Uint8Array(n);
  const pops = new Int32Array(n);
  const EPS = 1e-9;
  while (total < want) {
    dist.fill(Infinity);
    pops.fill(0);
    inQueue.fill(0);
    dist[src] = 0;
    const queue: number[] = [src];
    inQueue[src] = 1;
    for (let qi = 0; qi < queue.length; qi++) {
      const u = queue[qi];
      inQueue[u] = 0;
      // A node dequeued n times would mean a negative cycle (float noise only): stop relaxing it.
      if (++pops[u] > n) continue;
      const du = dist[u];
      for (const arc of graph.arcsFrom(u)) {
        if (graph.arcCap(arc) - f[arc] <= 0n) continue;
        const v = graph.arcTo(arc);
        const d = du + c[arc];
        if (d < dist[v] - EPS) {
          dist[v] = d;
          via[v] = arc;
          if (!inQueue[v]) {
            inQueue[v] = 1;
            queue.push(v);
          }
        }
      }
      for (const arc of inArcs[u]) {
        if (f[arc] <= 0n) continue;
        const v = graph.arcFrom(arc);
        const d = du - c[arc];
        if (d < dist[v] - EPS) {
          dist[v] = d;
          via[v] = ~arc;
          if (!inQueue[v]) {
            inQueue[v] = 1;
            queue.push(v);
          }
        }
      }
    }
    const reached = dist[dst] < Infinity;
    if (!reached) break;
    // Bottleneck along the path.
    let push = want - total;
    let steps = 0;
    for (let v = dst; v !== src; ) {
      if (++steps > n) {
        push = 0n; // the predecessor walk loops: float noise; stop with the flow so far
        break;
      }
      const step = via[v];
      if (step >= 0) {
        const room = graph.arcCap(step) - f[step];
        if (room < push) push = room;
        v = graph.arcFrom(step);
      } else {
        const arc = ~step;
        if (f[arc] < push) push = f[arc];
        v = graph.arcTo(arc);
      }
    }
    if (push <= 0n) break;
    for (let v = dst; v !== src; ) {
      const step = via[v];
      if (step >= 0) {
        f[step] += push;
        v = graph.arcFrom(step);
      } else {
        f[~step] -= push;
        v = graph.arcTo(~step);
      }
    }
    total += push;
  }
  return { total, f };
}

/**
 * The path from src to dst whose narrowest step is widest (Dijkstra on the bottleneck, ties to
 * fewer hops), over steps given by `steps(u, visit)`: visit(v, room, step) for each step out of u
 * with room > 0. Returns the steps and the bottleneck, or null.
 */
function widestPath(n: number, src: number, dst: number, steps: (u: number, visit: (v: number, room: bigint, step: number) => void) => void): { steps: number[]; width: bigint } | null {
  const width: (bigint | null)[] = new Array(n).fill(null);
  const hops = new Float64Array(n).fill(Infinity);
  const prev = new Int32Array(n).fill(-1);
  const via = new Int32Array(n);
  const done = new Uint8Array(n);
  const heap = new Heap();
  const top = [0, 0, 0];
  width[src] = -1n; // unbounded
  hops[src] = 0;
  heap.push(-Infinity, 0, src);
  while (heap.size > 0) {
    heap.pop(top);
    const u = top[2];
    if (done[u]) continue;
    done[u] = 1;
    if (u === dst) break;
    const wu = width[u] as bigint;
    steps(u, (v, room, step) => {
      if (done[v]) return;
      const w = wu < 0n || room < wu ? room : wu;
      const wv = width[v];
      if (wv === null || w > wv || (w === wv && hops[u] + 1 < hops[v])) {
        width[v] = w;
        hops[v] = hops[u] + 1;
        prev[v] = u;
        via[v] = step;
        heap.push(-Number(w), hops[v], v);
      }
    });
  }
  if (!done[dst] || dst === src) return null;
  const path: number[] = [];
  for (let v = dst; v !== src; v = prev[v]) path.push(via[v]);
  return { steps: path.reverse(), width: width[dst] as bigint };
}

/**
 * A flow of up to `want` built from widest augmenting paths (each augmentation carries as much as
 * the residual graph allows along one path, undo steps included): few, wide parts, used when the
 * min-cost flow needs more than maxParts paths.
 */
function widestFlow(graph: ChannelGraph, src: number, dst: number, want: bigint): { total: bigint; f: bigint[] } {
  const n = graph.nodeCount();
  const f = new Array<bigint>(graph.arcCount()).fill(0n);
  const inArcs: number[][] = Array.from({ length: n }, () => []);
  for (let u = 0; u < n; u++) for (const arc of graph.arcsFrom(u)) inArcs[graph.arcTo(arc)].push(arc);
  let total = 0n;
  while (total < want) {
    const found = widestPath(n, src, dst, (u, visit) => {
      for (const arc of graph.arcsFrom(u)) visit(graph.arcTo(arc), graph.arcCap(arc) - f[arc], arc);
      for (const arc of inArcs[u]) visit(graph.arcFrom(arc), f[arc], ~arc);
    });
    if (!found || found.width <= 0n) break;
    const push = found.width < want - total ? found.width : want - total;
    for (const step of found.steps) {
      if (step >= 0) f[step] += push;
      else f[~step] -= push;
    }
    total += push;
  }
  return { total, f };
}

/**
 * Splits an arc flow into paths from src to dst, widest path first (so few parts). Opposite flows
 * on one channel cancel first (only the net direction is paid); flow left on cycles once no path
 * remains carries nothing from src to dst and is dropped.
 */
function decompose(graph: ChannelGraph, src: number, dst: number, flow: bigint[]): { arcs: number[]; amount: bigint }[] {
  const f = flow.slice();
  for (let arc = 0; arc < f.length; arc += 2) {
    const m = f[arc] < f[arc + 1] ? f[arc] : f[arc + 1];
    f[arc] -= m;
    f[arc + 1] -= m;
  }
  const paths: { arcs: number[]; amount: bigint }[] = [];
  for (;;) {
    const found = widestPath(graph.nodeCount(), src, dst, (u, visit) => {
      for (const arc of graph.arcsFrom(u)) if (f[arc] > 0n) visit(graph.arcTo(arc), f[arc], arc);
    });
    if (!found || found.width <= 0n) break;
    for (const arc of found.steps) f[arc] -= found.width;
    paths.push({ arcs: found.steps, amount: found.width });
  }
  return paths;
}
