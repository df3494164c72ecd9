import { verify, X509Certificate } from 'node:crypto';
import { TestNetwork, UserName } from './network';
import { balances, closeAfterEach, evalRefusal, expectRefusedUnchanged, submitWithEvent } from './helpers';
import { endorsersOf } from './dbcs-fixture';
import {
  Tpc,
  agreed,
  fundedNetwork,
  moneyInSystem,
  mpcBytes,
  openChannel,
  openRequest,
  signBytes,
  signedBy,
  sleep,
  stateArg,
  tpcBytes,
} from './channels-fixture';

/**
 * The two-party payment channel (J. Math. 2022, section 3.1: createTPC, updateTPC, closeTPC) and
 * its unilateral close (register, challenge, settle), through fabric-contract-api's dispatch on
 * the embedded ledger.
 */
let net: TestNetwork;
closeAfterEach(() => net);

const AB: [UserName, UserName] = ['alice', 'bob'];
const GHOST = 'e'.repeat(40);

const channel = (id: string, as: UserName = 'alice') => net.evaluate(as, 'channels:getChannel', id);

/** A refused submit that moves no money, commits nothing and leaves channel `id` as it was. */
async function refusedUnchanged(code: string, as: UserName, fn: string, id: string, ...args: string[]): Promise<void> {
  const before = await channel(id).catch(() => undefined);
  const money = await moneyInSystem(net);
  await expectRefusedUnchanged(net, code as never, as, `channels:${fn}`, id, ...args);
  expect(await channel(id).catch(() => undefined)).toEqual(before);
  expect(await moneyInSystem(net)).toEqual(money);
}

/** alice and bob's channel `ab` with deposits 700 and 300. */
async function withChannel(): Promise<any> {
  net = await fundedNetwork();
  return openChannel(net, 'ab', AB, [700, 300]);
}

