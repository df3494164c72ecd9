import { HttpResult, TEST_LEDGER, TestGateway, registerAll, startTestGateway } from '../support/gateway';
import { withExtraUsers } from '../support/extra-users';

/**
 * The customer's scrip flows over HTTP across the organisations' gateways (issue 12; seeds/001
 * s. 6): the broker's gateway is Org1's, vendor A's Org2's, vendor B's Org3's; the customer carol
 * talks only to her own gateway (Org3), which builds, signs and sends each swap to the issuer's
 * gateway (POST /v1/scrip/inbox). Balances and the wallet are checked at each step. A second
 * customer, alice (Org1), holds scrip of a broker series whose spend-by date passes during the
 * test (seconds-scale windows: the embedded ledger's clock is real time): refused, renewed, spent.
 */
jest.setTimeout(180_000);

let gw: TestGateway;
let id: Record<string, string>;
const run = Math.random().toString(36).slice(2, 8);
const S = { broker: `brk-${run}`, short: `brk-short-${run}`, a: `va-${run}`, b: `vb-${run}` };
/** Seconds the short series issues for, then one more until its spend-by date. */
const SHORT_ISSUE_S = TEST_LEDGER === 'fabric' ? 30 : 8;
let shortSpendBy = 0;

const inFuture = (ms: number) => new Date(Date.now() + ms).toISOString();
const windows = () => ({ lastIssueAt: inFuture(3600_000), spendBy: inFuture(7200_000), renewBy: inFuture(10800_000) });
const balance = async (name: string) => BigInt((await gw.as(name).get(`/v1/accounts/${id[name]}`)).body.balance);
const wallet = async (name: string) => (await gw.as(name).get('/v1/scrip/wallet')).body as { records: { serial: string; series: string; kind: string; value: string; status: string }[]; total: string };
const valuesOf = (w: Awaited<ReturnType<typeof wallet>>) => w.records.map((r) => [r.series, r.value]).sort();
const expectCreated = (res: HttpResult, what: string) => {
  if (res.status !== 201) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};

beforeAll(async () => {
  let g = await startTestGateway(undefined, { perOrg: true });
  g = await withExtraUsers(g, ['broker'], 'Org1MSP', { perOrg: true });
  g = await withExtraUsers(g, ['vendorA'], 'Org2MSP', { perOrg: true });
  gw = await withExtraUsers(g, ['vendorB'], 'Org3MSP', { perOrg: true });
  id = await registerAll(gw, ['alice', 'carol', 'broker', 'vendorA', 'vendorB']);
  for (const [user, admin, role] of [['broker', 'admin1', 'broker'], ['vendorA', 'admin2', 'vendor'], ['vendorB', 'admin3', 'vendor']]) {
    const granted = await gw.as(admin).post(`/v1/accounts/${id[user]}/roles`, { role });
    if (granted.status !== 200) throw new Error(`grant ${role}: ${granted.status} ${JSON.stringify(granted.body)}`);
  }
  for (const user of ['alice', 'carol']) {
    const minted = await gw.as('bank').post(`/v1/accounts/${id[user]}/mint`, { amount: '10000' });
    if (minted.status !== 200) throw new Error(`mint: ${minted.status}`);
  }
  for (const user of ['broker', 'vendorA', 'vendorB']) {
    const res = await fetch(`${gw.as(user).url}/v1/accounts/me/encryption-key`, { method: 'PUT', headers: { authorization: `Bearer ${gw.as(user).apiKey}` } });
    if (res.status !== 201) throw new Error(`encryption key of ${user}: ${res.status}`);
  }
  // The short series first, and alice's BrokerScrip of it while it still issues.
  shortSpendBy = Date.now() + (SHORT_ISSUE_S + 1) * 1000;
  expectCreated(await gw.as('broker').post('/v1/scrip/series', { id: S.short, kind: 'broker', unit: 'USD', fee: '0', lastIssueAt: inFuture(SHORT_ISSUE_S * 1000), spendBy: new Date(shortSpendBy).toISOString(), renewBy: inFuture(3600_000) }), 'short series');
  expectCreated(await gw.as('alice').post('/v1/scrip/buy', { series: S.short, amount: '400' }), 'alice buys');
  expectCreated(await gw.as('broker').post('/v1/scrip/series', { id: S.broker, kind: 'broker', unit: 'USD', fee: '2', ...windows() }), 'broker series');
  expectCreated(await gw.as('vendorA').post('/v1/scrip/series', { id: S.a, kind: 'vendor', unit: 'USD', fee: '1', broker: id.broker, ...windows() }), 'vendor A series');
  expectCreated(await gw.as('vendorB').post('/v1/scrip/series', { id: S.b, kind: 'vendor', unit: 'USD', fee: '1', broker: id.broker, ...windows() }), 'vendor B series');
});
afterAll(() => gw?.close());

