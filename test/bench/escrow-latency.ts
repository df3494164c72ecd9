/**
 * Escrow create-to-commit latency over REST: POST /v1/escrows answers 201 only after the
 * transaction committed valid (fabric: endorse by the organisations the keys need, order, commit status;
 * embedded: in-process commit), so the request's round trip is the create-to-commit latency.
 *
 *   npx tsx test/bench/escrow-latency.ts [count]            # embedded ledger
 *   COVENANT_TEST_LEDGER=fabric npx tsx test/bench/escrow-latency.ts [count]   # after network:up
 *
 * Escrows are created one after another (no concurrency, so this is latency, not throughput);
 * prints p50, p95, max and mean in milliseconds.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
import { TEST_LEDGER, registerAll, startTestGateway } from '../support/gateway';

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

async function main(): Promise<void> {
  const count = Number(process.argv[2] ?? 50);
  const gw = await startTestGateway();
  try {
    const id = await registerAll(gw, ['bank', 'alice', 'bob', 'carol']);
    await gw.as('bank').post(`/v1/accounts/${id.alice}/mint`, { amount: String(count * 100) });
    const body = { amount: '100', recipients: [{ account: id.bob, shareBps: 6000 }, { account: id.carol, shareBps: 4000 }] };
    // One warm-up request: connections, first endorsement.
    await gw.as('alice').post('/v1/escrows', { ...body, amount: '1' });
    const samples: number[] = [];
    for (let i = 0; i < count - 1; i++) {
      const started = process.hrtime.bigint();
      const res = await gw.as('alice').post('/v1/escrows', body);
      const elapsed = Number(process.hrtime.bigint() - started) / 1e6;
      if (res.status !== 201) throw new Error(`escrow ${i}: ${res.status} ${JSON.stringify(res.body)}`);
      samples.push(elapsed);
    }
    const sorted = [...samples].sort((a, b) => a - b);
    const mean = samples.reduce((s, x) => s + x, 0) / samples.length;
    const f = (x: number) => x.toFixed(1).padStart(8);
    process.stdout.write(
      `escrow create-to-commit latency, ${TEST_LEDGER} ledger, ${samples.length} sequential escrows (ms)\n` +
        `  p50 ${f(percentile(sorted, 50))}   p95 ${f(percentile(sorted, 95))}   max ${f(sorted[sorted.length - 1])}   mean ${f(mean)}\n`,
    );
  } finally {
    await gw.close();
  }
}

main().catch((err) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
