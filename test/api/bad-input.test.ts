import { TestGateway, startFundedGateway } from '../support/gateway';

/**
 * Bad input gets a clear problem+json error with a stable code and changes nothing: balances,
 * holds and the ledger height are the same after every refused request.
 */
describe('bad input over REST', () => {
  let gw: TestGateway;
  let id: Record<string, string>;
  let escrowId: string;

  beforeAll(async () => {
    ({ gw, id } = await startFundedGateway(['bank', 'alice', 'bob', 'carol'], { alice: '5000' }));
    escrowId = (await gw.as('alice').post('/v1/escrows', { amount: '100', recipients: [{ account: id.bob, shareBps: 10000 }] })).body.id;
  });
  afterAll(() => gw.close());

  async function snapshot() {
    const out: Record<string, unknown> = {};
    for (const name of ['alice', 'bob', 'carol']) {
      const { balance, held, activeEscrows } = (await gw.as(name).get('/v1/accounts/me')).body;
      out[name] = { balance, held, activeEscrows };
    }
    out.escrow = (await gw.as('alice').get(`/v1/escrows/${escrowId}`)).body;
    return out;
  }

  const cases: [string, (g: TestGateway) => Promise<{ status: number; body: any; headers: Headers }>, number, string][] = [
    ['malformed amount "12.5"', (g) => g.as('alice').post('/v1/transfers', { to: id.bob, amount: '12.5' }), 400, 'INVALID_ARGUMENT'],
    ['negative amount "-1"', (g) => g.as('alice').post('/v1/transfers', { to: id.bob, amount: '-1' }), 400, 'INVALID_ARGUMENT'],
    ['amount as a JSON number', (g) => g.as('alice').post('/v1/transfers', { to: id.bob, amount: 10 }), 400, 'INVALID_ARGUMENT'],
    ['zero amount', (g) => g.as('alice').post('/v1/escrows', { amount: '0', recipients: [{ account: id.bob, shareBps: 10000 }] }), 400, 'INVALID_ARGUMENT'],
    ['leading zero "012"', (g) => g.as('bank').post(`/v1/accounts/${id.alice}/mint`, { amount: '012' }), 400, 'INVALID_ARGUMENT'],
    ['malformed JSON body', (g) => g.as('alice').post('/v1/escrows', '{"amount": "1",'), 400, 'INVALID_ARGUMENT'],
    ['unknown recipient account', (g) => g.as('alice').post('/v1/escrows', { amount: '10', recipients: [{ account: 'f'.repeat(40), shareBps: 10000 }] }), 404, 'NOT_FOUND'],
    ['unknown transfer recipient', (g) => g.as('alice').post('/v1/transfers', { to: 'e'.repeat(40), amount: '1' }), 404, 'NOT_FOUND'],
    ['shares not summing to 10000', (g) => g.as('alice').post('/v1/escrows', { amount: '10', recipients: [{ account: id.bob, shareBps: 6000 }, { account: id.carol, shareBps: 3000 }] }), 400, 'INVALID_ARGUMENT'],
    ['amounts not summing to the total', (g) => g.as('alice').post('/v1/escrows', { amount: '10', recipients: [{ account: id.bob, amount: '4' }, { account: id.carol, amount: '5' }] }), 400, 'INVALID_ARGUMENT'],
    ['mixed share and amount rules', (g) => g.as('alice').post('/v1/escrows', { amount: '10', recipients: [{ account: id.bob, amount: '5' }, { account: id.carol, shareBps: 5000 }] }), 400, 'INVALID_ARGUMENT'],
    ['a recipient listed twice', (g) => g.as('alice').post('/v1/escrows', { amount: '10', recipients: [{ account: id.bob, shareBps: 5000 }, { account: id.bob, shareBps: 5000 }] }), 400, 'INVALID_ARGUMENT'],
    ['the initiator as recipient', (g) => g.as('alice').post('/v1/escrows', { amount: '10', recipients: [{ account: id.alice, shareBps: 10000 }] }), 400, 'INVALID_ARGUMENT'],
    ['no recipients', (g) => g.as('alice').post('/v1/escrows', { amount: '10', recipients: [] }), 400, 'INVALID_ARGUMENT'],
    ['more than the balance', (g) => g.as('alice').post('/v1/escrows', { amount: '999999', recipients: [{ account: id.bob, shareBps: 10000 }] }), 422, 'INSUFFICIENT_FUNDS'],
    ['transfer beyond the balance', (g) => g.as('bob').post('/v1/transfers', { to: id.alice, amount: '1' }), 422, 'INSUFFICIENT_FUNDS'],
    ['transfer to self', (g) => g.as('alice').post('/v1/transfers', { to: id.alice, amount: '1' }), 400, 'INVALID_ARGUMENT'],
    ['mint without the issuer role', (g) => g.as('alice').post(`/v1/accounts/${id.alice}/mint`, { amount: '1' }), 403, 'FORBIDDEN'],
    ["confirming someone else's escrow", (g) => g.as('carol').post(`/v1/escrows/${escrowId}/confirm`), 403, 'FORBIDDEN'],
    ["completing someone else's escrow", (g) => g.as('bob').post(`/v1/escrows/${escrowId}/complete`), 403, 'FORBIDDEN'],
    ["cancelling someone else's escrow", (g) => g.as('carol').post(`/v1/escrows/${escrowId}/cancel`), 403, 'FORBIDDEN'],
    ["reading someone else's escrow", (g) => g.as('carol').get(`/v1/escrows/${escrowId}`), 403, 'FORBIDDEN'],
    ["reading someone else's account", (g) => g.as('carol').get(`/v1/accounts/${id.alice}`), 403, 'FORBIDDEN'],
    ['completing a PROPOSED escrow', (g) => g.as('alice').post(`/v1/escrows/${escrowId}/complete`), 409, 'FAILED_PRECONDITION'],
    ['an unknown escrow', (g) => g.as('alice').post('/v1/escrows/no-such-escrow/confirm'), 404, 'NOT_FOUND'],
    ['an escrow id with bad characters', (g) => g.as('alice').get('/v1/escrows/bad%20id'), 400, 'INVALID_ARGUMENT'],
    ['a bad status filter', (g) => g.as('alice').get('/v1/escrows?status=OPEN'), 400, 'INVALID_ARGUMENT'],
    ['a page size over 100', (g) => g.as('alice').get('/v1/escrows?pageSize=101'), 400, 'INVALID_ARGUMENT'],
    ['no API key', (g) => g.raw('GET', '/v1/accounts/me'), 401, 'UNAUTHENTICATED'],
    ['an unknown API key', (g) => g.raw('GET', '/v1/accounts/me', { headers: { authorization: 'Bearer cov_nope' } }), 401, 'UNAUTHENTICATED'],
    ['an unknown route', (g) => g.as('alice').get('/v1/nothing-here'), 404, 'NOT_FOUND'],
  ];

  test.each(cases.map(([name, call, status, code]) => ({ name, call, status, code })))('$name → $status $code, nothing changes', async ({ call, status, code }) => {
    const before = await snapshot();
    const res = await call(gw);
    expect(res.status).toBe(status);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    expect(res.body).toMatchObject({ status, code, title: expect.any(String), type: expect.stringMatching(/^urn:covenant:problem:/) });
    expect(await snapshot()).toEqual(before);
  });

  test('a 401 names the Bearer scheme', async () => {
    const res = await gw.raw('GET', '/v1/accounts/me');
    expect(res.headers.get('www-authenticate')).toBe('Bearer');
  });

  test('unknown fields in a body are refused naming them, and nothing is stored', async () => {
    const before = await snapshot();
    const res = await gw.as('alice').post('/v1/escrows', { amount: '1', recipients: [{ account: id.bob, shareBps: 10000 }], status: 'COMPLETED', initiator: id.bob });
    expect([res.status, res.body.code]).toEqual([400, 'INVALID_ARGUMENT']);
    expect(res.body.errors).toEqual([{ path: 'body/status', message: 'is not a known property' }]);
    expect(await snapshot()).toEqual(before);
  });
});
