/**
 * One hot payer against distinct payers (issue 11, "Hot payers"), over REST, measured side by side
 * in one run with interleaved rounds:
 *
 *   npx tsx test/bench/hot-payer.ts [rounds] [--baseline]                            # embedded ledger
 *   COVENANT_TEST_LEDGER=fabric npx tsx test/bench/hot-payer.ts [rounds] [--baseline]   # after network:up
 *
 * Each round makes 32 concurrent POST /v1/transfers from ONE payer whose account is split into 32
 * sub-balances (chaincode/src/accounts/README.md), and 32 concurrent transfers from 32 distinct
 * payers; both send 1 minor unit to the same 32 distinct recipients. The order of the two
 * alternates per round. A round's throughput is 32 / (time until the last answer). Prints each
 * round, the medians, the ratio hot/distinct (target ≥ 0.5) and the non-2xx answers of each kind;
 * with --baseline also a payer NOT split (one balance key: the behaviour without sub-balances).
 * Money is checked at the end: every payer and recipient balance is what the 201s say.
 *
 * Identities: the 65 (66) parties are Org1 client identities added to the test gateway's
 * identities (test/support/extra-users.ts): on Fabric issued by Org1's cryptogen CA, as the test
 * support issues the dev users.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
import { TEST_LEDGER, TestGateway, registerAll, startTestGateway } from '../support/gateway';
import { withExtraUsers } from '../support/extra-users';
import { median } from '../support/stats';

const N = 32;

interface Round {
  perSecond: number;
  failures: Map<number, number>;
  ok: number;
}

/** 32 concurrent transfers of 1 from `payers[i]` to `recipients[i]`; throughput and non-2xx answers. */
async function burst(gw: TestGateway, payers: string[], recipients: string[], ids: Record<string, string>): Promise<Round> {
  const started = process.hrtime.bigint();
  const answers = await Promise.all(recipients.map((r, i) => gw.as(payers[i]).post('/v1/transfers', { to: ids[r], amount: '1' })));
  const seconds = Number(process.hrtime.bigint() - started) / 1e9;
  const failures = new Map<number, number>();
  let ok = 0;
  for (const a of answers) {
    if (a.status >= 200 && a.status < 300) ok += 1;
    else failures.set(a.status, (failures.get(a.status) ?? 0) + 1);
  }
  return { perSecond: N / seconds, failures, ok };
}

async function inBatches<T>(items: T[], size: number, work: (item: T) => Promise<void>): Promise<void> {
  for (let i = 0; i < items.length; i += size) await Promise.all(items.slice(i, i + size).map(work));
}

