// network first: it loads fabric-contract-api, which installs the reflect-metadata polyfill dev-ca needs.
import { TestNetwork, testNetwork } from './network';
import { TxStub } from '../embedded-ledger/src/tx-stub';
import { closeAfterEach, expectRefusedUnchanged, moneyOf, submitWithEvent } from './helpers';
import { endorsersOf } from './dbcs-fixture';

let net: TestNetwork;
closeAfterEach(() => net);

/** The balances of a user's sub-balance keys, lane by lane, read from the committed state. */
async function lanesOf(user: 'alice' | 'bob', n: number): Promise<(string | undefined)[]> {
  const out: (string | undefined)[] = [];
  for (let lane = 0; lane < n; lane++) {
    const store = net.ledger['store'] as { getState(key: string): Promise<Uint8Array | undefined> };
    const raw = await store.getState(`\u0000subBalance\u0000${net.account[user]}\u0000${lane}\u0000`);
    out.push(raw ? JSON.parse(Buffer.from(raw).toString('utf8')).balance : undefined);
  }
  return out;
}

/** A key as `objectType/attr/...` (composite keys are U+0000-separated). */
const readable = (key: string) => key.split('\u0000').filter(Boolean).join('/');

/** The keys a submit reads (getState) and writes (putState, deleteState) while it is simulated. */
async function keysOf(as: 'alice' | 'bob', fn: string, ...args: string[]): Promise<{ reads: Set<string>; writes: Set<string> }> {
  const reads = new Set<string>();
  const writes = new Set<string>();
  const originalGet = TxStub.prototype.getState;
  const originalPut = TxStub.prototype.putState;
  const originalDelete = TxStub.prototype.deleteState;
  TxStub.prototype.getState = async function (this: TxStub, key: string) {
    reads.add(readable(key));
    return originalGet.call(this, key);
  };
  TxStub.prototype.putState = async function (this: TxStub, key: string, value: Uint8Array) {
    writes.add(readable(key));
    return originalPut.call(this, key, value);
  };
  TxStub.prototype.deleteState = async function (this: TxStub, key: string) {
    writes.add(readable(key));
    return originalDelete.call(this, key);
  };
  try {
    await net.submit(as, fn, ...args);
  } finally {
    Object.assign(TxStub.prototype, { getState: originalGet, putState: originalPut, deleteState: originalDelete });
  }
  return { reads, writes };
}

const overlap = (a: Set<string>, b: Set<string>) => [...a].filter((k) => b.has(k));

describe('setSubBalances', () => {
  test('spreads the spendable balance evenly (remainder to lane 0); the view shows the total and the count; 0 merges back', async () => {
    net = await testNetwork();
    await net.submit('bank', 'accounts:mint', net.account.alice, '1003');
    const { result, event } = await submitWithEvent(net, 'alice', 'accounts:setSubBalances', net.account.alice, '4');
    expect(result).toMatchObject({ id: net.account.alice, balance: '1003', held: '0', subBalances: 4 });
    expect(event.name).toBe('SubBalancesSet');
    expect(event.payload.account).toEqual(result);
    expect(await lanesOf('alice', 5)).toEqual(['253', '250', '250', '250', undefined]);
    expect(await net.evaluate('alice', 'accounts:getOwnAccount')).toEqual(result);
    expect(await net.evaluate('bank', 'accounts:getAccount', net.account.alice)).toEqual(result);
    // Each sub-balance key needs its owner's organisation, like the account key.
    expect(await endorsersOf(net, 'subBalance', [net.account.alice, '3'])).toEqual(['Org1MSP']);

    // Fewer lanes: the rest are deleted, the money gathered and spread again.
    await net.submit('alice', 'accounts:setSubBalances', net.account.alice, '2');
    expect(await lanesOf('alice', 4)).toEqual(['502', '501', undefined, undefined]);
    for (const count of ['0', '1']) {
      const merged = await net.submit('alice', 'accounts:setSubBalances', net.account.alice, count);
      expect(merged.balance).toBe('1003');
      expect(merged.subBalances).toBeUndefined();
      expect(await lanesOf('alice', 2)).toEqual([undefined, undefined]);
    }
  });

  test('out-of-range counts are INVALID_ARGUMENT; another account FORBIDDEN; nothing changes', async () => {
    net = await testNetwork();
    for (const count of ['65', '-1', '1.5', '', '01', 'x', '100']) {
      await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'alice', 'accounts:setSubBalances', net.account.alice, count);
    }
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'bob', 'accounts:setSubBalances', net.account.alice, '4');
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'admin1', 'accounts:setSubBalances', net.account.alice, '4');
  });
});

