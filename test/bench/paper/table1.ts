/**
 * The paper's Table 1 (and its two-party counts of section 3.2) counted from real runs: off-chain
 * messages, signatures and on-chain transactions per protocol stage, next to the paper's.
 *
 *   npx tsx test/bench/paper/table1.ts            # n = 3 and 4 for the multiparty rows
 *   npx tsx test/bench/paper/table1.ts --n 3      # n = 3 only
 *
 * Three organisations' gateways on one embedded ledger (consortium.ts), each behind a link proxy
 * that counts what the other gateways send it (link.ts); the parties' back offices make the REST
 * calls of each stage to their own gateways (stages.ts). Per stage:
 * - messages: off-chain messages between gateways, requests and answers (the paper counts both);
 * - signatures: distinct parties' signatures the stage used, carried by those messages or by its
 *   on-chain transactions (Fabric's own client and endorser signatures are not counted);
 * - on-chain tx: the ledger's height delta (one transaction per block on the embedded ledger),
 *   with the transaction functions committed.
 * Parties: alice (Org1), bob (Org2), carol (Org3), and dave (Org2) for n = 4, whose messages to
 * bob's gateway stay inside Org2's gateway and are not on a link. Writes the rows to
 * test/bench/figures/data/paper-table1.json. Embedded ledger only; about 20 s.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
import { Consortium, StageCost, startConsortium } from './consortium';
import { PAPER, evaluate, paperRow, runBench, writeFigureData } from './paper';
import * as s from './stages';

/** One printed row: a stage (at n parties), our counts and the paper's. */
export interface Table1Row {
  stage: string;
  n: number;
  ours: { messages: number; signatures: number; onchain: number; byType: Record<string, number>; functions: Record<string, number> };
  paper: { messages: number | null; signatures: number | null; onchain: number | null };
}

const run = Date.now().toString(36);

function row(stage: string, n: number, cost: StageCost, paperStage = stage): Table1Row {
  const p = paperRow(paperStage);
  return {
    stage,
    n,
    ours: { messages: cost.messages, signatures: cost.signatures, onchain: cost.onchain, byType: cost.byType, functions: cost.functions },
    paper: { messages: evaluate(p.messages, n), signatures: evaluate(p.signatures, n), onchain: evaluate(p.onchain, n) },
  };
}

/** The two-party stages between alice (Org1) and bob (Org2). */
async function twoParty(c: Consortium): Promise<Table1Row[]> {
  const rows: Table1Row[] = [];
  const a = `tp-a-${run}`;
  const b = `tp-b-${run}`;
  rows.push(row('two-party open (opener deposits)', 2, (await c.measure(() => s.openChannel(c, 'alice', 'bob', a, '1000'))).cost, 'two-party open'));
  rows.push(row('two-party open (both deposit)', 2, (await c.measure(() => s.openWithBothDeposits(c, 'alice', 'bob', b, '1000'))).cost, 'two-party open'));
  rows.push(row('two-party off-chain update', 2, (await c.measure(() => s.payInChannel(c, 'alice', a, '1'))).cost));
  await s.payInChannel(c, 'alice', a, '1');
  rows.push(row('two-party checkpoint', 2, (await c.measure(() => s.checkpoint(c, 'alice', a))).cost));
  await s.payInChannel(c, 'alice', a, '1');
  rows.push(row('two-party cooperative close', 2, (await c.measure(() => s.closeChannel(c, 'alice', a))).cost));
  await s.payInChannel(c, 'bob', b, '1');
  await s.setChallengePeriod(c, 1);
  rows.push(row('two-party unilateral close', 2, (await c.measure(() => s.closeUnilaterally(c, 'bob', b, 1))).cost));
  await s.setChallengePeriod(c, 3600);
  return rows;
}

/** The multiparty stages with n parties: carol (Org3) paid by the n - 1 others over one channel each. */
async function multiparty(c: Consortium, n: number): Promise<Table1Row[]> {
  const payers = ['alice', 'bob', 'dave'].slice(0, n - 1);
  const channels = payers.map((p) => `m${n}-${p}-${run}`);
  for (const [i, p] of payers.entries()) await s.openChannel(c, p, 'carol', channels[i], '1000');
  const mpc = `mpc${n}-${run}`;
  const parties = [...payers, 'carol'];
  return [
    row('multiparty create', n, (await c.measure(() => s.openMultiparty(c, 'carol', mpc, parties, channels))).cost),
    row('multiparty update (mptx)', n, (await c.measure(() => s.payMultiparty(c, 'carol', mpc, payers.map((p) => [p, 'carol', '1'])))).cost),
    row('multiparty close', n, (await c.measure(() => s.closeMultiparty(c, 'alice', mpc))).cost),
  ];
}

