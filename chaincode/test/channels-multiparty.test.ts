import { TestNetwork, UserName } from './network';
import { balances, closeAfterEach, evalRefusal, expectRefusedUnchanged, submitWithEvent } from './helpers';
import { endorsersOf } from './dbcs-fixture';
import { Mpc, agreed, fundedNetwork, moneyInSystem, mpcBytes, mpcSignedBy, mpcStateArg, openChannel, signBytes, sleep, stateArg } from './channels-fixture';

/**
 * The multiparty payment channel (J. Math. 2022, section 3.3: createMPC, updateMPC, closeMPC).
 * The paper's game: P1..P4 play rounds, the losers each pay the winner 1 token; with P3 the
 * winner, mptx = {(P1,P3,1), (P2,P3,1), (P4,P3,1)} settles over the channels P1-P3, P2-P3 and
 * P4-P3 atomically. Here P1 = alice, P2 = bob, P3 = carol, P4 = dave.
 */
let net: TestNetwork;
closeAfterEach(() => net);

const PARTIES: UserName[] = ['alice', 'bob', 'carol', 'dave'];
/** Member channels: [id, [loser, winner]], sorted by id as multiparty states list them. */
const MEMBERS: [string, [UserName, UserName]][] = [
  ['p1-p3', ['alice', 'carol']],
  ['p2-p3', ['bob', 'carol']],
  ['p4-p3', ['dave', 'carol']],
];

type Balances = Record<string, [number, number]>;

/** Opens the three channels (P4 deposits only `p4Deposit`) and the multiparty channel `game`. */
async function game(p4Deposit = 5): Promise<any> {
  net = await fundedNetwork();
  await openChannel(net, 'p1-p3', ['alice', 'carol'], [5, 5]);
  await openChannel(net, 'p2-p3', ['bob', 'carol'], [5, 5]);
  await openChannel(net, 'p4-p3', ['dave', 'carol'], [p4Deposit, 5]);
  const ids = MEMBERS.map(([id]) => id);
  return net.submit('carol', 'channels:openMultiparty', openMultipartyRequest('game', PARTIES, ids, PARTIES, await currentStates(ids)));
}

/** The openMultiparty request: every signer signs the opening state over the channels' `states`. */
function openMultipartyRequest(id: string, parties: UserName[], channels: string[], signers: UserName[], states: Mpc['channels']): string {
  const signatures = JSON.parse(mpcSignedBy(net, id, { version: 0, channels: states }, signers));
  return JSON.stringify({ id, parties: parties.map((p) => net.account[p]), channels, signatures });
}

/** The channels' current states, as the parties sign them (each read by one of its parties). */
async function currentStates(channels: string[]): Promise<Mpc['channels']> {
  const states: Mpc['channels'] = [];
  for (const id of channels) {
    let c: any;
    for (const as of PARTIES) c ??= await net.evaluate(as, 'channels:getChannel', id).catch(() => undefined);
    states.push({ channel: id, version: c.version, balances: c.balances });
  }
  return states;
}

/** A multiparty state of `game` at `version`, every member at `channelVersion` with `b`. */
function mpcOf(version: number, channelVersion: number, b: Balances, final = false): Mpc {
  return { version, final, channels: MEMBERS.map(([id]) => ({ channel: id, version: channelVersion, balances: b[id] })) };
}

function args(s: Mpc, signers: UserName[] = PARTIES, id = 'game'): [string, string, string] {
  return [id, mpcStateArg(s), mpcSignedBy(net, id, s, signers)];
}

async function snapshot(): Promise<unknown> {
  const channels = [];
  for (const [id] of MEMBERS) channels.push(await net.evaluate('carol', 'channels:getChannel', id));
  return { multiparty: await net.evaluate('carol', 'channels:getMultiparty', 'game'), channels, money: await moneyInSystem(net) };
}

/** A refused submit that changes no channel, no multiparty channel and no money. */
async function refusedUnchanged(code: string, as: UserName, fn: string, ...rest: string[]): Promise<void> {
  const before = await snapshot();
  await expectRefusedUnchanged(net, code as never, as, `channels:${fn}`, ...rest);
  expect(await snapshot()).toEqual(before);
}

/** mptx {(P1,P3,1), (P2,P3,1), (P4,P3,1)} applied to `b`: each loser pays the winner 1. */
function mptx(b: Balances): Balances {
  return Object.fromEntries(Object.entries(b).map(([id, [loser, winner]]) => [id, [loser - 1, winner + 1]])) as Balances;
}

