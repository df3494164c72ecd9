// network first: it loads fabric-contract-api, which installs the reflect-metadata polyfill dev-ca needs.
import { TestNetwork, UserName, testNetwork } from './network';
import { createOrgCa, issueIdentity, SigningIdentity } from '@covenant/embedded-ledger';
import { accountIdOfUser, balances, closeAfterEach, evalRefusal, expectRefusedUnchanged, submitWithEvent, withEvents } from './helpers';

/** Amounts every money-moving transaction must refuse with INVALID_ARGUMENT. */
const MALFORMED_AMOUNTS = ['12.5', '-1', '1e3', '012', '', '0', ' 1', '1 ', '+1', '0x10', '1_000', '１', '1'.repeat(19), '1'.repeat(31)];
const UNKNOWN_ACCOUNT = 'f'.repeat(40);

let net: TestNetwork;
closeAfterEach(() => net);

/** `fn` by `as` with each of MALFORMED_AMOUNTS as its last argument (after `args`) is INVALID_ARGUMENT and changes nothing. */
async function expectMalformedAmountsRefused(as: UserName, fn: string, ...args: string[]): Promise<void> {
  for (const amount of MALFORMED_AMOUNTS) await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', as, fn, ...args, amount);
}

describe('register', () => {
  test('creates the account once; a repeat returns the same account with created false and no event', async () => {
    net = await testNetwork({ register: false });
    const first = await submitWithEvent(net, 'alice', 'accounts:register');
    expect(first.result.created).toBe(true);
    expect(first.result.account).toMatchObject({ id: accountIdOfUser(net, 'alice'), mspId: 'Org1MSP', balance: '0', held: '0', activeEscrows: 0 });
    expect(first.result.account.certificate).toBeUndefined();
    expect(first.event.name).toBe('AccountRegistered');
    expect(first.event.payload.account).toEqual(first.result.account);

    const { result: again, events } = await withEvents(net, () => net.submit('alice', 'accounts:register'));
    expect(again.created).toBe(false);
    expect(again.account).toEqual(first.result.account);
    expect(events).toEqual([]);
  });

  test('the id differs per identity and per organisation, and is stable for one identity', async () => {
    net = await testNetwork({ register: false });
    const ids = new Map<string, string>();
    for (const user of ['alice', 'bank', 'admin1', 'bob', 'dave', 'carol'] as const) {
      const { account } = await net.submit(user, 'accounts:register');
      expect(account.id).toMatch(/^[0-9a-f]{40}$/);
      expect(account.mspId).toBe(net.ids[user].mspId);
      expect(account.id).toBe(accountIdOfUser(net, user));
      ids.set(user, account.id);
    }
    expect(new Set(ids.values()).size).toBe(ids.size);
    expect((await net.submit('bob', 'accounts:register')).account.id).toBe(ids.get('bob'));
  });

  test('a renewed certificate with the same subject and issuer keeps the account and its money', async () => {
    net = await testNetwork();
    const ca = await createOrgCa('Org1MSP');
    const eve1: SigningIdentity = { name: 'eve', mspId: 'Org1MSP', ...(await issueIdentity(ca, 'eve', 'client')) };
    const eve2: SigningIdentity = { name: 'eve', mspId: 'Org1MSP', ...(await issueIdentity(ca, 'eve', 'client')) };
    const decode = (b: Uint8Array) => JSON.parse(Buffer.from(b).toString('utf8'));
    const registered = decode((await net.ledger.submit(eve1, 'accounts:register', [])).payload);
    expect(registered.created).toBe(true);
    await net.submit('bank', 'accounts:mint', registered.account.id, '700');

    const { result: renewed, events } = await withEvents(net, async () => decode((await net.ledger.submit(eve2, 'accounts:register', [])).payload));
    expect(renewed.created).toBe(false);
    expect(renewed.account).toMatchObject({ id: registered.account.id, balance: '700' });
    expect(events.map((e) => e.name)).toEqual(['AccountCertificateRenewed']);

    // Another name from the same CA is another identity.
    const frank: SigningIdentity = { name: 'frank', mspId: 'Org1MSP', ...(await issueIdentity(ca, 'frank', 'client')) };
    const other = decode((await net.ledger.submit(frank, 'accounts:register', [])).payload);
    expect(other.created).toBe(true);
    expect(other.account.id).not.toBe(registered.account.id);
    expect(other.account.balance).toBe('0');
  });
});

