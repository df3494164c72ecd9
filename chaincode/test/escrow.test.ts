import { sha256Hex as sha256 } from '../src/shared/hash';
import { TestNetwork, UserName, testNetwork } from './network';
import { balances, closeAfterEach, evalRefusal, expectRefusedUnchanged, moneyOf, submitWithEvent, withEvents } from './helpers';
import { decodeEscrow } from '../src/escrow/record';
import { confirmEscrow, reclaimEscrow } from '../src/escrow/lifecycle';

let net: TestNetwork;
closeAfterEach(() => net);

const UNKNOWN_ACCOUNT = 'd'.repeat(40);

/** Every escrow settled: these users hold exactly these balances, nothing held, no active escrow. */
async function expectSettled(expected: Partial<Record<UserName, bigint>>): Promise<void> {
  const users = Object.keys(expected) as UserName[];
  const settled = Object.fromEntries(users.map((u) => [u, { balance: expected[u], held: 0n, activeEscrows: 0 }]));
  expect(await moneyOf(net, users)).toEqual(settled);
}

/** A network where alice holds 10 000 and bob 5 000. */
async function funded(options: { threshold?: number } = {}): Promise<TestNetwork> {
  const n = await testNetwork(options);
  await n.submit('bank', 'accounts:mint', n.account.alice, '10000');
  await n.submit('bank', 'accounts:mint', n.account.bob, '5000');
  return n;
}

function create(as: UserName, body: Record<string, unknown>): Promise<any> {
  return net.submit(as, 'escrow:create', JSON.stringify(body));
}

/** alice's escrow of `amount` for bob (60%) and carol (40%). */
function aliceToBobAndCarol(id: string, amount = '1000'): Promise<any> {
  return create('alice', {
    id,
    amount,
    recipients: [
      { account: net.account.bob, shareBps: 6000 },
      { account: net.account.carol, shareBps: 4000 },
    ],
  });
}

const get = (id: string, as: UserName = 'alice') => net.evaluate(as, 'escrow:get', id);

/** Expects a refused submit that changes no money and leaves the escrow as it was. */
async function expectRefusedEscrowUnchanged(code: string, as: UserName, fn: string, id: string, ...rest: string[]): Promise<void> {
  const before = await net.evaluate('alice', 'escrow:get', id).catch(() => undefined);
  await expectRefusedUnchanged(net, code as never, as, fn, id, ...rest);
  const after = await net.evaluate('alice', 'escrow:get', id).catch(() => undefined);
  expect(after).toEqual(before);
}

