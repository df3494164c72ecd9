/**
 * Regenerates every figure as SVG into test/bench/figures/out/ (`npm run figures`):
 *
 *   npx tsx test/bench/figures/make.ts [--full] [--seed N] [--rounds R]
 *
 * - sim-success-skewed.svg, sim-success-uniform.svg: the routing simulator's success ratio against
 *   payments per N and amount class, paper / W / Covenant (paper's Tables 2-4, Figure 8 layout);
 * - sim-hub-vs-random.svg: hub-and-spoke against random topology (paper's Figures 5-7);
 * - ring-signatures.svg: bLSAG sign and verify time by ring size (ring-signatures.ts, R rounds);
 * - fabric-throughput.svg: REST against direct transfers/s by concurrency, from the result file
 *   fabric-throughput.ts writes (test/bench/figures/data/fabric-throughput.json; the network is
 *   not started here);
 * - paper-delay.svg, paper-fig9.svg: the paper's delay experiment (Figures 2-4) and Figure 9 as
 *   on-chain transactions per payment, from the result files test/bench/paper/delay.ts and
 *   fig9.ts write (test/bench/figures/data/paper-delay.json, paper-fig9.json; not re-run here).
 *
 * The simulator runs with --quick (N = 100 and 300, hub N = 10 and 50) unless --full is given
 * (all N, about 35 s more); --seed is the simulator's seed (default 1); --rounds the ring bench's
 * rounds (default 3). Prints the files written and the run time.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { TopLevelSpec } from 'vega-lite';
import { runSimulator } from '../channel-sim/run';
import { runRingBench } from '../ring-signatures';
import { type ThroughputResult, ringChart, throughputChart } from './bench-charts';
import { delayChart, fig9Chart } from './paper-charts';
import { renderSvg } from './render';
import { hubFigure, successFigure } from './simulator-charts';

const OUT = path.resolve(__dirname, 'out');
const THROUGHPUT = process.env.COVENANT_THROUGHPUT_JSON ?? path.resolve(__dirname, 'data/fabric-throughput.json');
const PAPER_DELAY = path.resolve(__dirname, 'data/paper-delay.json');
const PAPER_FIG9 = path.resolve(__dirname, 'data/paper-fig9.json');

function parseArgs(argv: string[]): { full: boolean; seed: number; rounds: number } {
  const args = { full: false, seed: 1, rounds: 3 };
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--full') args.full = true;
    else if (argv[i] === '--seed') args.seed = Number(argv[++i]);
    else if (argv[i] === '--rounds') args.rounds = Number(argv[++i]);
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  if (!Number.isInteger(args.seed) || !Number.isInteger(args.rounds) || args.rounds < 1) throw new Error('--seed and --rounds take integers (rounds ≥ 1)');
  return args;
}

async function write(name: string, spec: TopLevelSpec): Promise<void> {
  const file = path.join(OUT, name);
  fs.writeFileSync(file, await renderSvg(spec));
  process.stdout.write(`wrote ${path.relative(process.cwd(), file)}\n`);
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = process.hrtime.bigint();
  fs.mkdirSync(OUT, { recursive: true });

  process.stdout.write(`routing simulator, seed ${args.seed}${args.full ? '' : ' (--quick)'}...\n`);
  const sim = runSimulator(['--seed', String(args.seed), ...(args.full ? [] : ['--quick'])], false);
  await write('sim-success-skewed.svg', successFigure(sim, 'skewed'));
  await write('sim-success-uniform.svg', successFigure(sim, 'uniform'));
  await write('sim-hub-vs-random.svg', hubFigure(sim));

  const ring = await runRingBench(args.rounds, 8);
  await write('ring-signatures.svg', ringChart(ring));

  const throughput = JSON.parse(fs.readFileSync(THROUGHPUT, 'utf8')) as ThroughputResult;
  await write('fabric-throughput.svg', throughputChart(throughput));

  await write('paper-delay.svg', delayChart(JSON.parse(fs.readFileSync(PAPER_DELAY, 'utf8'))));
  await write('paper-fig9.svg', fig9Chart(JSON.parse(fs.readFileSync(PAPER_FIG9, 'utf8'))));

  process.stdout.write(`figures done in ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s\n`);
}

main().catch((error: unknown) => {
  process.stderr.write(`figures failed: ${error instanceof Error ? error.stack : String(error)}\n`);
  process.exitCode = 1;
});