describe('a customer pays with scrip over REST', () => {
  test('buy BrokerScrip, convert, buy from two vendors with change, top up, withdraw the rest to money', async () => {
    const carol = gw.as('carol');
    const bought = expectCreated(await carol.post('/v1/scrip/buy', { series: S.broker, amount: '1000' }), 'buy');
    expect(bought).toMatchObject({ flow: 'buy', spent: [], issued: [{ series: S.broker, kind: 'broker', value: '998', status: 'unspent' }] });
    expect(bought.receipt).toMatchObject({ type: 'covenant.scrip.receipt/v1', flow: 'buy' });
    expect(await balance('carol')).toBe(9000n);
    expect(await wallet('carol')).toMatchObject({ total: '998' });
    const again = await carol.post('/v1/scrip/buy', { series: S.broker, amount: '10' });
    expect([again.status, again.body.code]).toEqual([409, 'FAILED_PRECONDITION']);

    // 998 - 300 - fee(va) 1 - fee(broker) 2 = 695 change.
    const toA = expectCreated(await carol.post('/v1/scrip/convert', { vendorSeries: S.a, amount: '300' }), 'convert A');
    expect(toA.issued.map((s: { series: string; value: string }) => [s.series, s.value])).toEqual([[S.a, '300'], [S.broker, '695']]);
    const toB = expectCreated(await carol.post('/v1/scrip/convert', { vendorSeries: S.b, amount: '200' }), 'convert B');
    expect(toB.issued.map((s: { value: string }) => s.value)).toEqual(['200', '492']);
    expect(valuesOf(await wallet('carol'))).toEqual([[S.a, '300'], [S.b, '200'], [S.broker, '492']].sort());

    const [a0, b0] = [await balance('vendorA'), await balance('vendorB')];
    const atA = expectCreated(await carol.post('/v1/scrip/purchases', { vendorSeries: S.a, amount: '120', order: { sku: 'tea', quantity: 2 } }), 'purchase A');
    expect(atA.issued.map((s: { value: string }) => s.value)).toEqual(['179']); // 300 - 120 - fee 1
    const atB = expectCreated(await carol.post('/v1/scrip/purchases', { vendorSeries: S.b, amount: '200' }), 'purchase B');
    expect(atB.issued).toEqual([]);
    expect(await balance('vendorA')).toBe(a0 + 121n); // the price and the change's fee
    expect(await balance('vendorB')).toBe(b0 + 200n);
    expect(valuesOf(await wallet('carol'))).toEqual([[S.a, '179'], [S.broker, '492']].sort());

    const topped = expectCreated(await carol.post('/v1/scrip/topups', { amount: '500' }), 'top-up');
    expect(topped.issued.map((s: { value: string }) => s.value)).toEqual(['990']); // 492 + 500 - 2
    expect(await balance('carol')).toBe(8500n);

    const before = await balance('carol');
    for (const r of (await wallet('carol')).records) expectCreated(await carol.post('/v1/scrip/withdrawals', { serial: r.serial }), `withdraw ${r.series}`);
    expect(await balance('carol')).toBe(before + 990n + 179n);
    expect(await wallet('carol')).toEqual({ records: [], total: '0' });
  });

  test('a serial spent by two requests at once: exactly one succeeds, the other is DOUBLE_SPEND', async () => {
    const carol = gw.as('carol');
    const serial = expectCreated(await carol.post('/v1/scrip/buy', { series: S.broker, amount: '100' }), 'buy').issued[0].serial;
    const before = await balance('carol');
    const answers = await Promise.all([carol.post('/v1/scrip/withdrawals', { serial }), carol.post('/v1/scrip/withdrawals', { serial })]);
    expect(answers.map((a) => a.status).sort()).toEqual([201, 409]);
    expect(answers.find((a) => a.status === 409)!.body.code).toBe('DOUBLE_SPEND');
    expect(await balance('carol')).toBe(before + 98n);
  });

  test('a retry with the same Idempotency-Key after success answers the same result and applies once', async () => {
    const carol = gw.as('carol');
    const key = { 'idempotency-key': `buy-${run}` };
    const first = await carol.post('/v1/scrip/buy', { series: S.broker, amount: '250' }, key);
    expect(first.status).toBe(201);
    const before = await balance('carol');
    const again = await carol.post('/v1/scrip/buy', { series: S.broker, amount: '250' }, key);
    expect(again.status).toBe(201);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
    expect(again.body).toEqual(first.body);
    expect(await balance('carol')).toBe(before);
    expect((await wallet('carol')).records).toHaveLength(1);
  });

  test('expired scrip is refused (SCRIP_EXPIRED), renewed into the active series, then spent', async () => {
    const alice = gw.as('alice');
    const [old] = (await wallet('alice')).records;
    expect(old).toMatchObject({ series: S.short, value: '400', status: 'unspent' });
    const wait = shortSpendBy + 1000 - Date.now();
    if (wait > 0) await new Promise((r) => setTimeout(r, wait));
    const refused = await alice.post('/v1/scrip/withdrawals', { serial: old.serial });
    expect([refused.status, refused.body.code]).toEqual([409, 'SCRIP_EXPIRED']);
    const renewed = expectCreated(await alice.post('/v1/scrip/renewals', { serial: old.serial }), 'renew');
    expect(renewed).toMatchObject({ flow: 'renew', spent: [old.serial], issued: [{ series: S.broker, value: '400', status: 'unspent' }] });
    const before = await balance('alice');
    expectCreated(await alice.post('/v1/scrip/withdrawals', { serial: renewed.issued[0].serial }), 'withdraw renewed');
    expect(await balance('alice')).toBe(before + 400n);
    const again = await alice.post('/v1/scrip/withdrawals', { serial: old.serial });
    expect([again.status, again.body.code]).toEqual([409, 'DOUBLE_SPEND']);
  });
});
