/**
 * Vega-Lite specs of the routing simulator's figures (test/bench/channel-sim/run.ts), in the
 * layout of the paper's Figures 5-8 (seeds/003, section 4.3): success ratio (%) against the
 * number of payments, one panel per network size N and amount class, the paper's values, W (the
 * paper's channel selection) and Covenant's router beside each other; and hub-and-spoke against
 * a random topology of the same N, funds and payments.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { HubPoint, SimulatorFigures, SuccessPoint } from '../channel-sim/run';
import type { Demand } from '../channel-sim/simulate';

/** Legend names of the random-topology series, in legend order. */
export const SUCCESS_SERIES: Record<string, string> = { paper: 'paper (Tables 2-4)', W: 'W (least Σ W_ij path)', ours: 'Covenant (multipath router)' };
const SUCCESS_COLORS = ['#9e9e9e', '#e45756', '#4c78a8'];
/** Hub figure series, in legend order, with one colour per router and a dash per topology. */
export const HUB_SERIES = ['random: W', 'random: ours', 'hub: W', 'hub: ours'];
const HUB_COLORS = ['#e45756', '#4c78a8', '#e45756', '#4c78a8'];

const PAYMENTS_AXIS = { field: 'payments', type: 'quantitative' as const, title: 'payments', axis: { values: [1000, 2000, 3000, 4000] } };

function ratioAxis(window: boolean) {
  return { field: 'ratio', type: 'quantitative' as const, title: window ? 'success ratio of the window (%)' : 'success ratio (%)', scale: { domain: [0, 100] } };
}

function subtitle(f: SimulatorFigures): string {
  const topology = f.topology === 'ws' ? 'Watts-Strogatz k = 4, p = 0.2' : 'Barabási-Albert m = 2';
  return `seed ${f.seed}${f.quick ? ' (--quick)' : ''}, ${topology}; ${f.window ? 'each window of 500 payments' : 'cumulative'}; test/bench/channel-sim/run.ts`;
}

/**
 * Success ratio against payments for one demand model: a grid of panels, rows = amount class
 * (units), columns = N; three lines per panel (paper, W, ours). `figures.success` as run.ts
 * returns it; rows of other demands are left out.
 */
export function successFigure(figures: SimulatorFigures, demand: Demand): TopLevelSpec {
  const values = figures.success
    .filter((p: SuccessPoint) => p.demand === demand)
    .map((p) => ({ ...p, amount: `amount < ${p.amountBelow} units`, nodes: `N = ${p.n}`, series: SUCCESS_SERIES[p.series] ?? p.series }));
  const classes = [...new Set(figures.success.map((p) => p.amountBelow))].sort((a, b) => a - b).map((b) => `amount < ${b} units`);
  const nodes = [...new Set(figures.success.map((p) => p.n))].sort((a, b) => a - b).map((n) => `N = ${n}`);
  return {
    title: { text: `Payment success ratio, ${demand} demand: paper, W and Covenant's router`, subtitle: subtitle(figures) },
    data: { values },
    facet: {
      row: { field: 'amount', type: 'nominal', title: null, sort: classes },
      column: { field: 'nodes', type: 'nominal', title: null, sort: nodes },
    },
    spec: {
      width: 190,
      height: 140,
      mark: { type: 'line', point: { size: 28 } },
      encoding: {
        x: PAYMENTS_AXIS,
        y: ratioAxis(figures.window),
        color: { field: 'series', type: 'nominal', title: null, scale: { domain: Object.values(SUCCESS_SERIES), range: SUCCESS_COLORS } },
        strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: Object.values(SUCCESS_SERIES), range: [[4, 3], [1, 0], [1, 0]] } },
      },
    },
    resolve: { scale: { x: 'shared', y: 'shared' } },
    config: { legend: { orient: 'bottom' } },
  } as TopLevelSpec;
}

/**
 * Hub-and-spoke against random topology (the paper's Figures 5-7): rows = demand, columns = N;
 * four lines per panel, colour = router, dashes = hub topology. `figures.hub` as run.ts returns it.
 */
export function hubFigure(figures: SimulatorFigures): TopLevelSpec {
  const values = figures.hub.map((p: HubPoint) => ({ ...p, nodes: `N = ${p.n}`, demandLabel: `${p.demand} demand` }));
  const nodes = [...new Set(figures.hub.map((p) => p.n))].sort((a, b) => a - b).map((n) => `N = ${n}`);
  return {
    title: { text: 'Hub-and-spoke against random topology, amount < 10 units', subtitle: `same N, users, total funds and payments; ${subtitle(figures)}` },
    data: { values },
    facet: {
      row: { field: 'demandLabel', type: 'nominal', title: null },
      column: { field: 'nodes', type: 'nominal', title: null, sort: nodes },
    },
    spec: {
      width: 220,
      height: 150,
      mark: { type: 'line', point: { size: 28 } },
      encoding: {
        x: PAYMENTS_AXIS,
        y: ratioAxis(figures.window),
        color: { field: 'series', type: 'nominal', title: null, scale: { domain: HUB_SERIES, range: HUB_COLORS } },
        strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: HUB_SERIES, range: [[1, 0], [1, 0], [5, 3], [5, 3]] } },
      },
    },
    config: { legend: { orient: 'bottom' } },
  } as TopLevelSpec;
}