describe('openChannel (createTPC)', () => {
  test('moves both deposits into the channel and records it under both organisations', async () => {
    net = await fundedNetwork();
    const before = await moneyInSystem(net);
    const { result: view, event } = await submitWithEvent(net, 'alice', 'channels:openChannel', openRequest(net, 'ab', AB, [700, 300]));
    expect(view).toEqual({
      id: 'ab',
      parties: [net.account.alice, net.account.bob],
      deposits: ['700', '300'],
      balances: ['700', '300'],
      version: 0,
      total: '1000',
      status: 'OPEN',
      busy: null,
      createdAt: view.createdAt,
      updatedAt: view.createdAt,
    });
    expect(event.name).toBe('ChannelOpened');
    expect(event.payload).toEqual({ channel: view, txId: event.txId });
    expect(await channel('ab', 'bob')).toEqual(view);
    expect(await balances(net, AB)).toEqual({ alice: { balance: '9300', held: '0' }, bob: { balance: '9700', held: '0' } });
    expect(await endorsersOf(net, 'channel', ['ab'])).toEqual(['Org1MSP', 'Org2MSP']);
    const after = await moneyInSystem(net);
    expect(after).toEqual({ accounts: before.accounts - 1000n, channels: 1000n, total: before.total });
  });

  test('the second party may submit, and one deposit may be zero', async () => {
    net = await fundedNetwork();
    const view = await net.submit('bob', 'channels:openChannel', openRequest(net, 'ab', AB, [0, 500]));
    expect(view).toMatchObject({ deposits: ['0', '500'], balances: ['0', '500'], total: '500' });
    expect(await balances(net, AB)).toEqual({ alice: { balance: '10000', held: '0' }, bob: { balance: '9500', held: '0' } });
  });

  test('refuses forged, missing or misplaced signatures', async () => {
    net = await fundedNetwork();
    const opening = tpcBytes('ab', { version: 0, balances: [700, 300] });
    const request = (signatures: unknown[]) =>
      JSON.stringify({ id: 'ab', parties: [net.account.alice, net.account.bob], deposits: ['700', '300'], signatures });
    const alice = signBytes(net, 'alice', opening);
    const bob = signBytes(net, 'bob', opening);
    // bob's part signed with carol's key
    await refusedUnchanged('FORBIDDEN', 'alice', 'openChannel', request([alice, signBytes(net, 'carol', opening)]));
    // bob signed other bytes (other deposits)
    await refusedUnchanged('FORBIDDEN', 'alice', 'openChannel', request([alice, signBytes(net, 'bob', tpcBytes('ab', { version: 0, balances: [300, 700] }))]));
    // bob signed the opening of another channel
    await refusedUnchanged('FORBIDDEN', 'alice', 'openChannel', request([alice, signBytes(net, 'bob', tpcBytes('other', { version: 0, balances: [700, 300] }))]));
    // signatures in the wrong order, one missing, null, empty
    await refusedUnchanged('FORBIDDEN', 'alice', 'openChannel', request([bob, alice]));
    await refusedUnchanged('FORBIDDEN', 'alice', 'openChannel', request([alice]));
    await refusedUnchanged('FORBIDDEN', 'alice', 'openChannel', request([alice, null]));
    await refusedUnchanged('FORBIDDEN', 'alice', 'openChannel', request(['', bob]));
    // malformed signatures
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'openChannel', request([alice, 'not base64!']));
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'openChannel', request([alice, 42]));
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'openChannel', request([alice, bob, alice]));
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'openChannel', request({} as never));
  });

  test('refuses a caller who is not a party, unknown parties, bad requests and short balances', async () => {
    net = await fundedNetwork();
    const base = JSON.parse(openRequest(net, 'ab', AB, [700, 300]));
    const alter = (change: Record<string, unknown>) => JSON.stringify({ ...base, ...change });
    await refusedUnchanged('FORBIDDEN', 'carol', 'openChannel', JSON.stringify(base));
    await refusedUnchanged('NOT_FOUND', 'alice', 'openChannel', alter({ parties: [net.account.alice, GHOST] }));
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'openChannel', alter({ parties: [net.account.alice, net.account.alice] }));
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'openChannel', alter({ parties: [net.account.alice] }));
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'openChannel', alter({ deposits: ['0', '0'] }));
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'openChannel', alter({ deposits: ['-1', '300'] }));
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'openChannel', alter({ deposits: [700, 300] }));
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'openChannel', alter({ deposits: ['700'] }));
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'openChannel', alter({ id: 'bad id' }));
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'openChannel', alter({ extra: true }));
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'openChannel', '{not json');
    await refusedUnchanged('INSUFFICIENT_FUNDS', 'alice', 'openChannel', openRequest(net, 'ab', AB, [700, 10001]));
    await refusedUnchanged('INSUFFICIENT_FUNDS', 'alice', 'openChannel', openRequest(net, 'ab', AB, [10001, 300]));
    await openChannel(net, 'ab', AB, [700, 300]);
    await refusedUnchanged('ALREADY_EXISTS', 'alice', 'openChannel', openRequest(net, 'ab', AB, [1, 1]));
  });
});

