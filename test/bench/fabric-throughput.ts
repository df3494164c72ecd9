/**
 * Fabric throughput ratios, measured side by side in one run with interleaved rounds (issue 11):
 *
 *   COVENANT_TEST_LEDGER=fabric npx tsx test/bench/fabric-throughput.ts [rounds] [only]   # after network:up
 *
 * `only` (optional): run just the comparisons whose label contains it (e.g. "32", "escrow").
 *
 * 1. REST transfers (POST /v1/transfers through each payer's own organisation's gateway) against
 *    the same transfers submitted directly with plain fabric-gateway clients
 *    (test/support/fabric-direct.ts), at 1, 8 and 32 concurrent clients. Each client is its own
 *    payer paying its own recipient in its organisation, so no two transactions share a key.
 * 2. Escrow create against the cheapest single-key write (registering a fresh identity's account),
 *    both submitted directly at 32 clients.
 * 3. The lone REST transfer: sequential, one at a time, p50 and p95 (ms).
 * 4. What the orderers really ordered: the blocks written during the run are scanned (qscc) for
 *    envelopes per transaction id and validation codes, so the figures count each committed
 *    transaction once.
 * Each comparison starts with a warm-up round of both sides, printed and not counted (the first
 * escrow creates of a run are about a third slower: JIT and cold caches). A round runs each side
 * once (the order alternates between rounds); each client makes `perClient` sequential
 * transactions; a side's throughput is transactions / elapsed seconds. Prints each round, the
 * medians and the ratio of the medians, and for the 32-client comparisons the CPU milliseconds each
 * side cost per transaction in the peers, chaincode servers, orderers and this client (medians): on
 * a saturated 2-core host the throughput ratio follows the CPU ratio.
 * When all three transfer comparisons ran, their medians are also written to
 * test/bench/figures/data/fabric-throughput.json (or $COVENANT_THROUGHPUT_JSON), the file
 * `npm run figures` charts.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { ThroughputResult } from './figures/bench-charts';
import { IdentityStore } from '../../gateway/src/identity/store';
import { issueIdentity } from '../../gateway/src/identity/dev-ca';
import { FabricLedger } from '../../gateway/src/ledger/fabric/ledger';
import { loadConnectionProfile } from '../../gateway/src/ledger/fabric/profile';
import { BlockReader } from '../support/blocks';
import { DirectClients } from '../support/fabric-direct';
import { TEST_LEDGER, networkCa, registerAll, startTestGateway } from '../support/gateway';
import { withExtraUsers } from '../support/extra-users';
import { median, msSince, percentile } from '../support/stats';
import { keepAliveClient } from '../support/keep-alive-client';
import { cpuPerTransaction, networkCpu } from '../support/network-cpu';

const ORGS = ['Org1MSP', 'Org2MSP', 'Org3MSP'];
const RESULT_FILE = process.env.COVENANT_THROUGHPUT_JSON ?? path.resolve(__dirname, 'figures/data/fabric-throughput.json');
const CLIENTS = 32;
/** Transactions per client at 32 clients: 512 a side, 6-10 s of steady load (256 gave 3 s windows whose ratios ranged 0.65-0.99). */
const AT_32 = 16;

/**
 * One side of a round: `clients` workers, each running `op` `perClient` times in sequence. Also
 * the CPU each part of the network spent per completed transaction (test/support/network-cpu.ts).
 */
async function timed(clients: number, perClient: number, op: (client: number, i: number) => Promise<void>): Promise<Side> {
  let failures = 0;
  const cpuBefore = await networkCpu();
  const started = process.hrtime.bigint();
  await Promise.all(
    Array.from({ length: clients }, async (_, c) => {
      for (let i = 0; i < perClient; i++) await op(c, i).catch(() => void failures++);
    }),
  );
  const seconds = msSince(started) / 1000;
  const done = clients * perClient - failures;
  return { tps: done / seconds, failures, cpu: cpuPerTransaction(cpuBefore, await networkCpu(), Math.max(1, done)) };
}

type Cpu = ReturnType<typeof cpuPerTransaction>;
interface Side {
  tps: number;
  failures: number;
  cpu: Cpu;
}

interface Comparison {
  label: string;
  a: string;
  b: string;
  rounds: { a: number; b: number }[];
  cpu: { a: Cpu[]; b: Cpu[] };
  failures: { a: number; b: number };
}