const START: Balances = { 'p1-p3': [5, 5], 'p2-p3': [5, 5], 'p4-p3': [5, 5] };

describe('openMultiparty (createMPC)', () => {
  test('binds the member channels (busy) under every party\'s organisation', async () => {
    net = await fundedNetwork();
    await openChannel(net, 'p1-p3', ['alice', 'carol'], [5, 5]);
    await openChannel(net, 'p2-p3', ['bob', 'carol'], [5, 5]);
    await openChannel(net, 'p4-p3', ['dave', 'carol'], [5, 5]);
    const states = await currentStates(MEMBERS.map(([id]) => id));
    const money = await moneyInSystem(net);
    // the request may list the channels in any order; the signed state lists them sorted by id
    const request = openMultipartyRequest('game', PARTIES, ['p4-p3', 'p1-p3', 'p2-p3'], PARTIES, [states[2], states[0], states[1]]);
    const { result: view, event } = await submitWithEvent(net, 'alice', 'channels:openMultiparty', request);
    expect(view).toEqual({
      id: 'game',
      parties: PARTIES.map((p) => net.account[p]),
      channels: ['p1-p3', 'p2-p3', 'p4-p3'],
      version: 0,
      status: 'OPEN',
      states: MEMBERS.map(([id]) => ({ channel: id, version: 0, balances: ['5', '5'] })),
      createdAt: view.createdAt,
      updatedAt: view.createdAt,
    });
    expect(event.name).toBe('MultipartyOpened');
    expect(event.payload.multiparty).toEqual(view);
    expect(event.payload.channels.map((c: any) => [c.id, c.busy])).toEqual(MEMBERS.map(([id]) => [id, 'game']));
    for (const [id, parties] of MEMBERS) expect((await net.evaluate(parties[0], 'channels:getChannel', id)).busy).toBe('game');
    expect(await endorsersOf(net, 'multiparty', ['game'])).toEqual(['Org1MSP', 'Org2MSP', 'Org3MSP']);
    expect(await net.evaluate('dave', 'channels:getMultiparty', 'game')).toEqual(view);
    expect(await moneyInSystem(net)).toEqual(money);
  });

  test('refuses bad member sets, missing or stale signatures, busy and closed channels', async () => {
    net = await fundedNetwork();
    await openChannel(net, 'p1-p3', ['alice', 'carol'], [5, 5]);
    await openChannel(net, 'p2-p3', ['bob', 'carol'], [5, 5]);
    await openChannel(net, 'p4-p3', ['dave', 'carol'], [5, 5]);
    await openChannel(net, 'a-b', ['alice', 'bob'], [5, 5]);
    const ids = MEMBERS.map(([id]) => id);
    const states = await currentStates(ids);
    const refuse = (code: string, as: UserName, body: string) => expectRefusedUnchanged(net, code as never, as, 'channels:openMultiparty', body);
    // fewer than two channels; a party in no channel; a channel party not among the parties
    await refuse('INVALID_ARGUMENT', 'alice', openMultipartyRequest('g', ['alice', 'carol'], ['p1-p3'], ['alice', 'carol'], states.slice(0, 1)));
    await refuse('INVALID_ARGUMENT', 'alice', openMultipartyRequest('g', [...PARTIES, 'arbiter'], ids, [...PARTIES, 'arbiter'], states));
    await refuse('INVALID_ARGUMENT', 'alice', openMultipartyRequest('g', ['alice', 'bob', 'carol'], ids, ['alice', 'bob', 'carol'], states));
    await refuse('INVALID_ARGUMENT', 'alice', openMultipartyRequest('g', PARTIES, [...ids, 'p1-p3'], PARTIES, states));
    await refuse('INVALID_ARGUMENT', 'alice', openMultipartyRequest('g', [...PARTIES, 'alice'], ids, PARTIES, states));
    // a signature by someone who is not a party; the caller not a party
    const withStranger = JSON.parse(openMultipartyRequest('g', PARTIES, ids, PARTIES, states));
    withStranger.signatures[net.account.bank] = signBytes(net, 'bank', mpcBytes('g', { version: 0, channels: states }));
    await refuse('INVALID_ARGUMENT', 'alice', JSON.stringify(withStranger));
    await refuse('FORBIDDEN', 'bank', openMultipartyRequest('g', PARTIES, ids, PARTIES, states));
    // dave's signature missing, by the wrong key, over another id, over stale channel states
    await refuse('FORBIDDEN', 'alice', openMultipartyRequest('g', PARTIES, ids, ['alice', 'bob', 'carol'], states));
    const forged = JSON.parse(openMultipartyRequest('g', PARTIES, ids, PARTIES, states));
    forged.signatures[net.account.dave] = signBytes(net, 'bob', mpcBytes('g', { version: 0, channels: states }));
    await refuse('FORBIDDEN', 'alice', JSON.stringify(forged));
    const otherId = JSON.parse(openMultipartyRequest('g', PARTIES, ids, PARTIES, states));
    otherId.signatures = JSON.parse(mpcSignedBy(net, 'h', { version: 0, channels: states }, PARTIES));
    await refuse('FORBIDDEN', 'alice', JSON.stringify(otherId));
    await net.submit('dave', 'channels:checkpoint', 'p4-p3', ...agreed(net, 'p4-p3', ['dave', 'carol'], { version: 1, balances: [4, 6] }));
    await refuse('FORBIDDEN', 'alice', openMultipartyRequest('g', PARTIES, ids, PARTIES, states));
    const fresh = await currentStates(ids);
    // unknown channel; closed channel; busy channel
    await refuse('NOT_FOUND', 'alice', openMultipartyRequest('g', PARTIES, [...ids, 'nope'], PARTIES, fresh));
    await net.submit('bob', 'channels:openMultiparty', openMultipartyRequest('first', PARTIES, ids, PARTIES, fresh));
    await refuse('ALREADY_EXISTS', 'alice', openMultipartyRequest('first', PARTIES, ids, PARTIES, fresh));
    const withAB = [...ids, 'a-b'].sort();
    await refuse('FAILED_PRECONDITION', 'alice', openMultipartyRequest('g', PARTIES, withAB, PARTIES, await currentStates(withAB)));
    await net.submit('alice', 'channels:closeChannel', 'a-b', ...agreed(net, 'a-b', ['alice', 'bob'], { version: 1, balances: [5, 5], final: true }));
    const pair = ['a-b', 'p1-p3'];
    await refuse('FAILED_PRECONDITION', 'alice', openMultipartyRequest('g', ['alice', 'bob', 'carol'], pair, ['alice', 'bob', 'carol'], await currentStates(pair)));
  });
});

