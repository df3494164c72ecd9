/**
 * Experiment (issue 14): can waiting make Covenant's router beat W on count in every cell? Runs
 * run.ts's 30 random-topology workloads (5 N x 3 amount classes x 2 demands, same seeds and
 * streams) with waiting variants from ./queue-sim and counts the cells (8 checkpoints + value%
 * per workload, 270 in all) where each variant is below W without waiting, and below W with the
 * same waiting.
 *
 *   npx tsx test/bench/channel-sim/queue-experiment.ts [--seed N] [--nodes 100,300] [--variants a,b,...]
 *
 * A variant is `<policy>` or `<policy>@<D>/<order>`: policy W, ours, or rule:<single>:<split>
 * (accept if a single path carries the amount and the max flow is ≥ single·amount, or the max
 * flow is ≥ split·amount); D the deadline in later payments; order oldest or smallest.
 * Findings: README.md, "Beating W on count needs refusing payments".
 */
import { routeByWeight, routeMultipath } from '../../../gateway/src/channels/routing';
import { Rng } from './prng';
import { type Policy, type QueueOrder, simulateWithWaiting, type WaitResult } from './queue-sim';
import { type Demand, drawDeposits, drawPayments, simulate, type Workload } from './simulate';
import { connectedWattsStrogatz } from './topology';

// The same workloads as run.ts (its default flags: ws topology, deposits U{5..30} units).
const CHECKPOINTS = [500, 1000, 1500, 2000, 2500, 3000, 3500, 4000];
const CLASSES = [5, 10, 50];
const DEMANDS: Demand[] = ['skewed', 'uniform'];

function workload(seed: number, n: number, demand: Demand, below: number): Workload {
  const edges = connectedWattsStrogatz(n, 4, 0.2, Rng.derive(seed, 'topology', 'ws', n));
  const deposits = drawDeposits(edges, { minUnits: 5, maxUnits: 30 }, Rng.derive(seed, 'deposits', 'ws', n));
  const users = Array.from({ length: n }, (_, i) => i);
  const pays = drawPayments(users, 4000, below, demand, Rng.derive(seed, 'pairs', 'random', demand, n), Rng.derive(seed, 'amounts', 'random', demand, n, below));
  return { n, edges, deposits, payments: pays };
}

interface Variant {
  readonly name: string;
  readonly policy: Policy;
  readonly deadline: number;
  readonly order: QueueOrder;
}

function parseVariant(name: string): Variant {
  const [pol, wait] = name.split('@');
  let policy: Policy;
  if (pol === 'W' || pol === 'ours') policy = { kind: pol };
  else {
    const [, single, split] = pol.split(':');
    policy = { kind: 'rule', single: Number(single), split: Number(split) };
    if (!pol.startsWith('rule:') || !(policy.single >= 1) || !(policy.split >= policy.single)) throw new Error(`bad policy ${pol}`);
  }
  if (!wait) return { name, policy, deadline: 0, order: 'oldest' };
  const [d, order] = wait.split('/');
  if (order !== 'oldest' && order !== 'smallest') throw new Error(`bad order in ${name}`);
  return { name, policy, deadline: Number(d), order };
}

/** The matching W variant: same waiting (or none). */
const wOf = (v: Variant) => (v.deadline === 0 ? 'W' : `W@${v.deadline}/${v.order}`);

interface Score {
  below: number;
  belowValue: number;
  worst: number;
  ms: number;
  waited: number;
}

function run(w: Workload, v: Variant): WaitResult {
  if (v.deadline === 0 && v.policy.kind !== 'rule') {
    const r = simulate(w, v.policy.kind === 'W' ? (g, f, t, a) => routeByWeight(g, f, t, a) : (g, f, t, a) => routeMultipath(g, f, t, a), CHECKPOINTS);
    return { ...r, waited: 0 };
  }
  return simulateWithWaiting(w, v.policy, { deadline: v.deadline, order: v.order }, CHECKPOINTS);
}

