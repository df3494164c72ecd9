/**
 * The paper benches' charts (paper-charts.ts) render from fixed results as well-formed SVG naming
 * their series and axes. Rendered by tsx in a child process, as render.test.ts explains (vega 6
 * is ES-module only).
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';

const ROOT = path.resolve(__dirname, '../../..');

const SCRIPT = `
import { renderSvg } from './test/bench/figures/render';
import { delayChart, fig9Chart } from './test/bench/figures/paper-charts';
const step = (step: string, ms: number, onchain: number, payments: number) => ({ step, ms, onchain, payments });
const delay = delayChart({ source: 'fixed test data', blockMs: 15000, linkMs: 50, medians: {}, series: [
  { scheme: 'on-chain transfers', steps: [step('transfer', 15000, 1, 1), step('transfer', 15000, 1, 2)] },
  { scheme: 'two-party channel', steps: [step('open', 15000, 1, 0), step('off-chain payment', 117, 0, 1), step('close', 15000, 1, 1)] },
  { scheme: 'multiparty channel', steps: [step('create', 15000, 1, 0), step('mptx', 240, 0, 1), step('close', 15000, 1, 1)] },
] });
const point = (scheme: string, k: number, perPayment: number, paperPerPayment: number) => ({ scheme, k, onchain: perPayment * k, perPayment, paperPerPayment, functions: {} });
const fig9 = fig9Chart({ source: 'fixed test data', points: [
  point('Eth (direct transfers)', 1, 2, 2), point('Eth (direct transfers)', 10, 2, 2),
  point('Ours (multiparty channel)', 1, 7, 10), point('Ours (multiparty channel)', 10, 0.7, 1.1),
] as never });
Promise.all([renderSvg(delay), renderSvg(fig9)]).then((svgs) => process.stdout.write(JSON.stringify(svgs)));
`;

describe('paper charts', () => {
  it('draw the delay experiment and Figure 9 as well-formed SVG with their series and axis titles', () => {
    const [delay, fig9] = JSON.parse(execFileSync(path.join(ROOT, 'node_modules/.bin/tsx'), ['--eval', SCRIPT], { cwd: ROOT, encoding: 'utf8', timeout: 60000 })) as string[];
    for (const svg of [delay, fig9]) {
      expect(svg.startsWith('<svg')).toBe(true);
      expect(XMLValidator.validate(svg)).toBe(true);
    }
    for (const text of ['on-chain transfers', 'two-party channel', 'multiparty channel', 'payments made', 'cumulative time (s)', '15 s blocks, 50 ms link delay']) expect(delay).toContain(text);
    for (const text of ['Eth (direct transfers)', 'Ours (multiparty channel)', 'measured', 'paper (derived)', 'on-chain transactions per payment']) expect(fig9).toContain(text);
  });
});
