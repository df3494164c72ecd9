/**
 * The paper's Figure 9 (section 4.4) as on-chain transactions per payment, counted from real runs:
 * k multiparty payments among the same three parties, each "alice and bob each pay carol 1"
 * (the paper's multiparty transaction), made three ways:
 * - Eth (direct): two ledger transfers per payment;
 * - Dual (two-party channels): channels alice → carol and bob → carol opened, k off-chain payments
 *   in each, both closed cooperatively (open and close amortised over k);
 * - Ours (multiparty channel): the same two channels opened, bound into a multiparty channel
 *   (create), k multiparty transactions, the multiparty channel closed and the two channels
 *   closed; each mptx costs whatever the multiparty protocol does when run (today an on-chain
 *   updateMultiparty).
 *
 *   npx tsx test/bench/paper/fig9.ts              # k = 1, 10, 100; about 1 min
 *   npx tsx test/bench/paper/fig9.ts 1 10         # other k
 *
 * On-chain transactions are the embedded ledger's height delta over each whole run (consortium.ts);
 * no block time, no link delay. The paper's column is derived from its own per-stage counts with
 * its set-up (an on-chain update every ten state updates; paper-figures.json, figure9), since
 * Figure 9 plots gas and its values are not in the text. Writes
 * test/bench/figures/data/paper-fig9.json (the chart of `npm run figures`).
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
import { Consortium, startConsortium } from './consortium';
import { PAPER, runBench, writeFigureData } from './paper';
import * as s from './stages';

export type Fig9Scheme = 'Eth (direct transfers)' | 'Dual (two-party channels)' | 'Ours (multiparty channel)';

/** One scheme at one k: on-chain transactions over the run, per payment, and the paper's derived figure. */
export interface Fig9Point {
  scheme: Fig9Scheme;
  k: number;
  onchain: number;
  perPayment: number;
  paperPerPayment: number;
  /** Committed transactions by function over the run. */
  functions: Record<string, number>;
}

/** A run of the Figure 9 bench (the JSON it writes). */
export interface Fig9Result {
  source: string;
  points: Fig9Point[];
}

const run = Date.now().toString(36);
const PAYERS = ['alice', 'bob'] as const;

/** The paper's on-chain transactions per payment for `scheme` at `k`, from its per-stage counts (paper-figures.json). */
export function paperPerPayment(scheme: Fig9Scheme, k: number): number {
  const updates = Math.floor(k / PAPER.figure9.checkpointEvery);
  const channels = PAYERS.length;
  if (scheme === 'Eth (direct transfers)') return channels;
  if (scheme === 'Dual (two-party channels)') return (channels * (2 + updates + 2)) / k;
  return (channels * (2 + 2) + 1 + updates + 1) / k;
}

async function runScheme(c: Consortium, scheme: Fig9Scheme, k: number): Promise<Fig9Point> {
  const ch = PAYERS.map((p) => `f9-${k}-${scheme.slice(0, 3).toLowerCase()}-${p}-${run}`);
  const mpc = `f9-${k}-mpc-${run}`;
  const { cost } = await c.measure(async () => {
    if (scheme === 'Eth (direct transfers)') {
      for (let i = 0; i < k; i++) for (const p of PAYERS) await s.transfer(c, p, 'carol', '1');
      return;
    }
    for (const [i, p] of PAYERS.entries()) await s.openChannel(c, p, 'carol', ch[i], String(k));
    if (scheme === 'Dual (two-party channels)') {
      for (let i = 0; i < k; i++) for (const [j, p] of PAYERS.entries()) await s.payInChannel(c, p, ch[j], '1');
    } else {
      await s.openMultiparty(c, 'carol', mpc, [...PAYERS, 'carol'], ch);
      for (let i = 0; i < k; i++) await s.payMultiparty(c, 'carol', mpc, PAYERS.map((p) => [p, 'carol', '1']));
      await s.closeMultiparty(c, 'alice', mpc);
    }
    for (const [i, p] of PAYERS.entries()) await s.closeChannel(c, p, ch[i]);
  });
  return { scheme, k, onchain: cost.onchain, perPayment: cost.onchain / k, paperPerPayment: paperPerPayment(scheme, k), functions: cost.functions };
}

/** The printed table: k | scheme | on-chain tx | per payment (ours, paper) | transactions by function. */
export function formatFig9(points: Fig9Point[]): string {
  const lines = [`${'k'.padStart(4)}  ${'scheme'.padEnd(26)} ${'on-chain tx'.padStart(11)}  ${'per payment: ours (paper)'.padEnd(26)} transactions`];
  for (const p of points) {
    const fns = Object.entries(p.functions).map(([f, n]) => `${f.replace(/^[a-z]+:/, '')} ×${n}`).join(', ');
    lines.push(`${String(p.k).padStart(4)}  ${p.scheme.padEnd(26)} ${String(p.onchain).padStart(11)}  ${`${p.perPayment.toFixed(2)} (${p.paperPerPayment.toFixed(2)})`.padEnd(26)} ${fns}`);
  }
  return `${lines.join('\n')}\n`;
}

async function main(): Promise<void> {
  const ks = process.argv.length > 2 ? process.argv.slice(2).map(Number) : [1, 10, 100];
  if (ks.some((k) => !Number.isInteger(k) || k < 1)) throw new Error('usage: fig9.ts [k ...] (positive integers)');
  const started = process.hrtime.bigint();
  const c = await startConsortium(['bank', 'alice', 'bob', 'carol'], { alice: '1000000', bob: '1000000' });
  try {
    const points: Fig9Point[] = [];
    for (const k of ks) for (const scheme of ['Eth (direct transfers)', 'Dual (two-party channels)', 'Ours (multiparty channel)'] as const) points.push(await runScheme(c, scheme, k));
    process.stdout.write(
      `Figure 9 as on-chain transactions per payment (one payment: alice and bob each pay carol 1), embedded ledger\n${formatFig9(points)}` +
        `paper: derived from its per-stage counts, an on-chain update every ${PAPER.figure9.checkpointEvery} state updates (Figure 9 plots gas; no values in the text)\n` +
        `run time ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s\n`,
    );
    const result: Fig9Result = { source: `test/bench/paper/fig9.ts, ${new Date().toISOString().slice(0, 10)}`, points };
    writeFigureData('paper-fig9.json', result);
  } finally {
    await c.close();
  }
}

runBench(module, main);
