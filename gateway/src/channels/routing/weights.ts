/**
 * The paper's channel weights. Source: "Research on Multiparty Payment Technology Based on
 * Blockchain and Smart Contract Mechanism" (J. Math. 2022, seeds/003), section 3.3.2 (2),
 * formulas 16-18:
 *
 *   Dist_ij = (b_ij + b_ji) / (b_ij + b_ji + Σ_{k ∈ N_ij} (b_ik + b_ki + b_jk + b_kj))   (16)
 *   Bal_ij  = |b_ij - b_ji| / (b_ij + b_ji)                                              (17)
 *   W_ij    = k1 (1 - Dist_ij) + k2 Bal_ij                                               (18)
 *
 * where b_ij is what i can pay to j in channel ij and N_ij the nodes that have a channel with both
 * i and j; "the smaller the W_ij value, the better the quality of the channel". Weights are
 * dimensionless JavaScript numbers: they only order routes and never enter an amount.
 */
import { type ArcView, reverse } from './network';

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

/** Bal_ij of formula 17 for balances b_ij = x, b_ji = y: in [0, 1]; 1 for an empty channel. */
export function imbalance(x: bigint, y: bigint): number {
  const total = x + y;
  if (total === 0n) return 1;
  return ratio(x > y ? x - y : y - x, total);
}

/** W_ij of formula 18 from Dist_ij and Bal_ij; smaller is better. */
export function channelWeight(dist: number, bal: number, params: WeightParams = DEFAULT_WEIGHT_PARAMS): number {
  return params.k1 * (1 - dist) + params.k2 * bal;
}

/**
 * Dist_ij of formula 16 for every pair of `net` (index c = arc >> 1; 0 for removed pairs): the
 * channel's total over itself plus the totals of i's and j's channels to every common neighbour k
 * (all channels i–k and j–k, so parallel channels to k count together). In [0, 1]; 0 for an
 * empty channel with no common neighbours' funds; 1 when i and j have no common neighbour.
 * Depends only on channel totals, so payments never change it.
 */
export function localities(net: ArcView): number[] {
  const total = (arc: number) => net.capacity(arc) + net.capacity(reverse(arc));
  // Per node: neighbour -> total funds of all open channels between them.
  const pair: Map<number, bigint>[] = Array.from({ length: net.nodeCount }, () => new Map());
  const forward: number[] = [];
  for (let u = 0; u < net.nodeCount; u++) {
    for (const arc of net.arcsFrom(u)) {
      const v = net.head(arc);
      pair[u].set(v, (pair[u].get(v) ?? 0n) + total(arc));
      if ((arc & 1) === 0) forward.push(arc);
    }
  }
  const dist = new Array<number>(net.arcCount / 2).fill(0);
  for (const arc of forward) {
    const [a, b] = [net.tail(arc), net.head(arc)];
    const [small, large] = pair[a].size <= pair[b].size ? [pair[a], pair[b]] : [pair[b], pair[a]];
    let around = 0n;
    for (const [k, t] of small) {
      if (k === a || k === b) continue;
      const u = large.get(k);
      if (u !== undefined) around += t + u;
    }
    const own = total(arc);
    dist[arc >> 1] = ratio(own, own + around);
  }
  return dist;
}
