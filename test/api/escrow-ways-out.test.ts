import { createHash } from 'node:crypto';
import { TestGateway, startFundedGateway } from '../support/gateway';

/**
 * The ways out of an escrow over REST (issue 8, finding 5: a silent recipient locked the
 * initiator's money forever): decline, the acceptance deadline and reclaim, and the named
 * arbitrator's ruling. Balances are read before and after, so the tests also hold on a shared
 * real network. The deadline test waits in real time.
 */
describe('escrow ways out over REST', () => {
  const run = Date.now().toString(36);
  let gw: TestGateway;
  let id: Record<string, string>;

  beforeAll(async () => {
    ({ gw, id } = await startFundedGateway(['bank', 'alice', 'bob', 'carol', 'dave', 'arbiter'], { alice: '100000' }));
  });
  afterAll(() => gw.close());

  const money = async (name: string) => {
    const a = (await gw.as(name).get('/v1/accounts/me')).body;
    return { balance: BigInt(a.balance), held: BigInt(a.held), activeEscrows: a.activeEscrows as number };
  };
  const moneyOf = async (names: string[]) => Object.fromEntries(await Promise.all(names.map(async (n) => [n, await money(n)])));
  const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

  test('a recipient declines: DECLINED, the initiator refunded, the confirmed recipient freed', async () => {
    const before = await moneyOf(['alice', 'bob', 'carol']);
    const created = await gw.as('alice').post('/v1/escrows', { amount: '700', recipients: [{ account: id.bob, shareBps: 5000 }, { account: id.carol, shareBps: 5000 }] });
    expect(created.status).toBe(201);
    const escrowId = created.body.id;
    expect((await gw.as('bob').post(`/v1/escrows/${escrowId}/confirm`)).status).toBe(200);
    expect((await money('bob')).activeEscrows).toBe(before.bob.activeEscrows + 1);

    const byInitiator = await gw.as('alice').post(`/v1/escrows/${escrowId}/decline`, { reason: 'not mine to decline' });
    expect([byInitiator.status, byInitiator.body.code]).toEqual([403, 'FORBIDDEN']);
    const byConfirmed = await gw.as('bob').post(`/v1/escrows/${escrowId}/decline`, {});
    expect([byConfirmed.status, byConfirmed.body.code]).toEqual([409, 'FAILED_PRECONDITION']);
    const tooLong = await gw.as('carol').post(`/v1/escrows/${escrowId}/decline`, { reason: 'x'.repeat(4097) });
    expect(tooLong.status).toBe(400);

    const declined = await gw.as('carol').post(`/v1/escrows/${escrowId}/decline`, { reason: 'price not agreed' });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ id: escrowId, status: 'DECLINED', decline: { by: id.carol, reason: 'price not agreed' } });
    expect(await moneyOf(['alice', 'bob', 'carol'])).toEqual(before);
    const again = await gw.as('carol').post(`/v1/escrows/${escrowId}/decline`, {});
    expect([again.status, again.body.code]).toEqual([409, 'FAILED_PRECONDITION']);
    expect((await gw.as('alice').get(`/v1/escrows/${escrowId}`)).body.status).toBe('DECLINED');
  });

  test('a decline needs no body', async () => {
    const before = await money('alice');
    // The recipient is bank: raw requests go to Org1's gateway, which serves Org1's members.
    const { body: escrow } = await gw.as('alice').post('/v1/escrows', { amount: '30', recipients: [{ account: id.bank, shareBps: 10000 }] });
    const declined = await gw.raw('POST', `/v1/escrows/${escrow.id}/decline`, { headers: { authorization: `Bearer ${gw.as('bank').apiKey}` } });
    expect(declined.status).toBe(200);
    expect(declined.body).toMatchObject({ status: 'DECLINED', decline: { by: id.bank } });
    expect(declined.body.decline.reason).toBeUndefined();
    expect(await money('alice')).toEqual(before);
  });

  test('the silent recipient: after acceptBy confirmation is refused and the initiator alone reclaims', async () => {
    const before = await moneyOf(['alice', 'bob', 'carol']);
    const acceptBy = new Date(Date.now() + 3000).toISOString();
    const created = await gw.as('alice').post('/v1/escrows', {
      id: `silent-${run}`,
      amount: '1000',
      acceptBy,
      recipients: [
        { account: id.bob, shareBps: 6000 },
        { account: id.carol, shareBps: 4000 },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body.acceptBy).toBe(acceptBy);
    const escrowId = created.body.id;
    expect((await gw.as('bob').post(`/v1/escrows/${escrowId}/confirm`)).status).toBe(200);
    // Two of the three parties approve cancellation; carol stays silent; the amount stays held.
    expect((await gw.as('alice').post(`/v1/escrows/${escrowId}/cancel`)).body.status).toBe('PROPOSED');
    expect((await gw.as('bob').post(`/v1/escrows/${escrowId}/cancel`)).body.status).toBe('PROPOSED');
    expect((await money('alice')).held).toBe(before.alice.held + 1000n);
    const early = await gw.as('alice').post(`/v1/escrows/${escrowId}/reclaim`);
    expect([early.status, early.body.code]).toEqual([409, 'FAILED_PRECONDITION']);

    await sleep(Math.max(0, Date.parse(acceptBy) - Date.now()) + 1500);
    const late = await gw.as('carol').post(`/v1/escrows/${escrowId}/confirm`);
    expect([late.status, late.body.code]).toEqual([409, 'FAILED_PRECONDITION']);
    const byRecipient = await gw.as('bob').post(`/v1/escrows/${escrowId}/reclaim`);
    expect([byRecipient.status, byRecipient.body.code]).toEqual([403, 'FORBIDDEN']);

    const reclaimed = await gw.as('alice').post(`/v1/escrows/${escrowId}/reclaim`);
    expect(reclaimed.status).toBe(200);
    expect(reclaimed.body).toMatchObject({ status: 'EXPIRED' });
    expect(Date.parse(reclaimed.body.expiredAt)).toBeGreaterThan(Date.parse(acceptBy));
    expect(await moneyOf(['alice', 'bob', 'carol'])).toEqual(before);
  });

  test('create refuses an acceptBy in the past or too far ahead, and an arbitrator without the role', async () => {
    const body = (extra: Record<string, unknown>) => ({ amount: '5', recipients: [{ account: id.bob, shareBps: 10000 }], ...extra });
    const past = await gw.as('alice').post('/v1/escrows', body({ acceptBy: new Date(Date.now() - 60_000).toISOString() }));
    expect([past.status, past.body.code]).toEqual([400, 'INVALID_ARGUMENT']);
    const far = await gw.as('alice').post('/v1/escrows', body({ acceptBy: new Date(Date.now() + 400 * 24 * 3600_000).toISOString() }));
    expect([far.status, far.body.code]).toEqual([400, 'INVALID_ARGUMENT']);
    const notArbitrator = await gw.as('alice').post('/v1/escrows', body({ arbitrator: id.carol }));
    expect([notArbitrator.status, notArbitrator.body.code]).toEqual([409, 'FAILED_PRECONDITION']);
    const party = await gw.as('alice').post('/v1/escrows', body({ arbitrator: id.bob }));
    expect([party.status, party.body.code]).toEqual([400, 'INVALID_ARGUMENT']);
    const plain = (await gw.as('alice').post('/v1/escrows', body({}))).body;
    expect((await gw.as('bob').post(`/v1/escrows/${plain.id}/confirm`)).body.status).toBe('ACTIVE');
    const noArbitrator = await gw.as('bob').post(`/v1/escrows/${plain.id}/dispute`, { reason: 'no one to rule' });
    expect([noArbitrator.status, noArbitrator.body.code]).toEqual([409, 'FAILED_PRECONDITION']);
  });

  /** alice's ACTIVE escrow of `amount` for bob (60%) and dave (40%) naming arbiter, disputed by bob. */
  async function disputed(amount: string): Promise<string> {
    const created = await gw.as('alice').post('/v1/escrows', {
      amount,
      arbitrator: id.arbiter,
      recipients: [
        { account: id.bob, shareBps: 6000 },
        { account: id.dave, shareBps: 4000 },
      ],
    });
    expect(created.status).toBe(201);
    expect(created.body.arbitrator).toBe(id.arbiter);
    const escrowId = created.body.id;
    expect((await gw.as('bob').post(`/v1/escrows/${escrowId}/confirm`)).status).toBe(200);
    expect((await gw.as('dave').post(`/v1/escrows/${escrowId}/confirm`)).body.status).toBe('ACTIVE');
    const evidenceHash = createHash('sha256').update('delivery note').digest('hex');
    const opened = await gw.as('bob').post(`/v1/escrows/${escrowId}/dispute`, { reason: 'delivered, not paid', evidenceHash });
    expect(opened.status).toBe(200);
    expect(opened.body).toMatchObject({ status: 'DISPUTED', dispute: { by: id.bob, reason: 'delivered, not paid', evidenceHash } });
    return escrowId;
  }

  test('the arbitrator rules REFUND: the initiator gets the amount back; outsiders see nothing', async () => {
    const before = await moneyOf(['alice', 'bob', 'dave']);
    const escrowId = await disputed('1000');
    expect((await money('alice')).held).toBe(before.alice.held + 1000n);

    // carol is neither a party nor the arbitrator.
    for (const res of [
      await gw.as('carol').get(`/v1/escrows/${escrowId}`),
      await gw.as('carol').get(`/v1/escrows/${escrowId}/history`),
      await gw.as('carol').post(`/v1/escrows/${escrowId}/ruling`, { outcome: 'REFUND', reasons: 'I say so' }),
    ]) {
      expect([res.status, res.body.code]).toEqual([403, 'FORBIDDEN']);
    }
    // A party cannot rule.
    const byParty = await gw.as('alice').post(`/v1/escrows/${escrowId}/ruling`, { outcome: 'REFUND', reasons: 'mine' });
    expect([byParty.status, byParty.body.code]).toEqual([403, 'FORBIDDEN']);
    // The arbitrator reads it and finds it in its queue.
    expect((await gw.as('arbiter').get(`/v1/escrows/${escrowId}`)).body.status).toBe('DISPUTED');
    expect((await gw.as('arbiter').get(`/v1/escrows/${escrowId}/history`)).body.items.map((h: any) => h.escrow.status)).toEqual(['PROPOSED', 'PROPOSED', 'ACTIVE', 'DISPUTED']);
    const queue = await gw.as('arbiter').get('/v1/escrows?role=arbitrator&status=DISPUTED&pageSize=100');
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((e: any) => e.id)).toContain(escrowId);

    const noReasons = await gw.as('arbiter').post(`/v1/escrows/${escrowId}/ruling`, { outcome: 'REFUND' });
    expect(noReasons.status).toBe(400);
    const ruled = await gw.as('arbiter').post(`/v1/escrows/${escrowId}/ruling`, { outcome: 'REFUND', reasons: 'The carrier record shows nothing was shipped.' });
    expect(ruled.status).toBe(200);
    expect(ruled.body).toMatchObject({ status: 'REFUNDED', ruling: { outcome: 'REFUND', reasons: 'The carrier record shows nothing was shipped.', arbitrator: id.arbiter } });
    expect(await moneyOf(['alice', 'bob', 'dave'])).toEqual(before);
    const twice = await gw.as('arbiter').post(`/v1/escrows/${escrowId}/ruling`, { outcome: 'COMPLETE', reasons: 'second thoughts' });
    expect([twice.status, twice.body.code]).toEqual([409, 'FAILED_PRECONDITION']);
    expect((await gw.as('arbiter').get('/v1/escrows?role=arbitrator&status=DISPUTED&pageSize=100')).body.items.map((e: any) => e.id)).not.toContain(escrowId);
  });

  test('the arbitrator rules COMPLETE: each recipient is paid exactly its share', async () => {
    const before = await moneyOf(['alice', 'bob', 'dave']);
    const escrowId = await disputed('1001');
    const ruled = await gw.as('arbiter').post(`/v1/escrows/${escrowId}/ruling`, { outcome: 'COMPLETE', reasons: 'The signed receipt proves delivery.' });
    expect(ruled.status).toBe(200);
    expect(ruled.body).toMatchObject({ status: 'COMPLETED', ruling: { outcome: 'COMPLETE', arbitrator: id.arbiter } });
    expect(await moneyOf(['alice', 'bob', 'dave'])).toEqual({
      alice: { ...before.alice, balance: before.alice.balance - 1001n },
      bob: { ...before.bob, balance: before.bob.balance + 601n },
      dave: { ...before.dave, balance: before.dave.balance + 400n },
    });
  });

  test('the OpenAPI document describes the ways out', async () => {
    const doc = (await gw.raw('GET', '/docs/json')).body;
    for (const path of ['/v1/escrows/{id}/decline', '/v1/escrows/{id}/reclaim', '/v1/escrows/{id}/dispute', '/v1/escrows/{id}/ruling']) {
      expect({ path, responses: Object.keys(doc.paths[path]?.post?.responses ?? {}) }).toEqual({ path, responses: expect.arrayContaining(['200', '400', '403', '404', '409']) });
    }
    const escrow = doc.components.schemas.Escrow;
    expect(Object.keys(escrow.properties)).toEqual(expect.arrayContaining(['acceptBy', 'arbitrator', 'decline', 'dispute', 'ruling', 'expiredAt']));
    const statuses = JSON.stringify(escrow.properties.status);
    for (const status of ['DISPUTED', 'DECLINED', 'EXPIRED', 'REFUNDED']) expect({ status, listed: statuses.includes(`"${status}"`) }).toEqual({ status, listed: true });
  });
});
