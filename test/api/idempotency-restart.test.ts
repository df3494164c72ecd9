import { TestGateway, registerAll, startFundedGateway, startTestGateway } from '../support/gateway';

describe('idempotent POSTs', () => {
  let gw: TestGateway;
  let id: Record<string, string>;

  beforeAll(async () => {
    ({ gw, id } = await startFundedGateway(['bank', 'alice', 'bob'], { alice: '1000' }));
  });
  afterAll(() => gw.close());

  test('a repeated transfer with the same Idempotency-Key moves money once and returns the first response', async () => {
    const body = { to: id.bob, amount: '250' };
    const first = await gw.as('alice').post('/v1/transfers', body, { 'idempotency-key': 'transfer-1' });
    const second = await gw.as('alice').post('/v1/transfers', body, { 'idempotency-key': 'transfer-1' });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    expect(second.body).toEqual(first.body);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(second.headers.get('x-transaction-id')).toBe(first.headers.get('x-transaction-id'));
    expect((await gw.as('bob').get('/v1/accounts/me')).body.balance).toBe('250');
  });

  test('concurrent repeats submit once', async () => {
    const body = { amount: '10', recipients: [{ account: id.bob, shareBps: 10000 }] };
    const results = await Promise.all([1, 2, 3].map(() => gw.as('alice').post('/v1/escrows', body, { 'idempotency-key': 'escrow-once' })));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201]);
    expect(new Set(results.map((r) => r.body.id)).size).toBe(1);
    expect((await gw.as('alice').get('/v1/accounts/me')).body.held).toBe('10');
  });

  test('the same key with a different request is refused', async () => {
    await gw.as('alice').post('/v1/transfers', { to: id.bob, amount: '1' }, { 'idempotency-key': 'k-2' });
    const reused = await gw.as('alice').post('/v1/transfers', { to: id.bob, amount: '2' }, { 'idempotency-key': 'k-2' });
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await gw.as('bob').get('/v1/accounts/me')).body.balance).toBe('251');
  });

  test('keys are scoped to the caller', async () => {
    await gw.as('bank').post(`/v1/accounts/${id.bob}/mint`, { amount: '5' }, { 'idempotency-key': 'shared' });
    const bobs = await gw.as('bob').post('/v1/transfers', { to: id.alice, amount: '5' }, { 'idempotency-key': 'shared' });
    expect(bobs.status).toBe(201);
    expect(bobs.headers.get('idempotent-replayed')).toBeNull();
  });

  test('a refusal is replayed too, without a second submission', async () => {
    const body = { to: id.bob, amount: '999999' };
    const first = await gw.as('alice').post('/v1/transfers', body, { 'idempotency-key': 'too-much' });
    expect(first.status).toBe(422);
    const again = await gw.as('alice').post('/v1/transfers', body, { 'idempotency-key': 'too-much' });
    expect(again.status).toBe(422);
    expect(again.headers.get('idempotent-replayed')).toBe('true');
  });
});

describe('restart', () => {
  test('a restarted gateway keeps every account, escrow and idempotency record, and the same API keys', async () => {
    const gw = await startTestGateway();
    const id = await registerAll(gw, ['bank', 'alice', 'bob']);
    await gw.as('bank').post(`/v1/accounts/${id.alice}/mint`, { amount: '700' });
    const escrow = (await gw.as('alice').post('/v1/escrows', { amount: '300', recipients: [{ account: id.bob, shareBps: 10000 }] }, { 'idempotency-key': 'e1' })).body;
    await gw.as('bob').post(`/v1/escrows/${escrow.id}/confirm`);
    await gw.stop();

    const again = await startTestGateway(gw.dataDir);
    try {
      expect(again.as('alice').apiKey).toBe(gw.as('alice').apiKey);
      expect((await again.as('alice').get('/v1/accounts/me')).body).toMatchObject({ balance: '400', held: '300' });
      expect((await again.as('alice').get(`/v1/escrows/${escrow.id}`)).body.status).toBe('ACTIVE');
      const replay = await again.as('alice').post('/v1/escrows', { amount: '300', recipients: [{ account: id.bob, shareBps: 10000 }] }, { 'idempotency-key': 'e1' });
      expect(replay.headers.get('idempotent-replayed')).toBe('true');
      expect(replay.body.id).toBe(escrow.id);
      expect((await again.as('alice').post(`/v1/escrows/${escrow.id}/complete`)).body.status).toBe('COMPLETED');
      expect((await again.as('bob').get('/v1/accounts/me')).body.balance).toBe('300');
      // POST /v1/accounts after a restart is still "already registered".
      expect((await again.as('bob').post('/v1/accounts')).status).toBe(200);
    } finally {
      await again.close();
    }
  });
});