describe('create', () => {
  test('moves the amount from the initiator balance to its hold and proposes the escrow', async () => {
    net = await funded();
    const { result: escrow, event } = await submitWithEvent(
      net,
      'alice',
      'escrow:create',
      JSON.stringify({ amount: '1000', recipients: [{ account: net.account.bob, shareBps: 6000 }, { account: net.account.carol, shareBps: 4000 }] }),
    );
    expect(escrow).toMatchObject({
      id: event.txId,
      status: 'PROPOSED',
      initiator: net.account.alice,
      amount: '1000',
      recipients: [
        { account: net.account.bob, amount: '600', shareBps: 6000, confirmed: false },
        { account: net.account.carol, amount: '400', shareBps: 4000, confirmed: false },
      ],
      cancelApprovals: [],
      organizations: ['Org1MSP', 'Org2MSP', 'Org3MSP'],
    });
    expect(escrow.createdAt).toBe(escrow.updatedAt);
    expect(event.name).toBe('EscrowCreated');
    expect(event.payload).toEqual({ escrow, txId: event.txId });
    expect(await get(escrow.id)).toEqual(escrow);
    expect(await balances(net, ['alice', 'bob', 'carol'])).toEqual({
      alice: { balance: '9000', held: '1000' },
      bob: { balance: '5000', held: '0' },
      carol: { balance: '0', held: '0' },
    });
  });

  test('a share split gives each recipient the floor of its share and the rounding remainder to the first', async () => {
    net = await funded();
    const split = async (amount: string, shares: number[], users: UserName[]) =>
      (await create('alice', { amount, recipients: shares.map((shareBps, i) => ({ account: net.account[users[i]], shareBps })) })).recipients.map(
        (r: { amount: string }) => r.amount,
      );
    expect(await split('1001', [6000, 4000], ['bob', 'carol'])).toEqual(['601', '400']);
    expect(await split('1001', [4000, 6000], ['bob', 'carol'])).toEqual(['401', '600']);
    expect(await split('100', [3333, 3333, 3334], ['bob', 'carol', 'dave'])).toEqual(['34', '33', '33']);
    expect(await split('7', [5000, 5000], ['carol', 'bob'])).toEqual(['4', '3']);
    expect(await split('999', [10000], ['dave'])).toEqual(['999']);
    expect((await balances(net, ['alice'])).alice).toEqual({ balance: String(10000 - 1001 - 1001 - 100 - 7 - 999), held: String(1001 + 1001 + 100 + 7 + 999) });
  });

  test('explicit amounts must sum to the escrow amount', async () => {
    net = await funded();
    const withAmounts = (amount: string, parts: string[]) =>
      JSON.stringify({ amount, recipients: parts.map((a, i) => ({ account: net.account[(['bob', 'carol', 'dave'] as const)[i]], amount: a })) });
    const escrow = await net.submit('alice', 'escrow:create', withAmounts('1000', ['700', '299', '1']));
    expect(escrow.recipients.map((r: any) => [r.amount, r.shareBps])).toEqual([
      ['700', undefined],
      ['299', undefined],
      ['1', undefined],
    ]);
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'alice', 'escrow:create', withAmounts('1000', ['700', '299']));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'alice', 'escrow:create', withAmounts('1000', ['700', '301']));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'alice', 'escrow:create', withAmounts('1000', ['1000', '0']));
  });

  test('malformed requests are refused with the right code and change nothing', async () => {
    net = await funded();
    const { bob, carol, dave, alice } = net.account;
    const share = (account: string, shareBps: unknown) => ({ account, shareBps });
    const many = Array.from({ length: 51 }, (_, i) => ({ account: i.toString(16).padStart(40, '0'), shareBps: i === 0 ? 5000 : 100 }));
    // 50 recipients pass the count check (and fail on the unknown accounts); 51 do not.
    const fifty = Array.from({ length: 50 }, (_, i) => ({ account: i.toString(16).padStart(40, '0'), shareBps: 200 }));
    const cases: [string, unknown][] = [
      ['INVALID_ARGUMENT', 'not json'],
      ['INVALID_ARGUMENT', []],
      ['INVALID_ARGUMENT', { amount: '100' }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [] }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: many }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [share(bob, 5000), { account: carol, amount: '50' }] }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [{ account: bob, shareBps: 5000, amount: '50' }, share(carol, 5000)] }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [{ account: bob }] }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [share(bob, 6000), share(carol, 3999)] }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [share(bob, 6000), share(carol, 4001)] }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [share(bob, 0), share(carol, 10000)] }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [share(bob, 10001)] }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [share(bob, 5000.5), share(carol, 4999.5)] }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [share(bob, '10000')] }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [share(bob, 5000), share(bob, 5000)] }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [share(alice, 5000), share(bob, 5000)] }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [share(alice, 10000)] }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [{ account: bob, shareBps: 10000, note: 'x' }] }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: ['bob'] }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [share('', 10000)] }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [share(bob, 10000)], memo: 'unknown field' }],
      ['INVALID_ARGUMENT', { amount: 100, recipients: [share(bob, 10000)] }],
      ['INVALID_ARGUMENT', { amount: '0', recipients: [share(bob, 10000)] }],
      ['INVALID_ARGUMENT', { amount: '10.5', recipients: [share(bob, 10000)] }],
      ['INVALID_ARGUMENT', { amount: '-5', recipients: [share(bob, 10000)] }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [{ account: bob, amount: '100.0' }] }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [share(bob, 10000)], termsHash: 'abc' }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [share(bob, 10000)], termsHash: 'A'.repeat(64) }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [share(bob, 10000)], termsHash: 'g'.repeat(64) }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [share(bob, 10000)], termsHash: 'a'.repeat(65) }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [share(bob, 10000)], terms: 'pay on delivery', termsHash: sha256('other') }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [share(bob, 10000)], terms: '' }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [share(bob, 10000)], terms: 'x'.repeat(4097) }],
      ['INVALID_ARGUMENT', { amount: '100', recipients: [share(bob, 10000)], terms: 42 }],
      ['INVALID_ARGUMENT', { id: '-starts-with-dash', amount: '100', recipients: [share(bob, 10000)] }],
      ['INVALID_ARGUMENT', { id: 'has space', amount: '100', recipients: [share(bob, 10000)] }],
      ['INVALID_ARGUMENT', { id: 'x'.repeat(65), amount: '100', recipients: [share(bob, 10000)] }],
      ['INVALID_ARGUMENT', { id: '', amount: '100', recipients: [share(bob, 10000)] }],
      ['NOT_FOUND', { amount: '100', recipients: fifty }],
      ['NOT_FOUND', { amount: '100', recipients: [share(UNKNOWN_ACCOUNT, 10000)] }],
      ['NOT_FOUND', { amount: '100', recipients: [share(bob, 5000), share(UNKNOWN_ACCOUNT, 5000)] }],
      ['INSUFFICIENT_FUNDS', { amount: '10001', recipients: [share(bob, 5000), share(dave, 5000)] }],
      // The request's own rule is checked before the ledger: a bad split is INVALID_ARGUMENT even
      // when a recipient is also unknown.
      ['INVALID_ARGUMENT', { amount: '100', recipients: [share(UNKNOWN_ACCOUNT, 6000), share(bob, 3000)] }],
      // A share that rounds to nothing (1 minor unit split 50/50) is refused, not a zero payout.
      ['INVALID_ARGUMENT', { amount: '1', recipients: [share(bob, 5000), share(carol, 5000)] }],
    ];
    for (const [code, body] of cases) {
      const arg = typeof body === 'string' ? body : JSON.stringify(body);
      await expectRefusedUnchanged(net, code as never, 'alice', 'escrow:create', arg);
    }
    expect((await net.evaluate('alice', 'escrow:list', 'any', '', '100', '')).records).toEqual([]);
  });

  test('the initiator must have registered; a hold can be as large as the whole balance', async () => {
    net = await testNetwork({ register: false });
    const bob = (await net.submit('bob', 'accounts:register')).account.id;
    expect(await net.refusal('alice', 'escrow:create', JSON.stringify({ amount: '1', recipients: [{ account: bob, shareBps: 10000 }] }))).toBe(
      'FAILED_PRECONDITION',
    );
    net.account.alice = (await net.submit('alice', 'accounts:register')).account.id;
    net.account.bank = (await net.submit('bank', 'accounts:register')).account.id;
    net.account.bob = bob;
    await net.submit('bank', 'accounts:mint', net.account.alice, '50');
    await create('alice', { amount: '50', recipients: [{ account: bob, amount: '50' }] });
    expect(await balances(net, ['alice'])).toEqual({ alice: { balance: '0', held: '50' } });
  });

  test('a client-chosen id is used; a taken id is ALREADY_EXISTS for anyone', async () => {
    net = await funded();
    const escrow = await aliceToBobAndCarol('order-2024.001_A');
    expect(escrow.id).toBe('order-2024.001_A');
    expect(await get('order-2024.001_A', 'bob')).toEqual(escrow);
    const again = JSON.stringify({ id: 'order-2024.001_A', amount: '5', recipients: [{ account: net.account.dave, shareBps: 10000 }] });
    for (const as of ['alice', 'bob'] as const) await expectRefusedUnchanged(net, 'ALREADY_EXISTS', as, 'escrow:create', again);
    expect(await get('order-2024.001_A')).toEqual(escrow);
  });

  test('terms are kept with their SHA-256 as termsHash; a termsHash alone is kept as given', async () => {
    net = await funded();
    const terms = 'Deliver 10 crates by 2025-01-31; payment on receipt. Ünïcödé ✓';
    const withTerms = await create('alice', { id: 'terms', amount: '10', terms, recipients: [{ account: net.account.bob, shareBps: 10000 }] });
    expect(withTerms.terms).toBe(terms);
    expect(withTerms.termsHash).toBe(sha256(terms));
    const both = await create('alice', { id: 'both', amount: '10', terms, termsHash: sha256(terms), recipients: [{ account: net.account.bob, shareBps: 10000 }] });
    expect(both.termsHash).toBe(sha256(terms));
    const hash = 'ab'.repeat(32);
    const hashOnly = await create('alice', { id: 'hash', amount: '10', termsHash: hash, recipients: [{ account: net.account.bob, shareBps: 10000 }] });
    expect(hashOnly.termsHash).toBe(hash);
    expect(hashOnly.terms).toBeUndefined();
    const longest = await create('alice', { id: 'long', amount: '10', terms: 'x'.repeat(4096), recipients: [{ account: net.account.bob, shareBps: 10000 }] });
    expect(longest.termsHash).toBe(sha256('x'.repeat(4096)));
    const none = await create('alice', { id: 'none', amount: '10', recipients: [{ account: net.account.bob, shareBps: 10000 }] });
    expect(none.termsHash).toBeUndefined();
  });
});

describe('confirm', () => {
  test('each recipient confirms; the last confirmation activates the escrow; money stays held', async () => {
    net = await funded();
    await aliceToBobAndCarol('e1');
    const first = await submitWithEvent(net, 'bob', 'escrow:confirm', 'e1');
    expect(first.event.name).toBe('EscrowConfirmed');
    expect(first.result.status).toBe('PROPOSED');
    expect(first.result.recipients.map((r: any) => r.confirmed)).toEqual([true, false]);
    expect(first.result.recipients[0].confirmedAt).toBe(first.result.updatedAt);
    expect(first.event.payload).toEqual({ escrow: first.result, txId: first.event.txId });
    expect((await moneyOf(net, ['bob', 'carol'])).bob.activeEscrows).toBe(1);

    const last = await submitWithEvent(net, 'carol', 'escrow:confirm', 'e1');
    expect(last.event.name).toBe('EscrowActivated');
    expect(last.result.status).toBe('ACTIVE');
    expect(last.result.recipients.map((r: any) => r.confirmed)).toEqual([true, true]);
    expect(await get('e1', 'carol')).toEqual(last.result);
    const money = await moneyOf(net, ['alice', 'bob', 'carol']);
    expect(money).toEqual({
      alice: { balance: 9000n, held: 1000n, activeEscrows: 0 },
      bob: { balance: 5000n, held: 0n, activeEscrows: 1 },
      carol: { balance: 0n, held: 0n, activeEscrows: 1 },
    });
  });

  test('recipients confirm in any order', async () => {
    net = await funded();
    await aliceToBobAndCarol('e1');
    expect((await net.submit('carol', 'escrow:confirm', 'e1')).status).toBe('PROPOSED');
    expect((await net.submit('bob', 'escrow:confirm', 'e1')).status).toBe('ACTIVE');
  });

  test('only a recipient may confirm, once, while the escrow is PROPOSED', async () => {
    net = await funded();
    await aliceToBobAndCarol('e1');
    for (const user of ['alice', 'dave', 'bank', 'admin2'] as const) await expectRefusedEscrowUnchanged('FORBIDDEN', user, 'escrow:confirm', 'e1');
    await net.submit('bob', 'escrow:confirm', 'e1');
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'bob', 'escrow:confirm', 'e1');
    await net.submit('carol', 'escrow:confirm', 'e1');
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'carol', 'escrow:confirm', 'e1');
    await expectRefusedEscrowUnchanged('NOT_FOUND', 'bob', 'escrow:confirm', 'no-such-escrow');

    await aliceToBobAndCarol('e2');
    await net.submit('alice', 'escrow:cancel', 'e2');
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'bob', 'escrow:confirm', 'e2');
  });
});

