/**
 * Channel network simulator: the paper's success-ratio experiment (seeds/003, section 4.3,
 * Tables 2-4, Figures 5-7) with the paper's W heuristic and Covenant's multipath router on the
 * same workloads.
 *
 *   npx tsx test/bench/channel-sim/run.ts [--seed N] [--quick] [--topology ws|ba] [--window] [--wait D] [--check]
 *
 * --seed N      master seed (default 1); every topology, deposit and payment stream derives from it
 * --quick       N = 100 and 300 only, hub section at N = 10 and 50 (about a quarter of the work)
 * --topology    ws: connected Watts-Strogatz, k = 4, p = 0.2 (default); ba: Barabási-Albert, m = 2
 * --window      print the success ratio of each window of 500 payments instead of the cumulative one
 * --wait D      add the column "ours+wait": ours, with a payment it cannot carry now kept in a queue
 *               and retried until D later payments have arrived (./queue-sim; smallest first)
 * --check       exit with status 1 if ours (with --wait: ours+wait) is below W in any cell of the
 *               random-topology tables
 *
 * See README.md beside this file for the generator, distributions and a recorded run.
 * test/bench/figures/make.ts imports {@link runSimulator} and draws the same figures as SVG.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { routeByWeight, routeMultipath } from '../../../gateway/src/channels/routing';
import { Rng } from './prng';
import { simulateWithWaiting } from './queue-sim';
import { type Demand, type SimResult, type SimRouter, type Workload, drawDeposits, drawPayments, scaleDeposits, simulate, totalDeposits, UNIT } from './simulate';
import { type Edge, barabasiAlbert, connectedWattsStrogatz, hubAndSpoke } from './topology';

const CHECKPOINTS = [500, 1000, 1500, 2000, 2500, 3000, 3500, 4000];
const DEPOSITS = { minUnits: 5, maxUnits: 30 };
const CLASSES = [
  { below: 5, key: 'amount_below_5', table: 'Table 2' },
  { below: 10, key: 'amount_below_10', table: 'Table 3' },
  { below: 50, key: 'amount_below_50', table: 'Table 4' },
] as const;
const DEMANDS: Demand[] = ['skewed', 'uniform'];
const HUB_AMOUNT_BELOW = 10;

const ROUTERS: { name: string; route: SimRouter }[] = [
  { name: 'W', route: (g, from, to, amount) => routeByWeight(g, from, to, amount) },
  { name: 'ours', route: (g, from, to, amount) => routeMultipath(g, from, to, amount) },
];

interface Args {
  seed: number;
  quick: boolean;
  topology: 'ws' | 'ba';
  window: boolean;
  check: boolean;
  /** --wait D: the deadline of the ours+wait column, in later payments; null: no such column. */
  wait: number | null;
}

function parseArgs(argv: string[]): Args {
  const args: Args = { seed: 1, quick: false, topology: 'ws', window: false, check: false, wait: null };
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i];
    if (a === '--seed') {
      args.seed = Number(argv[++i]);
      if (!Number.isInteger(args.seed)) throw new Error('--seed needs an integer');
    } else if (a === '--quick') args.quick = true;
    else if (a === '--window') args.window = true;
    else if (a === '--check') args.check = true;
    else if (a === '--wait') {
      args.wait = Number(argv[++i]);
      if (!Number.isInteger(args.wait) || args.wait < 1) throw new Error('--wait needs a positive integer');
    }
    else if (a === '--topology') {
      const t = argv[++i];
      if (t !== 'ws' && t !== 'ba') throw new Error('--topology is ws or ba');
      args.topology = t;
    } else throw new Error(`unknown argument ${a}`);
  }
  return args;
}

interface PaperTables {
  nodes: number[];
  transactions: number[];
  tables: Record<string, number[][]>;
}

/**
 * The paper's Tables 2-4, shipped beside this file (paper-tables.json; its "source" field names
 * the paper; copied from ../shared/bench/paper-tables.json). $COVENANT_PAPER_TABLES, if set, is
 * read instead. Null if the file is missing.
 */
function loadPaper(): { file: string; data: PaperTables } | null {
  const file = process.env.COVENANT_PAPER_TABLES ?? path.resolve(__dirname, 'paper-tables.json');
  if (!fs.existsSync(file)) return null;
  return { file, data: JSON.parse(fs.readFileSync(file, 'utf8')) as PaperTables };
}

