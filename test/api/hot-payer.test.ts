import { HttpResult, TestGateway, UserClient, startFundedGateway } from '../support/gateway';

/**
 * Hot payers (issue 11; chaincode/src/accounts/README.md): an owner splits its balance into
 * sub-balances over REST, then pays many recipients concurrently; every payment is answered 201
 * with the payer's account, balances are exact, and a payment larger than any sub-balance but
 * within the total still succeeds.
 */

let gw: TestGateway;
let id: Record<string, string>;

beforeAll(async () => {
  ({ gw, id } = await startFundedGateway(['bank', 'alice', 'bob', 'carol', 'dave'], { alice: '100000' }));
});
afterAll(() => gw?.close());

/** PUT with the user's API key, to the user's own organisation's gateway. */
async function put(user: UserClient, path: string, body: unknown): Promise<HttpResult> {
  const res = await fetch(user.url + path, {
    method: 'PUT',
    headers: { authorization: `Bearer ${user.apiKey}`, 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  return { status: res.status, body: await res.json(), headers: res.headers };
}

const balanceOf = async (name: string) => (await gw.as(name).get('/v1/accounts/me')).body.balance;

test('the owner splits its balance; others are refused (403) and bad counts are 400', async () => {
  const bad = [{ count: 65 }, { count: -1 }, { count: 2.5 }, { count: '4' }, {}, { count: 4, extra: true }];
  for (const body of bad) expect({ body, status: (await put(gw.as('alice'), `/v1/accounts/${id.alice}/sub-balances`, body)).status }).toEqual({ body, status: 400 });
  const forbidden = await put(gw.as('bob'), `/v1/accounts/${id.alice}/sub-balances`, { count: 4 });
  expect(forbidden.status).toBe(403);
  expect(forbidden.body.code).toBe('FORBIDDEN');
  expect((await gw.as('alice').get('/v1/accounts/me')).body.subBalances).toBeUndefined();

  const split = await put(gw.as('alice'), `/v1/accounts/${id.alice}/sub-balances`, { count: 32 });
  expect(split.status).toBe(200);
  expect(split.body).toMatchObject({ id: id.alice, balance: '100000', held: '0', subBalances: 32 });
  expect((await gw.as('alice').get('/v1/accounts/me')).body).toMatchObject({ balance: '100000', subBalances: 32 });
});

test('32 concurrent transfers from one split account are all 201 with the payer account, and balances are exact', async () => {
  const before = { alice: BigInt(await balanceOf('alice')), bob: BigInt(await balanceOf('bob')), carol: BigInt(await balanceOf('carol')), dave: BigInt(await balanceOf('dave')) };
  const recipients = ['bob', 'carol', 'dave'] as const;
  const answers = await Promise.all(
    Array.from({ length: 32 }, (_, i) => gw.as('alice').post('/v1/transfers', { to: id[recipients[i % 3]], amount: String(10 + i) }, { 'idempotency-key': `hot-${i}` })),
  );
  expect(answers.map((a) => a.status)).toEqual(Array(32).fill(201));
  for (const [i, a] of answers.entries()) {
    expect(a.body).toMatchObject({ from: id.alice, to: id[recipients[i % 3]], amount: String(10 + i), account: { id: id.alice, subBalances: 32 } });
    expect(a.body.subBalance).toBeUndefined();
  }
  const paid = (k: number) => Array.from({ length: 32 }, (_, i) => i).filter((i) => i % 3 === k).reduce((s, i) => s + BigInt(10 + i), 0n);
  expect(BigInt(await balanceOf('alice'))).toBe(before.alice - paid(0) - paid(1) - paid(2));
  expect(BigInt(await balanceOf('bob'))).toBe(before.bob + paid(0));
  expect(BigInt(await balanceOf('carol'))).toBe(before.carol + paid(1));
  expect(BigInt(await balanceOf('dave'))).toBe(before.dave + paid(2));
  // A repeat with the same key answers the first result and moves nothing.
  const again = await gw.as('alice').post('/v1/transfers', { to: id.bob, amount: '10' }, { 'idempotency-key': 'hot-0' });
  expect(again.status).toBe(201);
  expect(again.headers.get('idempotent-replayed')).toBe('true');
  expect(again.body).toEqual(answers[0].body);
  expect(BigInt(await balanceOf('alice'))).toBe(before.alice - paid(0) - paid(1) - paid(2));
});

test('a transfer larger than any sub-balance but within the total succeeds; more than the total is 422; withdrawals too', async () => {
  const total = BigInt(await balanceOf('alice'));
  const large = await gw.as('alice').post('/v1/transfers', { to: id.bob, amount: (total / 2n).toString() });
  expect(large.status).toBe(201);
  expect(large.body.account).toMatchObject({ balance: (total - total / 2n).toString(), subBalances: 32 });
  const rest = total - total / 2n;
  const short = await gw.as('alice').post('/v1/transfers', { to: id.bob, amount: (rest + 1n).toString() });
  expect(short.status).toBe(422);
  expect(short.body.code).toBe('INSUFFICIENT_FUNDS');
  const small = await gw.as('alice').post('/v1/withdrawals', { amount: '7' });
  expect(small.status).toBe(201);
  expect(small.body.account).toMatchObject({ id: id.alice, balance: (rest - 7n).toString(), subBalances: 32 });
  const all = await gw.as('alice').post('/v1/withdrawals', { amount: (rest - 7n).toString() });
  expect(all.status).toBe(201);
  expect(all.body.account).toMatchObject({ balance: '0', subBalances: 32 });
  expect((await gw.as('alice').post('/v1/withdrawals', { amount: '1' })).status).toBe(422);

  // Merged back: the account key alone, as before.
  const merged = await put(gw.as('alice'), `/v1/accounts/${id.alice}/sub-balances`, { count: 0 });
  expect(merged.status).toBe(200);
  expect(merged.body.subBalances).toBeUndefined();
  expect((await gw.as('bank').post(`/v1/accounts/${id.alice}/mint`, { amount: '50' })).status).toBe(200);
  const plain = await gw.as('alice').post('/v1/transfers', { to: id.bob, amount: '20' });
  expect(plain.status).toBe(201);
  expect(plain.body.account).toMatchObject({ balance: '30' });
  expect(plain.body.account.subBalances).toBeUndefined();
});