describe('complete', () => {
  test('the initiator completes an ACTIVE escrow: exact amounts paid, hold released, EscrowCompleted', async () => {
    net = await funded();
    await aliceToBobAndCarol('e1', '1001');
    await net.submit('bob', 'escrow:confirm', 'e1');
    await net.submit('carol', 'escrow:confirm', 'e1');
    const { result, event } = await submitWithEvent(net, 'alice', 'escrow:complete', 'e1');
    expect(event.name).toBe('EscrowCompleted');
    expect(result.status).toBe('COMPLETED');
    expect(result.completedAt).toBe(result.updatedAt);
    expect(event.payload).toEqual({ escrow: result, txId: event.txId });
    await expectSettled({ alice: 8999n, bob: 5601n, carol: 400n });
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'alice', 'escrow:complete', 'e1');
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'alice', 'escrow:cancel', 'e1');
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'bob', 'escrow:cancel', 'e1');
  });

  test('only the initiator may complete, and only once the escrow is ACTIVE', async () => {
    net = await funded();
    await aliceToBobAndCarol('e1');
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'alice', 'escrow:complete', 'e1');
    await net.submit('bob', 'escrow:confirm', 'e1');
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'alice', 'escrow:complete', 'e1');
    await net.submit('carol', 'escrow:confirm', 'e1');
    for (const user of ['bob', 'carol', 'dave', 'bank'] as const) await expectRefusedEscrowUnchanged('FORBIDDEN', user, 'escrow:complete', 'e1');
    await expectRefusedEscrowUnchanged('NOT_FOUND', 'alice', 'escrow:complete', 'nope');
    expect((await net.submit('alice', 'escrow:complete', 'e1')).status).toBe('COMPLETED');
  });

  test('explicit amounts are paid exactly', async () => {
    net = await funded();
    await create('bob', { id: 'b1', amount: '4999', recipients: [{ account: net.account.alice, amount: '1' }, { account: net.account.dave, amount: '4998' }] });
    await net.submit('alice', 'escrow:confirm', 'b1');
    await net.submit('dave', 'escrow:confirm', 'b1');
    await net.submit('bob', 'escrow:complete', 'b1');
    expect(await balances(net, ['alice', 'bob', 'dave'])).toEqual({
      alice: { balance: '10001', held: '0' },
      bob: { balance: '1', held: '0' },
      dave: { balance: '4998', held: '0' },
    });
  });
});

describe('cancel', () => {
  test('before any confirmation the initiator alone cancels and is refunded', async () => {
    net = await funded();
    await aliceToBobAndCarol('e1');
    const { result, event } = await submitWithEvent(net, 'alice', 'escrow:cancel', 'e1');
    expect(event.name).toBe('EscrowCancelled');
    expect(event.payload).toEqual({ escrow: result, txId: event.txId });
    expect(result).toMatchObject({ status: 'CANCELLED', cancelApprovals: [net.account.alice] });
    expect(result.cancelledAt).toBe(result.updatedAt);
    expect(await balances(net, ['alice', 'bob', 'carol'])).toEqual({
      alice: { balance: '10000', held: '0' },
      bob: { balance: '5000', held: '0' },
      carol: { balance: '0', held: '0' },
    });
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'alice', 'escrow:cancel', 'e1');
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'alice', 'escrow:complete', 'e1');
  });

  test('after a confirmation every party must approve, in order; the last approval refunds', async () => {
    net = await funded();
    await aliceToBobAndCarol('e1');
    await net.submit('bob', 'escrow:confirm', 'e1');

    const a = await submitWithEvent(net, 'alice', 'escrow:cancel', 'e1');
    expect(a.event.name).toBe('EscrowCancelApproved');
    expect(a.result).toMatchObject({ status: 'PROPOSED', cancelApprovals: [net.account.alice] });
    expect(a.event.payload).toEqual({ escrow: a.result, txId: a.event.txId });
    expect(await balances(net, ['alice'])).toEqual({ alice: { balance: '9000', held: '1000' } });
    await expectRefusedEscrowUnchanged('ALREADY_EXISTS', 'alice', 'escrow:cancel', 'e1');

    const c = await submitWithEvent(net, 'carol', 'escrow:cancel', 'e1');
    expect(c.event.name).toBe('EscrowCancelApproved');
    expect(c.result.cancelApprovals).toEqual([net.account.alice, net.account.carol]);
    await expectRefusedEscrowUnchanged('ALREADY_EXISTS', 'carol', 'escrow:cancel', 'e1');
    await expectRefusedEscrowUnchanged('FORBIDDEN', 'dave', 'escrow:cancel', 'e1');

    const b = await submitWithEvent(net, 'bob', 'escrow:cancel', 'e1');
    expect(b.event.name).toBe('EscrowCancelled');
    expect(b.result).toMatchObject({ status: 'CANCELLED', cancelApprovals: [net.account.alice, net.account.carol, net.account.bob] });
    await expectSettled({ alice: 10000n, bob: 5000n, carol: 0n });
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'carol', 'escrow:confirm', 'e1');
  });

  test('an ACTIVE escrow is cancelled only with every approval, the initiator approving last', async () => {
    net = await funded();
    await aliceToBobAndCarol('e1');
    await net.submit('bob', 'escrow:confirm', 'e1');
    await net.submit('carol', 'escrow:confirm', 'e1');
    expect((await net.submit('carol', 'escrow:cancel', 'e1')).status).toBe('ACTIVE');
    expect((await net.submit('bob', 'escrow:cancel', 'e1')).status).toBe('ACTIVE');
    expect(await balances(net, ['alice'])).toEqual({ alice: { balance: '9000', held: '1000' } });
    const done = await net.submit('alice', 'escrow:cancel', 'e1');
    expect(done).toMatchObject({ status: 'CANCELLED', cancelApprovals: [net.account.carol, net.account.bob, net.account.alice] });
    await expectSettled({ alice: 10000n, bob: 5000n, carol: 0n });
  });

  test('a recipient approval before any confirmation is recorded and does not refund', async () => {
    net = await funded();
    await aliceToBobAndCarol('e1');
    const approved = await submitWithEvent(net, 'bob', 'escrow:cancel', 'e1');
    expect(approved.event.name).toBe('EscrowCancelApproved');
    expect(approved.result).toMatchObject({ status: 'PROPOSED', cancelApprovals: [net.account.bob] });
    expect(await balances(net, ['alice'])).toEqual({ alice: { balance: '9000', held: '1000' } });
    const cancelled = await net.submit('alice', 'escrow:cancel', 'e1');
    expect(cancelled).toMatchObject({ status: 'CANCELLED', cancelApprovals: [net.account.bob, net.account.alice] });
    expect(await balances(net, ['alice'])).toEqual({ alice: { balance: '10000', held: '0' } });
  });

  test('a non-party is FORBIDDEN and an unknown escrow NOT_FOUND', async () => {
    net = await funded();
    await aliceToBobAndCarol('e1');
    for (const user of ['dave', 'bank', 'arbiter', 'admin1'] as const) await expectRefusedEscrowUnchanged('FORBIDDEN', user, 'escrow:cancel', 'e1');
    await expectRefusedEscrowUnchanged('NOT_FOUND', 'alice', 'escrow:cancel', 'nope');
  });
});

