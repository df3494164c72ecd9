/**
 * The figure renderer (render.ts) draws a small chart from fixed data into well-formed SVG that
 * names its series. vega 6 is ES-module only with top-level await, which Jest's CommonJS runtime
 * cannot load, so the chart is rendered by tsx in a child process, as `npm run figures` does.
 */
import { execFileSync } from 'node:child_process';
import * as path from 'node:path';
import { XMLValidator } from 'fast-xml-parser';

const ROOT = path.resolve(__dirname, '../../..');

const SCRIPT = `
import { renderSvg } from './test/bench/figures/render';
import { throughputChart } from './test/bench/figures/bench-charts';
renderSvg(throughputChart({ source: 'fixed test data', rounds: 1, points: [{ clients: 1, rest: 7, direct: 7.4 }, { clients: 32, rest: 95.4, direct: 91.5 }] }))
  .then((svg) => process.stdout.write(svg));
`;

function render(): string {
  return execFileSync(path.join(ROOT, 'node_modules/.bin/tsx'), ['--eval', SCRIPT], { cwd: ROOT, encoding: 'utf8', timeout: 60000 });
}

describe('figure renderer', () => {
  it('renders a chart from fixed data as well-formed SVG with its series, values and axis titles', () => {
    const svg = render();
    expect(svg.startsWith('<svg')).toBe(true);
    expect(XMLValidator.validate(svg)).toBe(true);
    for (const text of ['REST (gateway)', 'direct (fabric-gateway)', 'concurrent clients', 'transfers per second', '95.4', '91.5']) expect(svg).toContain(text);
    // Two sides × two concurrency levels: four bars (vega draws each as a path in a role-mark group).
    expect(svg.match(/<path /g)?.length ?? 0).toBeGreaterThanOrEqual(4);
  });
});