/**
 * A payment from alice (Org1) to bob (Org2) routed through carol (Org3), alice → carol → bob,
 * settled by HTLCs (the default: invoice, then add and fulfill on each hop) or by a multiparty
 * channel over the route (open, update, close).
 */
async function routed(c: Consortium, settlement: 'htlc' | 'multiparty'): Promise<Table1Row> {
  const ac = `r-${settlement}-ac-${run}`;
  const cb = `r-${settlement}-cb-${run}`;
  await s.openChannel(c, 'alice', 'carol', ac, '100');
  await s.openChannel(c, 'carol', 'bob', cb, '100');
  await s.allowForwarding(c, [['carol', ac], ['carol', cb], ['bob', cb]]);
  return row(`routed payment (${settlement})`, 3, (await c.measure(() => s.payRouted(c, 'alice', 'bob', '5', settlement))).cost, 'routed payment');
}

const cell = (ours: number, paper: number | null) => `${ours} (${paper ?? '-'})`.padEnd(11);

/** The table as printed: stage | n | messages | signatures | on-chain tx, "ours (paper)", then what made them. */
export function formatTable1(rows: Table1Row[]): string {
  const head = `${'stage'.padEnd(34)} n  ${'messages'.padEnd(11)} ${'signatures'.padEnd(11)} ${'on-chain tx'.padEnd(11)} messages by type; transactions`;
  const lines = rows.map((r) => {
    const types = Object.entries(r.ours.byType).map(([t, k]) => `${t} ${k}`).join(', ') || '-';
    const fns = Object.entries(r.ours.functions).map(([f, k]) => `${f.replace(/^channels:/, '')}${k > 1 ? ` ×${k}` : ''}`).join(', ') || '-';
    return `${r.stage.padEnd(34)} ${String(r.n).padEnd(2)} ${cell(r.ours.messages, r.paper.messages)} ${cell(r.ours.signatures, r.paper.signatures)} ${cell(r.ours.onchain, r.paper.onchain)} ${types}; ${fns}`;
  });
  return [head, ...lines].join('\n');
}

async function main(): Promise<void> {
  const onlyN = process.argv.indexOf('--n') >= 0 ? Number(process.argv[process.argv.indexOf('--n') + 1]) : undefined;
  const ns = onlyN ? [onlyN] : [3, 4];
  if (ns.some((n) => n < 3 || n > 4)) throw new Error('--n is 3 or 4 (the dev consortium has four paying parties)');
  const started = process.hrtime.bigint();
  const c = await startConsortium(['bank', 'alice', 'bob', 'carol', 'dave'], { alice: '100000', bob: '100000', carol: '100000', dave: '100000' });
  try {
    // The route first: the multiparty rows' channels of alice and carol would be candidate hops.
    // The multiparty route first: the HTLC one leaves its channels' agreed states newer than the ledger's, which a multiparty route would checkpoint.
    const routes = [await routed(c, 'multiparty'), await routed(c, 'htlc')];
    const rows = [...(await twoParty(c))];
    for (const n of ns) rows.push(...(await multiparty(c, n)));
    rows.push(...routes);
    process.stdout.write(
      `Table 1 counted from real runs: three gateways on the embedded ledger, off-chain messages counted at link proxies; "ours (paper)"\n` +
        `${formatTable1(rows)}\n` +
        `paper: ${PAPER.source.split(';')[0]}; '-': the paper gives no count. n = 4: dave shares Org2's gateway with bob.\n` +
        `run time ${(Number(process.hrtime.bigint() - started) / 1e9).toFixed(1)} s\n`,
    );
    writeFigureData('paper-table1.json', { source: `test/bench/paper/table1.ts, ${new Date().toISOString().slice(0, 10)}`, paper: PAPER.source, rows });
  } finally {
    await c.close();
  }
}

runBench(module, main);
