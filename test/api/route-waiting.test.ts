import { TestGateway, startFundedGateway } from '../support/gateway';

/**
 * Routed payments that wait for liquidity (POST /v1/payments with waitSeconds; issue 14, after
 * Spider's queues): alice (Org1) pays carol (Org3) through bob (Org2). bob starts with nothing to
 * pay carol, so no route carries anything until carol (the payee side) pays bob off-chain.
 *
 *   alice ──60── bob ──0── carol     (bc opened by carol with 30 on her side)
 */
const run = Date.now().toString(36);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('routed payments that wait for liquidity', () => {
  let gw: TestGateway;
  let id: Record<string, string>;
  const ch = { ab: `wab-${run}`, bc: `wbc-${run}` };

  beforeAll(async () => {
    ({ gw, id } = await startFundedGateway(['bank', 'alice', 'bob', 'carol', 'dave'], { alice: '1000', carol: '1000' }, { perOrg: true }));
    expect((await gw.as('alice').post('/v1/channels', { id: ch.ab, counterparty: id.bob, deposit: '60', counterpartyDeposit: '0' })).status).toBe(201);
    expect((await gw.as('carol').post('/v1/channels', { id: ch.bc, counterparty: id.bob, deposit: '30', counterpartyDeposit: '0' })).status).toBe(201);
    for (const [who, channel] of [['bob', ch.ab], ['bob', ch.bc], ['carol', ch.bc]]) {
      expect((await gw.as(who).post(`/v1/channels/${channel}/forwarding`, { allow: true })).status).toBe(200);
    }
  }, 120_000);
  afterAll(() => gw.close());

  /** The latest agreed balances of `channel` as `who`'s gateway holds them, in the channel's party order (ab: alice, bob; bc: carol, bob). */
  const agreed = async (who: string, channel: string) => (await gw.as(who).get(`/v1/channels/${channel}/state`)).body.balances as string[];
  const both = async () => [await agreed('alice', ch.ab), await agreed('carol', ch.bc)];
  const wait = (amount: string, waitSeconds: number, headers?: Record<string, string>) => gw.as('alice').post('/v1/payments', { to: id.carol, amount, waitSeconds }, headers);
  const payment = async (paymentId: string, who = 'alice') => gw.as(who).get(`/v1/payments/${paymentId}`);
  /** Polls alice's payment until it leaves PENDING (or `ms` pass); returns it. */
  const settled = async (paymentId: string, ms = 15_000) => {
    const until = Date.now() + ms;
    let res = await payment(paymentId);
    while (res.body.status === 'PENDING' && Date.now() < until) {
      await sleep(200);
      res = await payment(paymentId);
    }
    return res.body;
  };
  /** carol pays bob `amount` off-chain on bc: liquidity for routes towards carol. */
  const liquidity = async (amount: string) => expect((await gw.as('carol').post(`/v1/channels/${ch.bc}/payments`, { amount })).status).toBe(201);

  test('a payment no route can carry now answers 202 PENDING and moves nothing; once the payee side sends liquidity back it is PAID, with exact balances', async () => {
    // Without waitSeconds nothing changes: refused at once.
    expect((await gw.as('alice').post('/v1/payments', { to: id.carol, amount: '5' })).status).toBe(422);
    const before = Date.now();
    const res = await wait('5', 60);
    expect(res.status).toBe(202);
    expect(res.body).toMatchObject({ status: 'PENDING', to: id.carol, amount: '5', router: 'multipath' });
    expect(res.headers.get('location')).toBe(`/v1/payments/${res.body.id}`);
    expect(Date.parse(res.body.deadline) - before).toBeGreaterThanOrEqual(59_000);
    expect(Date.parse(res.body.deadline) - Date.now()).toBeLessThanOrEqual(60_000);
    // Retried meanwhile (every 2 s), it cannot go: nothing moves.
    await sleep(2_500);
    expect((await payment(res.body.id)).body.status).toBe('PENDING');
    expect(await both()).toEqual([['60', '0'], ['30', '0']]);

    await liquidity('8');
    const paid = await settled(res.body.id);
    expect(paid).toMatchObject({ id: res.body.id, status: 'PAID', amount: '5', multiparty: expect.any(String), paidAt: expect.any(String) });
    expect(paid.parts.reduce((s: bigint, p: { amount: string }) => s + BigInt(p.amount), 0n)).toBe(5n);
    // alice paid 5, carol received 5; bob kept 8 - 5 on bc and gained 5 on ab.
    expect(await both()).toEqual([['55', '5'], ['27', '3']]);
  }, 60_000);

  test('a waiting payment past its deadline is EXPIRED and moved nothing; it can no longer be cancelled', async () => {
    const res = await wait('50', 1);
    expect(res.status).toBe(202);
    const expired = await settled(res.body.id, 6_000);
    expect(expired).toMatchObject({ status: 'EXPIRED', finishedAt: expect.any(String) });
    expect(expired.multiparty).toBeUndefined();
    expect(await both()).toEqual([['55', '5'], ['27', '3']]);
    const cancel = await gw.as('alice').post(`/v1/payments/${res.body.id}/cancel`);
    expect([cancel.status, cancel.body.code]).toEqual([409, 'FAILED_PRECONDITION']);
  }, 30_000);

  test('smallest first: with liquidity for either of two waiting payments but not both, the smaller goes; a cancelled one never goes', async () => {
    const larger = await wait('7', 120);
    const smaller = await wait('4', 120);
    expect([larger.status, smaller.status]).toEqual([202, 202]);
    // bob can pay carol 3 + 4 = 7: enough for the 7 (oldest) or the 4, not both.
    await liquidity('4');
    expect(await settled(smaller.body.id)).toMatchObject({ status: 'PAID', amount: '4' });
    await sleep(2_500);
    expect((await payment(larger.body.id)).body.status).toBe('PENDING');
    expect(await both()).toEqual([['51', '9'], ['27', '3']]);

    // The caller's list, newest first, by status.
    const pending = (await gw.as('alice').get('/v1/payments?status=PENDING')).body;
    expect(pending.items.map((p: { id: string }) => p.id)).toEqual([larger.body.id]);
    const paidIds = (await gw.as('alice').get('/v1/payments?status=PAID')).body.items.map((p: { id: string }) => p.id);
    expect(paidIds[0]).toBe(smaller.body.id);
    expect(paidIds).toHaveLength(2);
    const all = (await gw.as('alice').get('/v1/payments?pageSize=2')).body;
    expect(all.items.map((p: { id: string }) => p.id)).toEqual([smaller.body.id, larger.body.id]);
    expect(all.bookmark).not.toBe('');

    // Cancelled, it stays so (a repeat of the cancel answers it as it is) and never moves money.
    const cancel = await gw.as('alice').post(`/v1/payments/${larger.body.id}/cancel`);
    expect([cancel.status, cancel.body.status]).toEqual([200, 'CANCELLED']);
    expect((await gw.as('alice').post(`/v1/payments/${larger.body.id}/cancel`)).body.status).toBe('CANCELLED');
    await liquidity('10');
    await sleep(2_500);
    expect((await payment(larger.body.id)).body.status).toBe('CANCELLED');
    expect(await both()).toEqual([['51', '9'], ['17', '13']]);
  }, 60_000);

  test('a repeat with the same Idempotency-Key answers the same waiting payment, never a second one, even after a crash between storing it and answering', async () => {
    const key = { 'Idempotency-Key': `wait-${run}` };
    const first = await wait('20', 60, key);
    const repeat = await wait('20', 60, key);
    expect([first.status, repeat.status]).toEqual([202, 202]);
    expect(repeat.body.id).toBe(first.body.id);
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
    const pending = async () => (await gw.as('alice').get('/v1/payments?status=PENDING')).body.items.map((p: { id: string }) => p.id);
    expect(await pending()).toEqual([first.body.id]);
    expect((await gw.as('alice').post(`/v1/payments/${first.body.id}/cancel`)).body.status).toBe('CANCELLED');

    // The gateway "crashes" after storing the payment, before answering: no response is kept for the key.
    let crash = true;
    await gw.restart('Org1MSP', {
      afterPendingStored: () => {
        if (crash) throw new Error('crash after storing the waiting payment');
      },
    });
    const crashKey = { 'Idempotency-Key': `wait-crash-${run}` };
    expect((await wait('21', 60, crashKey)).status).toBe(500);
    crash = false;
    const again = await wait('21', 60, crashKey);
    expect(again.status).toBe(202);
    expect(await pending()).toEqual([again.body.id]);
    expect((await gw.as('alice').post(`/v1/payments/${again.body.id}/cancel`)).body.status).toBe('CANCELLED');
  }, 60_000);

  test("a restart of the payer's gateway keeps a waiting payment, which is paid later", async () => {
    const res = await wait('15', 120);
    expect(res.status).toBe(202);
    await gw.restart('Org1MSP');
    expect((await payment(res.body.id)).body).toMatchObject({ status: 'PENDING', amount: '15' });
    // Liquidity on a channel that is not alice's: found by the periodic retry.
    await liquidity('5');
    expect(await settled(res.body.id)).toMatchObject({ status: 'PAID', amount: '15' });
    expect(await both()).toEqual([['36', '24'], ['27', '3']]);
  }, 90_000);

  test("a payer's gateway stopped in the middle of a retry pays the waiting payment once, never twice", async () => {
    const res = await wait('6', 120);
    expect(res.status).toBe(202);
    // The retry's route stops after its update is agreed, before its close: as a crash there would.
    let crashed = false;
    await gw.restart('Org1MSP', {
      afterRouteStep: (_route: string, stage: string) => {
        if (stage !== 'paid' || crashed) return;
        crashed = true;
        throw new Error('crash after the route paid');
      },
    });
    // Liquidity for the payment twice over: a second route would find it.
    await liquidity('12');
    for (let i = 0; i < 100 && !crashed; i++) await sleep(100);
    expect(crashed).toBe(true);
    await gw.restart('Org1MSP');
    expect(await settled(res.body.id)).toMatchObject({ status: 'PAID', amount: '6' });
    await sleep(2_500);
    expect(await both()).toEqual([['30', '30'], ['21', '9']]);
  }, 90_000);

  test('another user cannot read, list or cancel a waiting payment (404)', async () => {
    const res = await wait('50', 60);
    expect(res.status).toBe(202);
    for (const who of ['bank', 'dave']) {
      expect((await payment(res.body.id, who)).status).toBe(404);
      expect((await gw.as(who).post(`/v1/payments/${res.body.id}/cancel`)).status).toBe(404);
      expect((await gw.as(who).get('/v1/payments')).body.items).toEqual([]);
    }
    expect((await payment(res.body.id)).body.status).toBe('PENDING');
    expect((await gw.as('alice').post(`/v1/payments/${res.body.id}/cancel`)).body.status).toBe('CANCELLED');
  }, 30_000);
});