describe('transfers from a split account', () => {
  async function split(n: number, amount = '1000'): Promise<void> {
    await net.submit('bank', 'accounts:mint', net.account.alice, amount);
    await net.submit('alice', 'accounts:setSubBalances', net.account.alice, String(n));
  }

  test('a transfer from a lane that holds the amount debits that lane only and answers the lane, not the account', async () => {
    net = await testNetwork();
    await split(4);
    const { result, event } = await submitWithEvent(net, 'alice', 'accounts:transferFromSubBalance', net.account.bob, '100', '2');
    expect(result).toMatchObject({ from: net.account.alice, to: net.account.bob, amount: '100', subBalance: { lane: 2, balance: '150' } });
    expect(result.account).toBeUndefined();
    expect(event.name).toBe('Transferred');
    expect(await lanesOf('alice', 4)).toEqual(['250', '250', '150', '250']);
    expect((await moneyOf(net, ['alice', 'bob'])).alice.balance).toBe(900n);
    expect((await moneyOf(net, ['alice', 'bob'])).bob.balance).toBe(100n);
  });

  test('more than the lane but within the total takes the slow path: debited from the total and spread again', async () => {
    net = await testNetwork();
    await split(4);
    const result = await net.submit('alice', 'accounts:transferFromSubBalance', net.account.bob, '700', '1');
    expect(result.account).toMatchObject({ balance: '300', subBalances: 4 });
    expect(result.subBalance).toBeUndefined();
    expect(await lanesOf('alice', 4)).toEqual(['75', '75', '75', '75']);
    // A lane the account does not have is the slow path too; so is plain transfer.
    await net.submit('alice', 'accounts:transferFromSubBalance', net.account.bob, '10', '63');
    const plain = await net.submit('alice', 'accounts:transfer', net.account.bob, '10');
    expect(plain.account).toMatchObject({ balance: '280', subBalances: 4 });
    expect(await lanesOf('alice', 4)).toEqual(['70', '70', '70', '70']);
  });

  test('more than the total is INSUFFICIENT_FUNDS whatever the lane; a transfer to self INVALID_ARGUMENT; nothing changes', async () => {
    net = await testNetwork();
    await split(4);
    await expectRefusedUnchanged(net, 'INSUFFICIENT_FUNDS', 'alice', 'accounts:transferFromSubBalance', net.account.bob, '1001', '0');
    await expectRefusedUnchanged(net, 'INSUFFICIENT_FUNDS', 'alice', 'accounts:withdrawFromSubBalance', '1001', '0');
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'alice', 'accounts:transferFromSubBalance', net.account.alice, '1', '0');
    await expectRefusedUnchanged(net, 'NOT_FOUND', 'alice', 'accounts:transferFromSubBalance', 'f'.repeat(40), '1', '0');
    for (const lane of ['64', '-1', 'x', '']) {
      await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'alice', 'accounts:transferFromSubBalance', net.account.bob, '1', lane);
    }
    expect(await lanesOf('alice', 4)).toEqual(['250', '250', '250', '250']);
  });

  test('withdrawals, escrow holds and credits work on the total; credits land on the account key', async () => {
    net = await testNetwork();
    await split(4);
    expect((await net.submit('alice', 'accounts:withdrawFromSubBalance', '50', '0')).subBalance).toEqual({ lane: 0, balance: '200' });
    await net.submit('bank', 'accounts:mint', net.account.bob, '500');
    await net.submit('bob', 'accounts:transfer', net.account.alice, '500');
    expect(await lanesOf('alice', 4)).toEqual(['200', '250', '250', '250']);
    expect((await net.evaluate('alice', 'accounts:getOwnAccount')).balance).toBe('1450');
    // An escrow hold larger than any lane: taken from the total, the rest spread again.
    const escrow = await net.submit('alice', 'escrow:create', JSON.stringify({ amount: '1200', recipients: [{ account: net.account.bob, shareBps: 10000 }] }));
    expect(await net.evaluate('alice', 'accounts:getOwnAccount')).toMatchObject({ balance: '250', held: '1200', subBalances: 4 });
    expect(await lanesOf('alice', 4)).toEqual(['64', '62', '62', '62']);
    await net.submit('alice', 'escrow:cancel', escrow.id);
    expect(await net.evaluate('alice', 'accounts:getOwnAccount')).toMatchObject({ balance: '1450', held: '0' });
  });
});

describe('what a fast transfer reads and writes (Fabric checks every read at commit: MVCC)', () => {
  test('transfers on different lanes touch disjoint payer keys, so both commit in one block; on the same lane the second conflicts', async () => {
    net = await testNetwork();
    await net.submit('bank', 'accounts:mint', net.account.alice, '1000');
    await net.submit('alice', 'accounts:setSubBalances', net.account.alice, '4');
    const first = await keysOf('alice', 'accounts:transferFromSubBalance', net.account.bob, '10', '0');
    const lane0 = `subBalance/${net.account.alice}/0`;
    expect([...first.reads].sort()).toEqual([`account/${net.account.bob}`, lane0].sort());
    expect([...first.writes].sort()).toEqual([`account/${net.account.bob}`, lane0].sort());

    const otherLane = await keysOf('alice', 'accounts:transferFromSubBalance', net.account.carol, '10', '1');
    expect(overlap(otherLane.reads, first.writes)).toEqual([]);
    const sameLane = await keysOf('alice', 'accounts:transferFromSubBalance', net.account.carol, '10', '0');
    expect(overlap(sameLane.reads, first.writes)).toEqual([lane0]);
    // The slow path reads every lane and the account key: it conflicts with any lane's debit.
    const slow = await keysOf('alice', 'accounts:transfer', net.account.carol, '10');
    expect(overlap(slow.reads, first.writes)).toEqual([lane0]);
    expect(slow.reads.has(`account/${net.account.alice}`)).toBe(true);
  });
});
