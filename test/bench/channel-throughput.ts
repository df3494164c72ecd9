/**
 * Off-chain payments per second between two gateways on loopback, next to on-chain checkpoints
 * per second on the same ledger backend, measured in one run (issue 5):
 *
 *   npx tsx test/bench/channel-throughput.ts [payments] [checkpoints]          # embedded ledger
 *   COVENANT_TEST_LEDGER=fabric npx tsx test/bench/channel-throughput.ts ...   # after network:up
 *
 * alice (Org1's gateway) pays bob (Org2's gateway) sequentially: each payment is a tpc-update
 * signed by alice's gateway, checked, countersigned and stored by bob's, then stored by alice's.
 * Each checkpoint puts the latest state both signed on the ledger (after one more payment, since
 * the ledger takes only newer versions); only the checkpoint is timed.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
import { TEST_LEDGER, registerAll, startTestGateway } from '../support/gateway';

async function main(): Promise<void> {
  const payments = Number(process.argv[2] ?? 1000);
  const checkpoints = Number(process.argv[3] ?? (TEST_LEDGER === 'fabric' ? 20 : 200));
  const gw = await startTestGateway(undefined, { perOrg: true });
  try {
    const id = await registerAll(gw, ['bank', 'alice', 'bob']);
    await gw.as('bank').post(`/v1/accounts/${id.alice}/mint`, { amount: String(payments + checkpoints + 10) });
    const channel = `bench-${Date.now().toString(36)}`;
    const opened = await gw.as('alice').post('/v1/channels', { id: channel, counterparty: id.bob, deposit: String(payments + checkpoints + 10), counterpartyDeposit: '0' });
    if (opened.status !== 201) throw new Error(`open: ${opened.status} ${JSON.stringify(opened.body)}`);
    const pay = async () => {
      const res = await gw.as('alice').post(`/v1/channels/${channel}/payments`, { amount: '1' });
      if (res.status !== 201) throw new Error(`payment: ${res.status} ${JSON.stringify(res.body)}`);
    };
    await pay(); // warm-up

    let started = process.hrtime.bigint();
    for (let i = 0; i < payments; i++) await pay();
    const offchainSeconds = Number(process.hrtime.bigint() - started) / 1e9;

    let onchainNs = 0n;
    for (let i = 0; i < checkpoints; i++) {
      await pay();
      started = process.hrtime.bigint();
      const res = await gw.as('alice').post(`/v1/channels/${channel}/checkpoint`);
      onchainNs += process.hrtime.bigint() - started;
      if (res.status !== 200) throw new Error(`checkpoint: ${res.status} ${JSON.stringify(res.body)}`);
    }
    const offRate = payments / offchainSeconds;
    const onRate = checkpoints / (Number(onchainNs) / 1e9);
    process.stdout.write(
      `payment channel throughput, ${TEST_LEDGER} ledger, two gateways on loopback (sequential)\n` +
        `  off-chain payments:   ${payments} in ${offchainSeconds.toFixed(2)} s = ${offRate.toFixed(1)} /s\n` +
        `  on-chain checkpoints: ${checkpoints} in ${(Number(onchainNs) / 1e9).toFixed(2)} s = ${onRate.toFixed(1)} /s\n` +
        `  ratio off-chain / on-chain: ${(offRate / onRate).toFixed(1)}x\n`,
    );
  } finally {
    await gw.close();
  }
}

main().catch((err) => {
  process.stderr.write(`benchmark failed: ${err instanceof Error ? err.stack : String(err)}\n`);
  process.exit(1);
});