describe('busy channels', () => {
  test('a member channel refuses checkpoint, cooperative and unilateral close while in the multiparty channel', async () => {
    await game();
    const pair: [UserName, UserName] = ['alice', 'carol'];
    await refusedUnchanged('FAILED_PRECONDITION', 'alice', 'checkpoint', 'p1-p3', ...agreed(net, 'p1-p3', pair, { version: 1, balances: [4, 6] }));
    await refusedUnchanged('FAILED_PRECONDITION', 'alice', 'closeChannel', 'p1-p3', ...agreed(net, 'p1-p3', pair, { version: 1, balances: [4, 6], final: true }));
    await refusedUnchanged('FAILED_PRECONDITION', 'carol', 'startClose', 'p1-p3', ...agreed(net, 'p1-p3', pair, { version: 1, balances: [4, 6] }));
    await refusedUnchanged('FAILED_PRECONDITION', 'carol', 'startClose', 'p1-p3', stateArg({ version: 0, balances: [5, 5] }), '[]');
  });
});

describe('updateMultiparty (updateMPC)', () => {
  test('the paper\'s mptx {(P1,P3,1),(P2,P3,1),(P4,P3,1)} moves every member channel at once', async () => {
    await game();
    const money = await moneyInSystem(net);
    const round1 = mpcOf(1, 1, mptx(START));
    const { result: view, event } = await submitWithEvent(net, 'carol', 'channels:updateMultiparty', ...args(round1));
    expect(view.version).toBe(1);
    expect(view.states).toEqual(MEMBERS.map(([id]) => ({ channel: id, version: 1, balances: ['4', '6'] })));
    expect(event.name).toBe('MultipartyUpdated');
    expect(event.payload.multiparty).toEqual(view);
    expect(event.payload.channels.map((c: any) => [c.id, c.version, c.balances, c.busy])).toEqual(MEMBERS.map(([id]) => [id, 1, ['4', '6'], 'game']));
    // a second round, versions skipping ahead, submitted by a loser
    const round2 = mpcOf(7, 3, mptx(mptx(START)));
    expect((await net.submit('dave', 'channels:updateMultiparty', ...args(round2))).states.map((s: any) => s.balances)).toEqual([['3', '7'], ['3', '7'], ['3', '7']]);
    expect(await moneyInSystem(net)).toEqual(money);
    // money stays in the channels: account balances are untouched
    expect(await balances(net, ['alice', 'carol'])).toEqual({ alice: { balance: '9995', held: '0' }, carol: { balance: '9985', held: '0' } });
  });

  test('all or nothing: when one member channel lacks funds, no channel moves', async () => {
    await game(1);
    await net.submit('alice', 'channels:updateMultiparty', ...args(mpcOf(1, 1, mptx({ ...START, 'p4-p3': [1, 5] }))));
    // P4 has 0 left in its channel with P3: the next mptx would take it to -1
    const now: Balances = { 'p1-p3': [4, 6], 'p2-p3': [4, 6], 'p4-p3': [0, 6] };
    await refusedUnchanged('INSUFFICIENT_FUNDS', 'carol', 'updateMultiparty', ...args(mpcOf(2, 2, mptx(now))));
    // papering over the shortfall breaks conservation
    await refusedUnchanged('INVALID_ARGUMENT', 'carol', 'updateMultiparty', ...args(mpcOf(2, 2, { ...mptx(now), 'p4-p3': [0, 7] })));
    const snap = (await snapshot()) as any;
    expect(snap.channels.map((c: any) => [c.version, c.balances])).toEqual([[1, ['4', '6']], [1, ['4', '6']], [1, ['0', '6']]]);
    // settled without P4, the round goes through
    expect((await net.submit('carol', 'channels:updateMultiparty', ...args(mpcOf(2, 2, { ...mptx(now), 'p4-p3': [0, 6] })))).version).toBe(2);
  });

  test('refuses replayed versions, wrong channel lists, final states, forged or missing signatures and non-parties', async () => {
    await game();
    const round1 = mpcOf(1, 1, mptx(START));
    await net.submit('carol', 'channels:updateMultiparty', ...args(round1));
    const round2 = mpcOf(2, 2, mptx(mptx(START)));
    // replayed or old multiparty version; one member channel's version not increasing
    await refusedUnchanged('FAILED_PRECONDITION', 'carol', 'updateMultiparty', ...args(round1));
    await refusedUnchanged('FAILED_PRECONDITION', 'carol', 'updateMultiparty', ...args({ ...round2, version: 1 }));
    const stale = { ...round2, channels: round2.channels.map((c) => (c.channel === 'p2-p3' ? { ...c, version: 1 } : c)) };
    await refusedUnchanged('FAILED_PRECONDITION', 'carol', 'updateMultiparty', ...args(stale));
    // a member missing, an extra channel, a channel listed twice
    await refusedUnchanged('INVALID_ARGUMENT', 'carol', 'updateMultiparty', ...args({ ...round2, channels: round2.channels.slice(1) }));
    await refusedUnchanged('INVALID_ARGUMENT', 'carol', 'updateMultiparty', ...args({ ...round2, channels: [...round2.channels, { channel: 'zz', version: 2, balances: [1, 1] }] }));
    await refusedUnchanged('INVALID_ARGUMENT', 'carol', 'updateMultiparty', ...args({ ...round2, channels: [...round2.channels.slice(1), round2.channels[1]] }));
    await refusedUnchanged('INVALID_ARGUMENT', 'carol', 'updateMultiparty', ...args({ ...round2, final: true }));
    await refusedUnchanged('INVALID_ARGUMENT', 'carol', 'updateMultiparty', 'game', JSON.stringify({ mpc: 'other', ...JSON.parse(mpcStateArg(round2)) }), mpcSignedBy(net, 'game', round2, PARTIES));
    // signatures: one missing, one by the wrong key, one over other balances, one of a non-party
    await refusedUnchanged('FORBIDDEN', 'carol', 'updateMultiparty', 'game', mpcStateArg(round2), mpcSignedBy(net, 'game', round2, ['alice', 'bob', 'carol']));
    const sigs = JSON.parse(mpcSignedBy(net, 'game', round2, PARTIES));
    const replace = (who: UserName, sig: string) => JSON.stringify({ ...sigs, [net.account[who]]: sig });
    await refusedUnchanged('FORBIDDEN', 'carol', 'updateMultiparty', 'game', mpcStateArg(round2), replace('dave', signBytes(net, 'alice', mpcBytes('game', round2))));
    await refusedUnchanged('FORBIDDEN', 'carol', 'updateMultiparty', 'game', mpcStateArg(round2), replace('dave', signBytes(net, 'dave', mpcBytes('game', mpcOf(2, 2, { ...mptx(mptx(START)), 'p4-p3': [5, 5] })))));
    await refusedUnchanged('FORBIDDEN', 'carol', 'updateMultiparty', 'game', mpcStateArg(round2), replace('dave', signBytes(net, 'dave', mpcBytes('game', { ...round2, final: true }))));
    await refusedUnchanged('INVALID_ARGUMENT', 'carol', 'updateMultiparty', 'game', mpcStateArg(round2), JSON.stringify({ ...sigs, [net.account.bank]: sigs[net.account.dave] }));
    await refusedUnchanged('INVALID_ARGUMENT', 'carol', 'updateMultiparty', 'game', mpcStateArg(round2), JSON.stringify(Object.values(sigs)));
    await refusedUnchanged('FORBIDDEN', 'bank', 'updateMultiparty', ...args(round2));
    await refusedUnchanged('NOT_FOUND', 'carol', 'updateMultiparty', ...args(round2, PARTIES, 'nope'));
  });
});