describe('getOwnAccount and getAccount', () => {
  test('getOwnAccount is NOT_FOUND before registering and the account view after', async () => {
    net = await testNetwork({ register: false });
    expect(await evalRefusal(net, 'alice', 'accounts:getOwnAccount')).toBe('NOT_FOUND');
    const { account } = await net.submit('alice', 'accounts:register');
    expect(await net.evaluate('alice', 'accounts:getOwnAccount')).toEqual(account);
  });

  test('the owner and an issuer may read an account; another user, even an arbitrator or an admin, may not', async () => {
    net = await testNetwork();
    await net.submit('bank', 'accounts:mint', net.account.alice, '42');
    const own = await net.evaluate('alice', 'accounts:getAccount', net.account.alice);
    expect(own).toMatchObject({ id: net.account.alice, mspId: 'Org1MSP', balance: '42', held: '0', activeEscrows: 0 });
    expect(await net.evaluate('bank', 'accounts:getAccount', net.account.alice)).toEqual(own);
    expect(await net.evaluate('bank', 'accounts:getAccount', net.account.bob)).toMatchObject({ id: net.account.bob, mspId: 'Org2MSP' });
    for (const user of ['bob', 'dave', 'carol', 'arbiter', 'admin1', 'admin2'] as const) {
      expect(await evalRefusal(net, user, 'accounts:getAccount', net.account.alice)).toBe('FORBIDDEN');
    }
  });

  test('an unknown account is NOT_FOUND', async () => {
    net = await testNetwork();
    expect(await evalRefusal(net, 'bank', 'accounts:getAccount', UNKNOWN_ACCOUNT)).toBe('NOT_FOUND');
    expect(await evalRefusal(net, 'alice', 'accounts:getAccount', UNKNOWN_ACCOUNT)).toBe('NOT_FOUND');
  });
});

describe('mint', () => {
  test('the issuer credits exactly the amount and emits Minted', async () => {
    net = await testNetwork();
    const { result, event } = await submitWithEvent(net, 'bank', 'accounts:mint', net.account.alice, '1250');
    expect(result).toMatchObject({ id: net.account.alice, balance: '1250', held: '0' });
    expect(event.name).toBe('Minted');
    expect(event.payload).toMatchObject({ account: net.account.alice, amount: '1250', issuer: net.account.bank, txId: event.txId });
    await net.submit('bank', 'accounts:mint', net.account.alice, '1');
    await net.submit('bank', 'accounts:mint', net.account.bob, '9'.repeat(18));
    expect(await balances(net, ['alice', 'bob', 'bank'])).toEqual({
      alice: { balance: '1251', held: '0' },
      bob: { balance: '9'.repeat(18), held: '0' },
      bank: { balance: '0', held: '0' },
    });
  });

  test.each(['alice', 'bob', 'arbiter', 'admin1', 'admin2'] as const)('%s, without the issuer role, is FORBIDDEN', async (user) => {
    net = await testNetwork();
    await expectRefusedUnchanged(net, 'FORBIDDEN', user, 'accounts:mint', net.account.alice, '100');
  });

  test('amounts above the maximum (10^18 - 1) are INVALID_ARGUMENT: 10^18, 2^64, 10^30 - 1', async () => {
    net = await testNetwork();
    for (const amount of ['1' + '0'.repeat(18), (2n ** 64n).toString(), '9'.repeat(30)]) {
      await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'bank', 'accounts:mint', net.account.alice, amount);
    }
  });

  test('no balance passes the ceiling: a mint or a transfer that would is FAILED_PRECONDITION and moves nothing', async () => {
    net = await testNetwork();
    await net.submit('bank', 'accounts:mint', net.account.alice, '9'.repeat(18));
    await net.submit('bank', 'accounts:mint', net.account.bob, '5');
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bank', 'accounts:mint', net.account.alice, '1');
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bob', 'accounts:transfer', net.account.alice, '1');
    // Withdrawing makes room again: the whole balance leaves in one request.
    await net.submit('alice', 'accounts:withdraw', '9'.repeat(18));
    await net.submit('bob', 'accounts:transfer', net.account.alice, '5');
    expect(await balances(net, ['alice', 'bob'])).toEqual({ alice: { balance: '5', held: '0' }, bob: { balance: '0', held: '0' } });
  });

  test('minting into an unknown account is NOT_FOUND', async () => {
    net = await testNetwork();
    await expectRefusedUnchanged(net, 'NOT_FOUND', 'bank', 'accounts:mint', UNKNOWN_ACCOUNT, '100');
  });

  test('malformed amounts are INVALID_ARGUMENT and change nothing', async () => {
    net = await testNetwork();
    await net.submit('bank', 'accounts:mint', net.account.alice, '100');
    await expectMalformedAmountsRefused('bank', 'accounts:mint', net.account.alice);
    expect((await balances(net, ['alice'])).alice.balance).toBe('100');
  });
});

