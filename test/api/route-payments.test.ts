import { TestGateway, startFundedGateway } from '../support/gateway';

/**
 * Payments along a route: alice (Org1) pays dave (Org2) with no channel between them, through bob
 * (Org2) and carol (Org3). Each route settles as one multiparty transaction: every hop or none.
 *
 *   alice ──60── bob ──60── dave
 *     └────60── carol ──60──┘
 */
const run = Date.now().toString(36);

describe('payments along a route', () => {
  let gw: TestGateway;
  let id: Record<string, string>;
  const ch = { ab: `ab-${run}`, bd: `bd-${run}`, ac: `ac-${run}`, cd: `cd-${run}` };

  beforeAll(async () => {
    ({ gw, id } = await startFundedGateway(['bank', 'alice', 'bob', 'carol', 'dave'], { alice: '1000', bob: '1000', carol: '1000' }, { perOrg: true }));
    const open = async (who: string, channel: string, counterparty: string) => {
      const res = await gw.as(who).post('/v1/channels', { id: channel, counterparty: id[counterparty], deposit: '60', counterpartyDeposit: '0' });
      expect(res.status).toBe(201);
    };
    await open('alice', ch.ab, 'bob');
    await open('bob', ch.bd, 'dave');
    await open('alice', ch.ac, 'carol');
    await open('carol', ch.cd, 'dave');
  }, 120_000);
  afterAll(() => gw.close());

  const balances = async (who: string, channel: string) => (await gw.as(who).get(`/v1/channels/${channel}`)).body.balances;
  /** Each party other than the payer allows forwarding on its channels, at its own gateway. */
  const allowForwarding = async (cap?: string) => {
    for (const [who, channels] of [['bob', [ch.ab, ch.bd]], ['carol', [ch.ac, ch.cd]], ['dave', [ch.bd, ch.cd]]] as const) {
      for (const channel of channels) {
        const res = await gw.as(who).post(`/v1/channels/${channel}/forwarding`, cap ? { allow: true, cap } : { allow: true });
        expect(res.status).toBe(200);
      }
    }
  };

  test("a route binds only channels whose parties allow forwarding: without it nothing moves", async () => {
    const res = await gw.as('alice').post('/v1/payments', { to: id.dave, amount: '10', settlement: 'multiparty' });
    expect(res.status).toBe(422);
    expect(await balances('alice', ch.ab)).toEqual(['60', '0']);
    expect(await balances('carol', ch.cd)).toEqual(['60', '0']);
    for (const [who, channel] of [['alice', ch.ab], ['bob', ch.bd]]) expect((await gw.as(who).get(`/v1/channels/${channel}`)).body.busy).toBeNull();
    // Only a party sets forwarding on a channel.
    expect((await gw.as('carol').post(`/v1/channels/${ch.ab}/forwarding`, { allow: true })).status).toBe(403);
    await allowForwarding();
  }, 60_000);

  test("the paper's least-W router cannot carry 100 on one path; the multipath router splits it over both", async () => {
    const weight = await gw.as('alice').post('/v1/payments', { to: id.dave, amount: '100', router: 'weight', settlement: 'multiparty' });
    expect(weight.status).toBe(422);
    expect(await balances('alice', ch.ab)).toEqual(['60', '0']);

    const multipath = await gw.as('alice').post('/v1/payments', { to: id.dave, amount: '100', settlement: 'multiparty' });
    expect(multipath.status).toBe(201);
    expect(multipath.body.parts).toHaveLength(2);
    expect(multipath.body.parts.reduce((s: bigint, p: any) => s + BigInt(p.amount), 0n)).toBe(100n);
    // Intermediaries end where they started; alice paid 100, dave received 100.
    const ab = await balances('alice', ch.ab);
    const ac = await balances('alice', ch.ac);
    const bd = await balances('bob', ch.bd);
    const cd = await balances('carol', ch.cd);
    expect(BigInt(ab[0]) + BigInt(ac[0])).toBe(20n);
    expect(BigInt(bd[1]) + BigInt(cd[1])).toBe(100n);
    expect(BigInt(ab[1])).toBe(BigInt(bd[1]));
    expect(BigInt(ac[1])).toBe(BigInt(cd[1]));
    // The channels are free again.
    expect((await gw.as('alice').get(`/v1/channels/${ch.ab}`)).body.busy).toBeNull();
  }, 120_000);

  test('a payment no route can carry is refused and moves nothing', async () => {
    const before = [await balances('alice', ch.ab), await balances('alice', ch.ac)];
    const res = await gw.as('alice').post('/v1/payments', { to: id.dave, amount: '1000', settlement: 'multiparty' });
    expect(res.status).toBe(422);
    expect([await balances('alice', ch.ab), await balances('alice', ch.ac)]).toEqual(before);
  }, 60_000);

  test('a forwarding cap limits what a route may move through the channel', async () => {
    await allowForwarding('5');
    const before = [await balances('alice', ch.ab), await balances('alice', ch.ac)];
    const res = await gw.as('alice').post('/v1/payments', { to: id.dave, amount: '20', settlement: 'multiparty' });
    expect(res.status).toBe(422);
    expect([await balances('alice', ch.ab), await balances('alice', ch.ac)]).toEqual(before);
    const small = await gw.as('alice').post('/v1/payments', { to: id.dave, amount: '5', settlement: 'multiparty' });
    expect(small.status).toBe(201);
  }, 60_000);

  test('a payer gateway stopped mid-route closes the route when it starts again: paid means paid, opened means nothing moved; a repeat of the request answers what the route did', async () => {
    await allowForwarding();
    const received = async () => BigInt((await balances('bob', ch.bd))[1]) + BigInt((await balances('carol', ch.cd))[1]);
    const paid = async () => BigInt((await balances('alice', ch.ab))[0]) + BigInt((await balances('alice', ch.ac))[0]);
    const bound = async () => (await Promise.all([ch.ab, ch.ac].map(async (c) => (await gw.as('alice').get(`/v1/channels/${c}`)).body.busy))).filter((b) => b !== null);
    const released = async () => {
      for (let i = 0; i < 100 && (await bound()).length > 0; i++) await new Promise((r) => setTimeout(r, 200));
      expect(await bound()).toEqual([]);
    };
    let crashAfter: string | undefined;
    const faults = {
      afterRouteStep: (_id: string, stage: string) => {
        if (stage !== crashAfter) return;
        crashAfter = undefined;
        throw new Error(`crash after ${stage}`);
      },
    };
    for (const [stage, moves] of [['paid', 3n], ['opened', 0n]] as const) {
      await gw.restart('Org1MSP', faults);
      const [before, spent] = [await received(), await paid()];
      crashAfter = stage;
      const key = { 'Idempotency-Key': `route-crash-${stage}-${run}` };
      const res = await gw.as('alice').post('/v1/payments', { to: id.dave, amount: '3', settlement: 'multiparty' }, key);
      expect(res.status).toBe(500);
      // The "crash" left the route's multiparty channel open: alice's channel on the route is bound.
      expect(await bound()).toHaveLength(1);
      await gw.restart('Org1MSP');
      // The repeat may meet the start's resume of the same route: one closes it, both agree.
      const repeat = await gw.as('alice').post('/v1/payments', { to: id.dave, amount: '3', settlement: 'multiparty' }, key);
      await released();
      expect(await received()).toBe(before + moves);
      expect(await paid()).toBe(spent - moves);
      if (moves > 0n) {
        expect(repeat.status).toBe(201);
        expect(repeat.body).toMatchObject({ to: id.dave, amount: '3', router: 'multipath' });
        expect(repeat.body.parts.map((p: { amount: string }) => BigInt(p.amount)).reduce((a: bigint, b: bigint) => a + b, 0n)).toBe(3n);
      } else {
        expect(repeat.status).toBe(409);
        expect(repeat.body.code).toBe('FAILED_PRECONDITION');
        expect(repeat.body.detail).toMatch(/stopped before it paid.*nothing moved/);
      }
      // A third send of the same request is answered the same way and moves nothing more.
      const again = await gw.as('alice').post('/v1/payments', { to: id.dave, amount: '3', settlement: 'multiparty' }, key);
      expect(again.status).toBe(repeat.status);
      expect(await received()).toBe(before + moves);
    }
    // The channels carry routes again.
    expect((await gw.as('alice').post('/v1/payments', { to: id.dave, amount: '2', settlement: 'multiparty' })).status).toBe(201);
  }, 180_000);

  test('a route goes through channels that paid off-chain since their last checkpoint, at their latest agreed balances', async () => {
    const agreed = async (who: string, channel: string) => ((await gw.as(who).get(`/v1/channels/${channel}/state`)).body.balances as string[]).map(BigInt);
    // bob pays alice 3 on ab and dave pays bob 3 on bd, off-chain: the ledger does not see them.
    expect((await gw.as('bob').post(`/v1/channels/${ch.ab}/payments`, { amount: '3' })).status).toBe(201);
    expect((await gw.as('dave').post(`/v1/channels/${ch.bd}/payments`, { amount: '3' })).status).toBe(201);
    const [ab, bd, ac, cd] = [await agreed('alice', ch.ab), await agreed('bob', ch.bd), await agreed('alice', ch.ac), await agreed('carol', ch.cd)];
    expect(BigInt((await balances('alice', ch.ab))[0])).toBe(ab[0] - 3n);
    expect(BigInt((await balances('bob', ch.bd))[0])).toBe(bd[0] - 3n);
    // The most any route can carry, counted on the agreed balances: it needs both channels' off-chain payments.
    const most = (ab[0] < bd[0] ? ab[0] : bd[0]) + (ac[0] < cd[0] ? ac[0] : cd[0]);
    const res = await gw.as('alice').post('/v1/payments', { to: id.dave, amount: most.toString(), settlement: 'multiparty' });
    expect(res.status).toBe(201);
    const [ab2, bd2] = [await agreed('alice', ch.ab), await agreed('bob', ch.bd)];
    expect(ab2[0]).toBe(ab[0] - (ab[0] < bd[0] ? ab[0] : bd[0]));
    expect(bd2[1]).toBe(bd[1] + (ab[0] < bd[0] ? ab[0] : bd[0]));
    // The released channels are on the ledger at the route's final state.
    expect(await balances('alice', ch.ab)).toEqual(ab2.map(String));
    expect(await balances('bob', ch.bd)).toEqual(bd2.map(String));
  }, 60_000);
});
