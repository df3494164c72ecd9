import { TestGateway, startFundedGateway } from '../support/gateway';
import { crashBeforeStore } from '../support/faults';

/**
 * Concurrent off-chain payments on one channel (issue 11): the payer's gateway nets the payments
 * that arrive while the channel is busy into one next state both gateways sign and store before
 * answering. Every payment is answered on its own (201, or 422 for the one the balance no longer
 * covers); nothing acknowledged is lost across a crash and restart.
 */
const run = Date.now().toString(36);

describe('concurrent payments on one channel', () => {
  let gw: TestGateway;
  let id: Record<string, string>;
  const crash = crashBeforeStore();

  beforeAll(async () => {
    ({ gw, id } = await startFundedGateway(['bank', 'alice', 'bob'], { alice: '100000' }, { perOrg: true, faults: { Org1MSP: crash.faults } }));
  }, 120_000);
  afterAll(() => gw.close());

  async function open(channelId: string, deposit: string) {
    const res = await gw.as('alice').post('/v1/channels', { id: channelId, counterparty: id.bob, deposit, counterpartyDeposit: '0' });
    expect(res.status).toBe(201);
  }
  const pay = (channelId: string, amount: number) => gw.as('alice').post(`/v1/channels/${channelId}/payments`, { amount: String(amount) });
  const stateAt = async (name: string, channelId: string) => (await gw.as(name).get(`/v1/channels/${channelId}/state`)).body;

  test('64 concurrent payments are all answered 201, in fewer states, with exact balances on both sides', async () => {
    const channelId = `many-${run}`;
    await open(channelId, '10000');
    const amounts = Array.from({ length: 64 }, (_, i) => 1 + (i % 7));
    const results = await Promise.all(amounts.map((a) => pay(channelId, a)));
    expect(results.map((r) => r.status)).toEqual(amounts.map(() => 201));
    const paid = amounts.reduce((a, b) => a + b, 0);
    const final = await stateAt('bob', channelId);
    expect(final).toMatchObject({ balances: [String(10000 - paid), String(paid)] });
    expect(await stateAt('alice', channelId)).toEqual(final);
    // Each answer is the agreed state that includes it: its own amount, a version up to the last.
    results.forEach((r, i) => {
      expect(r.body.amount).toBe(String(amounts[i]));
      expect(r.body.version).toBeGreaterThanOrEqual(1);
      expect(r.body.version).toBeLessThanOrEqual(final.version);
      expect(BigInt(r.body.balances[0]) + BigInt(r.body.balances[1])).toBe(10000n);
    });
    expect(results.find((r) => r.body.version === final.version)!.body.balances).toEqual(final.balances);
    expect(final.version).toBeLessThan(amounts.length); // netted: not one state per payment
  }, 60_000);

  test('in a netted state, only the payments the balance no longer covers are refused', async () => {
    const channelId = `overdraw-${run}`;
    await open(channelId, '100');
    const results = await Promise.all(Array.from({ length: 30 }, () => pay(channelId, 5)));
    const statuses = results.map((r) => r.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(20);
    expect(statuses.filter((s) => s === 422)).toHaveLength(10);
    for (const r of results.filter((r) => r.status === 422)) expect(r.body.code).toBe('INSUFFICIENT_FUNDS');
    expect(await stateAt('bob', channelId)).toMatchObject({ balances: ['0', '100'] });
    expect(await stateAt('alice', channelId)).toEqual(await stateAt('bob', channelId));
  }, 60_000);

  test('a crash of the payer\'s gateway mid-stream loses no acknowledged payment, and both sides agree after restart', async () => {
    const channelId = `crash-${run}`;
    await open(channelId, '10000');
    const first = await Promise.all(Array.from({ length: 16 }, () => pay(channelId, 3)));
    expect(first.every((r) => r.status === 201)).toBe(true);
    crash.arm(); // the next state bob countersigns is not stored by alice's gateway
    const second = await Promise.all(Array.from({ length: 24 }, () => pay(channelId, 2)));
    const acknowledged = 16 * 3 + 2 * second.filter((r) => r.status === 201).length;
    expect(second.some((r) => r.status === 500)).toBe(true);
    expect(second.every((r) => r.status === 201 || r.status === 500)).toBe(true);

    await gw.restart('Org1MSP', crash.faults);
    const bob = await stateAt('bob', channelId);
    expect(await stateAt('alice', channelId)).toEqual(bob);
    const received = Number(bob.balances[1]);
    expect(received).toBeGreaterThanOrEqual(acknowledged);
    expect(received).toBeLessThanOrEqual(16 * 3 + 24 * 2);
    expect(Number(bob.balances[0]) + received).toBe(10000);
    const next = await pay(channelId, 1);
    expect(next.body).toMatchObject({ version: bob.version + 1, balances: [String(Number(bob.balances[0]) - 1), String(received + 1)] });
  }, 60_000);

  // Exactly once for off-chain payments (a retry never applies a request twice): a payment whose
  // proposal the other gateway countersigned, but which the payer's gateway failed to store (500,
  // proposal pending), is recovered from the other side at the next request or at restart; a
  // repeat with the same Idempotency-Key then answers that agreed state instead of paying again.
  test.each([
    ['at its next request', false],
    ['after a restart', true],
  ])('a payment retried with its Idempotency-Key after a failure between countersignature and store is paid once (%s)', async (_when, restart) => {
    const channelId = `retry-${restart ? 'restart' : 'live'}-${run}`;
    await open(channelId, '1000');
    const key = `pay-once-${channelId}`;
    crash.arm(); // bob countersigns; alice's gateway fails before storing: 500, proposal pending
    const failed = await gw.as('alice').post(`/v1/channels/${channelId}/payments`, { amount: '7' }, { 'idempotency-key': key });
    expect(failed.status).toBe(500);
    if (restart) await gw.restart('Org1MSP', crash.faults); // recovery at start adopts bob's agreed state
    const retried = await gw.as('alice').post(`/v1/channels/${channelId}/payments`, { amount: '7' }, { 'idempotency-key': key });
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ channel: channelId, amount: '7', version: 1, balances: ['993', '7'] });
    expect(await stateAt('bob', channelId)).toMatchObject({ version: 1, balances: ['993', '7'] });
    expect(await stateAt('alice', channelId)).toEqual(await stateAt('bob', channelId));
    // And the key keeps its answer.
    expect((await gw.as('alice').post(`/v1/channels/${channelId}/payments`, { amount: '7' }, { 'idempotency-key': key })).body).toEqual(retried.body);
    expect(await stateAt('bob', channelId)).toMatchObject({ version: 1, balances: ['993', '7'] });
  }, 60_000);
});