describe('reading', () => {
  test('only parties may read an escrow or its history', async () => {
    net = await funded();
    const escrow = await aliceToBobAndCarol('e1');
    for (const user of ['alice', 'bob', 'carol'] as const) {
      expect(await get('e1', user)).toEqual(escrow);
      expect(await net.evaluate(user, 'escrow:history', 'e1')).toHaveLength(1);
    }
    for (const user of ['dave', 'bank', 'arbiter', 'admin1', 'admin2'] as const) {
      expect(await evalRefusal(net, user, 'escrow:get', 'e1')).toBe('FORBIDDEN');
      expect(await evalRefusal(net, user, 'escrow:history', 'e1')).toBe('FORBIDDEN');
    }
    expect(await evalRefusal(net, 'alice', 'escrow:get', 'nope')).toBe('NOT_FOUND');
    expect(await evalRefusal(net, 'alice', 'escrow:history', 'nope')).toBe('NOT_FOUND');
  });

  test('history returns every version oldest first with the txIds of the events', async () => {
    net = await funded();
    const { events } = await withEvents(net, async () => {
      await aliceToBobAndCarol('e1');
      await net.submit('bob', 'escrow:confirm', 'e1');
      await net.submit('alice', 'escrow:cancel', 'e1');
      await net.submit('carol', 'escrow:confirm', 'e1');
      await net.submit('alice', 'escrow:complete', 'e1');
    });
    expect(events.map((e) => e.name)).toEqual(['EscrowCreated', 'EscrowConfirmed', 'EscrowCancelApproved', 'EscrowActivated', 'EscrowCompleted']);
    const history = await net.evaluate('bob', 'escrow:history', 'e1');
    expect(history.map((h: any) => h.txId)).toEqual(events.map((e) => e.txId));
    expect(history.map((h: any) => h.escrow)).toEqual(events.map((e) => e.payload.escrow));
    expect(history.map((h: any) => h.escrow.status)).toEqual(['PROPOSED', 'PROPOSED', 'PROPOSED', 'ACTIVE', 'COMPLETED']);
    expect(history.map((h: any) => h.timestamp)).toEqual(events.map((e) => e.payload.escrow.updatedAt));
    const times = history.map((h: any) => Date.parse(h.timestamp));
    expect([...times].sort((x, y) => x - y)).toEqual(times);
  });
});

describe('active-escrow threshold', () => {
  test('a recipient at the threshold is refused at create and at confirm until an escrow settles', async () => {
    net = await funded({ threshold: 1 });
    await net.submit('bank', 'accounts:mint', net.account.carol, '100');
    const forBob = (id: string, as: UserName = 'alice') => create(as, { id, amount: '10', recipients: [{ account: net.account.bob, shareBps: 10000 }] });
    // Proposed escrows do not count: bob may be offered several.
    await forBob('p1');
    await forBob('p2');
    await net.submit('bob', 'escrow:confirm', 'p1');
    expect((await moneyOf(net, ['bob'])).bob.activeEscrows).toBe(1);

    const bodyFor = (recipients: string[]) => JSON.stringify({ amount: '10', recipients: recipients.map((account, i) => ({ account, shareBps: i === 0 ? 10000 - 5000 * (recipients.length - 1) : 5000 })) });
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'alice', 'escrow:create', bodyFor([net.account.bob]));
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'carol', 'escrow:create', bodyFor([net.account.dave, net.account.bob]));
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'bob', 'escrow:confirm', 'p2');
    // Other recipients are not affected.
    await create('alice', { id: 'c1', amount: '10', recipients: [{ account: net.account.carol, shareBps: 10000 }] });
    await net.submit('carol', 'escrow:confirm', 'c1');

    // Completion frees the slot.
    await net.submit('alice', 'escrow:complete', 'p1');
    expect((await moneyOf(net, ['bob'])).bob.activeEscrows).toBe(0);
    expect((await net.submit('bob', 'escrow:confirm', 'p2')).status).toBe('ACTIVE');
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'alice', 'escrow:create', bodyFor([net.account.bob]));

    // So does a cancellation by mutual approval.
    await net.submit('bob', 'escrow:cancel', 'p2');
    await net.submit('alice', 'escrow:cancel', 'p2');
    expect((await moneyOf(net, ['bob'])).bob.activeEscrows).toBe(0);
    await forBob('p3', 'carol');
    expect((await net.submit('bob', 'escrow:confirm', 'p3')).status).toBe('ACTIVE');
  });

  test('a partly confirmed escrow counts for the recipients that confirmed it', async () => {
    net = await funded({ threshold: 1 });
    await aliceToBobAndCarol('e1');
    await net.submit('bob', 'escrow:confirm', 'e1');
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'alice', 'escrow:create', JSON.stringify({ amount: '1', recipients: [{ account: net.account.bob, shareBps: 10000 }] }));
    await create('alice', { id: 'c', amount: '1', recipients: [{ account: net.account.carol, shareBps: 10000 }] });
    // Cancelling the partly confirmed escrow frees bob.
    await net.submit('alice', 'escrow:cancel', 'e1');
    await net.submit('bob', 'escrow:cancel', 'e1');
    await net.submit('carol', 'escrow:cancel', 'e1');
    expect((await get('e1')).status).toBe('CANCELLED');
    expect((await moneyOf(net, ['bob', 'carol'])).bob.activeEscrows).toBe(0);
    await create('alice', { id: 'b', amount: '1', recipients: [{ account: net.account.bob, shareBps: 10000 }] });
  });

  test('setEscrowActiveThreshold changes the limit for later creates and confirms', async () => {
    net = await funded();
    await net.submit('admin2', 'consortium:setEscrowActiveThreshold', '2');
    for (const id of ['a', 'b', 'c']) await create('alice', { id, amount: '1', recipients: [{ account: net.account.dave, shareBps: 10000 }] });
    await net.submit('dave', 'escrow:confirm', 'a');
    await net.submit('dave', 'escrow:confirm', 'b');
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'dave', 'escrow:confirm', 'c');
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bob', 'escrow:create', JSON.stringify({ amount: '1', recipients: [{ account: net.account.dave, shareBps: 10000 }] }));
    await net.submit('admin1', 'consortium:setEscrowActiveThreshold', '3');
    expect((await net.submit('dave', 'escrow:confirm', 'c')).status).toBe('ACTIVE');
    expect((await moneyOf(net, ['dave'])).dave.activeEscrows).toBe(3);
    // Lowering the threshold below the current count refuses new ones but leaves the active ones alone.
    await net.submit('admin1', 'consortium:setEscrowActiveThreshold', '1');
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bob', 'escrow:create', JSON.stringify({ amount: '1', recipients: [{ account: net.account.dave, shareBps: 10000 }] }));
    for (const id of ['a', 'b', 'c']) expect((await net.submit('alice', 'escrow:complete', id)).status).toBe('COMPLETED');
    expect(await moneyOf(net, ['dave'])).toEqual({ dave: { balance: 3n, held: 0n, activeEscrows: 0 } });
  });
});

