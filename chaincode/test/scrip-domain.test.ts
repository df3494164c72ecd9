import { randomBytes } from 'node:crypto';
import { parseP256Point, parseSignature, verifyWithP256Point } from '../src/shared/signature';
import { checkSpendable, newSeries, sweep } from '../src/scrip/series';
import { holderCommitment, serialOf } from '../src/scrip/scrip';
import { holderSign, newHolder } from './scrip-fixture';

/**
 * The scrip system's pure parts without a ledger: holder-key verification over a raw P-256
 * point, serials and commitments, series windows.
 */
const NOW = '2026-06-01T00:00:00.000Z';
const series = () =>
  newSeries({ id: 's', kind: 'broker', unit: 'USD', fee: '1', lastIssueAt: '2026-06-02T00:00:00Z', spendBy: '2026-06-03T00:00:00Z', renewBy: '2026-06-04T00:00:00Z' }, { account: 'a'.repeat(40), mspId: 'Org1MSP' }, NOW);

test('a holder signature verifies against its 65-byte point only; malformed or off-curve points verify nothing', () => {
  const holder = newHolder();
  const digest = randomBytes(32);
  const signature = parseSignature(holderSign(holder, digest));
  expect(verifyWithP256Point(parseP256Point(holder.publicKey, 'k'), digest, signature)).toBe(true);
  expect(verifyWithP256Point(newHolder().point, digest, signature)).toBe(false);
  expect(verifyWithP256Point(holder.point, randomBytes(32), signature)).toBe(false);
  const offCurve = Buffer.from(holder.point);
  offCurve[64] ^= 1;
  expect(verifyWithP256Point(offCurve, digest, signature)).toBe(false);
  expect(() => parseP256Point(holder.point.subarray(0, 33).toString('base64url'), 'k')).toThrow('INVALID_ARGUMENT');
  expect(() => parseP256Point(Buffer.concat([Buffer.from([2]), holder.point.subarray(1)]).toString('base64url'), 'k')).toThrow('INVALID_ARGUMENT');
});

test('serials differ per output index and request; commitments per key', () => {
  const digest = randomBytes(32);
  expect(serialOf(digest, 0)).toMatch(/^[0-9a-f]{64}$/);
  expect(serialOf(digest, 0)).not.toBe(serialOf(digest, 1));
  expect(serialOf(digest, 0)).not.toBe(serialOf(randomBytes(32), 0));
  const holder = newHolder();
  expect(holderCommitment(holder.point)).toBe(holder.commitment);
  expect(holderCommitment(newHolder().point)).not.toBe(holder.commitment);
});

test('series windows: spend until spendBy, renew until renewBy, sweep after it, once', () => {
  const s = series();
  expect(() => checkSpendable(s, '2026-06-03T00:00:00.000Z', false)).not.toThrow();
  expect(() => checkSpendable(s, '2026-06-03T00:00:00.001Z', false)).toThrow('SCRIP_EXPIRED');
  expect(() => checkSpendable(s, '2026-06-04T00:00:00.000Z', true)).not.toThrow();
  expect(() => checkSpendable(s, '2026-06-04T00:00:00.001Z', true)).toThrow('FAILED_PRECONDITION');
  expect(() => sweep({ ...s, outstanding: 5n }, '2026-06-04T00:00:00.000Z')).toThrow('FAILED_PRECONDITION');
  const swept = sweep({ ...s, outstanding: 5n }, '2026-06-05T00:00:00.000Z');
  expect(swept).toMatchObject({ amount: 5n, series: { outstanding: 0n, swept: 5n } });
  expect(() => sweep(swept.series, '2026-06-06T00:00:00.000Z')).toThrow('FAILED_PRECONDITION');
  expect(() => checkSpendable(swept.series, '2026-06-01T00:00:00.000Z', true)).toThrow('FAILED_PRECONDITION');
  expect(() => newSeries({ id: 's', kind: 'broker', unit: 'USD', fee: '0', lastIssueAt: NOW, spendBy: NOW, renewBy: NOW }, { account: 'a'.repeat(40), mspId: 'Org1MSP' }, NOW)).toThrow('INVALID_ARGUMENT');
});
