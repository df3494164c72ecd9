import { queueRows, escrowPayouts, type DisputeLike, type EscrowLike } from '../../gateway/console/src/model';
import { money } from '../../gateway/console/src/format';

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
