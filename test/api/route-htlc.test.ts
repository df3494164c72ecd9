import { createHash } from 'node:crypto';
import { refuse } from '../../gateway/src/channels/protocol';
import type { Faults } from '../../gateway/src/channels/context';
import { TestGateway, startFundedGateway } from '../support/gateway';

/**
 * Routed payments settled off-chain by hash-locked conditional updates (POST /v1/payments,
 * settlement htlc, the default): alice (Org1) pays dave (Org2) through bob (Org2) or carol
 * (Org3); each hop is an HTLC the next party claims with the preimage dave's gateway released.
 * Nothing goes on the ledger; either dave is paid in full or every HTLC goes back.
 *
 *   alice ──60── bob ──60── dave
 *     └────60── carol ──60──┘
 */
const run = Date.now().toString(36);

describe('routed payments by HTLCs', () => {
  let gw: TestGateway;
  let id: Record<string, string>;
  const ch = { ab: `hab-${run}`, bd: `hbd-${run}`, ac: `hac-${run}`, cd: `hcd-${run}` };
  /** Who refuses which HTLC step at its own gateway (a user's refusal, injected). */
  const refusing = new Set<string>();
  const refuser = (org: string): Faults => ({
    beforeHtlcDecision: (account, kind) => {
      if (refusing.has(`${account}:${kind}`)) throw refuse('FORBIDDEN', `${org}: ${kind} refused by the test`);
    },
  });

  beforeAll(async () => {
    ({ gw, id } = await startFundedGateway(['bank', 'alice', 'bob', 'carol', 'dave'], { alice: '1000', bob: '1000', carol: '1000' }, {
      perOrg: true,
      faults: { Org1MSP: refuser('Org1MSP'), Org2MSP: refuser('Org2MSP'), Org3MSP: refuser('Org3MSP') },
    }));
    const open = async (who: string, channel: string, counterparty: string) => {
      expect((await gw.as(who).post('/v1/channels', { id: channel, counterparty: id[counterparty], deposit: '60', counterpartyDeposit: '0' })).status).toBe(201);
    };
    await open('alice', ch.ab, 'bob');
    await open('bob', ch.bd, 'dave');
    await open('alice', ch.ac, 'carol');
    await open('carol', ch.cd, 'dave');
    for (const [who, channels] of [['bob', [ch.ab, ch.bd]], ['carol', [ch.ac, ch.cd]]] as const) {
      for (const channel of channels) expect((await gw.as(who).post(`/v1/channels/${channel}/forwarding`, { allow: true })).status).toBe(200);
    }
  }, 120_000);
  afterAll(() => gw.close());

  const height = () => (gw.gateways[0].app.ledger as unknown as { blockHeight?: bigint }).blockHeight;
  /** The off-chain state both parties signed, as `who`'s gateway holds it. */
  const latest = async (who: string, channel: string) => (await gw.as(who).get(`/v1/channels/${channel}/state`)).body;
  /** What each user holds across the four channels (off-chain balances), and the HTLCs still in flight. */
  const holdings = async () => {
    const held: Record<string, bigint> = { alice: 0n, bob: 0n, carol: 0n, dave: 0n };
    let inFlight = 0;
    for (const [channel, a, b] of [[ch.ab, 'alice', 'bob'], [ch.bd, 'bob', 'dave'], [ch.ac, 'alice', 'carol'], [ch.cd, 'carol', 'dave']]) {
      const mine = await latest(a, channel);
      const theirs = await latest(b, channel);
      expect(theirs).toEqual(mine); // both sides hold the same agreed state
      held[a] += BigInt(mine.balances[0]);
      held[b] += BigInt(mine.balances[1]);
      inFlight += mine.htlcs?.length ?? 0;
    }
    return { held, inFlight };
  };
  const settled = async () => {
    for (let i = 0; i < 100; i++) {
      const h = await holdings();
      if (h.inFlight === 0) return h;
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('HTLCs still in flight');
  };

  test('a routed payment settles hop by hop off-chain: nothing on the ledger, exact balances, the preimage as proof of payment', async () => {
    const before = await holdings();
    const blocks = height();
    const res = await gw.as('alice').post('/v1/payments', { to: id.dave, amount: '10', router: 'weight' });
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ settlement: 'htlc', amount: '10', to: id.dave });
    expect(createHash('sha256').update(Buffer.from(res.body.preimage, 'hex')).digest('hex')).toBe(res.body.hash);
    const after = await settled();
    expect(after.held.alice).toBe(before.held.alice - 10n);
    expect(after.held.dave).toBe(before.held.dave + 10n);
    expect(after.held.bob).toBe(before.held.bob);
    expect(after.held.carol).toBe(before.held.carol);
    if (blocks !== undefined) expect(height()).toBe(blocks);
  }, 60_000);

  test('a payment larger than any one path is split over both (one payment hash): the payee claims only once both parts arrived', async () => {
    const before = await holdings();
    const res = await gw.as('alice').post('/v1/payments', { to: id.dave, amount: '70' });
    expect(res.status).toBe(201);
    expect(res.body.parts).toHaveLength(2);
    const after = await settled();
    expect(after.held.alice).toBe(before.held.alice - 70n);
    expect(after.held.dave).toBe(before.held.dave + 70n);
    expect(after.held.bob + after.held.carol).toBe(before.held.bob + before.held.carol);
  }, 60_000);

  test('a repeat with the same Idempotency-Key answers the same payment and pays once', async () => {
    const before = await holdings();
    const key = { 'Idempotency-Key': `htlc-repeat-${run}` };
    const first = await gw.as('alice').post('/v1/payments', { to: id.dave, amount: '4' }, key);
    expect(first.status).toBe(201);
    const again = await gw.as('alice').post('/v1/payments', { to: id.dave, amount: '4' }, key);
    expect(again.status).toBe(201);
    expect(again.body.preimage).toBe(first.body.preimage);
    const after = await settled();
    expect(after.held.alice).toBe(before.held.alice - 4n);
    expect(after.held.dave).toBe(before.held.dave + 4n);
  }, 60_000);

  test('a payee that refuses the HTLC: the intermediary fails its incoming HTLC back, nothing moved anywhere', async () => {
    const before = await holdings();
    refusing.add(`${id.dave}:add`);
    try {
      const res = await gw.as('alice').post('/v1/payments', { to: id.dave, amount: '5', router: 'weight' });
      expect(res.status).toBe(422);
      expect(res.body.detail).toMatch(/every HTLC went back/);
    } finally {
      refusing.delete(`${id.dave}:add`);
    }
    const after = await settled();
    expect(after.held).toEqual(before.held);
  }, 60_000);

  test("the payer's gateway stops after adding its HTLCs: the route settles without it, and the repeat answers the payment", async () => {
    const before = await holdings();
    const key = { 'Idempotency-Key': `htlc-crash-${run}` };
    await gw.restart('Org1MSP', {
      afterHtlcsAdded: () => {
        throw new Error('crash after the HTLCs were added');
      },
    });
    const res = await gw.as('alice').post('/v1/payments', { to: id.dave, amount: '3' }, key);
    expect(res.status).toBe(500);
    await gw.restart('Org1MSP', refuser('Org1MSP'));
    const repeat = await gw.as('alice').post('/v1/payments', { to: id.dave, amount: '3' }, key);
    expect(repeat.status).toBe(201);
    const after = await settled();
    expect(after.held.alice).toBe(before.held.alice - 3n);
    expect(after.held.dave).toBe(before.held.dave + 3n);
  }, 90_000);
});