describe('checkpoint (updateTPC)', () => {
  test('stores a newer state signed by both without moving money', async () => {
    const opened = await withChannel();
    const money = await moneyInSystem(net);
    const { result: view, event } = await submitWithEvent(net, 'bob', 'channels:checkpoint', 'ab', ...agreed(net, 'ab', AB, { version: 5, balances: [400, 600] }));
    expect(view).toEqual({ ...opened, balances: ['400', '600'], version: 5, updatedAt: view.updatedAt });
    expect(event.name).toBe('ChannelCheckpointed');
    expect(event.payload).toEqual({ channel: view, txId: event.txId });
    expect(await moneyInSystem(net)).toEqual(money);
    // versions need only increase, not by one; a state may carry its channel id
    const withId = JSON.stringify({ channel: 'ab', version: 9, balances: ['1000', '0'], final: false });
    const next = await net.submit('alice', 'channels:checkpoint', 'ab', withId, signedBy(net, 'ab', { version: 9, balances: [1000, 0] }, AB));
    expect(next).toMatchObject({ version: 9, balances: ['1000', '0'] });
  });

  test('refuses replayed and old versions', async () => {
    await withChannel();
    await net.submit('alice', 'channels:checkpoint', 'ab', ...agreed(net, 'ab', AB, { version: 5, balances: [400, 600] }));
    await refusedUnchanged('FAILED_PRECONDITION', 'alice', 'checkpoint', 'ab', ...agreed(net, 'ab', AB, { version: 5, balances: [400, 600] }));
    await refusedUnchanged('FAILED_PRECONDITION', 'alice', 'checkpoint', 'ab', ...agreed(net, 'ab', AB, { version: 3, balances: [700, 300] }));
    await refusedUnchanged('FAILED_PRECONDITION', 'alice', 'checkpoint', 'ab', ...agreed(net, 'ab', AB, { version: 0, balances: [700, 300] }));
  });

  test('refuses non-conserving states and states that overdraw a party', async () => {
    await withChannel();
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'checkpoint', 'ab', ...agreed(net, 'ab', AB, { version: 1, balances: [800, 300] }));
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'checkpoint', 'ab', ...agreed(net, 'ab', AB, { version: 1, balances: [0, 0] }));
    await refusedUnchanged('INSUFFICIENT_FUNDS', 'alice', 'checkpoint', 'ab', ...agreed(net, 'ab', AB, { version: 1, balances: [-100, 1100] }));
  });

  test('refuses forged signatures: wrong key, other bytes, missing, swapped, final flag or channel changed', async () => {
    await withChannel();
    const s: Tpc = { version: 1, balances: [600, 400] };
    const sig = (u: UserName, t: Tpc, id = 'ab') => signBytes(net, u, tpcBytes(id, t));
    const check = (sigs: unknown[]) => refusedUnchanged('FORBIDDEN', 'alice', 'checkpoint', 'ab', stateArg(s), JSON.stringify(sigs));
    await check([sig('alice', s), sig('carol', s)]);
    await check([sig('dave', s), sig('bob', s)]);
    await check([sig('alice', s), sig('bob', { version: 1, balances: [400, 600] })]);
    await check([sig('alice', s), sig('bob', { version: 2, balances: [600, 400] })]);
    await check([sig('alice', s), sig('bob', { ...s, final: true })]);
    await check([sig('alice', s), sig('bob', s, 'other')]);
    await check([sig('bob', s), sig('alice', s)]);
    await check([sig('alice', s)]);
    await check([sig('alice', s), null]);
    await check([]);
    // bob's signature over a multiparty state carrying the same channel state is not a channel state signature
    const mpc = signBytes(net, 'bob', mpcBytes('ab', { version: 1, channels: [{ channel: 'ab', version: 1, balances: [600, 400] }] }));
    await check([sig('alice', s), mpc]);
    // a well-formed raw (r||s) signature that verifies nothing
    await check([sig('alice', s), Buffer.alloc(64, 1).toString('base64')]);
  });

  test('refuses non-parties, final states, malformed arguments and unknown channels', async () => {
    await withChannel();
    const s: Tpc = { version: 1, balances: [600, 400] };
    await refusedUnchanged('FORBIDDEN', 'carol', 'checkpoint', 'ab', ...agreed(net, 'ab', AB, s));
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'checkpoint', 'ab', ...agreed(net, 'ab', AB, { ...s, final: true }));
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'checkpoint', 'ab', JSON.stringify({ channel: 'xy', version: 1, balances: ['600', '400'], final: false }), signedBy(net, 'ab', s, AB));
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'checkpoint', 'ab', JSON.stringify({ version: '1', balances: ['600', '400'], final: false }), signedBy(net, 'ab', s, AB));
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'checkpoint', 'ab', JSON.stringify({ version: 1, balances: [600, 400], final: false }), signedBy(net, 'ab', s, AB));
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'checkpoint', 'ab', JSON.stringify({ version: 1, balances: ['600', '400'] }), signedBy(net, 'ab', s, AB));
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'checkpoint', 'ab', stateArg(s), 'not json');
    await refusedUnchanged('NOT_FOUND', 'alice', 'checkpoint', 'zz', ...agreed(net, 'zz', AB, s));
  });
});

