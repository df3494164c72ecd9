/**
 * The channel network experiment of the paper (seeds/003, section 4.3, Tables 2-4 and Figures
 * 5-7), made deterministic: a topology, channel deposits and a payment sequence are drawn from
 * seeded streams; each router replays the same sequence on its own copy of the network, and the
 * cumulative success ratio is recorded after every checkpoint.
 *
 * Money is in minor units: one "unit" (the paper's ether) is {@link UNIT} minor units.
 */
import { ChannelGraph, type RouteResult } from '../../../gateway/src/channels/routing';
import { Rng, WeightedChoice } from './prng';
import type { Edge } from './topology';

/** Minor units per unit (the paper's amounts are in ether; ours in hundredths). */
export const UNIT = 100;

export interface Payment {
  readonly from: number;
  readonly to: number;
  /** Minor units, > 0. */
  readonly amount: bigint;
}

export interface Workload {
  readonly n: number;
  readonly edges: readonly Edge[];
  /** Per edge [u, v]: [deposit of u, deposit of v], minor units. */
  readonly deposits: readonly (readonly [bigint, bigint])[];
  readonly payments: readonly Payment[];
}

/** How channel deposits are drawn: each party of each channel deposits a uniform integer number of units in [min, max]. */
export interface CapacitySpec {
  readonly minUnits: number;
  readonly maxUnits: number;
}

/**
 * Who pays whom. 'skewed': every user gets a send weight and an independent receive weight, both
 * exponential with mean 1, and a payment's payer and payee are drawn in proportion to them (payee ≠
 * payer), so net money drifts from heavy payers to heavy payees as it does between customers and
 * merchants; channels deplete as in the paper's tables. 'uniform': payer and payee uniform among
 * users (a circulation in expectation).
 */
export type Demand = 'skewed' | 'uniform';

/** Per edge, both parties' deposits in minor units: whole units uniform in [minUnits, maxUnits]. */
export function drawDeposits(edges: readonly Edge[], spec: CapacitySpec, rng: Rng): [bigint, bigint][] {
  return edges.map(() => [BigInt(rng.int(spec.minUnits, spec.maxUnits) * UNIT), BigInt(rng.int(spec.minUnits, spec.maxUnits) * UNIT)]);
}

/** Sum of all deposits (minor units). */
export function totalDeposits(deposits: readonly (readonly [bigint, bigint])[]): bigint {
  return deposits.reduce((s, [x, y]) => s + x + y, 0n);
}

/**
 * Scales deposits so that they sum to `target` (each deposit × target / current, rounded down;
 * the rounding remainder, fewer minor units than there are deposits, goes one unit each to the
 * first deposits), so two topologies can hold the same total funds.
 */
export function scaleDeposits(deposits: readonly (readonly [bigint, bigint])[], target: bigint): [bigint, bigint][] {
  const current = totalDeposits(deposits);
  const scaled = deposits.map(([x, y]) => [(x * target) / current, (y * target) / current] as [bigint, bigint]);
  let rest = target - totalDeposits(scaled);
  for (const d of scaled) {
    for (const side of [0, 1] as const) {
      if (rest > 0n) {
        d[side] += 1n;
        rest -= 1n;
      }
    }
  }
  return scaled;
}

/**
 * `count` payments among `users`, amounts uniform integers in [1, amountBelow·UNIT - 1] minor
 * units ("amount < amountBelow"). Payer/payee pairs come from `pairs`, amounts from `amounts`, so
 * two amount classes on the same network share the pair sequence.
 */
export function drawPayments(users: readonly number[], count: number, amountBelow: number, demand: Demand, pairs: Rng, amounts: Rng): Payment[] {
  let pickFrom: () => number;
  let pickTo: () => number;
  if (demand === 'skewed') {
    const send = new WeightedChoice(users.map(() => pairs.exp()));
    const receive = new WeightedChoice(users.map(() => pairs.exp()));
    pickFrom = () => users[send.pick(pairs)];
    pickTo = () => users[receive.pick(pairs)];
  } else {
    pickFrom = pickTo = () => users[pairs.int(0, users.length - 1)];
  }
  const payments: Payment[] = [];
  for (let i = 0; i < count; i++) {
    const from = pickFrom();
    let to = pickTo();
    while (to === from) to = pickTo();
    payments.push({ from, to, amount: BigInt(amounts.int(1, amountBelow * UNIT - 1)) });
  }
  return payments;
}

export function buildGraph(w: Workload): ChannelGraph {
  const g = new ChannelGraph();
  w.edges.forEach(([u, v], i) => g.addChannel({ id: `c${i}`, a: `n${u}`, b: `n${v}`, balanceA: w.deposits[i][0], balanceB: w.deposits[i][1] }));
  return g;
}

export type SimRouter = (graph: ChannelGraph, from: string, to: string, amount: bigint) => RouteResult;

export interface SimResult {
  /** Cumulative success ratio (percent) after each checkpoint. */
  readonly ratios: number[];
  /** Successful payments up to each checkpoint. */
  readonly successes: number[];
  /** Value delivered as a percentage of value attempted, over the whole run. */
  readonly valueRatio: number;
  /** Payments split into more than one part. */
  readonly split: number;
  /** Milliseconds spent routing. */
  readonly ms: number;
}

/**
 * Replays `w.payments` with `router` on a fresh copy of the network; a routed payment is applied
 * (balances move along every hop), a failed one changes nothing. Checks after the run that every
 * channel kept its total.
 */
export function simulate(w: Workload, router: SimRouter, checkpoints: readonly number[]): SimResult {
  const g = buildGraph(w);
  const ratios: number[] = [];
  const successes: number[] = [];
  let ok = 0;
  let delivered = 0n;
  let attempted = 0n;
  let split = 0;
  let next = 0;
  const started = process.hrtime.bigint();
  w.payments.forEach((p, i) => {
    const from = `n${p.from}`;
    const to = `n${p.to}`;
    const route = router(g, from, to, p.amount);
    attempted += p.amount;
    if (route.ok) {
      g.apply(route, from, to);
      ok++;
      delivered += p.amount;
      if (route.parts.length > 1) split++;
    }
    while (next < checkpoints.length && checkpoints[next] === i + 1) {
      ratios.push((100 * ok) / (i + 1));
      successes.push(ok);
      next++;
    }
  });
  const ms = Number(process.hrtime.bigint() - started) / 1e6;
  g.channels().forEach((c, i) => {
    if (c.balanceA + c.balanceB !== w.deposits[i][0] + w.deposits[i][1]) throw new Error(`channel ${c.id} lost money`);
  });
  const valueRatio = attempted === 0n ? 100 : Number((delivered * 1000000n) / attempted) / 10000;
  return { ratios, successes, valueRatio, split, ms };
}
