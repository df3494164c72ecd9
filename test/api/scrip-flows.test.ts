import { HttpResult, TEST_LEDGER, TestGateway, registerAll, startTestGateway } from '../support/gateway';

/**
 * The customer's scrip flows over HTTP across the organisations' gateways (issue 12; seeds/001
 * s. 6): the broker's gateway is Org1's, the two vendors' Org2's; the customer carol
 * talks only to her own gateway (Org3), which builds, signs and sends each swap to the issuer's
 * gateway (POST /v1/scrip/inbox). Balances and the wallet are checked at each step. A second
 * customer, alice (Org1), holds scrip of a broker series whose spend-by date passes during the
 * test (seconds-scale windows: the embedded ledger's clock is real time): refused, renewed, spent.
 */
jest.setTimeout(180_000);

/** The broker (Org1), vendor A and vendor B (Org2): dev users given those ledger roles. */
const BROKER = 'bank';
const VENDOR_A = 'bob';
const VENDOR_B = 'dave';

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
  gw = await startTestGateway(undefined, { perOrg: true });
  id = await registerAll(gw, ['alice', 'carol', 'bank', 'bob', 'dave']);
  id = { ...id, broker: id.bank, vendorA: id.bob, vendorB: id.dave };
  for (const [user, admin, role] of [['bank', 'admin1', 'broker'], ['bob', 'admin2', 'vendor'], ['dave', 'admin2', 'vendor']]) {
    const granted = await gw.as(admin).post(`/v1/accounts/${id[user]}/roles`, { role });
    if (granted.status !== 200) throw new Error(`grant ${role}: ${granted.status} ${JSON.stringify(granted.body)}`);
  }
  for (const user of ['alice', 'carol']) {
    const minted = await gw.as('bank').post(`/v1/accounts/${id[user]}/mint`, { amount: '10000' });
    if (minted.status !== 200) throw new Error(`mint: ${minted.status}`);
  }
  for (const user of ['bank', 'bob', 'dave']) {
    const res = await fetch(`${gw.as(user).url}/v1/accounts/me/encryption-key`, { method: 'PUT', headers: { authorization: `Bearer ${gw.as(user).apiKey}` } });
    if (res.status !== 201) throw new Error(`encryption key of ${user}: ${res.status}`);
  }
  // The short series first, and alice's BrokerScrip of it while it still issues.
  shortSpendBy = Date.now() + (SHORT_ISSUE_S + 1) * 1000;
  expectCreated(await gw.as(BROKER).post('/v1/scrip/series', { id: S.short, kind: 'broker', unit: 'USD', fee: '0', lastIssueAt: inFuture(SHORT_ISSUE_S * 1000), spendBy: new Date(shortSpendBy).toISOString(), renewBy: inFuture(3600_000) }), 'short series');
  expectCreated(await gw.as('alice').post('/v1/scrip/buy', { series: S.short, amount: '400' }), 'alice buys');
  expectCreated(await gw.as(BROKER).post('/v1/scrip/series', { id: S.broker, kind: 'broker', unit: 'USD', fee: '2', ...windows() }), 'broker series');
  expectCreated(await gw.as(VENDOR_A).post('/v1/scrip/series', { id: S.a, kind: 'vendor', unit: 'USD', fee: '1', broker: id.broker, ...windows() }), 'vendor A series');
  expectCreated(await gw.as(VENDOR_B).post('/v1/scrip/series', { id: S.b, kind: 'vendor', unit: 'USD', fee: '1', broker: id.broker, ...windows() }), 'vendor B series');
});
afterAll(() => gw?.close());