describe('closeChannel (closeTPC)', () => {
  test('pays the final balances to the parties and closes the channel', async () => {
    await withChannel();
    const money = await moneyInSystem(net);
    await net.submit('alice', 'channels:checkpoint', 'ab', ...agreed(net, 'ab', AB, { version: 3, balances: [500, 500] }));
    const { result: view, event } = await submitWithEvent(net, 'bob', 'channels:closeChannel', 'ab', ...agreed(net, 'ab', AB, { version: 4, balances: [250, 750], final: true }));
    expect(view).toMatchObject({ status: 'CLOSED', version: 4, balances: ['250', '750'], total: '1000', busy: null, closedAt: view.updatedAt });
    expect(event.name).toBe('ChannelClosed');
    expect(event.payload).toEqual({ channel: view, txId: event.txId });
    expect(await balances(net, AB)).toEqual({ alice: { balance: '9550', held: '0' }, bob: { balance: '10450', held: '0' } });
    expect(await moneyInSystem(net)).toEqual({ accounts: money.accounts + 1000n, channels: 0n, total: money.total });
    // closed for good: no checkpoint, no second close, no unilateral close, id not reusable
    await refusedUnchanged('FAILED_PRECONDITION', 'alice', 'checkpoint', 'ab', ...agreed(net, 'ab', AB, { version: 5, balances: [0, 1000] }));
    await refusedUnchanged('FAILED_PRECONDITION', 'alice', 'closeChannel', 'ab', ...agreed(net, 'ab', AB, { version: 5, balances: [0, 1000], final: true }));
    await refusedUnchanged('FAILED_PRECONDITION', 'alice', 'startClose', 'ab', ...agreed(net, 'ab', AB, { version: 5, balances: [0, 1000] }));
    await refusedUnchanged('ALREADY_EXISTS', 'alice', 'openChannel', openRequest(net, 'ab', AB, [1, 1]));
  });

  test('a final state of the stored version closes with the stored balances, a zero balance pays nothing', async () => {
    await withChannel();
    await net.submit('alice', 'channels:checkpoint', 'ab', ...agreed(net, 'ab', AB, { version: 3, balances: [1000, 0] }));
    const view = await net.submit('alice', 'channels:closeChannel', 'ab', ...agreed(net, 'ab', AB, { version: 3, balances: [1000, 0], final: true }));
    expect(view).toMatchObject({ status: 'CLOSED', version: 3, balances: ['1000', '0'] });
    expect(await balances(net, AB)).toEqual({ alice: { balance: '10300', held: '0' }, bob: { balance: '9700', held: '0' } });
  });

  test('refuses older, conflicting, non-final, non-conserving, forged states and non-parties', async () => {
    await withChannel();
    await net.submit('alice', 'channels:checkpoint', 'ab', ...agreed(net, 'ab', AB, { version: 3, balances: [500, 500] }));
    await refusedUnchanged('FAILED_PRECONDITION', 'alice', 'closeChannel', 'ab', ...agreed(net, 'ab', AB, { version: 2, balances: [700, 300], final: true }));
    await refusedUnchanged('FAILED_PRECONDITION', 'alice', 'closeChannel', 'ab', ...agreed(net, 'ab', AB, { version: 3, balances: [700, 300], final: true }));
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'closeChannel', 'ab', ...agreed(net, 'ab', AB, { version: 4, balances: [700, 300] }));
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'closeChannel', 'ab', ...agreed(net, 'ab', AB, { version: 4, balances: [700, 400], final: true }));
    await refusedUnchanged('INSUFFICIENT_FUNDS', 'alice', 'closeChannel', 'ab', ...agreed(net, 'ab', AB, { version: 4, balances: [1100, -100], final: true }));
    const final: Tpc = { version: 4, balances: [700, 300], final: true };
    // a non-final state's signatures do not close: the final flag is signed
    await refusedUnchanged('FORBIDDEN', 'alice', 'closeChannel', 'ab', stateArg(final), signedBy(net, 'ab', { ...final, final: false }, AB));
    await refusedUnchanged('FORBIDDEN', 'alice', 'closeChannel', 'ab', stateArg(final), signedBy(net, 'ab', final, ['alice', 'dave']));
    await refusedUnchanged('FORBIDDEN', 'alice', 'closeChannel', 'ab', stateArg(final), signedBy(net, 'ab', final, ['alice']));
    await refusedUnchanged('FORBIDDEN', 'carol', 'closeChannel', 'ab', ...agreed(net, 'ab', AB, final));
    await refusedUnchanged('NOT_FOUND', 'alice', 'closeChannel', 'zz', ...agreed(net, 'zz', AB, final));
  });
});

