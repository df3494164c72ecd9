/**
 * Channel selection and routing over a payment channel network.
 *
 * Source: "Research on Multiparty Payment Technology Based on Blockchain and Smart Contract
 * Mechanism" (J. Math. 2022, seeds/003), section 3.3.2 (2), formulas 16-18 (see ./weights): the
 * paper chooses the channel or path of least W. {@link routeByWeight} is that heuristic;
 * {@link routeMultipath} is Covenant's router (capacity-aware multipath over a min-cost flow with
 * a direction-aware balance cost), which succeeds whenever the maximum flow between the two
 * parties covers the payment.
 *
 * Units: every balance and amount is a non-negative integer in minor units (`bigint`), as
 * everywhere in Covenant. Weights (Dist, Bal, W, costs) are dimensionless JavaScript numbers; they
 * only order routes and never enter an amount. Everything here is deterministic: iteration follows
 * insertion order and ties break by node and channel insertion order.
 *
 * The modules: ./types (shapes), ./network (the arc-level graph algorithms work on), ./weights
 * (the paper's formulas), ./graph (the channel graph), ./paths (Dijkstra, widest path), ./flow
 * (min-cost flow, widest flow, decomposition), ./routers (the two routers).
 */
export type { ChannelId, ChannelInfo, Hop, NodeId, RouteFailureReason, RoutePart, RouteResult } from './types';
export { DEFAULT_WEIGHT_PARAMS, type WeightParams, ratio } from './weights';
export { ChannelGraph } from './graph';
export { DEFAULT_MULTIPATH_PARAMS, type MultipathParams, routeByWeight, routeMultipath } from './routers';
