/**
 * Latency of a private payment end to end (issue 13), beside a plain transfer in the same run:
 *
 *   npx tsx test/bench/private-payments.ts [payments] [ringSize]   # defaults 10 11
 *
 * One gateway per organisation (test/support/gateway.ts, perOrg) over the embedded ledger, or the
 * real network with COVENANT_TEST_LEDGER=fabric after `npm run network:up`. alice (Org1) deposits
 * notes of 100 and pays carol (Org3) 100 privately `payments` times: POST /v1/private/payments
 * scans, selects the note, draws ring decoys, signs the bLSAG in the signer (in process here),
 * relays through a random organisation's gateway, which submits notes:spend (its endorsement runs
 * ring.verify on every peer). Each payment alternates with a POST /v1/transfers of 100, alice to
 * carol (one submit). Prints each pair, the medians, their ratio and who relayed.
 */
import { TEST_LEDGER, startTestGateway, registerAll } from '../support/gateway';
import { median, msSince } from '../support/stats';

const payments = Number(process.argv[2] ?? 10);
const ringSize = Number(process.argv[3] ?? 11);

async function ok(p: Promise<{ status: number; body: any }>, what: string): Promise<any> {
  const res = await p;
  if (res.status !== 201 && res.status !== 200) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function main(): Promise<void> {
  const gw = await startTestGateway(undefined, { perOrg: true, settings: { ringSize } });
  try {
    const id = await registerAll(gw, ['bank', 'alice', 'carol']);
    await ok(gw.as('bank').post(`/v1/accounts/${id.alice}/mint`, { amount: '10000000' }), 'mint');
    for (const name of ['alice', 'carol']) {
      const res = await fetch(`${gw.as(name).url}/v1/private/keys`, { method: 'PUT', headers: { authorization: `Bearer ${gw.as(name).apiKey}` } });
      if (res.status !== 200) throw new Error(`keys of ${name}: ${res.status}`);
    }
    // Enough notes of 100 for every payment and for rings of ringSize.
    for (let have = 0; have < Math.max(payments, ringSize) + 1; have += 16) await ok(gw.as('alice').post('/v1/private/deposits', { amount: '1600', denomination: '100' }), 'deposit');
    await ok(gw.as('alice').get('/v1/private/notes'), 'first scan');
    const privateMs: number[] = [];
    const transferMs: number[] = [];
    const relayed = new Map<string, number>();
    for (let i = 0; i < payments; i++) {
      const runPrivate = async () => {
        const t = process.hrtime.bigint();
        const body = await ok(gw.as('alice').post('/v1/private/payments', { to: id.carol, amount: '100' }), 'private payment');
        privateMs.push(msSince(t));
        relayed.set(body.relayedBy, (relayed.get(body.relayedBy) ?? 0) + 1);
      };
      const runTransfer = async () => {
        const t = process.hrtime.bigint();
        await ok(gw.as('alice').post('/v1/transfers', { to: id.carol, amount: '100' }), 'transfer');
        transferMs.push(msSince(t));
      };
      if (i % 2 === 0) {
        await runPrivate();
        await runTransfer();
      } else {
        await runTransfer();
        await runPrivate();
      }
      console.log(`pair ${i + 1}: private ${privateMs[i].toFixed(1)} ms, transfer ${transferMs[i].toFixed(1)} ms`);
    }
    const [p, t] = [median(privateMs), median(transferMs)];
    console.log(`ledger ${TEST_LEDGER}, ring ${ringSize} asked (at least the ledger minRingSize, 11 by default), ${payments} payments`);
    console.log(`median private payment ${p.toFixed(1)} ms, median transfer ${t.toFixed(1)} ms, ratio ${(p / t).toFixed(2)}`);
    console.log(`relayed by: ${[...relayed].map(([org, n]) => `${org} ${n}`).join(', ')}`);
  } finally {
    await gw.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