describe('transfer', () => {
  test('moves exactly the amount, returns the sender account and emits Transferred', async () => {
    net = await testNetwork();
    await net.submit('bank', 'accounts:mint', net.account.alice, '1000');
    const { result, event } = await submitWithEvent(net, 'alice', 'accounts:transfer', net.account.bob, '333');
    expect(result).toMatchObject({ from: net.account.alice, to: net.account.bob, amount: '333' });
    expect(result.account).toMatchObject({ id: net.account.alice, balance: '667' });
    expect(event.name).toBe('Transferred');
    expect(event.payload).toMatchObject({ from: net.account.alice, to: net.account.bob, amount: '333', txId: event.txId });
    await net.submit('bob', 'accounts:transfer', net.account.carol, '333');
    await net.submit('alice', 'accounts:transfer', net.account.dave, '667');
    expect(await balances(net, ['alice', 'bob', 'carol', 'dave'])).toEqual({
      alice: { balance: '0', held: '0' },
      bob: { balance: '0', held: '0' },
      carol: { balance: '333', held: '0' },
      dave: { balance: '667', held: '0' },
    });
  });

  test('more than the balance is INSUFFICIENT_FUNDS and changes nothing', async () => {
    net = await testNetwork();
    await net.submit('bank', 'accounts:mint', net.account.alice, '100');
    await expectRefusedUnchanged(net, 'INSUFFICIENT_FUNDS', 'alice', 'accounts:transfer', net.account.bob, '101');
    await expectRefusedUnchanged(net, 'INSUFFICIENT_FUNDS', 'carol', 'accounts:transfer', net.account.bob, '1');
  });

  test('to oneself is INVALID_ARGUMENT, to an unknown account NOT_FOUND', async () => {
    net = await testNetwork();
    await net.submit('bank', 'accounts:mint', net.account.alice, '100');
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'alice', 'accounts:transfer', net.account.alice, '10');
    await expectRefusedUnchanged(net, 'NOT_FOUND', 'alice', 'accounts:transfer', UNKNOWN_ACCOUNT, '10');
  });

  test('malformed amounts are INVALID_ARGUMENT and change nothing', async () => {
    net = await testNetwork();
    await net.submit('bank', 'accounts:mint', net.account.alice, '100');
    await expectMalformedAmountsRefused('alice', 'accounts:transfer', net.account.bob);
  });

  test('before registering the sender is FAILED_PRECONDITION; an unregistered recipient is NOT_FOUND', async () => {
    net = await testNetwork({ register: false });
    const alice = (await net.submit('alice', 'accounts:register')).account.id;
    const height = net.ledger.blockHeight;
    expect(await net.refusal('bob', 'accounts:transfer', alice, '1')).toBe('FAILED_PRECONDITION');
    expect(await net.refusal('bob', 'accounts:withdraw', '1')).toBe('FAILED_PRECONDITION');
    await net.submit('bank', 'accounts:register');
    await net.submit('bank', 'accounts:mint', alice, '5');
    expect(await net.refusal('alice', 'accounts:transfer', accountIdOfUser(net, 'bob'), '1')).toBe('NOT_FOUND');
    expect(net.ledger.blockHeight).toBe(height + 2n);
    expect(await net.evaluate('alice', 'accounts:getOwnAccount')).toMatchObject({ balance: '5' });
  });
});