describe('a customer pays with scrip over REST', () => {
  test('buy BrokerScrip, convert, buy from two vendors with change, top up through the vendor and at the broker, withdraw the rest to money', async () => {
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

    const [a0, b0] = [await balance(VENDOR_A), await balance(VENDOR_B)];
    const atA = expectCreated(await carol.post('/v1/scrip/purchases', { vendorSeries: S.a, amount: '120', order: { sku: 'tea', quantity: 2 } }), 'purchase A');
    expect(atA.issued.map((s: { value: string }) => s.value)).toEqual(['179']); // 300 - 120 - fee 1
    const atB = expectCreated(await carol.post('/v1/scrip/purchases', { vendorSeries: S.b, amount: '200' }), 'purchase B');
    expect(atB.issued).toEqual([]);
    expect(await balance(VENDOR_A)).toBe(a0 + 121n); // the price and the change's fee
    expect(await balance(VENDOR_B)).toBe(b0 + 200n);
    expect(valuesOf(await wallet('carol'))).toEqual([[S.a, '179'], [S.broker, '492']].sort());

    // 6.5 through vendor A: its scrip 179 + 100 from BrokerScrip; change 492 - 100 - 1 - 2 = 389.
    const viaVendor = expectCreated(await carol.post('/v1/scrip/vendor-topups', { vendorSeries: S.a, amount: '100' }), 'vendor top-up');
    expect(viaVendor.issued.map((s: { series: string; value: string }) => [s.series, s.value])).toEqual([[S.a, '279'], [S.broker, '389']]);
    expect(viaVendor.spent).toHaveLength(2);

    const topped = expectCreated(await carol.post('/v1/scrip/topups', { amount: '500' }), 'top-up');
    expect(topped.issued.map((s: { value: string }) => s.value)).toEqual(['887']); // 389 + 500 - 2
    expect(await balance('carol')).toBe(8500n);
    expect(valuesOf(await wallet('carol'))).toEqual([[S.a, '279'], [S.broker, '887']].sort());

    const before = await balance('carol');
    for (const r of (await wallet('carol')).records) expectCreated(await carol.post('/v1/scrip/withdrawals', { serial: r.serial }), `withdraw ${r.series}`);
    expect(await balance('carol')).toBe(before + 887n + 279n);
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

  test('a top-up through the vendor spending the whole BrokerScrip: the broker consents without change', async () => {
    const carol = gw.as('carol');
    const broker = expectCreated(await carol.post('/v1/scrip/buy', { series: S.broker, amount: '53' }), 'buy').issued[0];
    expect(broker.value).toBe('51');
    const whole = expectCreated(await carol.post('/v1/scrip/vendor-topups', { vendorSeries: S.b, amount: '50' }), 'vendor top-up');
    expect(whole.issued.map((s: { series: string; value: string }) => [s.series, s.value])).toEqual([[S.b, '50']]);
    expect(whole.spent).toEqual([broker.serial]);
    const back = expectCreated(await carol.post('/v1/scrip/withdrawals', { serial: whole.issued[0].serial }), 'withdraw');
    expect(back.flow).toBe('withdraw-vendor');
    expect(await wallet('carol')).toEqual({ records: [], total: '0' });
  });

  test("the wallet and its holder keys survive a restart of the customer's gateway", async () => {
    const carol = gw.as('carol');
    const bought = expectCreated(await carol.post('/v1/scrip/buy', { series: S.broker, amount: '40' }), 'buy').issued[0];
    await gw.restart('Org3MSP');
    const reconciled = await carol.get('/v1/scrip/wallet?reconcile=true');
    expect(reconciled.status).toBe(200);
    expect(reconciled.body).toEqual({ records: [expect.objectContaining({ serial: bought.serial, value: '38', status: 'unspent' })], total: '38' });
    expectCreated(await carol.post('/v1/scrip/withdrawals', { serial: bought.serial }), 'withdraw after restart');
    const all = (await carol.get('/v1/scrip/wallet?all=true')).body.records as { serial: string; status: string }[];
    expect(all.find((r) => r.serial === bought.serial)?.status).toBe('spent');
    expect(all.every((r) => r.status === 'spent')).toBe(true);
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

  test('an order holding a fractional or unsafe number is refused with 400 and changes nothing (it was a 500)', async () => {
    const carol = gw.as('carol');
    const before = await wallet('carol');
    for (const order of [{ sku: 'tea', weight: 1.5 }, [1.6839391983647446e-47], { nested: { deep: true } }, { quantity: 2985763901793465008128 }]) {
      const res = await carol.post('/v1/scrip/purchases', { vendorSeries: S.a, amount: '1', order });
      expect([res.status, res.body.code]).toEqual([400, 'INVALID_ARGUMENT']);
    }
    expect(await wallet('carol')).toEqual(before);
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
