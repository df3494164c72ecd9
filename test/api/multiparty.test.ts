import { TestGateway, registerAll, startTestGateway } from '../support/gateway';

/**
 * Multiparty channels over HTTP with one gateway per organisation: the paper's mptx
 * {(P1,P3,1),(P2,P3,1),(P4,P3,1)} with P1 = alice (Org1), P2 = bob (Org2), P4 = dave (Org2) paying
 * P3 = carol (Org3) through three two-party channels bound into one multiparty channel.
 */
const run = Date.now().toString(36);

describe('multiparty channels between gateways', () => {
  let gw: TestGateway;
  let id: Record<string, string>;
  const ch = { alice: `p1p3-${run}`, bob: `p2p3-${run}`, dave: `p4p3-${run}` };
  const mpc = `mpc-${run}`;

  beforeAll(async () => {
    gw = await startTestGateway(undefined, { perOrg: true });
    id = await registerAll(gw, ['bank', 'alice', 'bob', 'dave', 'carol']);
    for (const payer of ['alice', 'bob', 'dave'] as const) {
      await gw.as('bank').post(`/v1/accounts/${id[payer]}/mint`, { amount: '1000' });
      const opened = await gw.as(payer).post('/v1/channels', { id: ch[payer], counterparty: id.carol, deposit: '100', counterpartyDeposit: '0' });
      expect(opened.status).toBe(201);
    }
  }, 120_000);
  afterAll(() => gw.close());

  const channel = async (payer: 'alice' | 'bob' | 'dave') => (await gw.as(payer).get(`/v1/channels/${ch[payer]}`)).body;
  /** Each named party consents at its own gateway to binding its channels into `mpc` with exactly these parties and channels. */
  const consent = async (mpcId: string, parties: string[], channels: string[], who: string[]) => {
    for (const p of who) {
      const res = await gw.as(p).post(`/v1/multiparty/${mpcId}/consent`, { parties: parties.map((n) => id[n]), channels });
      expect(res.status).toBe(201);
    }
  };
  const mptx = (amounts: Record<'alice' | 'bob' | 'dave', string>) => ({
    payments: (['alice', 'bob', 'dave'] as const).map((p) => ({ from: id[p], to: id.carol, amount: amounts[p] })),
  });

  test('open binds the channels; the mptx settles atomically; close releases them', async () => {
    await consent(mpc, ['alice', 'bob', 'dave', 'carol'], Object.values(ch), ['alice', 'bob', 'dave']);
    const opened = await gw.as('carol').post('/v1/multiparty', { id: mpc, parties: [id.alice, id.bob, id.dave, id.carol], channels: Object.values(ch) });
    expect(opened.status).toBe(201);
    expect(opened.body).toMatchObject({ id: mpc, status: 'OPEN', version: 0 });
    expect((await channel('alice')).busy).toBe(mpc);
    // A bound channel takes no two-party payment.
    expect((await gw.as('alice').post(`/v1/channels/${ch.alice}/payments`, { amount: '1' })).status).toBe(409);

    // Without the payers' consent their gateways refuse to sign.
    const unauthorized = await gw.as('carol').post(`/v1/multiparty/${mpc}/payments`, mptx({ alice: '1', bob: '1', dave: '1' }));
    expect(unauthorized.status).toBe(403);
    for (const p of ['alice', 'bob', 'dave'] as const) expect((await channel(p)).balances).toEqual(['100', '0']);

    for (const p of ['alice', 'bob', 'dave'] as const) {
      expect((await gw.as(p).post(`/v1/multiparty/${mpc}/authorizations`, { amount: '1' })).status).toBe(201);
    }
    const settled = await gw.as('carol').post(`/v1/multiparty/${mpc}/payments`, mptx({ alice: '1', bob: '1', dave: '1' }));
    expect(settled.status).toBe(200);
    expect(settled.body).toMatchObject({ version: 1, ledgerVersion: 0 });
    // Off-chain: every party's gateway holds the new state; the ledger still records the opening.
    const moved = Object.values(ch).sort().map((c) => ({ channel: c, version: 1, balances: ['99', '1'] }));
    expect(settled.body.states).toEqual(moved);
    for (const p of ['alice', 'bob', 'dave', 'carol']) expect((await gw.as(p).get(`/v1/multiparty/${mpc}`)).body).toMatchObject({ version: 1, ledgerVersion: 0, states: moved });
    for (const p of ['alice', 'bob', 'dave'] as const) expect(await channel(p)).toMatchObject({ version: 0, balances: ['100', '0'], busy: mpc });

    const listed = await gw.as('dave').get('/v1/multiparty?pageSize=10');
    expect(listed.body.items.map((m: any) => m.id)).toContain(mpc);
    const closed = await gw.as('alice').post(`/v1/multiparty/${mpc}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('CLOSED');
    // The close put the last off-chain state on the ledger.
    for (const p of ['alice', 'bob', 'dave'] as const) expect(await channel(p)).toMatchObject({ version: 1, balances: ['99', '1'], busy: null });
    // The released channel continues off-chain from the state the multiparty channel left.
    const paid = await gw.as('alice').post(`/v1/channels/${ch.alice}/payments`, { amount: '9' });
    expect(paid.status).toBe(201);
    expect(paid.body).toMatchObject({ version: 2, balances: ['90', '10'] });
  }, 120_000);

  test('a multiparty payment where one member channel lacks funds leaves every channel unchanged', async () => {
    const second = `mpc2-${run}`;
    await gw.as('alice').post(`/v1/channels/${ch.alice}/checkpoint`);
    await consent(second, ['alice', 'bob', 'dave', 'carol'], Object.values(ch), ['alice', 'bob', 'dave']);
    const opened = await gw.as('carol').post('/v1/multiparty', { id: second, parties: [id.alice, id.bob, id.dave, id.carol], channels: Object.values(ch) });
    expect(opened.status).toBe(201);
    const before = await Promise.all((['alice', 'bob', 'dave'] as const).map(channel));
    for (const p of ['alice', 'bob', 'dave'] as const) await gw.as(p).post(`/v1/multiparty/${second}/authorizations`, { amount: '500' });
    const refused = await gw.as('carol').post(`/v1/multiparty/${second}/payments`, mptx({ alice: '1', bob: '1', dave: '500' }));
    expect(refused.status).toBe(422);
    expect(refused.body.code).toBe('INSUFFICIENT_FUNDS');
    expect(await Promise.all((['alice', 'bob', 'dave'] as const).map(channel))).toEqual(before);
    expect((await gw.as('carol').get(`/v1/multiparty/${second}`)).body.version).toBe(0);
  }, 120_000);

  test('a party leaves alone after the multiparty timeout and gets its money back from its channel', async () => {
    const x = { alice: `x1-${run}`, bob: `x2-${run}` };
    const exitable = `mpc3-${run}`;
    for (const p of ['alice', 'bob'] as const) {
      expect((await gw.as(p).post('/v1/channels', { id: x[p], counterparty: id.carol, deposit: '50', counterpartyDeposit: '0' })).status).toBe(201);
    }
    const settings = await gw.as('admin1').patch('/v1/channels/settings', { multipartyTimeoutSeconds: 2, challengePeriodSeconds: 1 });
    expect(settings.status).toBe(200);
    expect(settings.body).toMatchObject({ multipartyTimeoutSeconds: 2, challengePeriodSeconds: 1 });
    try {
      await consent(exitable, ['alice', 'bob', 'carol'], Object.values(x), ['alice', 'bob']);
      const opened = await gw.as('carol').post('/v1/multiparty', { id: exitable, parties: [id.alice, id.bob, id.carol], channels: Object.values(x) });
      expect(opened.status).toBe(201);
      const early = await gw.as('alice').post(`/v1/multiparty/${exitable}/exit`);
      expect(early.status).toBe(409);
      expect(early.body.code).toBe('FAILED_PRECONDITION');
      expect((await gw.as('dave').post(`/v1/multiparty/${exitable}/exit`)).status).toBe(403);
      await new Promise((r) => setTimeout(r, 2100));
      const before = BigInt((await gw.as('alice').get('/v1/accounts/me')).body.balance);
      // bob and carol are not asked: alice leaves alone, then closes her channel alone
      // (exit starts the challenge period with the recorded state, so a newer off-chain state could answer it)
      const exited = await gw.as('alice').post(`/v1/multiparty/${exitable}/exit`);
      expect(exited.status).toBe(200);
      expect(exited.body).toMatchObject({ id: exitable, status: 'CLOSING', exitedBy: id.alice, closing: { version: 0, registeredBy: id.alice } });
      await new Promise((r) => setTimeout(r, 1100));
      const settled = await gw.as('alice').post(`/v1/multiparty/${exitable}/settle`);
      expect(settled.status).toBe(200);
      expect(settled.body).toMatchObject({ id: exitable, status: 'CLOSED', exitedBy: id.alice });
      expect((await gw.as('bob').get(`/v1/channels/${x.bob}`)).body.busy).toBeNull();
      expect((await gw.as('alice').post(`/v1/channels/${x.alice}/unilateral-close`)).status).toBe(200);
      await new Promise((r) => setTimeout(r, 1100));
      expect((await gw.as('alice').post(`/v1/channels/${x.alice}/settle`)).body.status).toBe('CLOSED');
      expect(BigInt((await gw.as('alice').get('/v1/accounts/me')).body.balance)).toBe(before + 50n);
    } finally {
      await gw.as('admin1').patch('/v1/channels/settings', { multipartyTimeoutSeconds: 86400, challengePeriodSeconds: 3600 });
    }
  }, 120_000);

  test("nobody binds another's channel without its consent: carol cannot bind alice–bob's channel, which bob then closes", async () => {
    const ab = `ab-${run}`;
    const bc = `bc-${run}`;
    expect((await gw.as('alice').post('/v1/channels', { id: ab, counterparty: id.bob, deposit: '70', counterpartyDeposit: '0' })).status).toBe(201);
    await gw.as('bank').post(`/v1/accounts/${id.carol}/mint`, { amount: '100' });
    expect((await gw.as('carol').post('/v1/channels', { id: bc, counterparty: id.bob, deposit: '30', counterpartyDeposit: '0' })).status).toBe(201);
    const aliceBefore = BigInt((await gw.as('alice').get('/v1/accounts/me')).body.balance);
    const request = { parties: [id.alice, id.bob, id.carol], channels: [ab, bc] };

    const unasked = await gw.as('carol').post('/v1/multiparty', { id: `bind1-${run}`, ...request });
    expect(unasked.status).toBe(403);
    expect(unasked.body.code).toBe('FORBIDDEN');
    expect(unasked.body.detail).toContain(id.alice);
    // alice consents to other channels only: still refused; with alice's consent, bob's is missing.
    await gw.as('alice').post(`/v1/multiparty/bind2-${run}/consent`, { ...request, channels: [ab, ch.alice] });
    const mismatch = await gw.as('carol').post('/v1/multiparty', { id: `bind2-${run}`, ...request });
    expect(mismatch.status).toBe(403);
    expect(mismatch.body.detail).toContain(id.alice);
    await gw.as('alice').post(`/v1/multiparty/bind3-${run}/consent`, request);
    const bobUnasked = await gw.as('carol').post('/v1/multiparty', { id: `bind3-${run}`, ...request });
    expect(bobUnasked.status).toBe(403);
    expect(bobUnasked.body.detail).toContain(id.bob);
    for (const m of ['bind1', 'bind2', 'bind3']) expect((await gw.as('carol').get(`/v1/multiparty/${m}-${run}`)).status).toBe(404);

    // Nothing was bound: bob closes alice–bob's channel and alice gets her deposit back.
    expect((await gw.as('bob').get(`/v1/channels/${ab}`)).body.busy).toBeNull();
    const closed = await gw.as('bob').post(`/v1/channels/${ab}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('CLOSED');
    expect(BigInt((await gw.as('alice').get('/v1/accounts/me')).body.balance)).toBe(aliceBefore + 70n);
  }, 120_000);
});