describe('withdraw', () => {
  test('takes exactly the amount out of the ledger and emits Withdrawn', async () => {
    net = await testNetwork();
    await net.submit('bank', 'accounts:mint', net.account.carol, '500');
    const { result, event } = await submitWithEvent(net, 'carol', 'accounts:withdraw', '120');
    expect(result).toMatchObject({ amount: '120', txId: event.txId });
    expect(result.account).toMatchObject({ id: net.account.carol, balance: '380', held: '0' });
    expect(event.name).toBe('Withdrawn');
    expect(event.payload).toMatchObject({ account: net.account.carol, amount: '120', txId: event.txId });
    await net.submit('carol', 'accounts:withdraw', '380');
    expect(await balances(net, ['carol'])).toEqual({ carol: { balance: '0', held: '0' } });
  });

  test('more than the balance is INSUFFICIENT_FUNDS; malformed amounts INVALID_ARGUMENT; nothing changes', async () => {
    net = await testNetwork();
    await net.submit('bank', 'accounts:mint', net.account.carol, '500');
    await expectRefusedUnchanged(net, 'INSUFFICIENT_FUNDS', 'carol', 'accounts:withdraw', '501');
    await expectMalformedAmountsRefused('carol', 'accounts:withdraw');
  });

  test('money held by an escrow cannot be withdrawn or transferred', async () => {
    net = await testNetwork();
    await net.submit('bank', 'accounts:mint', net.account.alice, '100');
    await net.submit('alice', 'escrow:create', JSON.stringify({ amount: '80', recipients: [{ account: net.account.bob, shareBps: 10000 }] }));
    expect(await balances(net, ['alice'])).toEqual({ alice: { balance: '20', held: '80' } });
    await expectRefusedUnchanged(net, 'INSUFFICIENT_FUNDS', 'alice', 'accounts:withdraw', '21');
    await expectRefusedUnchanged(net, 'INSUFFICIENT_FUNDS', 'alice', 'accounts:transfer', net.account.bob, '21');
    await net.submit('alice', 'accounts:withdraw', '20');
    expect(await balances(net, ['alice'])).toEqual({ alice: { balance: '0', held: '80' } });
  });
});

describe('ids that cannot name a ledger key', () => {
  // Fabric's createCompositeKey refuses empty attributes and U+0000/U+10FFFF would break the key
  // layout: such ids must be refused with a stable code, identically on every backend.
  const BAD_IDS = ['', 'a\u0000b', '\u0000', 'x\u{10FFFF}'];

  test('are INVALID_ARGUMENT for reads, mint, transfer and role changes', async () => {
    net = await testNetwork();
    await net.submit('bank', 'accounts:mint', net.account.alice, '10');
    for (const id of BAD_IDS) {
      expect({ id, code: await evalRefusal(net, 'bank', 'accounts:getAccount', id) }).toEqual({ id, code: 'INVALID_ARGUMENT' });
      expect({ id, code: await evalRefusal(net, 'alice', 'consortium:getRoles', id) }).toEqual({ id, code: 'INVALID_ARGUMENT' });
      await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'bank', 'accounts:mint', id, '1');
      await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'alice', 'accounts:transfer', id, '1');
      await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'admin1', 'consortium:grantRole', id, 'issuer');
      await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'admin1', 'consortium:revokeRole', id, 'issuer');
    }
  });
});

describe('events', () => {
  test('each accounts submit commits one block with exactly one event named after the change', async () => {
    net = await testNetwork({ register: false });
    const steps: [string, () => Promise<unknown>][] = [
      ['AccountRegistered', () => net.submit('alice', 'accounts:register')],
      ['AccountRegistered', () => net.submit('bob', 'accounts:register')],
      ['AccountRegistered', () => net.submit('bank', 'accounts:register')],
      ['Minted', () => net.submit('bank', 'accounts:mint', accountIdOfUser(net, 'alice'), '10')],
      ['Transferred', () => net.submit('alice', 'accounts:transfer', accountIdOfUser(net, 'bob'), '4')],
      ['Withdrawn', () => net.submit('bob', 'accounts:withdraw', '4')],
    ];
    for (const [name, step] of steps) {
      const height = net.ledger.blockHeight;
      const { events } = await withEvents(net, step);
      expect(events.map((e) => e.name)).toEqual([name]);
      expect(events[0].blockNumber).toBe(height + 1n);
      expect(net.ledger.blockHeight).toBe(height + 1n);
    }
  });
});
