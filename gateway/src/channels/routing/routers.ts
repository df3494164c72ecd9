/**
 * The two routers: the paper's least-W heuristic ({@link routeByWeight}, formulas 16-18 of
 * seeds/003, see ./weights) and Covenant's capacity-aware multipath router
 * ({@link routeMultipath}). Both route `amount` (minor units) from `from` to `to` over a
 * {@link ChannelGraph} without changing it, and return a {@link RouteResult}, never throw.
 */
import { decompose, minCostFlow, widestFlow } from './flow';
import { reverse } from './network';
import type { ChannelGraph } from './graph';
import { connected, shortestPath } from './paths';
import type { NodeId, RouteFailureReason, RoutePart, RouteResult } from './types';
import { DEFAULT_WEIGHT_PARAMS, type WeightParams, ratio } from './weights';

type Endpoints = { ok: true; src: number; dst: number } | { ok: false; result: RouteResult };

/** Validates a payment and finds its ends in the graph: INVALID_ARGUMENT, UNKNOWN_NODE or NO_PATH otherwise. */
function endpoints(graph: ChannelGraph, from: NodeId, to: NodeId, amount: bigint): Endpoints {
  const fail = (reason: RouteFailureReason, detail: string): Endpoints => ({ ok: false, result: { ok: false, amount, reason, detail } });
  if (amount <= 0n) return fail('INVALID_ARGUMENT', `amount must be positive, got ${amount}`);
  if (from === to) return fail('INVALID_ARGUMENT', 'payer and payee are the same party');
  const src = graph.nodeIndex(from);
  const dst = graph.nodeIndex(to);
  if (src === undefined) return fail('UNKNOWN_NODE', `${from} has no known channel`);
  if (dst === undefined) return fail('UNKNOWN_NODE', `${to} has no known channel`);
  if (!connected(graph.network, src, dst)) return fail('NO_PATH', `${from} and ${to} are not connected by known channels`);
  return { ok: true, src, dst };
}

/** A route part carrying `amount` along arcs of the graph's network. */
const partOf = (graph: ChannelGraph, arcs: readonly number[], amount: bigint): RoutePart => ({ path: arcs.map((arc) => graph.hop(arc)), amount });

/**
 * The paper's channel selection (formulas 16-18): the single path of least Σ W_ij over channels
 * that can carry the whole amount in the payment's direction (b_ij ≥ amount on every hop); ties
 * (W is often 0 on balanced channels without common neighbours) go to the path with fewer hops.
 * W_ij is symmetric in direction, as the paper defines it. Never splits a payment.
 */
export function routeByWeight(graph: ChannelGraph, from: NodeId, to: NodeId, amount: bigint, params: WeightParams = DEFAULT_WEIGHT_PARAMS): RouteResult {
  const ends = endpoints(graph, from, to, amount);
  if (!ends.ok) return ends.result;
  const net = graph.network;
  const path = shortestPath(
    net,
    ends.src,
    ends.dst,
    (arc) => net.capacity(arc) >= amount,
    (arc) => graph.arcWeight(arc, params),
  );
  if (!path) return { ok: false, amount, reason: 'INSUFFICIENT_CAPACITY', detail: `no single path can carry ${amount}` };
  return { ok: true, amount, parts: [partOf(graph, path, amount)] };
}

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
  const net = graph.network;
  const cost = (arc: number) => hopCost(net.capacity(arc), net.capacity(reverse(arc)), amount, params.balanceWeight);
  const single = shortestPath(net, src, dst, (arc) => net.capacity(arc) >= amount, cost);
  if (single) return { ok: true, amount, parts: [partOf(graph, single, amount)] };

  const flow = minCostFlow(net, src, dst, amount, cost);
  if (flow.total < amount) {
    return { ok: false, amount, reason: 'INSUFFICIENT_CAPACITY', detail: `maximum flow ${flow.total} is below ${amount}` };
  }
  let paths = decompose(net, src, dst, flow.f);
  if (paths.length > params.maxParts) {
    // Cheapest flow, too many parts: try the flow of widest augmenting paths, which needs fewer.
    const wide = widestFlow(net, src, dst, amount);
    const widePaths = wide.total === amount ? decompose(net, src, dst, wide.f) : paths;
    if (widePaths.length < paths.length) paths = widePaths;
  }
  if (paths.length > params.maxParts) {
    return { ok: false, amount, reason: 'TOO_MANY_PARTS', detail: `needs ${paths.length} parts, at most ${params.maxParts} allowed` };
  }
  return { ok: true, amount, parts: paths.map((p) => partOf(graph, p.arcs, p.amount)) };
}