/** Interleaved rounds of two sides; the order alternates so that neither always goes first. */
async function compare(label: string, names: [string, string], rounds: number, run: (side: 0 | 1, round: number) => Promise<Side>): Promise<Comparison> {
  const result: Comparison = { label, a: names[0], b: names[1], rounds: [], cpu: { a: [], b: [] }, failures: { a: 0, b: 0 } };
  // A warm-up round, not counted: the first transactions of a kind pay for JIT compilation in the
  // chaincode servers and for cold caches in the peers, which would weigh on whichever side runs first.
  const warm = [(await run(0, -1)).tps, (await run(1, -1)).tps];
  process.stdout.write(`  ${label} warm-up (not counted): ${names[0]} ${warm[0].toFixed(1)} tx/s, ${names[1]} ${warm[1].toFixed(1)} tx/s\n`);
  for (let r = 0; r < rounds; r++) {
    const order: (0 | 1)[] = r % 2 === 0 ? [0, 1] : [1, 0];
    const tps = [0, 0];
    for (const side of order) {
      const out = await run(side, r);
      tps[side] = out.tps;
      result.failures[side === 0 ? 'a' : 'b'] += out.failures;
      result.cpu[side === 0 ? 'a' : 'b'].push(out.cpu);
    }
    result.rounds.push({ a: tps[0], b: tps[1] });
    process.stdout.write(`  ${label} round ${r + 1}: ${names[0]} ${tps[0].toFixed(1)} tx/s, ${names[1]} ${tps[1].toFixed(1)} tx/s\n`);
  }
  return result;
}

/**
 * Writes the REST and direct medians (tx/s) of the transfer comparisons to {@link RESULT_FILE} for
 * the figure script, if all three concurrency levels ran; otherwise leaves the file as it was.
 */
function writeResult(comparisons: Comparison[], rounds: number): void {
  const points = comparisons
    .filter((c) => c.label.startsWith('transfer, '))
    .map((c) => ({ clients: Number(/(\d+) client/.exec(c.label)![1]), rest: Number(median(c.rounds.map((r) => r.a)).toFixed(1)), direct: Number(median(c.rounds.map((r) => r.b)).toFixed(1)) }));
  if (points.length < 3) return;
  const result: ThroughputResult = { source: `run of test/bench/fabric-throughput.ts ${rounds} on ${new Date().toISOString().slice(0, 10)}`, rounds, points };
  fs.writeFileSync(RESULT_FILE, JSON.stringify(result, null, 2) + '\n');
  process.stdout.write(`  wrote ${path.relative(process.cwd(), RESULT_FILE)}\n`);
}

function summary(c: Comparison): string {
  const a = median(c.rounds.map((r) => r.a));
  const b = median(c.rounds.map((r) => r.b));
  return `${c.label.padEnd(34)} ${c.a} ${a.toFixed(1).padStart(6)} tx/s   ${c.b} ${b.toFixed(1).padStart(6)} tx/s   ratio ${(a / b).toFixed(2)}   failures ${c.failures.a}/${c.failures.b}`;
}

/** Median CPU ms per transaction of each part, for one side of a comparison. */
function cpuSummary(name: string, samples: Cpu[]): string {
  const parts = (['total', 'peers', 'chaincode', 'orderers', 'client'] as const).map((part) => `${part} ${median(samples.map((s) => s[part])).toFixed(2)}`);
  return `${name.padEnd(8)} CPU ms per transaction: ${parts.join(', ')}`;
}

