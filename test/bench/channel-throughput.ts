/**
 * Off-chain payments per second between two gateways on loopback, sequential and concurrent, next
 * to ECDSA P-256 verifies per second in the same process and on-chain checkpoints per second on the
 * same ledger backend, measured in one run (issues 5 and 11):
 *
 *   npx tsx test/bench/channel-throughput.ts [payments] [checkpoints] [in-flight] [rounds]   # embedded ledger
 *   COVENANT_TEST_LEDGER=fabric npx tsx test/bench/channel-throughput.ts ...                  # after network:up
 *
 * alice (Org1's gateway) pays bob (Org2's gateway) over one channel: each payment is a REST call
 * to alice's gateway, which signs the next state (tpc-update), bob's gateway checks,
 * countersigns and stores it (synced) before answering, and alice's stores it (synced) before
 * answering its caller. Sequential: one payment in flight. Concurrent: `in-flight` (default 32)
 * callers each paying in a loop on the same channel. `payments` (default 1000) of each kind are
 * made in `rounds` (default 5) interleaved rounds (sequential, concurrent, ECDSA verifies: the
 * same share of the run each), and the medians of the rounds are printed. Each checkpoint puts
 * the latest state both signed on the ledger (after one more payment, since the ledger takes only
 * newer versions); only the checkpoint is timed. The payments are posted over kept-alive
 * connections (the caller runs in the gateways' process: see keepAliveClient).
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
import { generateKeyPairSync, sign, verify } from 'node:crypto';
import { availableParallelism, loadavg } from 'node:os';
import { TEST_LEDGER, registerAll, startTestGateway } from '../support/gateway';
import { median } from '../support/stats';
import { keepAliveClient } from '../support/keep-alive-client';

const seconds = (since: bigint) => Number(process.hrtime.bigint() - since) / 1e9;

/** ECDSA P-256 / SHA-256 verifies of a DER signature over a 120-byte state for `forSeconds`: per second. */
function verifiesPerSecond(forSeconds: number): number {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'prime256v1' });
  const message = Buffer.alloc(120, 7);
  const signature = sign('sha256', message, { key: privateKey, dsaEncoding: 'der' });
  const started = process.hrtime.bigint();
  let n = 0;
  while (seconds(started) < forSeconds) {
    for (let i = 0; i < 100; i++) if (!verify('sha256', message, { key: publicKey, dsaEncoding: 'der' }, signature)) throw new Error('verify failed');
    n += 100;
  }
  return n / seconds(started);
}

async function main(): Promise<void> {
  const payments = Number(process.argv[2] ?? 1000);
  const checkpoints = Number(process.argv[3] ?? (TEST_LEDGER === 'fabric' ? 20 : 200));
  const inFlight = Number(process.argv[4] ?? 32);
  const rounds = Number(process.argv[5] ?? 5);
  const perRound = Math.max(1, Math.ceil(payments / rounds));
  const total = 20 + inFlight + 2 * perRound * rounds + checkpoints + 10;
  const gw = await startTestGateway(undefined, { perOrg: true });
  try {
    const id = await registerAll(gw, ['bank', 'alice', 'bob']);
    await gw.as('bank').post(`/v1/accounts/${id.alice}/mint`, { amount: String(total) });
    const channel = `bench-${Date.now().toString(36)}`;
    const opened = await gw.as('alice').post('/v1/channels', { id: channel, counterparty: id.bob, deposit: String(total), counterpartyDeposit: '0' });
    if (opened.status !== 201) throw new Error(`open: ${opened.status} ${JSON.stringify(opened.body)}`);
    const versions = new Set<number>();
    const alice = gw.as('alice');
    const client = keepAliveClient(() => alice.url, alice.apiKey);
    const pay = async () => {
      const res = await client.post(`/v1/channels/${channel}/payments`, { amount: '1' });
      if (res.status !== 201) throw new Error(`payment: ${res.status} ${JSON.stringify(res.body)}`);
      versions.add(res.body.version);
    };
    for (let i = 0; i < 20; i++) await pay(); // warm-up
    await Promise.all(Array.from({ length: inFlight }, pay));

    const sequential: number[] = [];
    const concurrent: number[] = [];
    const verifies: number[] = [];
    let paid = 0;
    for (let r = 0; r < rounds; r++) {
      let started = process.hrtime.bigint();
      for (let i = 0; i < perRound; i++) await pay();
      const seqSeconds = seconds(started);
      sequential.push(perRound / seqSeconds);

      let left = perRound;
      const before = versions.size;
      started = process.hrtime.bigint();
      await Promise.all(Array.from({ length: inFlight }, async () => {
        while (left-- > 0) await pay();
      }));
      concurrent.push(perRound / seconds(started));
      paid += perRound;
      if (r === rounds - 1) process.stdout.write(`  (last concurrent round: ${perRound} payments in ${versions.size - before} states)\n`);

      verifies.push(verifiesPerSecond(Math.min(1, Math.max(0.2, seqSeconds))));
    }

    let onchainNs = 0n;
    for (let i = 0; i < checkpoints; i++) {
      await pay();
      const started = process.hrtime.bigint();
      const res = await gw.as('alice').post(`/v1/channels/${channel}/checkpoint`);
      onchainNs += process.hrtime.bigint() - started;
      if (res.status !== 200) throw new Error(`checkpoint: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const state = (await gw.as('bob').get(`/v1/channels/${channel}/state`)).body as { balances: [string, string] };
    const expected = 20 + inFlight + 2 * paid + checkpoints;
    if (state.balances[1] !== String(expected)) throw new Error(`bob holds ${state.balances[1]} in the channel, ${expected} paid`);

    client.close();
    const seqRate = median(sequential);
    const conRate = median(concurrent);
    const verifyRate = median(verifies);
    const onRate = checkpoints / (Number(onchainNs) / 1e9);
    const list = (xs: number[]) => xs.map((x) => x.toFixed(0)).join(', ');
    process.stdout.write(
      `payment channel throughput, ${TEST_LEDGER} ledger, two gateways on loopback in one process, ${rounds} interleaved rounds of ${perRound} payments (medians)\n` +
        `  off-chain payments, sequential (1 in flight):  ${seqRate.toFixed(1)} /s   [${list(sequential)}]\n` +
        `  off-chain payments, concurrent (${inFlight} in flight on one channel): ${conRate.toFixed(1)} /s   [${list(concurrent)}]\n` +
        `  ECDSA P-256 verifies (node:crypto, same process): ${verifyRate.toFixed(0)} /s   [${list(verifies)}]\n` +
        `  ratio payments / verifies: sequential ${(seqRate / verifyRate).toFixed(3)}, concurrent ${(conRate / verifyRate).toFixed(3)}\n` +
        `  on-chain checkpoints: ${checkpoints} in ${(Number(onchainNs) / 1e9).toFixed(2)} s = ${onRate.toFixed(1)} /s\n` +
        `  ratio off-chain (sequential) / on-chain: ${(seqRate / onRate).toFixed(1)}x; concurrent / on-chain: ${(conRate / onRate).toFixed(1)}x\n` +
        `  channel balances exact: bob received ${expected}; load average while measured: ${loadavg().map((l) => l.toFixed(2)).join(' ')} on ${availableParallelism()} CPUs\n`,
    );
  } finally {
    await gw.close();
  }
}

main().catch((err) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
