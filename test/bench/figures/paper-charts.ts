/**
 * Vega-Lite specs of the paper benches' charts (test/bench/paper/), drawn from the JSON results
 * they write into test/bench/figures/data/: the delay experiment (the paper's Figures 2-4 in one
 * chart) and Figure 9 as on-chain transactions per payment.
 */
import type { TopLevelSpec } from 'vega-lite';
import type { DelayResult } from '../paper/delay';
import type { Fig9Result } from '../paper/fig9';

/**
 * Cumulative time against payments made, one line per scheme (on-chain transfers, two-party
 * channel, multiparty channel), every step a point: the paper's Figures 2-4 overlaid. A channel's
 * open, checkpoint and close show as steep rises at one payment count, its off-chain payments as
 * the flat run between them.
 */
export function delayChart(result: DelayResult): TopLevelSpec {
  const values = result.series.flatMap((sr) => {
    let elapsed = 0;
    return [
      { scheme: sr.scheme, order: -1, step: 'start', payments: 0, seconds: 0 },
      ...sr.steps.map((x, i) => {
        elapsed += x.ms / 1000;
        return { scheme: sr.scheme, order: i, step: x.step, payments: x.payments, seconds: Number(elapsed.toFixed(3)) };
      }),
    ];
  });
  const schemes = result.series.map((sr) => sr.scheme);
  return {
    title: {
      text: 'Payment delay: on-chain transfers against channel payments (paper Figures 2-4)',
      subtitle: `${result.blockMs / 1000} s blocks, ${result.linkMs} ms link delay each way; embedded ledger, real gateways; ${result.source}`,
    },
    data: { values },
    width: 460,
    height: 280,
    mark: { type: 'line', point: { size: 40 } },
    encoding: {
      x: { field: 'payments', type: 'quantitative', title: 'payments made', axis: { tickMinStep: 1 } },
      y: { field: 'seconds', type: 'quantitative', title: 'cumulative time (s)' },
      order: { field: 'order', type: 'quantitative' },
      color: { field: 'scheme', type: 'nominal', title: null, scale: { domain: schemes, range: ['#e45756', '#4c78a8', '#54a24b', '#f58518'] } },
      tooltip: [{ field: 'scheme' }, { field: 'step' }, { field: 'seconds', type: 'quantitative' }],
    },
    config: { legend: { orient: 'bottom' } },
  } as TopLevelSpec;
}

/**
 * On-chain transactions per payment against k (log-log), one colour per scheme (Eth, Dual, Ours),
 * measured as solid lines and the paper's derived figures as dashed lines.
 */
export function fig9Chart(result: Fig9Result): TopLevelSpec {
  const values = result.points.flatMap((p) => [
    { scheme: p.scheme, k: p.k, source: 'measured', perPayment: p.perPayment },
    { scheme: p.scheme, k: p.k, source: 'paper (derived)', perPayment: p.paperPerPayment },
  ]);
  const schemes = [...new Set(result.points.map((p) => p.scheme))];
  const ks = [...new Set(result.points.map((p) => p.k))];
  return {
    title: { text: 'On-chain transactions per payment (paper Figure 9)', subtitle: `one payment: two payers each pay a third party; embedded ledger; ${result.source}` },
    data: { values },
    width: 460,
    height: 280,
    mark: { type: 'line', point: { size: 40 } },
    encoding: {
      x: { field: 'k', type: 'quantitative', title: 'payments between the same parties (k)', scale: { type: 'log' }, axis: { values: ks, format: 'd' } },
      y: { field: 'perPayment', type: 'quantitative', title: 'on-chain transactions per payment', scale: { type: 'log' } },
      color: { field: 'scheme', type: 'nominal', title: null, scale: { domain: schemes, range: ['#e45756', '#4c78a8', '#54a24b', '#f58518'] } },
      strokeDash: { field: 'source', type: 'nominal', title: null, scale: { domain: ['measured', 'paper (derived)'], range: [[1, 0], [5, 4]] } },
      detail: { field: 'source' },
    },
    config: { legend: { orient: 'bottom', direction: 'vertical' } },
  } as TopLevelSpec;
}