function paperValue(paper: PaperTables | null, key: string, n: number, after: number): number | null {
  if (!paper) return null;
  const col = paper.nodes.indexOf(n);
  const row = paper.transactions.indexOf(after);
  if (col < 0 || row < 0) return null;
  return paper.tables[key]?.[row]?.[col] ?? null;
}

function randomTopology(kind: 'ws' | 'ba', n: number, rng: Rng): Edge[] {
  return kind === 'ws' ? connectedWattsStrogatz(n, 4, 0.2, rng) : barabasiAlbert(n, 2, rng);
}

/** The network for N nodes: same for every amount class and demand under one seed. */
function network(args: Args, n: number): { edges: Edge[]; deposits: [bigint, bigint][] } {
  const edges = randomTopology(args.topology, n, Rng.derive(args.seed, 'topology', args.topology, n));
  return { edges, deposits: drawDeposits(edges, DEPOSITS, Rng.derive(args.seed, 'deposits', args.topology, n)) };
}

/** Payer/payee pairs depend on (seed, demand, users); amounts also on the class. */
function payments(seed: number, demand: Demand, users: number[], below: number, tag: string) {
  return drawPayments(users, CHECKPOINTS[CHECKPOINTS.length - 1], below, demand, Rng.derive(seed, 'pairs', tag, demand, users.length), Rng.derive(seed, 'amounts', tag, demand, users.length, below));
}

/** The values a row shows: cumulative ratios, or each window's ratio with --window. */
function shown(r: SimResult, window: boolean): number[] {
  if (!window) return r.ratios;
  return r.successes.map((s, i) => (100 * (s - (i ? r.successes[i - 1] : 0))) / (CHECKPOINTS[i] - (i ? CHECKPOINTS[i - 1] : 0)));
}

const f1 = (x: number | null, w = 6) => (x === null ? '-' : x.toFixed(1)).padStart(w);
/** Ours beside W: the value, then '<' when it is below W's (the cells --check fails on). */
const vsW = (ours: number, w: number) => f1(ours) + (ours < w - 1e-9 ? '<' : ' ');

interface Tally {
  better: number;
  worse: number;
  equal: number;
}

function tallyInto(t: Tally, w: number[], ours: number[]): void {
  w.forEach((x, i) => {
    const d = ours[i] - x;
    if (Math.abs(d) < 1e-9) t.equal++;
    else if (d > 0) t.better++;
    else t.worse++;
  });
}

/** One point of a random-topology table: a router's (or the paper's) ratio, in %, after `payments` payments. */
export interface SuccessPoint {
  demand: Demand;
  /** The amount class: payments are below this many units. */
  amountBelow: number;
  /** Nodes in the network. */
  n: number;
  payments: number;
  /** 'paper', 'W' or 'ours'. */
  series: string;
  ratio: number;
}

/** One point of the hub-and-spoke against random table; series 'random: W', 'hub: ours', ... */
export interface HubPoint {
  demand: Demand;
  n: number;
  payments: number;
  series: string;
  ratio: number;
}

/** What the tables show, as rows for figures (cumulative ratios, or per window with --window). */
export interface SimulatorFigures {
  seed: number;
  quick: boolean;
  topology: 'ws' | 'ba';
  window: boolean;
  success: SuccessPoint[];
  hub: HubPoint[];
}

/**
 * Runs the simulator with command-line `argv` (flags above); prints the tables to stdout unless
 * `print` is false, sets the exit code for --check, and returns the tables' values as figure rows.
 */
