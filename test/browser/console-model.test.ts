import { queueRows, escrowEvents, escrowPayouts, type DisputeLike, type EscrowLike } from '../../gateway/console/src/model';
import { money } from '../../gateway/console/src/format';
import { contractEvents, holdRows, penaltyDue, type ContractLike } from '../../gateway/console/src/contract-model';

/**
 * The console's pure parts, without a browser: the arbitrator's queue mixes contract disputes and
 * disputed escrows oldest first; amounts in minor units show with two decimals, exactly; a
 * ruling's payouts follow the escrow's rule.
 */
const escrow = (id: string, at: string): EscrowLike => ({
  id,
  status: 'DISPUTED',
  initiator: 'a',
  amount: '1001',
  recipients: [
    { account: 'b', amount: '601', shareBps: 6000, confirmed: true },
    { account: 'c', amount: '400', shareBps: 4000, confirmed: true },
  ],
  acceptBy: at,
  dispute: { by: 'b', reason: 'not paid', at },
  createdAt: at,
  updatedAt: at,
});
const dispute = (id: string, openedAt: string): DisputeLike => ({
  id,
  signingId: id,
  contractId: 'fund',
  issuer: 'i',
  delegate: 'd',
  client: 'c',
  status: 'OPEN',
  reportedFrom: 'SIGNED',
  openedAt,
  deadline: '2026-12-07T00:00:00.000Z',
  evidence: [],
  updatedAt: openedAt,
});

test('the queue lists disputes and disputed escrows together, oldest first', () => {
  const rows = queueRows([dispute('d2', '2026-11-03T00:00:00.000Z'), dispute('d1', '2026-11-01T00:00:00.000Z')], [escrow('e1', '2026-11-02T00:00:00.000Z'), escrow('e0', '2026-10-30T00:00:00.000Z')]);
  expect(rows.map((r) => `${r.kind}:${r.id}`)).toEqual(['escrow:e0', 'dispute:d1', 'escrow:e1', 'dispute:d2']);
  expect(rows[1]).toMatchObject({ deadline: '2026-12-07T00:00:00.000Z' });
  expect(rows[0]).toMatchObject({ amount: '1001', summary: 'b: not paid' });
});

test('amounts show exactly, with thousands separators, beyond 2^53', () => {
  expect(money('0')).toBe('0.00');
  expect(money('5')).toBe('0.05');
  expect(money('25000')).toBe('250.00');
  expect(money('999999999999999999')).toBe('9,999,999,999,999,999.99');
  expect(money('-1234567')).toBe('-12,345.67');
});

test('a ruling pays the recipients their parts (COMPLETE) or the initiator the whole amount (REFUND)', () => {
  const e = escrow('e', '2026-11-01T00:00:00.000Z');
  expect(escrowPayouts(e, 'COMPLETE')).toEqual([
    { account: 'b', amount: '601' },
    { account: 'c', amount: '400' },
  ]);
  expect(escrowPayouts(e, 'REFUND')).toEqual([{ account: 'a', amount: '1001' }]);
});

const contract = (changes: Partial<ContractLike> = {}): ContractLike => ({
  id: 'fund',
  issuer: 'i',
  name: 'Fund',
  clientDeposit: '1000',
  publishDeposit: '50001',
  publishDepositHeld: '50001',
  ratio: { client: 9, delegate: 1 },
  penaltyShareBps: 3333,
  status: 'ACTIVE',
  openSignings: 0,
  completedSignings: 0,
  fraudRulings: 0,
  updatedAt: '2026-11-01T00:00:00.000Z',
  ...changes,
});

test('the penalty a FRAUD ruling pays: the share rounded down, capped at what is still held', () => {
  expect(penaltyDue(contract())).toBe('16665');
  expect(penaltyDue(contract({ publishDepositHeld: '100' }))).toBe('100');
  expect(penaltyDue(contract({ penaltyShareBps: 10000, publishDeposit: '999999999999999999', publishDepositHeld: '999999999999999999' }))).toBe('999999999999999999');
});