describe('closeMultiparty (closeMPC)', () => {
  test('releases every member channel, which then works as an ordinary two-party channel', async () => {
    await game();
    const round1 = mpcOf(1, 1, mptx(START));
    await net.submit('carol', 'channels:updateMultiparty', ...args(round1));
    const money = await moneyInSystem(net);
    const { result: view, event } = await submitWithEvent(net, 'bob', 'channels:closeMultiparty', ...args({ ...round1, final: true }));
    expect(view).toMatchObject({ status: 'CLOSED', version: 1, closedAt: view.updatedAt });
    expect(event.name).toBe('MultipartyClosed');
    expect(event.payload.channels.map((c: any) => [c.id, c.status, c.busy, c.version, c.balances])).toEqual(
      MEMBERS.map(([id]) => [id, 'OPEN', null, 1, ['4', '6']]),
    );
    expect(await moneyInSystem(net)).toEqual(money);
    // closed for good
    await refusedUnchanged('FAILED_PRECONDITION', 'carol', 'updateMultiparty', ...args(mpcOf(2, 2, mptx(mptx(START)))));
    await refusedUnchanged('FAILED_PRECONDITION', 'carol', 'closeMultiparty', ...args(mpcOf(2, 2, mptx(mptx(START)), true)));
    const ids = MEMBERS.map(([id]) => id);
    await refusedUnchanged('ALREADY_EXISTS', 'carol', 'openMultiparty', openMultipartyRequest('game', PARTIES, ids, PARTIES, await currentStates(ids)));
    // the freed channels: checkpoint above the multiparty-set version, close cooperatively
    await net.submit('alice', 'channels:checkpoint', 'p1-p3', ...agreed(net, 'p1-p3', ['alice', 'carol'], { version: 2, balances: [3, 7] }));
    await net.submit('carol', 'channels:closeChannel', 'p1-p3', ...agreed(net, 'p1-p3', ['alice', 'carol'], { version: 3, balances: [3, 7], final: true }));
    // the state the multiparty channel left has no two-party signatures: it can still be registered
    const closing = await net.submit('dave', 'channels:startClose', 'p4-p3', stateArg({ version: 1, balances: [4, 6] }), '[]');
    expect(closing.closing).toMatchObject({ version: 1, balances: ['4', '6'] });
    // the remaining free channel joins a new multiparty channel with another
    await openChannel(net, 'b-d', ['bob', 'dave'], [2, 2]);
    const again = ['b-d', 'p2-p3'];
    await net.submit('bob', 'channels:openMultiparty', openMultipartyRequest('again', ['bob', 'carol', 'dave'], again, ['bob', 'carol', 'dave'], await currentStates(again)));
    expect((await moneyInSystem(net)).total).toBe(money.total);
    expect(await balances(net, ['alice', 'carol'])).toEqual({ alice: { balance: '9998', held: '0' }, carol: { balance: '9992', held: '0' } });
  });

  test('a final state may carry a last update of the members', async () => {
    await game();
    const last = mpcOf(1, 1, mptx(START), true);
    const view = await net.submit('alice', 'channels:closeMultiparty', ...args(last));
    expect(view).toMatchObject({ status: 'CLOSED', version: 1, states: MEMBERS.map(([id]) => ({ channel: id, version: 1, balances: ['4', '6'] })) });
    // members may also stay as stored in a newer final state
    await net.close();
    await game();
    const mixed: Mpc = { version: 1, final: true, channels: [{ channel: 'p1-p3', version: 0, balances: [5, 5] }, { channel: 'p2-p3', version: 4, balances: [0, 10] }, { channel: 'p4-p3', version: 0, balances: [5, 5] }] };
    const closed = await net.submit('carol', 'channels:closeMultiparty', ...args(mixed));
    expect(closed.states.map((s: any) => [s.version, s.balances])).toEqual([[0, ['5', '5']], [4, ['0', '10']], [0, ['5', '5']]]);
  });

  test('refuses non-final, old, conflicting, non-conserving or unsigned closes and non-parties', async () => {
    await game();
    const round1 = mpcOf(2, 1, mptx(START));
    await net.submit('carol', 'channels:updateMultiparty', ...args(round1));
    await refusedUnchanged('INVALID_ARGUMENT', 'carol', 'closeMultiparty', ...args(round1));
    await refusedUnchanged('FAILED_PRECONDITION', 'carol', 'closeMultiparty', ...args(mpcOf(1, 1, mptx(START), true)));
    // same multiparty version, other channel states
    await refusedUnchanged('FAILED_PRECONDITION', 'carol', 'closeMultiparty', ...args(mpcOf(2, 2, mptx(mptx(START)), true)));
    // a member older than stored, or at its stored version with other balances
    await refusedUnchanged('FAILED_PRECONDITION', 'carol', 'closeMultiparty', ...args(mpcOf(3, 0, START, true)));
    await refusedUnchanged('FAILED_PRECONDITION', 'carol', 'closeMultiparty', ...args(mpcOf(3, 1, START, true)));
    await refusedUnchanged('INVALID_ARGUMENT', 'carol', 'closeMultiparty', ...args(mpcOf(3, 2, { ...mptx(mptx(START)), 'p1-p3': [9, 9] }, true)));
    await refusedUnchanged('INSUFFICIENT_FUNDS', 'carol', 'closeMultiparty', ...args(mpcOf(3, 2, { ...mptx(mptx(START)), 'p1-p3': [-1, 11] }, true)));
    const final = mpcOf(3, 2, mptx(mptx(START)), true);
    await refusedUnchanged('FORBIDDEN', 'carol', 'closeMultiparty', 'game', mpcStateArg(final), mpcSignedBy(net, 'game', final, ['alice', 'carol', 'dave']));
    await refusedUnchanged('FORBIDDEN', 'carol', 'closeMultiparty', 'game', mpcStateArg(final), mpcSignedBy(net, 'game', { ...final, final: false }, PARTIES));
    await refusedUnchanged('FORBIDDEN', 'arbiter', 'closeMultiparty', ...args(final));
    expect((await net.submit('dave', 'channels:closeMultiparty', ...args(final))).status).toBe('CLOSED');
  });
});

