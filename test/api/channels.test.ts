import { sign } from 'node:crypto';
import { tpcStateBytes } from '@covenant/chaincode';
import { IdentityStore } from '../../gateway/src/identity/store';
import { ChaincodeError } from '../../gateway/src/ledger/port';
import { TestGateway, registerAll, startTestGateway } from '../support/gateway';
import { crashBeforeStore } from '../support/faults';

/**
 * Two-party payment channels over HTTP with one gateway per organisation (alice at Org1's, bob at
 * Org2's): the off-chain messages travel between the gateways on loopback; the ledger sees only
 * open, checkpoint and close.
 */
const run = Date.now().toString(36);
const state = (id: string, version: number, balances: [string, string], final = false) => ({
  channel: id,
  version,
  balances: balances.map(BigInt) as [bigint, bigint],
  final,
});

describe('payment channels between two gateways', () => {
  let gw: TestGateway;
  let id: Record<string, string>;
  let identities: IdentityStore;
  const crash = crashBeforeStore();

  beforeAll(async () => {
    gw = await startTestGateway(undefined, {
      perOrg: true,
      faults: { Org1MSP: crash.faults },
    });
    id = await registerAll(gw, ['bank', 'alice', 'bob']);
    await gw.as('bank').post(`/v1/accounts/${id.alice}/mint`, { amount: '100000' });
    await gw.as('bank').post(`/v1/accounts/${id.bob}/mint`, { amount: '50000' });
    identities = await IdentityStore.load(gw.identitiesDir);
  }, 120_000);
  afterAll(() => gw.close());

  const me = async (name: string) => (await gw.as(name).get('/v1/accounts/me')).body;
  const ledgerOf = () => gw.gateways[0].app.ledger;
  const identity = (name: string) => identities.principals.find((p) => p.name === name)!.identity;

  /** alice opens a channel with bob; a deposit of bob's waits for bob's acceptance at his own gateway. */
  async function open(channelId: string, deposit: string, counterDeposit: string) {
    const res = await gw.as('alice').post('/v1/channels', { id: channelId, counterparty: id.bob, deposit, counterpartyDeposit: counterDeposit });
    if (counterDeposit === '0') {
      expect(res.status).toBe(201);
      return res.body;
    }
    expect(res.status).toBe(202);
    const accepted = await gw.as('bob').post(`/v1/channels/${channelId}/accept`);
    expect(accepted.status).toBe(201);
    return accepted.body;
  }
  const proposalsOf = async (name: string) => (await gw.as(name).get('/v1/channels/proposals?pageSize=100')).body.items as any[];
  /** `s` signed with `name`'s own key (as a gateway signs it): base64 DER ECDSA over tpcStateBytes. */
  const signAs = (name: string, s: ReturnType<typeof state>) => sign('sha256', tpcStateBytes(s), { key: identity(name).privateKey, dsaEncoding: 'der' }).toString('base64');
  /**
   * A hand-made opening (version 0 of `channelId` between alice and bob with `balances`) as
   * message `type` from `from` to the other, signed with `from`'s key, POSTed straight to
   * /v1/offchain of gateway `at` (0: alice's, 1: bob's).
   */
  const postOpening = (at: number, type: 'tpc-create' | 'tpc-accept', channelId: string, from: 'alice' | 'bob', balances: [string, string]) =>
    fetch(`${gw.gateways[at].url}/v1/offchain`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        type,
        channel: channelId,
        from: id[from],
        to: id[from === 'alice' ? 'bob' : 'alice'],
        parties: [id.alice, id.bob],
        state: { version: 0, balances, final: false },
        signature: signAs(from, state(channelId, 0, balances)),
      }),
    });

  test('open, 1,000 off-chain payments, checkpoint, close: balances exact', async () => {
    const aliceBefore = BigInt((await me('alice')).balance);
    const bobBefore = BigInt((await me('bob')).balance);
    const channelId = `ab-${run}`;
    const opened = await open(channelId, '10000', '5000');
    expect(opened).toMatchObject({ id: channelId, parties: [id.alice, id.bob], balances: ['10000', '5000'], version: 0, status: 'OPEN' });
    expect(BigInt((await me('alice')).balance)).toBe(aliceBefore - 10000n);
    expect(BigInt((await me('bob')).balance)).toBe(bobBefore - 5000n);
    const height = (gw.gateways[0].app.ledger as unknown as { blockHeight?: bigint }).blockHeight;

    let a = 10000n;
    let b = 5000n;
    for (let i = 0; i < 1000; i++) {
      const payer = i % 3 === 0 ? 'bob' : 'alice';
      const amount = payer === 'bob' ? 2n : 3n;
      const res = await gw.as(payer).post(`/v1/channels/${channelId}/payments`, { amount: amount.toString() });
      expect(res.status).toBe(201);
      if (payer === 'alice') (a -= amount), (b += amount);
      else (a += amount), (b -= amount);
    }
    // Off-chain: the ledger did not move.
    if (height !== undefined) expect((gw.gateways[0].app.ledger as unknown as { blockHeight: bigint }).blockHeight).toBe(height);
    const aliceView = (await gw.as('alice').get(`/v1/channels/${channelId}/state`)).body;
    const bobView = (await gw.as('bob').get(`/v1/channels/${channelId}/state`)).body;
    expect(aliceView).toEqual(bobView);
    expect(aliceView).toMatchObject({ version: 1000, balances: [a.toString(), b.toString()], final: false });

    const checkpoint = await gw.as('bob').post(`/v1/channels/${channelId}/checkpoint`);
    expect(checkpoint.status).toBe(200);
    expect(checkpoint.body).toMatchObject({ version: 1000, balances: [a.toString(), b.toString()], status: 'OPEN' });

    const closed = await gw.as('alice').post(`/v1/channels/${channelId}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body.status).toBe('CLOSED');
    expect(BigInt((await me('alice')).balance)).toBe(aliceBefore - 10000n + a);
    expect(BigInt((await me('bob')).balance)).toBe(bobBefore - 5000n + b);
  }, 180_000);

  test('an old state registered for a unilateral close is beaten by the newer one in the challenge period', async () => {
    expect((await gw.as('admin1').patch('/v1/channels/settings', { challengePeriodSeconds: 2 })).status).toBe(200);
    const channelId = `old-${run}`;
    await open(channelId, '1000', '1000');
    await gw.as('alice').post(`/v1/channels/${channelId}/payments`, { amount: '100' });
    const old = (await gw.as('alice').get(`/v1/channels/${channelId}/state`)).body; // alice 900, bob 1100
    await gw.as('bob').post(`/v1/channels/${channelId}/payments`, { amount: '600' }); // alice 1500, bob 500
    const bobBefore = BigInt((await me('bob')).balance);
    const aliceBefore = BigInt((await me('alice')).balance);

    // bob tries to close on the old state, better for him, signed by both at the time.
    await ledgerOf().submit(identity('bob'), 'channels:startClose', [channelId, JSON.stringify({ version: old.version, balances: old.balances, final: false }), JSON.stringify(old.signatures)]);
    expect((await gw.as('alice').get(`/v1/channels/${channelId}`)).body).toMatchObject({ status: 'CLOSING', closing: { version: 1 } });
    const early = await gw.as('bob').post(`/v1/channels/${channelId}/settle`);
    expect(early.status).toBe(409);

    const challenged = await gw.as('alice').post(`/v1/channels/${channelId}/challenge`);
    expect(challenged.status).toBe(200);
    expect(challenged.body.closing).toMatchObject({ version: 2, balances: ['1500', '500'] });
    await new Promise((r) => setTimeout(r, 2500));
    const settled = await gw.as('bob').post(`/v1/channels/${channelId}/settle`);
    expect(settled.status).toBe(200);
    expect(settled.body.status).toBe('CLOSED');
    expect(BigInt((await me('alice')).balance)).toBe(aliceBefore + 1500n);
    expect(BigInt((await me('bob')).balance)).toBe(bobBefore + 500n);
    await gw.as('admin1').patch('/v1/channels/settings', { challengePeriodSeconds: 3600 });
  }, 60_000);

  test('forged, replayed and non-conserving states are refused off-chain and on-chain', async () => {
    const channelId = `bad-${run}`;
    await open(channelId, '1000', '1000');
    await gw.as('alice').post(`/v1/channels/${channelId}/payments`, { amount: '10' });
    const agreed = (await gw.as('alice').get(`/v1/channels/${channelId}/state`)).body;
    const bobGateway = gw.gateways[1].url;
    const message = (s: ReturnType<typeof state>, signer: string) => ({
      type: 'tpc-update',
      channel: channelId,
      from: id.alice,
      to: id.bob,
      state: { version: s.version, balances: s.balances.map(String), final: false },
      signature: signAs(signer, s),
    });
    const post = (body: unknown) => fetch(`${bobGateway}/v1/offchain`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });

    // Forged: "alice" pays herself 500 from bob, signed by carol's key.
    const forged = await post(message(state(channelId, 2, ['1490', '510']), 'carol'));
    expect(forged.status).toBe(403);
    // Signed by alice but lowering bob's balance: bob's gateway never signs money away.
    const theft = await post(message(state(channelId, 2, ['1490', '510']), 'alice'));
    expect(theft.status).toBe(403);
    // Replayed version.
    const replay = await post(message(state(channelId, 1, ['980', '1020']), 'alice'));
    expect(replay.status).toBe(409);
    // Not conserving the channel.
    const inflated = await post(message(state(channelId, 2, ['990', '1100']), 'alice'));
    expect(inflated.status).toBe(400);
    expect((await gw.as('bob').get(`/v1/channels/${channelId}/state`)).body).toEqual(agreed);

    // On-chain: the same refusals from the chaincode.
    const submit = (s: ReturnType<typeof state>, sigs: string[]) =>
      ledgerOf().submit(identity('alice'), 'channels:checkpoint', [channelId, JSON.stringify({ version: s.version, balances: s.balances.map(String), final: false }), JSON.stringify(sigs)]);
    const code = (p: Promise<unknown>) => p.then(() => 'COMMITTED', (e) => (e instanceof ChaincodeError ? e.code : String(e)));
    const s2 = state(channelId, 2, ['1490', '510']);
    expect(await code(submit(s2, [signAs('alice', s2), signAs('carol', s2)]))).toBe('FORBIDDEN');
    const s0 = state(channelId, 0, ['1000', '1000']);
    await gw.as('alice').post(`/v1/channels/${channelId}/checkpoint`);
    expect(await code(submit(s0, [signAs('alice', s0), signAs('bob', s0)]))).toBe('FAILED_PRECONDITION');
    const s3 = state(channelId, 3, ['1000', '1500']);
    expect(await code(submit(s3, [signAs('alice', s3), signAs('bob', s3)]))).toBe('INVALID_ARGUMENT');
  }, 60_000);

  test('a gateway killed between countersignature and store recovers with no agreed state lost', async () => {
    const channelId = `crash-${run}`;
    await open(channelId, '1000', '0');
    await gw.as('alice').post(`/v1/channels/${channelId}/payments`, { amount: '100' });
    crash.arm();
    const crashed = await gw.as('alice').post(`/v1/channels/${channelId}/payments`, { amount: '50' });
    expect(crashed.status).toBe(500);
    // bob's gateway countersigned and stored version 2 before answering.
    expect((await gw.as('bob').get(`/v1/channels/${channelId}/state`)).body).toMatchObject({ version: 2, balances: ['850', '150'] });

    await gw.restart('Org1MSP');
    const recovered = (await gw.as('alice').get(`/v1/channels/${channelId}/state`)).body;
    expect(recovered).toMatchObject({ version: 2, balances: ['850', '150'] });
    expect(recovered).toEqual((await gw.as('bob').get(`/v1/channels/${channelId}/state`)).body);
    const next = await gw.as('alice').post(`/v1/channels/${channelId}/payments`, { amount: '1' });
    expect(next.body).toMatchObject({ version: 3, balances: ['849', '151'] });
  }, 60_000);

  test('simultaneous payments from both sides do not deadlock: each commits or is refused to retry, and both sides agree', async () => {
    const channelId = `both-${run}`;
    await open(channelId, '1000', '1000');
    for (let round = 0; round < 5; round++) {
      const results = await Promise.all([
        gw.as('alice').post(`/v1/channels/${channelId}/payments`, { amount: '10' }),
        gw.as('bob').post(`/v1/channels/${channelId}/payments`, { amount: '7' }),
      ]);
      for (const r of results) expect([201, 409]).toContain(r.status);
    }
    const a = (await gw.as('alice').get(`/v1/channels/${channelId}/state`)).body;
    const b = (await gw.as('bob').get(`/v1/channels/${channelId}/state`)).body;
    expect(a).toEqual(b);
    expect(BigInt(a.balances[0]) + BigInt(a.balances[1])).toBe(2000n);
  }, 60_000);

  test('a channel between two users of the same gateway works the same way', async () => {
    const channelId = `local-${run}`;
    const res = await gw.as('alice').post('/v1/channels', { id: channelId, counterparty: id.bank, deposit: '300', counterpartyDeposit: '0' });
    expect(res.status).toBe(201);
    expect((await gw.as('alice').post(`/v1/channels/${channelId}/payments`, { amount: '120' })).body).toMatchObject({ version: 1, balances: ['180', '120'] });
    expect((await gw.as('bank').post(`/v1/channels/${channelId}/payments`, { amount: '20' })).body).toMatchObject({ version: 2, balances: ['200', '100'] });
    expect((await gw.as('bank').get(`/v1/channels/${channelId}/state`)).body).toEqual((await gw.as('alice').get(`/v1/channels/${channelId}/state`)).body);
    expect((await gw.as('bank').post(`/v1/channels/${channelId}/close`)).body.status).toBe('CLOSED');
    // A deposit of the other user of the same gateway waits for its acceptance too.
    const proposed = `local-proposed-${run}`;
    const bankBefore = BigInt((await me('bank')).balance);
    expect((await gw.as('alice').post('/v1/channels', { id: proposed, counterparty: id.bank, deposit: '0', counterpartyDeposit: '40' })).status).toBe(202);
    expect(BigInt((await me('bank')).balance)).toBe(bankBefore);
    const accepted = await gw.as('bank').post(`/v1/channels/${proposed}/accept`);
    expect(accepted.status).toBe(201);
    expect(accepted.body.balances).toEqual(['0', '40']);
    expect(BigInt((await me('bank')).balance)).toBe(bankBefore - 40n);
    expect((await gw.as('bank').post(`/v1/channels/${proposed}/payments`, { amount: '15' })).body).toMatchObject({ version: 1, balances: ['15', '25'] });
  }, 60_000);

  describe('consent to an opening that takes the counterparty\'s deposit', () => {
    test('the opening waits, moving nothing, until the counterparty accepts at its own gateway', async () => {
      const channelId = `consent-${run}`;
      const aliceBefore = BigInt((await me('alice')).balance);
      const bobBefore = BigInt((await me('bob')).balance);
      const proposed = await gw.as('alice').post('/v1/channels', { id: channelId, counterparty: id.bob, deposit: '0', counterpartyDeposit: '1000' });
      expect(proposed.status).toBe(202);
      expect(proposed.body).toMatchObject({ id: channelId, status: 'PROPOSED', role: 'opener', parties: [id.alice, id.bob], deposits: ['0', '1000'] });
      expect(Date.parse(proposed.body.expiresAt) - Date.now()).toBeGreaterThan(23 * 3600_000);
      // Nothing moved, nothing on the ledger.
      expect(BigInt((await me('bob')).balance)).toBe(bobBefore);
      expect((await gw.as('alice').get(`/v1/channels/${channelId}`)).status).toBe(404);
      expect((await proposalsOf('bob')).find((p) => p.id === channelId)).toMatchObject({ status: 'PROPOSED', role: 'counterparty', deposits: ['0', '1000'] });
      expect((await proposalsOf('alice')).find((p) => p.id === channelId)).toMatchObject({ status: 'PROPOSED', role: 'opener' });
      expect((await proposalsOf('carol')).find((p) => p.id === channelId)).toBeUndefined();
      // Only the counterparty accepts.
      expect((await gw.as('alice').post(`/v1/channels/${channelId}/accept`)).status).toBe(403);
      expect((await gw.as('carol').post(`/v1/channels/${channelId}/accept`)).status).toBe(404);
      expect(BigInt((await me('bob')).balance)).toBe(bobBefore);

      const accepted = await gw.as('bob').post(`/v1/channels/${channelId}/accept`);
      expect(accepted.status).toBe(201);
      expect(accepted.body).toMatchObject({ id: channelId, parties: [id.alice, id.bob], balances: ['0', '1000'], version: 0, status: 'OPEN' });
      expect(BigInt((await me('bob')).balance)).toBe(bobBefore - 1000n);
      expect(BigInt((await me('alice')).balance)).toBe(aliceBefore);
      expect((await proposalsOf('alice')).find((p) => p.id === channelId)).toMatchObject({ status: 'ACCEPTED' });
      // The channel works like any other: bob pays alice.
      expect((await gw.as('bob').post(`/v1/channels/${channelId}/payments`, { amount: '10' })).body).toMatchObject({ version: 1, balances: ['10', '990'] });
      expect((await gw.as('alice').get(`/v1/channels/${channelId}/state`)).body).toEqual((await gw.as('bob').get(`/v1/channels/${channelId}/state`)).body);
    }, 60_000);

    test("the counterparty's gateway refuses to countersign, on its own, an opening that takes its user's deposit", async () => {
      const channelId = `drain-${run}`;
      const bobBefore = BigInt((await me('bob')).balance);
      const res = await postOpening(1, 'tpc-create', channelId, 'alice', ['0', '1000']);
      expect(res.status).toBe(403);
      expect(((await res.json()) as { code: string }).code).toBe('FORBIDDEN');
      expect(BigInt((await me('bob')).balance)).toBe(bobBefore);
    }, 30_000);

    test('declined, withdrawn and expired proposals cannot be accepted and move nothing', async () => {
      const aliceBefore = BigInt((await me('alice')).balance);
      const bobBefore = BigInt((await me('bob')).balance);
      const propose = async (channelId: string, extra: Record<string, unknown> = {}) => {
        const res = await gw.as('alice').post('/v1/channels', { id: channelId, counterparty: id.bob, deposit: '100', counterpartyDeposit: '200', ...extra });
        expect(res.status).toBe(202);
      };
      const declined = `declined-${run}`;
      await propose(declined);
      const decline = await gw.as('bob').post(`/v1/channels/${declined}/decline`);
      expect(decline.status).toBe(200);
      expect(decline.body).toMatchObject({ id: declined, status: 'DECLINED' });
      expect((await proposalsOf('alice')).find((p) => p.id === declined)).toMatchObject({ status: 'DECLINED' });
      const afterDecline = await gw.as('bob').post(`/v1/channels/${declined}/accept`);
      expect(afterDecline.status).toBe(409);
      expect(afterDecline.body.code).toBe('FAILED_PRECONDITION');

      const withdrawn = `withdrawn-${run}`;
      await propose(withdrawn);
      expect((await gw.as('bob').post(`/v1/channels/${withdrawn}/withdraw`)).status).toBe(403);
      const withdraw = await gw.as('alice').post(`/v1/channels/${withdrawn}/withdraw`);
      expect(withdraw.status).toBe(200);
      expect(withdraw.body.status).toBe('WITHDRAWN');
      expect((await proposalsOf('bob')).find((p) => p.id === withdrawn)).toMatchObject({ status: 'WITHDRAWN' });
      expect((await gw.as('bob').post(`/v1/channels/${withdrawn}/accept`)).status).toBe(409);

      const expired = `expired-${run}`;
      await propose(expired, { expiresInSeconds: 1 });
      await new Promise((r) => setTimeout(r, 1200));
      expect((await proposalsOf('bob')).find((p) => p.id === expired)).toMatchObject({ status: 'EXPIRED' });
      const late = await gw.as('bob').post(`/v1/channels/${expired}/accept`);
      expect(late.status).toBe(409);
      expect(late.body.code).toBe('FAILED_PRECONDITION');
      // The expiry binds at the opener's gateway too: it no longer countersigns bob's signed opening.
      const direct = await postOpening(0, 'tpc-accept', expired, 'bob', ['100', '200']);
      expect(direct.status).toBe(409);

      expect(BigInt((await me('alice')).balance)).toBe(aliceBefore);
      expect(BigInt((await me('bob')).balance)).toBe(bobBefore);
      for (const channelId of [declined, withdrawn, expired]) expect((await gw.as('bob').get(`/v1/channels/${channelId}`)).status).toBe(404);
    }, 60_000);

    test('an acceptance whose submission failed is retried with the stored signatures', async () => {
      const channelId = `retry-${run}`;
      const bobBalance = BigInt((await me('bob')).balance);
      const proposed = await gw.as('alice').post('/v1/channels', { id: channelId, counterparty: id.bob, deposit: '1', counterpartyDeposit: (bobBalance + 500n).toString() });
      expect(proposed.status).toBe(202);
      const short = await gw.as('bob').post(`/v1/channels/${channelId}/accept`);
      expect(short.status).toBe(422);
      expect(short.body.code).toBe('INSUFFICIENT_FUNDS');
      await gw.as('bank').post(`/v1/accounts/${id.bob}/mint`, { amount: '500' });
      const retried = await gw.as('bob').post(`/v1/channels/${channelId}/accept`);
      expect(retried.status).toBe(201);
      expect(retried.body).toMatchObject({ status: 'OPEN', balances: ['1', (bobBalance + 500n).toString()] });
      expect(BigInt((await me('bob')).balance)).toBe(0n);
    }, 60_000);
  });
});
