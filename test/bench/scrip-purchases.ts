/**
 * Scrip purchases per second end to end (issue 12), against plain transfers in the same run:
 *
 *   npx tsx test/bench/scrip-purchases.ts [rounds] [opsPerCustomer] [customers]   # defaults 5 20 4
 *
 * One gateway per organisation (test/support/gateway.ts, perOrg) over the embedded ledger, or the
 * real network with COVENANT_TEST_LEDGER=fabric after `npm run network:up`. The
 * broker is bank (Org1), the vendor bob (Org2); the customers (alice, carol, dave, arbiter: Org1,
 * Org3, Org2, Org3) each hold VendorScrip bought and converted beforehand. A purchase is POST
 * /v1/scrip/purchases of 1 minor unit with change: the customer's gateway builds and signs the
 * swap, stores it durably, the vendor's gateway (HTTP, /v1/scrip/inbox) checks it, signs the
 * change and submits scrip:swap, the customer's gateway verifies the issued change and records
 * it. A transfer is POST /v1/transfers of 1 to the vendor (one submit, no second gateway). Each
 * round runs both, the order alternating: every customer does `opsPerCustomer` sequential
 * operations, the customers concurrently. Prints each round, the medians of operations per second
 * and the ratio purchases/transfers.
 */
import { TEST_LEDGER, TestGateway, registerAll, startTestGateway } from '../support/gateway';
import { median } from '../support/stats';

const rounds = Number(process.argv[2] ?? 5);
const perCustomer = Number(process.argv[3] ?? 20);
const CUSTOMERS = ['alice', 'carol', 'dave', 'arbiter'].slice(0, Number(process.argv[4] ?? 4));
const BROKER = 'bank';
const VENDOR = 'bob';

async function created(p: Promise<{ status: number; body: unknown }>, what: string): Promise<any> {
  const res = await p;
  if (res.status !== 201 && res.status !== 200) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

async function setUp(gw: TestGateway): Promise<void> {
  const id = await registerAll(gw, [BROKER, VENDOR, ...CUSTOMERS]);
  await created(gw.as('admin1').post(`/v1/accounts/${id[BROKER]}/roles`, { role: 'broker' }), 'broker role');
  await created(gw.as('admin2').post(`/v1/accounts/${id[VENDOR]}/roles`, { role: 'vendor' }), 'vendor role');
  const far = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();
  const windows = { lastIssueAt: far(24), spendBy: far(48), renewBy: far(72) };
  await created(gw.as(BROKER).post('/v1/scrip/series', { id: 'bench-b', kind: 'broker', unit: 'USD', fee: '0', ...windows }), 'broker series');
  await created(gw.as(VENDOR).post('/v1/scrip/series', { id: 'bench-v', kind: 'vendor', unit: 'USD', fee: '0', broker: id[BROKER], ...windows }), 'vendor series');
  for (const c of CUSTOMERS) {
    await created(gw.as('bank').post(`/v1/accounts/${id[c]}/mint`, { amount: '1000000' }), 'mint');
    await created(gw.as(c).post('/v1/scrip/buy', { series: 'bench-b', amount: '100000' }), 'buy');
    await created(gw.as(c).post('/v1/scrip/convert', { vendorSeries: 'bench-v', amount: '90000' }), 'convert');
  }
}

async function main(): Promise<void> {
  const gw = await startTestGateway(undefined, { perOrg: true });
  try {
    await setUp(gw);
    const vendorId = (await gw.as(VENDOR).get('/v1/accounts/me')).body.id as string;
    const purchase = (c: string) => created(gw.as(c).post('/v1/scrip/purchases', { vendorSeries: 'bench-v', amount: '1' }), 'purchase');
    const transfer = (c: string) => created(gw.as(c).post('/v1/transfers', { to: vendorId, amount: '1' }), 'transfer');
    const perSecond = async (op: (c: string) => Promise<unknown>, n: number) => {
      const started = process.hrtime.bigint();
      await Promise.all(CUSTOMERS.map(async (c) => {
        for (let i = 0; i < n; i++) await op(c);
      }));
      return (n * CUSTOMERS.length) / (Number(process.hrtime.bigint() - started) / 1e9);
    };
    await perSecond(purchase, 3); // warm-up, not counted
    await perSecond(transfer, 3);
    const purchases: number[] = [];
    const transfers: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? (['purchase', 'transfer'] as const) : (['transfer', 'purchase'] as const);
      for (const which of order) (which === 'purchase' ? purchases : transfers).push(await perSecond(which === 'purchase' ? purchase : transfer, perCustomer));
      console.log(`round ${round + 1}: purchases ${purchases[round].toFixed(1)}/s, transfers ${transfers[round].toFixed(1)}/s`);
    }
    const p = median(purchases);
    const t = median(transfers);
    console.log(`${CUSTOMERS.length} customers concurrently, ${perCustomer} sequential operations each, ${rounds} rounds (medians, ${TEST_LEDGER} ledger, Node ${process.version}):`);
    console.log(`  scrip purchases end to end: ${p.toFixed(1)}/s`);
    console.log(`  plain transfers:            ${t.toFixed(1)}/s`);
    console.log(`  ratio purchases/transfers:  ${(p / t).toFixed(2)}`);
  } finally {
    await gw.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
