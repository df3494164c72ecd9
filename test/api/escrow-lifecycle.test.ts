import { createHash } from 'node:crypto';
import { TestGateway, startFundedGateway } from '../support/gateway';

/** Whole escrow lifecycles over HTTP against the real gateway on the embedded ledger. */
describe('escrow lifecycle over REST', () => {
  // Client-chosen ids are unique per run: on a real network the ledger outlives the test run.
  const run = Date.now().toString(36);
  let gw: TestGateway;
  let id: Record<string, string>;

  beforeAll(async () => {
    ({ gw, id } = await startFundedGateway(['bank', 'alice', 'bob', 'carol', 'dave'], { alice: '100000' }));
  });
  afterAll(() => gw.close());

  const balanceOf = async (name: string) => (await gw.as(name).get('/v1/accounts/me')).body;

  test('two recipients with a 60/40 split: propose, confirm, complete', async () => {
    const alice = gw.as('alice');
    const created = await alice.post('/v1/escrows', {
      amount: '1001',
      recipients: [
        { account: id.bob, shareBps: 6000 },
        { account: id.carol, shareBps: 4000 },
      ],
      terms: 'forty pallets',
    });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/escrows/${created.body.id}`);
    expect(created.headers.get('x-transaction-id')).toMatch(/^[0-9a-f]{64}$/);
    const escrow = created.body;
    expect(escrow).toMatchObject({
      status: 'PROPOSED',
      initiator: id.alice,
      amount: '1001',
      cancelApprovals: [],
      termsHash: createHash('sha256').update('forty pallets').digest('hex'),
    });
    // The rounding remainder (1001 * 0.6 = 600.6) goes to the first recipient.
    expect(escrow.recipients).toEqual([
      { account: id.bob, amount: '601', shareBps: 6000, confirmed: false },
      { account: id.carol, amount: '400', shareBps: 4000, confirmed: false },
    ]);
    expect(await balanceOf('alice')).toMatchObject({ balance: '98999', held: '1001' });

    const first = await gw.as('bob').post(`/v1/escrows/${escrow.id}/confirm`);
    expect(first.status).toBe(200);
    expect(first.body.status).toBe('PROPOSED');
    const second = await gw.as('carol').post(`/v1/escrows/${escrow.id}/confirm`);
    expect(second.body.status).toBe('ACTIVE');
    expect((await balanceOf('bob')).activeEscrows).toBe(1);

    const done = await alice.post(`/v1/escrows/${escrow.id}/complete`);
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ status: 'COMPLETED' });
    expect(await balanceOf('alice')).toMatchObject({ balance: '98999', held: '0' });
    expect(await balanceOf('bob')).toMatchObject({ balance: '601', held: '0', activeEscrows: 0 });
    expect(await balanceOf('carol')).toMatchObject({ balance: '400', held: '0', activeEscrows: 0 });

    const history = await gw.as('carol').get(`/v1/escrows/${escrow.id}/history`);
    expect(history.status).toBe(200);
    expect(history.body.items.map((h: any) => h.escrow.status)).toEqual(['PROPOSED', 'PROPOSED', 'ACTIVE', 'COMPLETED']);
    expect(new Set(history.body.items.map((h: any) => h.txId)).size).toBe(4);

    // A second completion is refused and pays nothing.
    const again = await alice.post(`/v1/escrows/${escrow.id}/complete`);
    expect(again.status).toBe(409);
    expect(again.body.code).toBe('FAILED_PRECONDITION');
    expect(await balanceOf('bob')).toMatchObject({ balance: '601' });
  });

  test('explicit amounts and a client-chosen id', async () => {
    const res = await gw.as('alice').post('/v1/escrows', {
      id: `order-42-${run}`,
      amount: '300',
      recipients: [
        { account: id.bob, amount: '100' },
        { account: id.dave, amount: '200' },
      ],
    });
    expect(res.status).toBe(201);
    expect(res.body.id).toBe(`order-42-${run}`);
    expect(res.body.recipients.map((r: any) => r.amount)).toEqual(['100', '200']);
    const dup = await gw.as('alice').post('/v1/escrows', { id: `order-42-${run}`, amount: '1', recipients: [{ account: id.bob, shareBps: 10000 }] });
    expect(dup.status).toBe(409);
    expect(dup.body.code).toBe('ALREADY_EXISTS');
    // Withdraw the offer before anyone confirms: the initiator alone may.
    const cancelled = await gw.as('alice').post(`/v1/escrows/order-42-${run}/cancel`);
    expect(cancelled.body.status).toBe('CANCELLED');
  });

  test('cancellation by mutual approval once a recipient confirmed', async () => {
    const before = await balanceOf('alice');
    const { body: escrow } = await gw.as('alice').post('/v1/escrows', {
      amount: '500',
      recipients: [
        { account: id.bob, shareBps: 5000 },
        { account: id.carol, shareBps: 5000 },
      ],
    });
    await gw.as('bob').post(`/v1/escrows/${escrow.id}/confirm`);

    const a = await gw.as('alice').post(`/v1/escrows/${escrow.id}/cancel`);
    expect(a.status).toBe(200);
    expect(a.body).toMatchObject({ status: 'PROPOSED', cancelApprovals: [id.alice] });
    const repeat = await gw.as('alice').post(`/v1/escrows/${escrow.id}/cancel`);
    expect(repeat.status).toBe(409);
    expect(repeat.body.code).toBe('ALREADY_EXISTS');
    const b = await gw.as('bob').post(`/v1/escrows/${escrow.id}/cancel`);
    expect(b.body).toMatchObject({ status: 'PROPOSED', cancelApprovals: [id.alice, id.bob] });
    expect(await balanceOf('alice')).toMatchObject({ held: String(BigInt(before.held) + 500n) });
    const c = await gw.as('carol').post(`/v1/escrows/${escrow.id}/cancel`);
    expect(c.body).toMatchObject({ status: 'CANCELLED', cancelApprovals: [id.alice, id.bob, id.carol] });
    expect(await balanceOf('alice')).toMatchObject({ balance: before.balance, held: before.held });
    expect((await balanceOf('bob')).activeEscrows).toBe(0);
  });

  test('listing by role and status pages with bookmarks', async () => {
    for (let i = 0; i < 5; i++) {
      await gw.as('alice').post('/v1/escrows', { id: `page-${i}-${run}`, amount: '1', recipients: [{ account: id.dave, shareBps: 10000 }] });
    }
    const seen: string[] = [];
    let bookmark = '';
    for (let guard = 0; guard < 10; guard++) {
      const res = await gw.as('dave').get(`/v1/escrows?role=recipient&status=PROPOSED&pageSize=2&bookmark=${encodeURIComponent(bookmark)}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(2);
      seen.push(...res.body.items.map((e: any) => e.id));
      bookmark = res.body.bookmark;
      if (!bookmark) break;
    }
    expect(seen).toEqual([0, 1, 2, 3, 4].map((i) => `page-${i}-${run}`));
    const asInitiator = await gw.as('dave').get('/v1/escrows?role=initiator');
    expect(asInitiator.body.items).toEqual([]);
    const completed = await gw.as('carol').get('/v1/escrows?status=COMPLETED');
    expect(completed.body.items.map((e: any) => e.status)).toEqual(['COMPLETED']);
  });

  test('the active-escrow threshold refuses a recipient until its escrows settle', async () => {
    const admin = gw.as('admin1');
    const set = await admin.patch('/v1/consortium/settings', { escrowActiveThreshold: 1 });
    expect(set.status).toBe(200);
    expect(set.body.escrowActiveThreshold).toBe(1);
    expect((await gw.as('alice').patch('/v1/consortium/settings', { escrowActiveThreshold: 5 })).status).toBe(403);

    const one = (await gw.as('alice').post('/v1/escrows', { amount: '10', recipients: [{ account: id.carol, shareBps: 10000 }] })).body;
    const two = (await gw.as('alice').post('/v1/escrows', { amount: '10', recipients: [{ account: id.carol, shareBps: 10000 }] })).body;
    expect((await gw.as('carol').post(`/v1/escrows/${one.id}/confirm`)).body.status).toBe('ACTIVE');
    const refused = await gw.as('carol').post(`/v1/escrows/${two.id}/confirm`);
    expect(refused.status).toBe(409);
    expect(refused.body).toMatchObject({ code: 'FAILED_PRECONDITION' });
    expect(refused.body.detail).toMatch(/threshold/);
    const refusedCreate = await gw.as('alice').post('/v1/escrows', { amount: '10', recipients: [{ account: id.carol, shareBps: 10000 }] });
    expect(refusedCreate.status).toBe(409);

    await gw.as('alice').post(`/v1/escrows/${one.id}/complete`);
    expect((await gw.as('carol').post(`/v1/escrows/${two.id}/confirm`)).body.status).toBe('ACTIVE');
    await admin.patch('/v1/consortium/settings', { escrowActiveThreshold: 100 });
  });
});