describe('list', () => {
  /** alice initiates 5 (to bob, or bob and carol), bob initiates 2 to alice; statuses mixed. */
  async function populate(): Promise<void> {
    net = await funded();
    await aliceToBobAndCarol('a1'); // PROPOSED
    await create('alice', { id: 'a2', amount: '20', recipients: [{ account: net.account.bob, shareBps: 10000 }] }); // → COMPLETED
    await create('alice', { id: 'a3', amount: '30', recipients: [{ account: net.account.bob, shareBps: 10000 }] }); // → CANCELLED
    await create('bob', { id: 'b1', amount: '40', recipients: [{ account: net.account.alice, shareBps: 10000 }] }); // → ACTIVE
    await create('alice', { id: 'a4', amount: '50', recipients: [{ account: net.account.carol, shareBps: 10000 }] }); // PROPOSED
    await create('bob', { id: 'b2', amount: '60', recipients: [{ account: net.account.alice, shareBps: 5000 }, { account: net.account.dave, shareBps: 5000 }] }); // PROPOSED
    await create('alice', { id: 'a5', amount: '70', recipients: [{ account: net.account.dave, shareBps: 10000 }] }); // → ACTIVE
    await net.submit('bob', 'escrow:confirm', 'a2');
    await net.submit('alice', 'escrow:complete', 'a2');
    await net.submit('alice', 'escrow:cancel', 'a3');
    await net.submit('alice', 'escrow:confirm', 'b1');
    await net.submit('dave', 'escrow:confirm', 'a5');
  }

  const ids = (page: { records: { id: string }[] }) => page.records.map((r) => r.id).sort();
  const list = (as: UserName, role = '', status = '', pageSize = '100', bookmark = '') => net.evaluate(as, 'escrow:list', role, status, pageSize, bookmark);

  test('by role and status, each record being the current escrow', async () => {
    await populate();
    expect(ids(await list('alice', 'initiator'))).toEqual(['a1', 'a2', 'a3', 'a4', 'a5']);
    expect(ids(await list('alice', 'recipient'))).toEqual(['b1', 'b2']);
    expect(ids(await list('alice', 'any'))).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'b1', 'b2']);
    expect(ids(await list('alice'))).toEqual(['a1', 'a2', 'a3', 'a4', 'a5', 'b1', 'b2']);
    expect(ids(await list('bob', 'recipient'))).toEqual(['a1', 'a2', 'a3']);
    expect(ids(await list('bob', 'initiator'))).toEqual(['b1', 'b2']);
    expect(ids(await list('dave', 'any'))).toEqual(['a5', 'b2']);
    expect(ids(await list('carol', 'any'))).toEqual(['a1', 'a4']);
    expect(await list('bank', 'any')).toEqual({ records: [], bookmark: '' });

    expect(ids(await list('alice', 'initiator', 'PROPOSED'))).toEqual(['a1', 'a4']);
    expect(ids(await list('alice', 'initiator', 'COMPLETED'))).toEqual(['a2']);
    expect(ids(await list('alice', 'initiator', 'CANCELLED'))).toEqual(['a3']);
    expect(ids(await list('alice', 'initiator', 'ACTIVE'))).toEqual(['a5']);
    expect(ids(await list('alice', 'recipient', 'ACTIVE'))).toEqual(['b1']);
    expect(ids(await list('alice', 'any', 'PROPOSED'))).toEqual(['a1', 'a4', 'b2']);
    expect(ids(await list('bob', 'recipient', 'COMPLETED'))).toEqual(['a2']);
    expect(ids(await list('bob', 'recipient', 'PROPOSED'))).toEqual(['a1']);

    const all = await list('alice', 'any');
    for (const record of all.records) expect(record).toEqual(await get(record.id));
    // Oldest first within one status.
    expect((await list('alice', 'any', 'PROPOSED')).records.map((r: any) => r.id)).toEqual(['a1', 'a4', 'b2']);
  });

  test('pages follow bookmarks with no duplicates or gaps', async () => {
    await populate();
    for (const [as, role, status, expected] of [
      ['alice', 'any', '', 7],
      ['alice', 'initiator', '', 5],
      ['alice', 'any', 'PROPOSED', 3],
      ['bob', 'any', '', 5],
    ] as [UserName, string, string, number][]) {
      const full = (await list(as, role, status)).records.map((r: any) => r.id);
      expect(full).toHaveLength(expected);
      for (const size of [1, 2, 3, expected, expected + 1]) {
        const seen: string[] = [];
        let bookmark = '';
        let pages = 0;
        do {
          const page = await list(as, role, status, String(size), bookmark);
          expect(page.records.length).toBeLessThanOrEqual(size);
          seen.push(...page.records.map((r: any) => r.id));
          bookmark = page.bookmark;
          pages += 1;
          expect(pages).toBeLessThanOrEqual(expected + 1);
        } while (bookmark !== '');
        expect({ as, role, status, size, seen }).toEqual({ as, role, status, size, seen: full });
        expect(pages).toBe(Math.max(1, Math.ceil(expected / size)));
      }
    }
  });

  test('the default page size is 20 and the maximum 100', async () => {
    net = await funded();
    for (let i = 0; i < 21; i++) await create('alice', { id: `e${String(i).padStart(2, '0')}`, amount: '1', recipients: [{ account: net.account.bob, shareBps: 10000 }] });
    const first = await list('alice', 'initiator', '', '');
    expect(first.records).toHaveLength(20);
    expect(first.bookmark).not.toBe('');
    const second = await list('alice', 'initiator', '', '', first.bookmark);
    expect(second.records.map((r: any) => r.id)).toEqual(['e20']);
    expect(second.bookmark).toBe('');
    expect((await list('bob', 'recipient', '', '100')).records).toHaveLength(21);
  });

  test('bad role, status or page size are INVALID_ARGUMENT', async () => {
    net = await funded();
    expect(await evalRefusal(net, 'alice', 'escrow:list', 'owner', '', '10', '')).toBe('INVALID_ARGUMENT');
    expect(await evalRefusal(net, 'alice', 'escrow:list', 'any', 'proposed', '10', '')).toBe('INVALID_ARGUMENT');
    for (const size of ['0', '101', '-1', '1.5', 'ten', '010']) {
      expect(await evalRefusal(net, 'alice', 'escrow:list', 'any', '', size, '')).toBe('INVALID_ARGUMENT');
    }
  });
});

describe('ids that cannot name a ledger key', () => {
  test('are INVALID_ARGUMENT for every escrow transaction and query', async () => {
    net = await funded();
    await aliceToBobAndCarol('e1');
    for (const id of ['', 'e1\u0000', '\u0000e1', 'x\u{10FFFF}']) {
      for (const fn of ['escrow:get', 'escrow:history']) {
        expect({ fn, id, code: await evalRefusal(net, 'alice', fn, id) }).toEqual({ fn, id, code: 'INVALID_ARGUMENT' });
      }
      for (const [as, fn] of [['bob', 'escrow:confirm'], ['alice', 'escrow:complete'], ['alice', 'escrow:cancel']] as [UserName, string][]) {
        await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', as, fn, id);
      }
      if (id !== '') {
        const body = { amount: '1', recipients: [{ account: id, shareBps: 10000 }] };
        await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'alice', 'escrow:create', JSON.stringify(body));
      }
    }
    expect((await get('e1')).status).toBe('PROPOSED');
  });
});

describe('the patent flow end to end', () => {
  test('propose, confirm by each recipient, complete: events name each step and money is conserved', async () => {
    net = await funded();
    const before = await moneyOf(net);
    const steps: [UserName, string, string, string][] = [
      ['alice', 'escrow:create', JSON.stringify({ id: 'deal', amount: '2501', terms: 'goods', recipients: [{ account: net.account.bob, shareBps: 2500 }, { account: net.account.carol, shareBps: 2500 }, { account: net.account.dave, shareBps: 5000 }] }), 'EscrowCreated'],
      ['dave', 'escrow:confirm', 'deal', 'EscrowConfirmed'],
      ['bob', 'escrow:confirm', 'deal', 'EscrowConfirmed'],
      ['carol', 'escrow:confirm', 'deal', 'EscrowActivated'],
      ['alice', 'escrow:complete', 'deal', 'EscrowCompleted'],
    ];
    for (const [as, fn, arg, name] of steps) {
      const height = net.ledger.blockHeight;
      const { event } = await submitWithEvent(net, as, fn, arg);
      expect(event.name).toBe(name);
      expect(event.blockNumber).toBe(height + 1n);
      expect(event.payload.escrow.id).toBe('deal');
    }
    const after = await moneyOf(net);
    expect(after.alice.balance).toBe(before.alice.balance - 2501n);
    expect(after.bob.balance).toBe(before.bob.balance + 626n);
    expect(after.carol.balance).toBe(before.carol.balance + 625n);
    expect(after.dave.balance).toBe(before.dave.balance + 1250n);
    const total = (m: typeof before) => Object.values(m).reduce((s, a) => s + a.balance + a.held, 0n);
    expect(total(after)).toBe(total(before));
    for (const m of Object.values(after)) expect(m).toMatchObject({ held: 0n, activeEscrows: 0 });
  });
});