describe('unilateral close (register, challenge, settle)', () => {
  test('an old state registered by one party is beaten by the newer state in the challenge period; settle pays the newer balances', async () => {
    net = await fundedNetwork();
    // 5 s: the refusals below must all run inside the challenge period, even on a loaded machine.
    await net.submit('admin1', 'channels:setChallengePeriod', '5');
    await openChannel(net, 'ab', AB, [700, 300]);
    const money = await moneyInSystem(net);
    // off-chain: alice pays bob over five versions; both sign each
    const states: Tpc[] = [1, 2, 3, 4, 5].map((v) => ({ version: v, balances: [700 - 100 * v, 300 + 100 * v] }));
    // alice cheats: she registers version 2 (500 for her) instead of the latest, version 5 (200)
    const { result: started, event: startEvent } = await submitWithEvent(net, 'alice', 'channels:startClose', 'ab', ...agreed(net, 'ab', AB, states[1]));
    expect(started).toMatchObject({ status: 'CLOSING', version: 0, balances: ['700', '300'] });
    expect(started.closing).toEqual({ version: 2, balances: ['500', '500'], deadline: started.closing.deadline, registeredBy: net.account.alice });
    expect(Date.parse(started.closing.deadline) - Date.parse(started.updatedAt)).toBe(5000);
    expect(startEvent.name).toBe('ChannelCloseStarted');
    expect(startEvent.payload).toEqual({ channel: started, txId: startEvent.txId });
    // during the challenge period: no settle, no checkpoint, no second registration
    await refusedUnchanged('FAILED_PRECONDITION', 'carol', 'settle', 'ab');
    await refusedUnchanged('FAILED_PRECONDITION', 'alice', 'checkpoint', 'ab', ...agreed(net, 'ab', AB, states[4]));
    await refusedUnchanged('FAILED_PRECONDITION', 'bob', 'startClose', 'ab', ...agreed(net, 'ab', AB, states[4]));
    // a challenge must be newer than the registered state and fully signed
    await refusedUnchanged('FAILED_PRECONDITION', 'bob', 'challengeClose', 'ab', ...agreed(net, 'ab', AB, states[1]));
    await refusedUnchanged('FAILED_PRECONDITION', 'bob', 'challengeClose', 'ab', ...agreed(net, 'ab', AB, states[0]));
    await refusedUnchanged('FORBIDDEN', 'bob', 'challengeClose', 'ab', stateArg(states[4]), signedBy(net, 'ab', states[4], ['dave', 'bob']));
    await refusedUnchanged('INVALID_ARGUMENT', 'bob', 'challengeClose', 'ab', ...agreed(net, 'ab', AB, { version: 5, balances: [0, 300] }));
    // bob answers with the latest state
    const { result: challenged, event } = await submitWithEvent(net, 'bob', 'channels:challengeClose', 'ab', ...agreed(net, 'ab', AB, states[4]));
    expect(challenged.closing).toEqual({ version: 5, balances: ['200', '800'], deadline: started.closing.deadline, registeredBy: net.account.bob });
    expect(challenged.status).toBe('CLOSING');
    expect(event.name).toBe('ChannelCloseChallenged');
    expect(await moneyInSystem(net)).toEqual(money);
    // the embedded ledger's transaction time is real time: wait out the challenge period
    await sleep(Math.max(0, Date.parse(started.closing.deadline) - Date.now()) + 100);
    await refusedUnchanged('FAILED_PRECONDITION', 'alice', 'challengeClose', 'ab', ...agreed(net, 'ab', AB, { version: 6, balances: [1000, 0] }));
    // anyone settles, with the newer balances
    const { result: settled, event: settledEvent } = await submitWithEvent(net, 'carol', 'channels:settle', 'ab');
    expect(settled).toMatchObject({ status: 'CLOSED', version: 5, balances: ['200', '800'], closedAt: settled.updatedAt });
    expect(settledEvent.name).toBe('ChannelSettled');
    expect(settledEvent.payload).toEqual({ channel: settled, txId: settledEvent.txId });
    expect(await balances(net, AB)).toEqual({ alice: { balance: '9500', held: '0' }, bob: { balance: '10500', held: '0' } });
    expect(await moneyInSystem(net)).toEqual({ accounts: money.accounts + 1000n, channels: 0n, total: money.total });
    await refusedUnchanged('FAILED_PRECONDITION', 'carol', 'settle', 'ab');
  });

  test('an unchallenged registration settles after the deadline with the registered balances', async () => {
    net = await fundedNetwork();
    await net.submit('admin2', 'channels:setChallengePeriod', '1');
    await openChannel(net, 'ab', AB, [700, 300]);
    await net.submit('bob', 'channels:startClose', 'ab', ...agreed(net, 'ab', AB, { version: 1, balances: [650, 350], final: true }));
    await sleep(1100);
    expect(await net.submit('dave', 'channels:settle', 'ab')).toMatchObject({ status: 'CLOSED', version: 1, balances: ['650', '350'] });
    expect(await balances(net, AB)).toEqual({ alice: { balance: '9950', held: '0' }, bob: { balance: '10050', held: '0' } });
  });

  test('the stored state may be registered without signatures; the deadline follows the challenge period', async () => {
    await withChannel();
    await net.submit('alice', 'channels:checkpoint', 'ab', ...agreed(net, 'ab', AB, { version: 4, balances: [100, 900] }));
    const view = await net.submit('bob', 'channels:startClose', 'ab', stateArg({ version: 4, balances: [100, 900] }), '[]');
    expect(view.closing).toMatchObject({ version: 4, balances: ['100', '900'], registeredBy: net.account.bob });
    expect(Date.parse(view.closing.deadline) - Date.parse(view.updatedAt)).toBe(3600_000);
  });

  test('a watchtower (not a party) may challenge with a fully signed newer state; a cooperative close ends the challenge early', async () => {
    await withChannel();
    await net.submit('alice', 'channels:startClose', 'ab', ...agreed(net, 'ab', AB, { version: 1, balances: [600, 400] }));
    const challenged = await net.submit('dave', 'channels:challengeClose', 'ab', ...agreed(net, 'ab', AB, { version: 2, balances: [500, 500] }));
    expect(challenged.closing).toMatchObject({ version: 2, registeredBy: net.account.dave });
    // a final state older than the registered one cannot close it
    await refusedUnchanged('FAILED_PRECONDITION', 'alice', 'closeChannel', 'ab', ...agreed(net, 'ab', AB, { version: 1, balances: [600, 400], final: true }));
    const closed = await net.submit('bob', 'channels:closeChannel', 'ab', ...agreed(net, 'ab', AB, { version: 3, balances: [450, 550], final: true }));
    expect(closed).toMatchObject({ status: 'CLOSED', version: 3, balances: ['450', '550'] });
    expect(await balances(net, AB)).toEqual({ alice: { balance: '9750', held: '0' }, bob: { balance: '10250', held: '0' } });
  });

  test('refuses registrations that are old, conflicting, unsigned, non-conserving or by non-parties', async () => {
    await withChannel();
    await net.submit('alice', 'channels:checkpoint', 'ab', ...agreed(net, 'ab', AB, { version: 3, balances: [500, 500] }));
    await refusedUnchanged('FAILED_PRECONDITION', 'alice', 'startClose', 'ab', ...agreed(net, 'ab', AB, { version: 2, balances: [600, 400] }));
    await refusedUnchanged('FAILED_PRECONDITION', 'alice', 'startClose', 'ab', ...agreed(net, 'ab', AB, { version: 3, balances: [600, 400] }));
    await refusedUnchanged('FORBIDDEN', 'alice', 'startClose', 'ab', stateArg({ version: 4, balances: [600, 400] }), '[]');
    await refusedUnchanged('FORBIDDEN', 'alice', 'startClose', 'ab', stateArg({ version: 4, balances: [600, 400] }), signedBy(net, 'ab', { version: 4, balances: [600, 400] }, ['alice', 'carol']));
    // the stored state with a bad signature attached is refused rather than silently accepted
    await refusedUnchanged('FORBIDDEN', 'alice', 'startClose', 'ab', stateArg({ version: 3, balances: [500, 500] }), signedBy(net, 'ab', { version: 3, balances: [500, 500] }, ['alice', 'carol']));
    await refusedUnchanged('INVALID_ARGUMENT', 'alice', 'startClose', 'ab', ...agreed(net, 'ab', AB, { version: 4, balances: [600, 500] }));
    await refusedUnchanged('INSUFFICIENT_FUNDS', 'alice', 'startClose', 'ab', ...agreed(net, 'ab', AB, { version: 4, balances: [1001, -1] }));
    await refusedUnchanged('FORBIDDEN', 'carol', 'startClose', 'ab', ...agreed(net, 'ab', AB, { version: 4, balances: [600, 400] }));
    // nothing to challenge or settle while OPEN
    await refusedUnchanged('FAILED_PRECONDITION', 'bob', 'challengeClose', 'ab', ...agreed(net, 'ab', AB, { version: 4, balances: [600, 400] }));
    await refusedUnchanged('FAILED_PRECONDITION', 'bob', 'settle', 'ab');
    await refusedUnchanged('NOT_FOUND', 'bob', 'settle', 'zz');
  });
});