export function runSimulator(argv: string[], print = true): SimulatorFigures {
  const args = parseArgs(argv);
  const figures: SimulatorFigures = { seed: args.seed, quick: args.quick, topology: args.topology, window: args.window, success: [], hub: [] };
  const started = process.hrtime.bigint();
  const paper = loadPaper();
  const nodes = args.quick ? [100, 300] : [100, 150, 200, 250, 300];
  const hubNodes = args.quick ? [10, 50] : [10, 50, 100];
  const metric = args.window ? 'success ratio (%) of each window of 500 payments' : 'cumulative success ratio (%) after n payments';
  const out: string[] = [];
  const say = (line = '') => out.push(line);

  say(`Channel network simulator, seed ${args.seed}${args.quick ? ' (--quick)' : ''}`);
  say(`topology: ${args.topology === 'ws' ? 'connected Watts-Strogatz (k = 4, p = 0.2)' : 'Barabasi-Albert (m = 2)'}; each party of each channel deposits U{${DEPOSITS.minUnits}..${DEPOSITS.maxUnits}} units (1 unit = ${UNIT} minor units)`);
  say(`payments: amount uniform in [0.01, A) units; payer/payee 'skewed' (exponential send and receive weights) or 'uniform'`);
  say(`routers: W = the paper's least-Σ W_ij single path (k1 = k2 = 0.5); ours = capacity-aware multipath (min-cost flow), same payments`);
  if (args.wait !== null) say(`ours+wait = ours, a payment it cannot carry now waits in a queue (smallest first) and is retried after each later payment until ${args.wait} more have arrived; counted at n if it arrived and was delivered by payment n`);
  say(`paper: ${paper ? path.relative(process.cwd(), paper.file) : 'paper-tables.json not found (set COVENANT_SHARED_DIR); paper columns show -'}`);
  say(`metric: ${metric}`);
  say(`value%: value delivered / value attempted over all ${CHECKPOINTS[CHECKPOINTS.length - 1]} payments (the paper reports counts only)`);
  say(args.wait !== null ? `'<' after ours or wait: that column is below W in that cell` : `'<' after ours: ours is below W in that cell`);

  // Per demand: one tally per amount class (cumulative ratios at every checkpoint and N), then one
  // for value% (per N and class).
  const tallies = new Map<Demand, Tally[]>(DEMANDS.map((d) => [d, [...CLASSES, null].map(() => ({ better: 0, worse: 0, equal: 0 }))]));
  const waitTallies = new Map<Demand, Tally[]>(DEMANDS.map((d) => [d, [...CLASSES, null].map(() => ({ better: 0, worse: 0, equal: 0 }))]));
  const nets = new Map(nodes.map((n) => [n, network(args, n)]));

  for (const cls of CLASSES) {
    say();
    say(`Payment amount < ${cls.below} units (paper ${cls.table}): ${metric}`);
    const waitHead = args.wait !== null ? '  wait ' : '';
    say('                ' + nodes.map((n) => `N = ${n}`.padStart(11 + (waitHead ? 4 : 0)).padEnd(20 + waitHead.length)).join(''));
    say('demand   n      ' + nodes.map(() => ' paper     W  ours ' + waitHead).join(' '));
    for (const demand of DEMANDS) {
      const cols = nodes.map((n) => {
        const net = nets.get(n) as { edges: Edge[]; deposits: [bigint, bigint][] };
        const users = Array.from({ length: n }, (_, i) => i);
        const w: Workload = { n, edges: net.edges, deposits: net.deposits, payments: payments(args.seed, demand, users, cls.below, 'random') };
        const [rw, ro] = ROUTERS.map((r) => simulate(w, r.route, CHECKPOINTS));
        const t = tallies.get(demand) as Tally[];
        tallyInto(t[CLASSES.indexOf(cls)], rw.ratios, ro.ratios);
        tallyInto(t[CLASSES.length], [rw.valueRatio], [ro.valueRatio]);
        const rq = args.wait !== null ? simulateWithWaiting(w, { kind: 'ours' }, { deadline: args.wait, order: 'smallest' }, CHECKPOINTS) : null;
        if (rq) {
          const tq = waitTallies.get(demand) as Tally[];
          tallyInto(tq[CLASSES.indexOf(cls)], rw.ratios, rq.ratios);
          tallyInto(tq[CLASSES.length], [rw.valueRatio], [rq.valueRatio]);
        }
        return { n, w: rw, ours: ro, wait: rq };
      });
      for (const c of cols) {
        const series: [string, (number | null)[]][] = [['paper', CHECKPOINTS.map((after) => paperValue(paper?.data ?? null, cls.key, c.n, after))], ['W', shown(c.w, args.window)], ['ours', shown(c.ours, args.window)], ...(c.wait ? [['ours+wait', shown(c.wait, args.window)] as [string, number[]]] : [])];
        for (const [name, values] of series) values.forEach((ratio, i) => ratio !== null && figures.success.push({ demand, amountBelow: cls.below, n: c.n, payments: CHECKPOINTS[i], series: name, ratio }));
      }
      CHECKPOINTS.forEach((after, i) => {
        const cells = cols.map((c) => f1(paperValue(paper?.data ?? null, cls.key, c.n, after)) + f1(shown(c.w, args.window)[i]) + vsW(shown(c.ours, args.window)[i], shown(c.w, args.window)[i]) + (c.wait ? vsW(shown(c.wait, args.window)[i], shown(c.w, args.window)[i]) : ''));
        say(`${(i === 0 ? demand : '').padEnd(8)} ${String(after).padStart(4)}  ` + cells.join(' '));
      });
      say(`${''.padEnd(8)} value%` + cols.map((c) => '     -' + f1(c.w.valueRatio) + vsW(c.ours.valueRatio, c.w.valueRatio) + (c.wait ? vsW(c.wait.valueRatio, c.w.valueRatio) : '')).join(' '));
    }
  }

  // Hub and spoke against random, same users (node 0 is the hub, or a plain relay in the random
  // topology), same total deposits, same payments.
  say();
  say(`Hub-and-spoke vs random topology (paper Figures 5-7), amount < ${HUB_AMOUNT_BELOW} units: ${metric}`);
  say(`same N, same users (nodes 1..N-1; node 0 is the hub, or a relay in the random graph), same total deposits, same payments`);
  say('                ' + hubNodes.map((n) => `N = ${n}`.padStart(14).padEnd(28)).join(''));
  say('demand   n      ' + hubNodes.map(() => 'ran:W ran:ours  hub:W hub:ours').join('  '));
  for (const demand of DEMANDS) {
    const cols = hubNodes.map((n) => {
      const ranEdges = randomTopology(args.topology, n, Rng.derive(args.seed, 'hub-random', args.topology, n));
      const ranDeposits = drawDeposits(ranEdges, DEPOSITS, Rng.derive(args.seed, 'hub-random-deposits', args.topology, n));
      const hubEdges = hubAndSpoke(n);
      const hubDeposits = scaleDeposits(drawDeposits(hubEdges, DEPOSITS, Rng.derive(args.seed, 'hub-deposits', n)), totalDeposits(ranDeposits));
      const users = Array.from({ length: n - 1 }, (_, i) => i + 1);
      const pays = payments(args.seed, demand, users, HUB_AMOUNT_BELOW, 'hub');
      const ran: Workload = { n, edges: ranEdges, deposits: ranDeposits, payments: pays };
      const hub: Workload = { n, edges: hubEdges, deposits: hubDeposits, payments: pays };
      const results = [ran, hub].flatMap((wl) => ROUTERS.map((r) => shown(simulate(wl, r.route, CHECKPOINTS), args.window)));
      ['random: W', 'random: ours', 'hub: W', 'hub: ours'].forEach((series, k) => results[k].forEach((ratio, i) => figures.hub.push({ demand, n, payments: CHECKPOINTS[i], series, ratio })));
      return results;
    });
    CHECKPOINTS.forEach((after, i) => {
      const cells = cols.map((c) => f1(c[0][i]) + f1(c[1][i], 8) + f1(c[2][i], 7) + f1(c[3][i], 8) + ' ');
      say(`${(i === 0 ? demand : '').padEnd(8)} ${String(after).padStart(4)}  ` + cells.join('  '));
    });
  }

  say();
  say(`ours against W on the random topologies, cells better / worse / equal (cumulative ratio: ${CHECKPOINTS.length} checkpoints x ${nodes.length} N per class; value%: ${nodes.length} N x ${CLASSES.length} classes):`);
  say('          ' + CLASSES.map((c) => `< ${c.below}`.padEnd(12)).join('') + 'value%');
  const cell = (t: Tally) => `${t.better} / ${t.worse} / ${t.equal}`.padEnd(12);
  for (const [demand, t] of tallies) say(`  ${demand.padEnd(8)}` + t.map(cell).join(''));
  if (args.wait !== null) {
    say(`ours+wait (D = ${args.wait}) against W, cells better / worse / equal:`);
    for (const [demand, t] of waitTallies) say(`  ${demand.padEnd(8)}` + t.map(cell).join(''));
  }
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  say(`run time ${seconds.toFixed(1)} s`);
  if (print) process.stdout.write(out.map((l) => l.trimEnd()).join('\n') + '\n');
  const checked = args.wait !== null ? waitTallies : tallies;
  const below = [...checked.values()].flat().reduce((s, t) => s + t.worse, 0);
  if (args.check && below > 0) {
    process.stderr.write(`--check: ${args.wait !== null ? 'ours+wait' : 'ours'} is below W in ${below} cells of the random-topology tables\n`);
    process.exitCode = 1;
  }
  return figures;
}

if (require.main === module) runSimulator(process.argv.slice(2));