async function main(): Promise<void> {
  const rounds = Number(process.argv.slice(2).find((a) => /^\d+$/.test(a)) ?? (TEST_LEDGER === 'fabric' ? 7 : 9));
  const baseline = process.argv.includes('--baseline');
  const distinct = Array.from({ length: N }, (_, i) => `payer${i}`);
  const recipients = Array.from({ length: N }, (_, i) => `payee${i}`);
  const hot = 'hot';
  const single = 'single';
  let gw = await startTestGateway();
  try {
    await registerAll(gw, ['bank']);
    gw = await withExtraUsers(gw, [hot, ...(baseline ? [single] : []), ...distinct, ...recipients]);
    const ids: Record<string, string> = {};
    await inBatches([hot, ...(baseline ? [single] : []), ...distinct, ...recipients], 16, async (name) => {
      Object.assign(ids, await registerAll(gw, [name]));
    });
    const budget = BigInt((rounds + 1) * N);
    const mint = async (name: string, amount: bigint) => {
      const res = await gw.as('bank').post(`/v1/accounts/${ids[name]}/mint`, { amount: amount.toString() });
      if (res.status !== 200) throw new Error(`mint to ${name}: ${res.status} ${JSON.stringify(res.body)}`);
    };
    await mint(hot, budget);
    if (baseline) await mint(single, budget);
    await inBatches(distinct, 16, (name) => mint(name, BigInt(rounds + 1)));
    const split = await fetch(`${gw.as(hot).url}/v1/accounts/${ids[hot]}/sub-balances`, {
      method: 'PUT',
      headers: { authorization: `Bearer ${gw.as(hot).apiKey}`, 'content-type': 'application/json' },
      body: JSON.stringify({ count: N }),
    });
    if (split.status !== 200) throw new Error(`sub-balances: ${split.status} ${await split.text()}`);

    type Kind = 'hot' | 'distinct' | 'single';
    const kinds: Kind[] = baseline ? ['hot', 'distinct', 'single'] : ['hot', 'distinct'];
    const payersOf = (k: Kind) => (k === 'distinct' ? distinct : Array(N).fill(k === 'hot' ? hot : single));
    const results: Record<Kind, Round[]> = { hot: [], distinct: [], single: [] };
    // Warm-up: connections, first endorsements; not counted.
    for (const k of kinds) await burst(gw, payersOf(k), recipients, ids);
    process.stdout.write(`hot payer vs distinct payers, ${TEST_LEDGER} ledger, ${N} concurrent transfers per burst, ${rounds} interleaved rounds (transfers/s)\n`);
    for (let r = 0; r < rounds; r++) {
      const order = r % 2 === 0 ? kinds : [...kinds].reverse();
      const line: string[] = [];
      for (const k of order) {
        const round = await burst(gw, payersOf(k), recipients, ids);
        results[k].push(round);
        line.push(`${k} ${round.perSecond.toFixed(1)}${round.ok < N ? ` (${N - round.ok} non-2xx)` : ''}`);
      }
      process.stdout.write(`  round ${r + 1}: ${line.join('   ')}\n`);
    }
    const med = (k: Kind) => median(results[k].map((x) => x.perSecond));
    const failures = (k: Kind) => {
      const all = new Map<number, number>();
      for (const x of results[k]) for (const [s, c] of x.failures) all.set(s, (all.get(s) ?? 0) + c);
      return all.size === 0 ? 'none' : [...all].map(([s, c]) => `${c}×${s}`).join(', ');
    };
    for (const k of kinds) process.stdout.write(`  median ${k.padEnd(8)} ${med(k).toFixed(1).padStart(8)} tx/s   non-2xx: ${failures(k)}\n`);
    const perRound = results.hot.map((h, i) => h.perSecond / results.distinct[i].perSecond);
    process.stdout.write(`  ratio hot/distinct: ${(med('hot') / med('distinct')).toFixed(2)} (of medians), ${median(perRound).toFixed(2)} (median of per-round ratios); target >= 0.5\n`);
    if (baseline) process.stdout.write(`  ratio single-key/distinct: ${(med('single') / med('distinct')).toFixed(2)}\n`);

    // Money is exact: each balance is what the 2xx answers moved.
    const okOf = (k: Kind) => results[k].reduce((s, x) => s + x.ok, 0) + N; // + the warm-up burst
    const balance = async (name: string) => BigInt((await gw.as(name).get('/v1/accounts/me')).body.balance);
    const hotLeft = await balance(hot);
    const received = (await Promise.all(recipients.map(balance))).reduce((s, b) => s + b, 0n);
    const distinctLeft = (await Promise.all(distinct.map(balance))).reduce((s, b) => s + b, 0n);
    const singleLeft = baseline ? await balance(single) : 0n;
    const spent = { hot: budget - hotLeft, distinct: BigInt(N * (rounds + 1)) - distinctLeft, single: baseline ? budget - singleLeft : 0n };
    const exact = kinds.every((k) => spent[k] === BigInt(okOf(k))) && received === spent.hot + spent.distinct + spent.single;
    process.stdout.write(`  money: recipients received ${received}; payers spent ${kinds.map((k) => `${k} ${spent[k]}`).join(', ')}; each equals its 2xx count: ${exact ? 'exact' : 'NOT EXACT'}\n`);
    if (!exact) process.exitCode = 1;
  } finally {
    await gw.close();
  }
}

main().catch((err) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