describe('settings', () => {
  test('the challenge period defaults to an hour; administrators of member organisations change it', async () => {
    net = await fundedNetwork();
    expect(await net.evaluate('carol', 'channels:getSettings')).toEqual({ challengePeriodSeconds: 3600, multipartyTimeoutSeconds: 86400 });
    const { result, event } = await submitWithEvent(net, 'admin3', 'channels:setChallengePeriod', '120');
    expect(result).toEqual({ challengePeriodSeconds: 120, multipartyTimeoutSeconds: 86400, updatedAt: result.updatedAt, updatedBy: net.account.admin3 });
    expect(event.name).toBe('ChannelSettingsChanged');
    expect(event.payload).toEqual({ settings: result, from: 3600, txId: event.txId });
    expect(await net.evaluate('alice', 'channels:getSettings')).toEqual(result);
    expect(await endorsersOf(net, 'channel-settings', ['current'])).toEqual(['Org1MSP', 'Org2MSP', 'Org3MSP']);
    await net.submit('admin1', 'channels:setChallengePeriod', '2592000');
    expect((await net.evaluate('alice', 'channels:getSettings')).challengePeriodSeconds).toBe(2592000);
  });

  test('the multiparty timeout defaults to a day; administrators change it without touching the challenge period', async () => {
    net = await fundedNetwork();
    await net.submit('admin1', 'channels:setChallengePeriod', '120');
    const { result, event } = await submitWithEvent(net, 'admin2', 'channels:setMultipartyTimeout', '600');
    expect(result).toEqual({ challengePeriodSeconds: 120, multipartyTimeoutSeconds: 600, updatedAt: result.updatedAt, updatedBy: net.account.admin2 });
    expect(event.name).toBe('ChannelSettingsChanged');
    expect(event.payload).toEqual({ settings: result, from: 86400, txId: event.txId });
    expect(await net.evaluate('bob', 'channels:getSettings')).toEqual(result);
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'alice', 'channels:setMultipartyTimeout', '60');
    for (const bad of ['0', '2592001', '1.5', '-1', '', 'abc', '060']) {
      await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'admin1', 'channels:setMultipartyTimeout', bad);
    }
    expect(await net.evaluate('bob', 'channels:getSettings')).toEqual(result);
  });

  test('refuses non-administrators and values out of range', async () => {
    net = await fundedNetwork();
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'alice', 'channels:setChallengePeriod', '60');
    for (const bad of ['0', '2592001', '1.5', '-1', '', 'abc', '060', '1e3']) {
      await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'admin1', 'channels:setChallengePeriod', bad);
    }
    expect(await net.evaluate('alice', 'channels:getSettings')).toEqual({ challengePeriodSeconds: 3600, multipartyTimeoutSeconds: 86400 });
  });
});

