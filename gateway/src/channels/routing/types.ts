/**
 * The shapes routing works with: parties, channels, hops, routes and why a route was refused.
 * Units: balances and amounts are non-negative integers in minor units (`bigint`).
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
 *   `routeMultipath`: the maximum flow from payer to payee is below the amount, so no router
 *   could carry it; for `routeByWeight`: no single path has every hop ≥ amount).
 * - TOO_MANY_PARTS: the amount fits only when split into more parts than allowed.
 */
export type RouteFailureReason = 'INVALID_ARGUMENT' | 'UNKNOWN_NODE' | 'NO_PATH' | 'INSUFFICIENT_CAPACITY' | 'TOO_MANY_PARTS';

/** A route: parts whose amounts sum to the payment, or why there is none. */
export type RouteResult =
  | { readonly ok: true; readonly amount: bigint; readonly parts: readonly RoutePart[] }
  | { readonly ok: false; readonly amount: bigint; readonly reason: RouteFailureReason; readonly detail: string };