async function main(): Promise<void> {
  if (TEST_LEDGER !== 'fabric') throw new Error('this benchmark compares against direct Fabric clients: run it with COVENANT_TEST_LEDGER=fabric after npm run network:up');
  const rounds = Number(process.argv[2] ?? 3);
  const only = process.argv[3];
  const wanted = (label: string) => only === undefined || label.includes(only);
  const payers = Array.from({ length: CLIENTS }, (_, i) => ({ name: `payer${i}`, mspId: ORGS[i % ORGS.length] }));
  const payees = payers.map((p, i) => ({ name: `payee${i}`, mspId: p.mspId }));
  let gw = await startTestGateway();
  for (const mspId of ORGS) gw = await withExtraUsers(gw, [...payers, ...payees].filter((u) => u.mspId === mspId).map((u) => u.name), mspId);
  const identities = await IdentityStore.load(gw.identitiesDir);
  const profile = await loadConnectionProfile(gw.identitiesDir);
  const direct = new DirectClients(profile);
  const ledger = new FabricLedger(profile, 'Org1MSP');
  const blocks = new BlockReader(ledger.network(identities.principals.find((p) => p.name === 'admin1')!.identity));
  const rest: ReturnType<typeof keepAliveClient>[] = [];
  try {
    const names = [...payers, ...payees].map((u) => u.name);
    const ids: Record<string, string> = {};
    for (let i = 0; i < names.length; i += 16) Object.assign(ids, await registerAll(gw, names.slice(i, i + 16)));
    await registerAll(gw, ['bank']).then((b) => Object.assign(ids, b));
    const minted = await Promise.all(payers.map((p) => gw.as('bank').post(`/v1/accounts/${ids[p.name]}/mint`, { amount: '100000000' })));
    if (minted.some((m) => m.status !== 200)) throw new Error(`mint: ${JSON.stringify(minted.find((m) => m.status !== 200)?.body)}`);
    const contracts = payers.map((p) => direct.contract(identities.principals.find((x) => x.name === p.name)!.identity));
    const firstBlock = await blocks.height();
    let acknowledged = 0;

    // Each payer's REST client: kept-alive connections to its own organisation's gateway.
    rest.push(...payers.map((p) => keepAliveClient(() => gw.as(p.name).url, gw.as(p.name).apiKey)));
    const transferRest = async (c: number) => {
      const res = await rest[c].post('/v1/transfers', { to: ids[payees[c].name], amount: '1' });
      if (res.status !== 201) throw new Error(`REST transfer ${res.status}`);
      acknowledged++;
    };
    const transferDirect = async (c: number) => {
      await contracts[c].submitTransaction('accounts:transfer', ids[payees[c].name], '1');
      acknowledged++;
    };

    process.stdout.write(`Fabric throughput, ${rounds} interleaved rounds per comparison\n`);
    const comparisons: Comparison[] = [];
    for (const [clients, perClient] of [[1, 10], [8, 6], [CLIENTS, AT_32]] as const) {
      if (!wanted(`transfer, ${clients} client(s)`)) continue;
      comparisons.push(await compare(`transfer, ${clients} client(s)`, ['REST', 'direct'], rounds, (side) => timed(clients, perClient, side === 0 ? transferRest : transferDirect)));
    }

    // Escrow create against registering a fresh identity (a new account key): both direct.
    const recipients = payees.map((p) => ids[p.name]);
    const escrowDirect = async (c: number) => {
      await contracts[c].submitTransaction('escrow:create', JSON.stringify({ amount: '1', recipients: [{ account: recipients[c], shareBps: 10000 }] }));
      acknowledged++;
    };
    const fresh: ReturnType<DirectClients['contract']>[][] = [];
    const registerDirect = async (c: number, i: number) => {
      await fresh[c][i].submitTransaction('accounts:register');
      acknowledged++;
    };
    if (wanted(`escrow create vs register, ${CLIENTS}`)) comparisons.push(
      await compare(`escrow create vs register, ${CLIENTS}`, ['escrow', 'register'], rounds, async (side, round) => {
        if (side === 1) {
          // Fresh identities for this round, issued before the clock starts.
          fresh.length = 0;
          for (let c = 0; c < CLIENTS; c++) {
            const mspId = ORGS[c % ORGS.length];
            const issued = await Promise.all(Array.from({ length: AT_32 }, (_, i) => networkCa(mspId).then((ca) => issueIdentity(ca, `fresh-${round}-${c}-${i}-${Date.now().toString(36)}`, 'client'))));
            fresh.push(issued.map((id) => direct.contract({ mspId, certificate: id.certificate, privateKey: id.privateKey })));
          }
        }
        return timed(CLIENTS, AT_32, side === 0 ? escrowDirect : registerDirect);
      }),
    );

    // The lone transaction: one REST transfer at a time.
    const lone: number[] = [];
    for (let i = 0; i < 30; i++) {
      const started = process.hrtime.bigint();
      await transferRest(0);
      lone.push(msSince(started));
    }

    const scan = await blocks.scan(firstBlock);
    process.stdout.write(`\nsummary (medians of ${rounds} rounds)\n`);
    for (const c of comparisons) {
      process.stdout.write(`  ${summary(c)}\n`);
      if (c.label.includes(`${CLIENTS}`)) process.stdout.write(`      ${cpuSummary(c.a, c.cpu.a)}\n      ${cpuSummary(c.b, c.cpu.b)}\n`);
    }
    writeResult(comparisons, rounds);
    process.stdout.write(`  lone REST transfer: p50 ${percentile(lone, 50).toFixed(0)} ms, p95 ${percentile(lone, 95).toFixed(0)} ms (${lone.length} sequential)\n`);
    process.stdout.write(
      `  blocks ${scan.from}..${scan.to - 1n}: ${scan.envelopes} envelopes for ${scan.transactions} transactions = ${scan.copiesPerTransaction.toFixed(2)} copies per transaction; codes ${JSON.stringify(scan.codes)}; ${acknowledged} acknowledged by the clients\n`,
    );
  } finally {
    direct.close();
    for (const client of rest) client.close();
    await ledger.close();
    await gw.close();
  }
}

main().catch((err) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
