/**
 * The paper's delay experiment (section 4.2, Figures 2-4): payment latency on-chain against
 * off-chain with 15 s blocks and 50 ms links, the real protocol code running unchanged.
 *
 *   npx tsx test/bench/paper/delay.ts                                   # 15 s blocks, 50 ms links, under 3 min
 *   npx tsx test/bench/paper/delay.ts --block-ms 2000 --link-ms 50      # a quick run
 *   npx tsx test/bench/paper/delay.ts --transfers 5 --payments 20 --mptx 5
 *
 * Block time: the embedded ledger commits at once (it has no block or commit-interval option), so
 * a wrapper at the test-support level holds each submit until the next block boundary of a clock
 * ticking every --block-ms (block-clock.ts). Link delay: every gateway is reached by the others
 * through an HTTP proxy that holds each request and each answer --link-ms (link.ts). Set-up
 * (accounts, mints, the multiparty channel's member channels) runs with neither; the block clock
 * starts with the timed steps.
 *
 * The three series, each timed step by step from the parties' REST calls to their own gateways:
 * - Figure 2, on-chain ("Eth"): --transfers (3) ledger transfers alice → bob, one after another;
 * - Figure 3, two-party channel alice–bob: open, --payments (10) off-chain payments, checkpoint
 *   (the paper's on-chain update), cooperative close;
 * - Figure 4, multiparty channel of alice, bob and carol (the paper's three users) over channels
 *   alice → carol and bob → carol: create, --mptx (2) multiparty transactions (alice and bob each
 *   pay carol 1), close. Each mptx costs whatever the multiparty protocol does when run: today an
 *   on-chain updateMultiparty, so one block each.
 * Prints each series' steps, the median latency of each kind of step beside the paper's figure,
 * and the on-chain / off-chain ratio; writes test/bench/figures/data/paper-delay.json (the chart
 * of `npm run figures`).
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
import { median } from '../../support/stats';
import { Consortium, startConsortium } from './consortium';
import { PAPER, runBench, writeFigureData } from './paper';
import * as s from './stages';

/** One timed step of a series: what it was, its latency and on-chain transactions, and the payments made so far. */
export interface DelayStep {
  step: string;
  ms: number;
  onchain: number;
  payments: number;
}

/** One scheme's timed steps, in order. */
export interface DelaySeries {
  scheme: 'on-chain transfers' | 'two-party channel' | 'multiparty channel' | 'routed by HTLCs';
  steps: DelayStep[];
}

/** A run of the delay bench (the JSON it writes). */
export interface DelayResult {
  source: string;
  blockMs: number;
  linkMs: number;
  series: DelaySeries[];
  /** Median latency per kind of step, ms. */
  medians: Record<string, number>;
}

function parseArgs(argv: string[]): { blockMs: number; linkMs: number; transfers: number; payments: number; mptx: number } {
  const args = { blockMs: 15_000, linkMs: 50, transfers: 3, payments: 10, mptx: 2 };
  const names: Record<string, keyof typeof args> = { '--block-ms': 'blockMs', '--link-ms': 'linkMs', '--transfers': 'transfers', '--payments': 'payments', '--mptx': 'mptx' };
  for (let i = 0; i < argv.length; i += 2) {
    const key = names[argv[i]];
    const value = Number(argv[i + 1]);
    if (!key || !Number.isInteger(value) || value < 0) throw new Error(`usage: delay.ts [--block-ms N] [--link-ms N] [--transfers N] [--payments N] [--mptx N] (at ${argv[i]})`);
    args[key] = value;
  }
  return args;
}

const run = Date.now().toString(36);

/** Times `steps` in order in `c` with the block clock and links on; each step says whether it is a payment. */
async function timed(c: Consortium, steps: [string, boolean, () => Promise<void>][]): Promise<DelayStep[]> {
  const out: DelayStep[] = [];
  let payments = 0;
  for (const [step, payment, act] of steps) {
    const { cost } = await c.measure(act);
    if (payment) payments++;
    out.push({ step, ms: cost.ms, onchain: cost.onchain, payments });
  }
  return out;
}