// ---------------------------------------------------------------- ways out (issue 8, finding 5)

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
/** ISO time `offsetMs` from the wall clock (the embedded ledger's transaction times follow it). */
const isoIn = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
const DAY_MS = 24 * 3600_000;

/** alice's escrow of 900 for bob, carol and dave (a third each), with extra create fields. */
function aliceToThree(id: string, extra: Record<string, unknown> = {}): Promise<any> {
  return create('alice', {
    id,
    amount: '900',
    recipients: [
      { account: net.account.bob, shareBps: 3334 },
      { account: net.account.carol, shareBps: 3333 },
      { account: net.account.dave, shareBps: 3333 },
    ],
    ...extra,
  });
}

/** alice's escrow of 1000 for bob (60%) and carol (40%) naming arbiter, confirmed by both: ACTIVE. */
async function activeWithArbiter(id: string): Promise<any> {
  await create('alice', {
    id,
    amount: '1000',
    arbitrator: net.account.arbiter,
    recipients: [
      { account: net.account.bob, shareBps: 6000 },
      { account: net.account.carol, shareBps: 4000 },
    ],
  });
  await net.submit('bob', 'escrow:confirm', id);
  return net.submit('carol', 'escrow:confirm', id);
}

describe('decline', () => {
  test('a recipient declines a PROPOSED escrow: DECLINED, the initiator refunded, confirmed recipients freed', async () => {
    net = await funded();
    await aliceToThree('e1');
    await net.submit('bob', 'escrow:confirm', 'e1');
    expect(await moneyOf(net, ['alice', 'bob'])).toEqual({
      alice: { balance: 9100n, held: 900n, activeEscrows: 0 },
      bob: { balance: 5000n, held: 0n, activeEscrows: 1 },
    });
    const { result, event } = await submitWithEvent(net, 'carol', 'escrow:decline', 'e1', JSON.stringify({ reason: 'we never agreed to this price' }));
    expect(event.name).toBe('EscrowDeclined');
    expect(event.payload).toEqual({ escrow: result, txId: event.txId });
    expect(result).toMatchObject({ status: 'DECLINED', decline: { by: net.account.carol, reason: 'we never agreed to this price', at: result.updatedAt } });
    expect(await get('e1', 'dave')).toEqual(result);
    expect(await moneyOf(net, ['alice', 'bob', 'carol', 'dave'])).toEqual({
      alice: { balance: 10000n, held: 0n, activeEscrows: 0 },
      bob: { balance: 5000n, held: 0n, activeEscrows: 0 },
      carol: { balance: 0n, held: 0n, activeEscrows: 0 },
      dave: { balance: 0n, held: 0n, activeEscrows: 0 },
    });
    // A declined escrow is final.
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'dave', 'escrow:decline', 'e1', '{}');
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'dave', 'escrow:confirm', 'e1');
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'alice', 'escrow:cancel', 'e1');
    expect((await net.evaluate('alice', 'escrow:list', 'initiator', 'DECLINED', '10', '')).records.map((e: any) => e.id)).toEqual(['e1']);
  });

  test('the reason is optional', async () => {
    net = await funded();
    await aliceToBobAndCarol('e1');
    const declined = await net.submit('bob', 'escrow:decline', 'e1', '{}');
    expect(declined.status).toBe('DECLINED');
    expect(declined.decline).toEqual({ by: net.account.bob, at: declined.updatedAt });
    expect(await balances(net, ['alice'])).toEqual({ alice: { balance: '10000', held: '0' } });
  });

  test('only a recipient that has not confirmed may decline, only while PROPOSED, with a well-formed body', async () => {
    net = await funded();
    await aliceToBobAndCarol('e1');
    for (const user of ['alice', 'dave', 'arbiter', 'admin2'] as const) await expectRefusedEscrowUnchanged('FORBIDDEN', user, 'escrow:decline', 'e1', '{}');
    for (const body of ['not json', '[]', JSON.stringify({ reason: '' }), JSON.stringify({ reason: 'x'.repeat(4097) }), JSON.stringify({ reason: 7 }), JSON.stringify({ why: 'x' })]) {
      await expectRefusedEscrowUnchanged('INVALID_ARGUMENT', 'bob', 'escrow:decline', 'e1', body);
    }
    await expectRefusedEscrowUnchanged('NOT_FOUND', 'bob', 'escrow:decline', 'nope', '{}');
    // Once bob confirmed, his consent is given: he may ask for cancellation, not decline.
    await net.submit('bob', 'escrow:confirm', 'e1');
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'bob', 'escrow:decline', 'e1', '{}');
    // Once every recipient confirmed, the escrow is ACTIVE: no one declines it.
    await net.submit('carol', 'escrow:confirm', 'e1');
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'carol', 'escrow:decline', 'e1', '{}');
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'bob', 'escrow:decline', 'e1', JSON.stringify({ reason: 'changed my mind' }));
    expect(await balances(net, ['alice'])).toEqual({ alice: { balance: '9000', held: '1000' } });
  });
});