describe('registerMultipartyState, settleMultiparty (unilateral close of a multiparty channel)', () => {
  /** A state `s` of `game` signed by every party, as registerMultipartyState takes it. */
  const register = (as: UserName, s: Mpc) => submitWithEvent(net, as, 'channels:registerMultipartyState', ...args(s));

  test('a party registers the newest off-chain state; after the challenge period anyone settles it onto every member', async () => {
    await game();
    // 5 s: the refusals below must all run inside the challenge period, even on a loaded machine.
    await net.submit('admin1', 'channels:setChallengePeriod', '5');
    const money = await moneyInSystem(net);
    // two rounds agreed off-chain: nothing on the ledger until carol registers the second
    const round2 = mpcOf(2, 2, mptx(mptx(START)));
    const { result: view, event } = await register('carol', round2);
    expect(view).toMatchObject({ status: 'CLOSING', version: 0, closing: { version: 2, registeredBy: net.account.carol } });
    expect(view.closing.states).toEqual(MEMBERS.map(([id]) => ({ channel: id, version: 2, balances: ['3', '7'] })));
    expect(Date.parse(view.closing.deadline) - Date.parse(view.updatedAt)).toBe(5000);
    expect(event.name).toBe('MultipartyCloseStarted');
    // while CLOSING: no update, no cooperative close at an older version, no two-party use, no early settle
    await refusedUnchanged('FAILED_PRECONDITION', 'carol', 'updateMultiparty', ...args(mpcOf(3, 3, mptx(mptx(mptx(START))))));
    await refusedUnchanged('FAILED_PRECONDITION', 'carol', 'closeMultiparty', ...args(mpcOf(1, 1, mptx(START), true)));
    await refusedUnchanged('FAILED_PRECONDITION', 'bank', 'settleMultiparty', 'game');
    await refusedUnchanged('FAILED_PRECONDITION', 'alice', 'startClose', 'p1-p3', stateArg({ version: 0, balances: [5, 5] }), '[]');
    await sleep(Math.max(0, Date.parse(view.closing.deadline) - Date.now()) + 100);
    await refusedUnchanged('FAILED_PRECONDITION', 'alice', 'registerMultipartyState', ...args(mpcOf(3, 3, mptx(mptx(mptx(START))))));
    // anyone settles, even a non-party
    const { result: settled, event: done } = await submitWithEvent(net, 'bank', 'channels:settleMultiparty', 'game');
    expect(settled).toMatchObject({ status: 'CLOSED', version: 2, closedAt: settled.updatedAt });
    expect(done.name).toBe('MultipartySettled');
    expect(done.payload.channels.map((c: any) => [c.id, c.status, c.busy, c.version, c.balances])).toEqual(MEMBERS.map(([id]) => [id, 'OPEN', null, 2, ['3', '7']]));
    expect(await moneyInSystem(net)).toEqual(money);
    await refusedUnchanged('FAILED_PRECONDITION', 'bank', 'settleMultiparty', 'game');
    // the released member continues as a two-party channel from the settled state
    await net.submit('alice', 'channels:closeChannel', 'p1-p3', ...agreed(net, 'p1-p3', ['alice', 'carol'], { version: 3, balances: [3, 7], final: true }));
    expect(await balances(net, ['alice'])).toEqual({ alice: { balance: '9998', held: '0' } });
  });

  test('a stale registered state is beaten by a newer one within the challenge period; the deadline stays', async () => {
    await game();
    await net.submit('admin1', 'channels:setChallengePeriod', '5');
    const { result: stale } = await register('alice', mpcOf(1, 1, mptx(START)));
    await refusedUnchanged('FAILED_PRECONDITION', 'carol', 'registerMultipartyState', ...args(mpcOf(1, 1, mptx(START))));
    await refusedUnchanged('FORBIDDEN', 'carol', 'registerMultipartyState', 'game', mpcStateArg(mpcOf(3, 3, START)), mpcSignedBy(net, 'game', mpcOf(3, 3, START), ['bob', 'carol', 'dave']));
    await refusedUnchanged('FORBIDDEN', 'bank', 'registerMultipartyState', ...args(mpcOf(3, 3, START)));
    const newer = mpcOf(3, 3, mptx(mptx(mptx(START))));
    const { result: view, event } = await register('carol', newer);
    expect(event.name).toBe('MultipartyChallenged');
    expect(view.closing).toMatchObject({ version: 3, registeredBy: net.account.carol, deadline: stale.closing.deadline });
    // a cooperative close during the challenge period ends it, not older than the registered state
    await refusedUnchanged('FAILED_PRECONDITION', 'dave', 'closeMultiparty', ...args(mpcOf(2, 2, mptx(mptx(START)), true)));
    await sleep(Math.max(0, Date.parse(stale.closing.deadline) - Date.now()) + 100);
    expect((await net.submit('dave', 'channels:settleMultiparty', 'game')).states.map((s: any) => [s.version, s.balances])).toEqual(MEMBERS.map(() => [3, ['2', '8']]));
  });

  test('the recorded state registers without signatures; older, conflicting or unsigned states are refused', async () => {
    await game();
    await net.submit('carol', 'channels:updateMultiparty', ...args(mpcOf(2, 2, mptx(START))));
    await refusedUnchanged('FAILED_PRECONDITION', 'bob', 'registerMultipartyState', ...args(mpcOf(1, 1, START)));
    await refusedUnchanged('FAILED_PRECONDITION', 'bob', 'registerMultipartyState', ...args(mpcOf(2, 2, START)));
    await refusedUnchanged('FAILED_PRECONDITION', 'bob', 'registerMultipartyState', ...args(mpcOf(3, 1, START)));
    await refusedUnchanged('FORBIDDEN', 'bob', 'registerMultipartyState', 'game', mpcStateArg(mpcOf(3, 3, START)), '{}');
    await refusedUnchanged('INVALID_ARGUMENT', 'bob', 'registerMultipartyState', ...args(mpcOf(3, 3, { ...START, 'p1-p3': [9, 9] })));
    const { result } = await submitWithEvent(net, 'bob', 'channels:registerMultipartyState', 'game', mpcStateArg(mpcOf(2, 2, mptx(START))), '{}');
    expect(result).toMatchObject({ status: 'CLOSING', closing: { version: 2, registeredBy: net.account.bob } });
  });
});