test('deposits and invested amounts are held while the signing is open, released once it is ruled', () => {
  const signing = { id: 's', client: 'c', delegate: 'd', status: 'DISPUTED', deposit: '1000', clientAmount: '9000', delegateAmount: '1000' };
  expect(holdRows(contract(), signing).map((r) => [r.account, r.amount, r.held])).toEqual([
    ['i', '50001', '50001'],
    ['c', '1000', '1000'],
    ['c', '9000', '9000'],
    ['d', '1000', '1000'],
  ]);
  const unsigned = holdRows(contract({ publishDepositHeld: '0' }), { ...signing, status: 'SETTLED', clientAmount: undefined, delegateAmount: undefined });
  expect(unsigned.map((r) => [r.account, r.amount, r.held])).toEqual([
    ['i', '50001', '0'],
    ['c', '1000', '0'],
  ]);
});

test('a contract history says what changed at each version', () => {
  const at = (i: number) => ({ txId: `tx${i}`, timestamp: `2026-11-0${i + 1}T00:00:00.000Z` });
  const events = contractEvents([
    { ...at(0), value: contract() },
    { ...at(1), value: contract({ openSignings: 1 }) },
    { ...at(2), value: contract({ openSignings: 0, completedSignings: 1 }) },
    { ...at(3), value: contract({ completedSignings: 1, status: 'INACTIVE', statusReason: 'fund full' }) },
    { ...at(4), value: contract({ completedSignings: 1, status: 'CLOSED', publishDepositHeld: '0' }) },
    { ...at(5), value: null },
  ]);
  expect(events.map((e) => e.what)).toEqual([
    'Published (ACTIVE): publishing deposit 500.01 held, client deposit 10.00, penalty share 33.33%',
    'Signing requested (1 open)',
    'Signing completed: investment paid to the issuer',
    'Status ACTIVE → INACTIVE: fund full',
    'Status INACTIVE → CLOSED; 500.01 of the publishing deposit released',
    'Deleted',
  ]);
  expect(events[3]).toEqual({ txId: 'tx3', timestamp: '2026-11-04T00:00:00.000Z', what: 'Status ACTIVE → INACTIVE: fund full' });
});

test('an escrow history says what changed at each version: confirmations, cancellation approvals, dispute, ruling, status', () => {
  const at = (i: number) => ({ txId: `tx${i}`, timestamp: `2026-11-0${i + 1}T00:00:00.000Z` });
  const base = escrow('e', '2026-11-01T00:00:00.000Z');
  const unconfirmed = base.recipients.map((r) => ({ ...r, confirmed: false }));
  const v = (over: Partial<EscrowLike>): EscrowLike => ({ ...base, dispute: undefined, ...over });
  const events = escrowEvents([
    { ...at(0), escrow: v({ status: 'PROPOSED', recipients: unconfirmed }) },
    { ...at(1), escrow: v({ status: 'PROPOSED', recipients: [base.recipients[0], unconfirmed[1]] }) },
    { ...at(2), escrow: v({ status: 'ACTIVE' }) },
    { ...at(3), escrow: v({ status: 'ACTIVE', cancelApprovals: ['a'] }) },
    { ...at(4), escrow: v({ status: 'DISPUTED', cancelApprovals: ['a'], dispute: base.dispute }) },
    { ...at(5), escrow: v({ status: 'COMPLETED', cancelApprovals: ['a'], dispute: base.dispute, ruling: { outcome: 'REFUND', reasons: 'r', arbitrator: 'z', at: '' } }) },
    { ...at(6), escrow: null },
  ]);
  expect(events.map((e) => e.what)).toEqual([
    'Proposed (PROPOSED): 10.01 held from a for 2 recipient(s)',
    'Confirmed by b',
    'Confirmed by c; PROPOSED → ACTIVE',
    'Cancellation approved by a',
    'Disputed by b: not paid; ACTIVE → DISPUTED',
    'Ruled refund by z; DISPUTED → COMPLETED',
    'Deleted',
  ]);
  expect(events[2]).toMatchObject({ txId: 'tx2' });
});