async function main(): Promise<void> {
  const args = parseArgs(process.argv.slice(2));
  const started = process.hrtime.bigint();
  const c = await startConsortium(['bank', 'alice', 'bob', 'carol'], { alice: '100000', bob: '100000', carol: '100000' });
  try {
    const tp = `d-ab-${run}`;
    const members = [`d-ac-${run}`, `d-bc-${run}`];
    const mpc = `d-mpc-${run}`;
    await s.openChannel(c, 'alice', 'carol', members[0], '1000');
    await s.openChannel(c, 'bob', 'carol', members[1], '1000');
    // A route alice → carol → bob for routed payments by HTLCs (carol forwards).
    const route = [`d-rac-${run}`, `d-rcb-${run}`];
    await s.openChannel(c, 'alice', 'carol', route[0], '1000');
    await s.openChannel(c, 'carol', 'bob', route[1], '1000');
    await s.allowForwarding(c, [['carol', route[0]], ['carol', route[1]]]);
    c.delay.ms = args.linkMs;
    // The clock starts now, as if a block had just committed: so does each later on-chain step.
    c.ledger.setBlockTime(args.blockMs);
    const rep = <T>(k: number, f: (i: number) => T) => Array.from({ length: k }, (_, i) => f(i));
    const series: DelaySeries[] = [
      { scheme: 'on-chain transfers', steps: await timed(c, rep(args.transfers, () => ['transfer', true, () => s.transfer(c, 'alice', 'bob', '1')])) },
      {
        scheme: 'two-party channel',
        steps: await timed(c, [
          ['open', false, () => s.openChannel(c, 'alice', 'bob', tp, '1000')],
          ...rep(args.payments, (): [string, boolean, () => Promise<void>] => ['off-chain payment', true, () => s.payInChannel(c, 'alice', tp, '1')]),
          ['checkpoint', false, () => s.checkpoint(c, 'alice', tp)],
          ['close', false, () => s.closeChannel(c, 'alice', tp)],
        ]),
      },
      {
        scheme: 'multiparty channel',
        steps: await timed(c, [
          ['create', false, () => s.openMultiparty(c, 'carol', mpc, ['alice', 'bob', 'carol'], members)],
          ...rep(args.mptx, (): [string, boolean, () => Promise<void>] => ['mptx', true, () => s.payMultiparty(c, 'carol', mpc, [['alice', 'carol', '1'], ['bob', 'carol', '1']])]),
          ['close', false, () => s.closeMultiparty(c, 'alice', mpc)],
        ]),
      },
      // After the multiparty channel: a route may pass over its member channels once they are released.
      { scheme: 'routed by HTLCs', steps: await timed(c, rep(args.payments, (): [string, boolean, () => Promise<void>] => ['routed payment', true, () => s.payRouted(c, 'alice', 'bob', '1')])) },
    ];
    const medians: Record<string, number> = {};
    for (const sr of series) {
      for (const kind of new Set(sr.steps.map((x) => x.step))) medians[`${sr.scheme}: ${kind}`] = median(sr.steps.filter((x) => x.step === kind).map((x) => x.ms));
    }
    const result: DelayResult = { source: `test/bench/paper/delay.ts, ${new Date().toISOString().slice(0, 10)}`, blockMs: args.blockMs, linkMs: args.linkMs, series, medians };
    process.stdout.write(`${formatDelay(result)}run time ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s\n`);
    writeFigureData('paper-delay.json', result);
  } finally {
    await c.close();
  }
}

const secs = (ms: number) => `${(ms / 1000).toFixed(ms < 1000 ? 3 : 2)} s`;

/** The printed report: each series' steps, medians beside the paper's figures, the on-/off-chain ratios. */
export function formatDelay(r: DelayResult): string {
  const paper = PAPER.delay;
  const lines = [`payment latency, ${r.blockMs / 1000} s blocks, ${r.linkMs} ms link delay each way (paper: ${paper.blockSeconds} s blocks, ${paper.linkMs} ms links)`];
  for (const sr of r.series) {
    const total = sr.steps.reduce((a, x) => a + x.ms, 0);
    lines.push(`  ${sr.scheme}: ${sr.steps.map((x) => `${x.step} ${secs(x.ms)}${x.onchain ? ` [${x.onchain} tx]` : ''}`).join(', ')}; total ${secs(total)} for ${sr.steps.at(-1)?.payments ?? 0} payments`);
  }
  const paperOf: Record<string, string> = {
    'on-chain transfers: transfer': `${paper.onchainPerPaymentSeconds} s (Figure 2)`,
    'two-party channel: off-chain payment': paper.twoPartyOffchainSeconds === null ? "'extremely low' (Figure 3, no value in the text)" : `${paper.twoPartyOffchainSeconds} s`,
    'multiparty channel: mptx': paper.multipartyOffchainSeconds === null ? "off-chain, 'extremely low' (Figure 4, no value in the text)" : `${paper.multipartyOffchainSeconds} s`,
  };
  lines.push('  medians (ours | paper):');
  for (const [k, ms] of Object.entries(r.medians)) lines.push(`    ${k.padEnd(40)} ${secs(ms).padStart(9)} | ${paperOf[k] ?? '-'}`);
  const onchain = r.medians['on-chain transfers: transfer'];
  for (const k of ['two-party channel: off-chain payment', 'multiparty channel: mptx', 'routed by HTLCs: routed payment']) {
    if (onchain && r.medians[k]) lines.push(`  on-chain transfer / ${k.split(': ')[1]}: ${(onchain / r.medians[k]).toFixed(1)}x`);
  }
  return `${lines.join('\n')}\n`;
}

runBench(module, main);