describe('exitMultiparty (the way out when other parties stop answering)', () => {
  test('after the timeout without an on-ledger change, one party starts the challenge period with the recorded state, which a newer off-chain state beats', async () => {
    await game();
    await net.submit('admin1', 'channels:setMultipartyTimeout', '1');
    await net.submit('admin1', 'channels:setChallengePeriod', '5');
    const round1 = mpcOf(1, 1, mptx(START));
    await net.submit('carol', 'channels:updateMultiparty', ...args(round1));
    const money = await moneyInSystem(net);
    // the embedded ledger's transaction time is real time: wait out the 1 s timeout
    await sleep(1100);
    const { result: view, event } = await submitWithEvent(net, 'alice', 'channels:exitMultiparty', 'game');
    expect(view).toMatchObject({ status: 'CLOSING', version: 1, exitedBy: net.account.alice, closing: { version: 1, registeredBy: net.account.alice } });
    expect(view.closing.states).toEqual(MEMBERS.map(([id]) => ({ channel: id, version: 1, balances: ['4', '6'] })));
    expect(event.name).toBe('MultipartyExited');
    expect(event.payload.multiparty).toEqual(view);
    await refusedUnchanged('FAILED_PRECONDITION', 'bob', 'exitMultiparty', 'game');
    // carol holds round 2, agreed off-chain after round 1: she answers the exit with it
    const round2 = mpcOf(2, 2, mptx(mptx(START)));
    expect((await net.submit('carol', 'channels:registerMultipartyState', ...args(round2))).closing.version).toBe(2);
    await sleep(Math.max(0, Date.parse(view.closing.deadline) - Date.now()) + 100);
    const { result: settled, event: done } = await submitWithEvent(net, 'alice', 'channels:settleMultiparty', 'game');
    expect(settled).toMatchObject({ status: 'CLOSED', version: 2, exitedBy: net.account.alice });
    expect(done.payload.channels.map((c: any) => [c.id, c.status, c.busy, c.version, c.balances])).toEqual(MEMBERS.map(([id]) => [id, 'OPEN', null, 2, ['3', '7']]));
    expect(await moneyInSystem(net)).toEqual(money);
    // closed for good; alice then closes her two-party channel alone at the settled state
    await refusedUnchanged('FAILED_PRECONDITION', 'carol', 'updateMultiparty', ...args(mpcOf(3, 3, mptx(mptx(mptx(START))))));
    await net.submit('admin1', 'channels:setChallengePeriod', '1');
    await net.submit('alice', 'channels:startClose', 'p1-p3', stateArg({ version: 2, balances: [3, 7] }), '[]');
    await sleep(1100);
    await net.submit('alice', 'channels:settle', 'p1-p3');
    expect(await balances(net, ['alice', 'carol'])).toEqual({ alice: { balance: '9998', held: '0' }, carol: { balance: '9992', held: '0' } });
  });

  test('refused before the timeout (counted from the last update), to non-parties, and for unknown ids', async () => {
    await game();
    await refusedUnchanged('FAILED_PRECONDITION', 'alice', 'exitMultiparty', 'game');
    // 4 s: the refusals below must all run before it ends, even on a loaded machine.
    await net.submit('admin3', 'channels:setMultipartyTimeout', '4');
    await sleep(2500);
    // an update restarts the clock: 4.5 s after the opening but 2 s after the update, still refused
    const updated = await net.submit('carol', 'channels:updateMultiparty', ...args(mpcOf(1, 1, mptx(START))));
    await sleep(2000);
    await refusedUnchanged('FAILED_PRECONDITION', 'dave', 'exitMultiparty', 'game');
    await refusedUnchanged('FORBIDDEN', 'bank', 'exitMultiparty', 'game');
    await refusedUnchanged('NOT_FOUND', 'dave', 'exitMultiparty', 'nope');
    await sleep(Math.max(0, Date.parse(updated.updatedAt) + 4000 - Date.now()) + 100);
    expect(await net.submit('dave', 'channels:exitMultiparty', 'game')).toMatchObject({ status: 'CLOSING', exitedBy: net.account.dave });
  });
});

describe('multiparty queries', () => {
  test('getMultiparty is for parties only; listMultiparties pages the caller\'s', async () => {
    await game();
    expect(await evalRefusal(net, 'bank', 'channels:getMultiparty', 'game')).toBe('FORBIDDEN');
    expect(await evalRefusal(net, 'alice', 'channels:getMultiparty', 'nope')).toBe('NOT_FOUND');
    const page = await net.evaluate('dave', 'channels:listMultiparties', '', '');
    expect(page).toEqual({ records: [await net.evaluate('dave', 'channels:getMultiparty', 'game')], bookmark: '' });
    expect(await net.evaluate('bank', 'channels:listMultiparties', '', '')).toEqual({ records: [], bookmark: '' });
  });
});
