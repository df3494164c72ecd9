import { refuse } from '../../gateway/src/channels/protocol';
import type { Faults } from '../../gateway/src/channels/context';
import { TestGateway, startFundedGateway } from '../support/gateway';

/**
 * Every HTLC lock has a way out, on a short clock (each hop's expiry 6 s after the next one's):
 * alice (Org1) pays dave (Org2) through bob (Org2), alice ──60── bob ──60── dave.
 * - An intermediary that will not countersign the payee's claim: the payee reveals the preimage
 *   on the ledger before its HTLC expires; the intermediary's watch reads it there and claims
 *   upstream, and the late claim is countersigned because the ledger shows it in time.
 * - A next hop that never answers: the intermediary gives up forwarding when too little time is
 *   left and fails the payer's HTLC back; nothing moved.
 */
const run = Date.now().toString(36);

describe('HTLC expiries and the ledger path', () => {
  let gw: TestGateway;
  let id: Record<string, string>;
  const ch = { ab: `xab-${run}`, bd: `xbd-${run}` };
  const faults = new Map<string, () => void>();
  const injected: Faults = {
    beforeHtlcDecision: (account, kind) => faults.get(`${account}:${kind}`)?.(),
  };

  beforeAll(async () => {
    ({ gw, id } = await startFundedGateway(['bank', 'alice', 'bob', 'carol', 'dave'], { alice: '1000', bob: '1000' }, {
      perOrg: true,
      faults: { Org1MSP: injected, Org2MSP: injected, Org3MSP: injected },
      settings: { htlcTiming: { deltaMs: 6_000, revealMarginMs: 3_000, watchMs: 300, payWaitMs: 20_000 } },
    }));
    expect((await gw.as('alice').post('/v1/channels', { id: ch.ab, counterparty: id.bob, deposit: '60', counterpartyDeposit: '0' })).status).toBe(201);
    expect((await gw.as('bob').post('/v1/channels', { id: ch.bd, counterparty: id.dave, deposit: '60', counterpartyDeposit: '0' })).status).toBe(201);
    for (const channel of [ch.ab, ch.bd]) expect((await gw.as('bob').post(`/v1/channels/${channel}/forwarding`, { allow: true })).status).toBe(200);
  }, 120_000);
  afterAll(() => gw.close());

  const state = async (who: string, channel: string) => (await gw.as(who).get(`/v1/channels/${channel}/state`)).body;
  const settledStates = async () => {
    for (let i = 0; i < 200; i++) {
      const [ab, bd] = [await state('alice', ch.ab), await state('dave', ch.bd)];
      if (!ab.htlcs && !bd.htlcs && (await state('bob', ch.ab)).version === ab.version && (await state('bob', ch.bd)).version === bd.version) return { ab, bd };
      await new Promise((r) => setTimeout(r, 100));
    }
    throw new Error('HTLCs still in flight');
  };

  test("an intermediary that will not countersign the payee's claim: the payee reveals on the ledger in time, and everyone is paid from it", async () => {
    const before = await settledStates();
    faults.set(`${id.bob}:fulfill`, () => {
      throw refuse('FORBIDDEN', 'bob does not countersign claims (test)');
    });
    let res;
    try {
      res = await gw.as('alice').post('/v1/payments', { to: id.dave, amount: '7' });
    } finally {
      faults.delete(`${id.bob}:fulfill`);
    }
    // Paid: bob claimed from alice with the preimage dave revealed on the ledger.
    expect(res.status).toBe(201);
    const record = await gw.as('dave').get(`/v1/preimages/${res.body.hash}`);
    expect(record.status).toBe(200);
    expect(record.body.preimage).toBe(res.body.preimage);
    const after = await settledStates();
    expect(after.ab.balances.map(BigInt)).toEqual([BigInt(before.ab.balances[0]) - 7n, BigInt(before.ab.balances[1]) + 7n]);
    // dave's late claim was countersigned: the ledger shows the preimage revealed before its expiry.
    expect(after.bd.balances.map(BigInt)).toEqual([BigInt(before.bd.balances[0]) - 7n, BigInt(before.bd.balances[1]) + 7n]);
  }, 60_000);

  test('a next hop that never answers: the intermediary stops forwarding in time and fails the HTLC back; nothing moved', async () => {
    const before = await settledStates();
    faults.set(`${id.dave}:add`, () => {
      throw new Error('dave does not answer (test)');
    });
    let res;
    try {
      res = await gw.as('alice').post('/v1/payments', { to: id.dave, amount: '6' });
    } finally {
      faults.delete(`${id.dave}:add`);
    }
    expect(res.status).toBe(422);
    expect(res.body.detail).toMatch(/every HTLC went back/);
    const after = await settledStates();
    expect(after.ab.balances).toEqual(before.ab.balances);
    expect(after.bd.balances).toEqual(before.bd.balances);
  }, 60_000);
});