describe('acceptance deadline', () => {
  test('acceptBy defaults to 7 days after creation; a given one is kept; bounds are checked', async () => {
    net = await funded();
    const plain = await aliceToBobAndCarol('e1');
    expect(Date.parse(plain.acceptBy) - Date.parse(plain.createdAt)).toBe(7 * DAY_MS);
    const at = new Date(Date.now() + 3 * DAY_MS);
    at.setUTCMilliseconds(0);
    const kept = await create('alice', { id: 'e3', amount: '10', acceptBy: at.toISOString().replace('.000Z', 'Z'), recipients: [{ account: net.account.bob, shareBps: 10000 }] });
    expect(kept.acceptBy).toBe(at.toISOString());
    const body = (acceptBy: unknown) => JSON.stringify({ amount: '10', acceptBy, recipients: [{ account: net.account.bob, shareBps: 10000 }] });
    for (const acceptBy of [isoIn(-60_000), isoIn(367 * DAY_MS), 'tomorrow', '2026-02-30T00:00:00Z', '2030-01-01T00:00:00', '2030-01-01', 1893456000, '']) {
      await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'alice', 'escrow:create', body(acceptBy));
    }
    expect((await create('alice', { amount: '10', acceptBy: isoIn(365 * DAY_MS), recipients: [{ account: net.account.bob, shareBps: 10000 }] })).status).toBe('PROPOSED');
  });

  test('an escrow stored before deadlines existed reads with the default deadline, so it can be reclaimed', () => {
    const stored = {
      id: 'old',
      status: 'PROPOSED',
      initiator: 'a'.repeat(40),
      amount: '10',
      recipients: [{ account: 'b'.repeat(40), amount: '10', shareBps: 10000, confirmed: false }],
      cancelApprovals: [],
      organizations: ['Org1MSP'],
      createdAt: '2025-01-01T00:00:00.000Z',
      updatedAt: '2025-01-01T00:00:00.000Z',
    };
    const escrow = decodeEscrow(stored);
    expect(escrow.acceptBy).toBe('2025-01-08T00:00:00.000Z');
    expect(() => reclaimEscrow(escrow, stored.initiator, '2025-01-08T00:00:00.000Z')).toThrow(/^FAILED_PRECONDITION/);
    expect(reclaimEscrow(escrow, stored.initiator, '2025-01-08T00:00:00.001Z').status).toBe('EXPIRED');
    expect(() => confirmEscrow(escrow, 'b'.repeat(40), '2025-01-08T00:00:00.001Z')).toThrow(/^FAILED_PRECONDITION/);
  });

  test('the silent recipient: after acceptBy confirmations are refused and the initiator alone reclaims', async () => {
    net = await funded();
    const escrow = await create('alice', {
      id: 'e1',
      amount: '1000',
      acceptBy: isoIn(1500),
      recipients: [
        { account: net.account.bob, shareBps: 6000 },
        { account: net.account.carol, shareBps: 4000 },
      ],
    });
    await net.submit('bob', 'escrow:confirm', 'e1');
    // Two of three parties approving cancellation does not release the money (carol is silent).
    await net.submit('alice', 'escrow:cancel', 'e1');
    await net.submit('bob', 'escrow:cancel', 'e1');
    expect(await balances(net, ['alice'])).toEqual({ alice: { balance: '9000', held: '1000' } });
    // Before the deadline nobody reclaims.
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'alice', 'escrow:reclaim', 'e1');
    await sleep(Math.max(0, Date.parse(escrow.acceptBy) - Date.now()) + 100);
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'carol', 'escrow:confirm', 'e1');
    for (const user of ['bob', 'carol', 'dave', 'arbiter'] as const) await expectRefusedEscrowUnchanged('FORBIDDEN', user, 'escrow:reclaim', 'e1');
    await expectRefusedEscrowUnchanged('NOT_FOUND', 'alice', 'escrow:reclaim', 'nope');

    const { result, event } = await submitWithEvent(net, 'alice', 'escrow:reclaim', 'e1');
    expect(event.name).toBe('EscrowExpired');
    expect(event.payload).toEqual({ escrow: result, txId: event.txId });
    expect(result).toMatchObject({ status: 'EXPIRED', expiredAt: result.updatedAt });
    expect(result.expiredAt > result.acceptBy).toBe(true);
    await expectSettled({ alice: 10000n, bob: 5000n, carol: 0n });
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'alice', 'escrow:reclaim', 'e1');
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'carol', 'escrow:cancel', 'e1');
  });

  test('an escrow every recipient confirmed in time is ACTIVE and cannot be reclaimed; decline still works after the deadline', async () => {
    net = await funded();
    await create('alice', { id: 'a', amount: '10', acceptBy: isoIn(1000), recipients: [{ account: net.account.bob, shareBps: 10000 }] });
    await create('alice', { id: 'p', amount: '20', acceptBy: isoIn(1000), recipients: [{ account: net.account.bob, shareBps: 10000 }] });
    expect((await net.submit('bob', 'escrow:confirm', 'a')).status).toBe('ACTIVE');
    await sleep(1200);
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'alice', 'escrow:reclaim', 'a');
    expect((await net.submit('bob', 'escrow:decline', 'p', '{}')).status).toBe('DECLINED');
    expect((await net.submit('alice', 'escrow:complete', 'a')).status).toBe('COMPLETED');
    expect(await balances(net, ['alice', 'bob'])).toEqual({ alice: { balance: '9990', held: '0' }, bob: { balance: '5010', held: '0' } });
  });
});