describe('queries', () => {
  test('getChannel and channelHistory are for parties only', async () => {
    await withChannel();
    await net.submit('alice', 'channels:checkpoint', 'ab', ...agreed(net, 'ab', AB, { version: 2, balances: [600, 400] }));
    const closed = await net.submit('bob', 'channels:closeChannel', 'ab', ...agreed(net, 'ab', AB, { version: 3, balances: [550, 450], final: true }));
    expect(await evalRefusal(net, 'carol', 'channels:getChannel', 'ab')).toBe('FORBIDDEN');
    expect(await evalRefusal(net, 'alice', 'channels:getChannel', 'nope')).toBe('NOT_FOUND');
    expect(await evalRefusal(net, 'carol', 'channels:channelHistory', 'ab')).toBe('FORBIDDEN');
    const history = await net.evaluate('bob', 'channels:channelHistory', 'ab');
    expect(history.map((h: any) => [h.channel.status, h.channel.version, h.channel.balances])).toEqual([
      ['OPEN', 0, ['700', '300']],
      ['OPEN', 2, ['600', '400']],
      ['CLOSED', 3, ['550', '450']],
    ]);
    expect(history[2].channel).toEqual(closed);
    expect(history.every((h: any) => typeof h.txId === 'string' && !Number.isNaN(Date.parse(h.timestamp)))).toBe(true);
  });

  test('listChannels pages through the caller\'s channels only', async () => {
    net = await fundedNetwork();
    await openChannel(net, 'c1', ['alice', 'bob'], [10, 10]);
    await openChannel(net, 'c2', ['carol', 'alice'], [10, 10]);
    await openChannel(net, 'c3', ['alice', 'dave'], [10, 10]);
    await openChannel(net, 'c4', ['bob', 'dave'], [10, 10]);
    const first = await net.evaluate('alice', 'channels:listChannels', '2', '');
    expect(first.records.map((c: any) => c.id)).toEqual(['c1', 'c2']);
    expect(first.bookmark).not.toBe('');
    const second = await net.evaluate('alice', 'channels:listChannels', '2', first.bookmark);
    expect(second).toEqual({ records: [expect.objectContaining({ id: 'c3' })], bookmark: '' });
    expect((await net.evaluate('bob', 'channels:listChannels', '', '')).records.map((c: any) => c.id)).toEqual(['c1', 'c4']);
    expect(await net.evaluate('arbiter', 'channels:listChannels', '', '')).toEqual({ records: [], bookmark: '' });
    expect(await evalRefusal(net, 'alice', 'channels:listChannels', '0', '')).toBe('INVALID_ARGUMENT');
    expect(await evalRefusal(net, 'alice', 'channels:listChannels', '101', '')).toBe('INVALID_ARGUMENT');
  });

  test('accounts:getCertificate gives anyone the key that checks a party\'s state signatures', async () => {
    net = await fundedNetwork();
    const cert = await net.evaluate('carol', 'accounts:getCertificate', net.account.alice);
    expect(cert).toEqual({ id: net.account.alice, mspId: 'Org1MSP', certificate: net.ids.alice.certificate });
    const bytes = tpcBytes('ab', { version: 1, balances: [1, 2] });
    const signature = Buffer.from(signBytes(net, 'alice', bytes), 'base64');
    const key = new X509Certificate(cert.certificate).publicKey;
    expect(verify('sha256', bytes, { key, dsaEncoding: 'der' }, signature)).toBe(true);
    expect(await evalRefusal(net, 'carol', 'accounts:getCertificate', GHOST)).toBe('NOT_FOUND');
  });
});