function compare(s: Score, r: WaitResult, ref: WaitResult): void {
  r.ratios.forEach((x, i) => {
    if (x < ref.ratios[i] - 1e-9) s.below++;
    s.worst = Math.max(s.worst, ref.ratios[i] - x);
  });
  if (r.valueRatio < ref.valueRatio - 1e-9) s.belowValue++;
  s.worst = Math.max(s.worst, ref.valueRatio - r.valueRatio);
}

function main(argv: string[]): void {
  let seed = 1;
  let nodes = [100, 150, 200, 250, 300];
  let names = ['ours', 'ours@50/oldest', 'ours@200/oldest', 'ours@1000/oldest', 'ours@50/smallest', 'ours@200/smallest', 'ours@1000/smallest'];
  for (let i = 0; i < argv.length; i++) {
    if (argv[i] === '--seed') seed = Number(argv[++i]);
    else if (argv[i] === '--nodes') nodes = argv[++i].split(',').map(Number);
    else if (argv[i] === '--variants') names = argv[++i].split(',');
    else throw new Error(`unknown argument ${argv[i]}`);
  }
  const variants = names.map(parseVariant);
  const all = new Map<string, Variant>(variants.map((v) => [v.name, v]));
  for (const v of variants) if (!all.has(wOf(v))) all.set(wOf(v), parseVariant(wOf(v)));
  const vsW = new Map(variants.map((v) => [v.name, { below: 0, belowValue: 0, worst: -Infinity, ms: 0, waited: 0 } as Score]));
  const vsWaitW = new Map(variants.map((v) => [v.name, { below: 0, belowValue: 0, worst: -Infinity, ms: 0, waited: 0 } as Score]));
  const started = process.hrtime.bigint();
  let cells = 0;
  for (const demand of DEMANDS) {
    for (const below of CLASSES) {
      for (const n of nodes) {
        const w = workload(seed, n, demand, below);
        const results = new Map([...all.values()].map((v) => [v.name, run(w, v)]));
        const worst: string[] = [];
        for (const v of variants) {
          const r = results.get(v.name) as WaitResult;
          const sW = vsW.get(v.name) as Score;
          const before = sW.below + sW.belowValue;
          compare(sW, r, results.get('W') as WaitResult);
          compare(vsWaitW.get(v.name) as Score, r, results.get(wOf(v)) as WaitResult);
          sW.ms += r.ms;
          sW.waited += r.waited;
          if (sW.below + sW.belowValue > before) worst.push(`${v.name}:${sW.below + sW.belowValue - before}`);
        }
        cells += CHECKPOINTS.length + 1;
        process.stderr.write(`${demand} <${below} N=${n}: below W ${worst.join(' ') || 'none'}\n`);
      }
    }
  }
  const pad = (s: string | number, k: number) => String(s).padStart(k);
  console.log(`seed ${seed}, N = ${nodes.join(',')}: ${cells} cells (8 checkpoints + value% per workload)`);
  console.log(`${'variant'.padEnd(22)} ${pad('<W n', 6)} ${pad('<W val', 6)} ${pad('worst', 6)} | ${pad('<Wq n', 6)} ${pad('<Wq val', 7)} ${pad('worst', 6)} | ${pad('waited', 7)} ${pad('s', 6)}`);
  for (const v of variants) {
    const a = vsW.get(v.name) as Score;
    const b = vsWaitW.get(v.name) as Score;
    console.log(`${v.name.padEnd(22)} ${pad(a.below, 6)} ${pad(a.belowValue, 6)} ${pad(a.worst.toFixed(1), 6)} | ${pad(b.below, 6)} ${pad(b.belowValue, 7)} ${pad(b.worst.toFixed(1), 6)} | ${pad(a.waited, 7)} ${pad((a.ms / 1000).toFixed(1), 6)}`);
  }
  console.log(`(<W: against W without waiting; <Wq: against W with the same waiting; worst: largest points W ahead, negative if never; s: simulation time of the variant)`);
  console.log(`run time ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s`);
}

main(process.argv.slice(2));