describe('arbitrator', () => {
  test('is named at creation: it must hold the arbitrator role, exist and not be a party', async () => {
    net = await funded();
    const created = await aliceToThree('e1', { arbitrator: net.account.arbiter });
    expect(created.arbitrator).toBe(net.account.arbiter);
    // The key-level endorsement stays the parties' organisations.
    expect(created.organizations).toEqual(['Org1MSP', 'Org2MSP', 'Org3MSP']);
    const onlyOrg1And2 = await create('alice', { id: 'e2', amount: '5', arbitrator: net.account.arbiter, recipients: [{ account: net.account.bob, shareBps: 10000 }] });
    expect(onlyOrg1And2.organizations).toEqual(['Org1MSP', 'Org2MSP']);
    const body = (arbitrator: unknown) => JSON.stringify({ amount: '10', arbitrator, recipients: [{ account: net.account.bob, shareBps: 10000 }] });
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'alice', 'escrow:create', body(net.account.carol));
    await expectRefusedUnchanged(net, 'NOT_FOUND', 'alice', 'escrow:create', body(UNKNOWN_ACCOUNT));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'alice', 'escrow:create', body(net.account.bob));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'alice', 'escrow:create', body(net.account.alice));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'alice', 'escrow:create', body(''));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'alice', 'escrow:create', body(42));
    // An arbitrator cannot be named as a recipient of an escrow it would rule, nor initiate one it rules.
    await net.submit('bank', 'accounts:mint', net.account.arbiter, '100');
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'arbiter', 'escrow:create', JSON.stringify({ amount: '10', arbitrator: net.account.arbiter, recipients: [{ account: net.account.bob, shareBps: 10000 }] }));
  });

  test('reads the escrows naming it and lists them; other outsiders may not', async () => {
    net = await funded();
    const e1 = await create('alice', { id: 'e1', amount: '10', arbitrator: net.account.arbiter, recipients: [{ account: net.account.bob, shareBps: 10000 }] });
    await create('bob', { id: 'e2', amount: '20', arbitrator: net.account.arbiter, recipients: [{ account: net.account.alice, shareBps: 10000 }] });
    await create('alice', { id: 'e3', amount: '30', recipients: [{ account: net.account.bob, shareBps: 10000 }] });
    expect(await get('e1', 'arbiter')).toEqual(e1);
    expect(await net.evaluate('arbiter', 'escrow:history', 'e1')).toHaveLength(1);
    for (const user of ['carol', 'dave', 'bank'] as const) {
      expect(await evalRefusal(net, user, 'escrow:get', 'e1')).toBe('FORBIDDEN');
      expect(await evalRefusal(net, user, 'escrow:history', 'e1')).toBe('FORBIDDEN');
    }
    expect(await evalRefusal(net, 'arbiter', 'escrow:get', 'e3')).toBe('FORBIDDEN');
    const listed = (as: UserName, role: string, status = '') => net.evaluate(as, 'escrow:list', role, status, '100', '').then((p: any) => p.records.map((e: any) => e.id));
    expect(await listed('arbiter', 'arbitrator')).toEqual(['e1', 'e2']);
    expect(await listed('arbiter', 'any')).toEqual(['e1', 'e2']);
    expect(await listed('arbiter', 'initiator')).toEqual([]);
    expect(await listed('alice', 'arbitrator')).toEqual([]);
    expect(await listed('carol', 'arbitrator')).toEqual([]);
    expect(await listed('arbiter', 'arbitrator', 'DISPUTED')).toEqual([]);
  });

  test('a party opens a dispute on an ACTIVE escrow naming an arbitrator; money stays held', async () => {
    net = await funded();
    await aliceToBobAndCarol('plain');
    await net.submit('bob', 'escrow:confirm', 'plain');
    await net.submit('carol', 'escrow:confirm', 'plain');
    const reason = JSON.stringify({ reason: 'goods not delivered' });
    // Without an arbitrator there is no one to rule: the parties settle it themselves.
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'bob', 'escrow:dispute', 'plain', reason);

    await create('alice', { id: 'e1', amount: '1000', arbitrator: net.account.arbiter, recipients: [{ account: net.account.bob, shareBps: 6000 }, { account: net.account.carol, shareBps: 4000 }] });
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'alice', 'escrow:dispute', 'e1', reason);
    await net.submit('bob', 'escrow:confirm', 'e1');
    await net.submit('carol', 'escrow:confirm', 'e1');
    for (const user of ['dave', 'arbiter', 'bank'] as const) await expectRefusedEscrowUnchanged('FORBIDDEN', user, 'escrow:dispute', 'e1', reason);
    for (const body of ['{}', JSON.stringify({ reason: '' }), JSON.stringify({ reason: 'x'.repeat(4097) }), JSON.stringify({ reason: 'r', evidenceHash: 'abc' }), JSON.stringify({ reason: 'r', note: 'x' }), 'nope']) {
      await expectRefusedEscrowUnchanged('INVALID_ARGUMENT', 'alice', 'escrow:dispute', 'e1', body);
    }
    const evidenceHash = sha256('delivery note 17');
    const { result, event } = await submitWithEvent(net, 'alice', 'escrow:dispute', 'e1', JSON.stringify({ reason: 'goods not delivered', evidenceHash }));
    expect(event.name).toBe('EscrowDisputed');
    expect(event.payload).toEqual({ escrow: result, txId: event.txId });
    expect(result).toMatchObject({ status: 'DISPUTED', dispute: { by: net.account.alice, reason: 'goods not delivered', evidenceHash, at: result.updatedAt } });
    // Both escrows (plain and e1) stay held and count for both recipients.
    expect(await moneyOf(net, ['alice', 'bob', 'carol'])).toEqual({
      alice: { balance: 8000n, held: 2000n, activeEscrows: 0 },
      bob: { balance: 5000n, held: 0n, activeEscrows: 2 },
      carol: { balance: 0n, held: 0n, activeEscrows: 2 },
    });
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'bob', 'escrow:dispute', 'e1', reason);
    expect((await net.evaluate('arbiter', 'escrow:list', 'arbitrator', 'DISPUTED', '10', '')).records.map((e: any) => e.id)).toEqual(['e1']);
  });

  test('the named arbitrator rules REFUND: the initiator is refunded, the ruling kept, once', async () => {
    net = await funded();
    await activeWithArbiter('e1');
    await net.submit('bob', 'escrow:dispute', 'e1', JSON.stringify({ reason: 'alice will not release the payment' }));
    const ruling = JSON.stringify({ outcome: 'REFUND', reasons: 'The goods were never shipped (carrier record).' });
    // Not the named arbitrator: the parties, outsiders, and dave, now another arbitrator.
    await net.submit('admin2', 'consortium:grantRole', net.account.dave, 'arbitrator');
    for (const user of ['alice', 'bob', 'carol', 'dave', 'bank'] as const) await expectRefusedEscrowUnchanged('FORBIDDEN', user, 'escrow:rule', 'e1', ruling);
    for (const body of [JSON.stringify({ outcome: 'REFUND' }), JSON.stringify({ outcome: 'REFUND', reasons: '' }), JSON.stringify({ outcome: 'REFUND', reasons: 'x'.repeat(4097) }), JSON.stringify({ outcome: 'SPLIT', reasons: 'r' }), JSON.stringify({ reasons: 'r' }), JSON.stringify({ outcome: 'REFUND', reasons: 'r', extra: 1 })]) {
      await expectRefusedEscrowUnchanged('INVALID_ARGUMENT', 'arbiter', 'escrow:rule', 'e1', body);
    }
    const { result, event } = await submitWithEvent(net, 'arbiter', 'escrow:rule', 'e1', ruling);
    expect(event.name).toBe('EscrowRuled');
    expect(event.payload).toEqual({ escrow: result, txId: event.txId });
    expect(result).toMatchObject({
      status: 'REFUNDED',
      ruling: { outcome: 'REFUND', reasons: 'The goods were never shipped (carrier record).', arbitrator: net.account.arbiter, at: result.updatedAt },
    });
    await expectSettled({ alice: 10000n, bob: 5000n, carol: 0n });
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'arbiter', 'escrow:rule', 'e1', ruling);
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'arbiter', 'escrow:rule', 'e1', JSON.stringify({ outcome: 'COMPLETE', reasons: 'second thoughts' }));
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'alice', 'escrow:complete', 'e1');
    expect(await net.evaluate('arbiter', 'escrow:history', 'e1').then((h: any) => h.map((v: any) => v.escrow.status))).toEqual(['PROPOSED', 'PROPOSED', 'ACTIVE', 'DISPUTED', 'REFUNDED']);
  });

  test('the named arbitrator rules COMPLETE: recipients are paid exactly as by completion', async () => {
    net = await funded();
    await create('alice', { id: 'e1', amount: '1001', arbitrator: net.account.arbiter, recipients: [{ account: net.account.bob, shareBps: 6000 }, { account: net.account.carol, shareBps: 4000 }] });
    await net.submit('bob', 'escrow:confirm', 'e1');
    await net.submit('carol', 'escrow:confirm', 'e1');
    await net.submit('carol', 'escrow:dispute', 'e1', JSON.stringify({ reason: 'delivered, not paid' }));
    const { result } = await submitWithEvent(net, 'arbiter', 'escrow:rule', 'e1', JSON.stringify({ outcome: 'COMPLETE', reasons: 'Delivery confirmed by the signed receipt.' }));
    expect(result).toMatchObject({ status: 'COMPLETED', completedAt: result.updatedAt, ruling: { outcome: 'COMPLETE', arbitrator: net.account.arbiter } });
    await expectSettled({ alice: 8999n, bob: 5601n, carol: 400n });
  });

  test('an arbitrator that lost its role can no longer rule or be named; regranted, it can', async () => {
    net = await funded();
    await activeWithArbiter('e1');
    await net.submit('bob', 'escrow:dispute', 'e1', JSON.stringify({ reason: 'deadlock' }));
    await net.submit('admin3', 'consortium:revokeRole', net.account.arbiter, 'arbitrator');
    const ruling = JSON.stringify({ outcome: 'REFUND', reasons: 'not shipped' });
    await expectRefusedEscrowUnchanged('FORBIDDEN', 'arbiter', 'escrow:rule', 'e1', ruling);
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'alice', 'escrow:create', JSON.stringify({ amount: '10', arbitrator: net.account.arbiter, recipients: [{ account: net.account.bob, shareBps: 10000 }] }));
    await net.submit('admin3', 'consortium:grantRole', net.account.arbiter, 'arbitrator');
    expect((await net.submit('arbiter', 'escrow:rule', 'e1', ruling)).status).toBe('REFUNDED');
  });

  test('while DISPUTED the parties may still settle: the initiator completes, or all approve cancellation', async () => {
    net = await funded();
    await activeWithArbiter('c1');
    await net.submit('bob', 'escrow:dispute', 'c1', JSON.stringify({ reason: 'late payment' }));
    expect((await net.submit('alice', 'escrow:complete', 'c1')).status).toBe('COMPLETED');
    await expectRefusedEscrowUnchanged('FAILED_PRECONDITION', 'arbiter', 'escrow:rule', 'c1', JSON.stringify({ outcome: 'REFUND', reasons: 'too late' }));

    await activeWithArbiter('c2');
    await net.submit('alice', 'escrow:dispute', 'c2', JSON.stringify({ reason: 'quality' }));
    expect((await net.submit('alice', 'escrow:cancel', 'c2')).status).toBe('DISPUTED');
    expect((await net.submit('bob', 'escrow:cancel', 'c2')).status).toBe('DISPUTED');
    const { result, event } = await submitWithEvent(net, 'carol', 'escrow:cancel', 'c2');
    expect([event.name, result.status]).toEqual(['EscrowCancelled', 'CANCELLED']);
    await expectSettled({ alice: 9000n, bob: 5600n, carol: 400n });
  });
});
