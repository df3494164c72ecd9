import fc from 'fast-check';
import { DENOMINATIONS, decompose, denominationKey, parseDenomination } from '../../src/notes/denominations';
import { spendDigest } from '../../src/notes/spend-digest';

/** The 1-2-5 series, greedy decomposition, and the spend digest every wallet signs. */
test('DENOMINATIONS is the 1-2-5 series from 1 to 5e9 (30 values), keys sort by value', () => {
  expect(DENOMINATIONS).toHaveLength(30);
  expect(DENOMINATIONS.slice(0, 7)).toEqual([1n, 2n, 5n, 10n, 20n, 50n, 100n]);
  expect(DENOMINATIONS[29]).toBe(5_000_000_000n);
  const keys = DENOMINATIONS.map(denominationKey);
  expect(keys).toEqual([...keys].sort());
  expect(keys[3]).toBe('00000000000000000010');
  expect(() => parseDenomination('3', 'd')).toThrow(/INVALID_ARGUMENT/);
  expect(() => parseDenomination('10000000000', 'd')).toThrow(/INVALID_ARGUMENT/);
  expect(parseDenomination('2000000000', 'd')).toBe(2_000_000_000n);
});

test('decompose sums to the amount, largest first, with at most 3 notes per decade below 5e9', () => {
  expect(decompose(8n)).toEqual([5n, 2n, 1n]);
  expect(decompose(1999n)).toEqual([1000n, 500n, 200n, 200n, 50n, 20n, 20n, 5n, 2n, 2n]);
  expect(decompose(12_000_000_000n)).toEqual([5_000_000_000n, 5_000_000_000n, 2_000_000_000n]);
  expect(() => decompose(0n)).toThrow(/INVALID_ARGUMENT/);
  expect(() => decompose(10n ** 18n - 1n)).toThrow(/INVALID_ARGUMENT/);
  fc.assert(
    fc.property(fc.bigInt({ min: 1n, max: 4_999_999_999n }), (amount) => {
      const parts = decompose(amount);
      expect(parts.reduce((s, v) => s + v, 0n)).toBe(amount);
      expect(parts).toEqual([...parts].sort((a, b) => (a < b ? 1 : a > b ? -1 : 0)));
      expect(parts.every((p) => DENOMINATIONS.includes(p))).toBe(true);
      expect(parts.length).toBeLessThanOrEqual(3 * amount.toString().length);
    }),
  );
});

test('the spend digest binds channel, rings, key images, outputs and withdrawal, and ignores signatures', () => {
  const K = (n: number) => Buffer.alloc(32, n).toString('base64url');
  const output = { ephemeralPublicKey: K(1), outputIndex: 0, oneTimePublicKey: K(2), viewTag: 7 };
  const base = { inputs: [{ denomination: '100', ring: [K(3), K(4)], keyImage: K(5) }], outputs: [{ denomination: '100', output }] };
  const digest = Buffer.from(spendDigest(base, 'covenant')).toString('hex');
  expect(digest).toHaveLength(128);
  const signed = { ...base, inputs: [{ denomination: '100', ring: [K(3), K(4)], signature: { keyImage: K(5), c0: K(9), responses: [] } }] };
  expect(Buffer.from(spendDigest(signed, 'covenant')).toString('hex')).toBe(digest);
  const variants = [
    spendDigest(base, 'other'),
    spendDigest({ ...base, inputs: [{ ...base.inputs[0], ring: [K(4), K(3)] }] }, 'covenant'),
    spendDigest({ ...base, inputs: [{ ...base.inputs[0], keyImage: K(6) }] }, 'covenant'),
    spendDigest({ ...base, outputs: [{ denomination: '100', output: { ...output, viewTag: 8 } }] }, 'covenant'),
    spendDigest({ ...base, outputs: [{ denomination: '100', output, memo: 'abc' }] }, 'covenant'),
    spendDigest({ ...base, withdrawal: { account: 'a'.repeat(40), amount: '1' } }, 'covenant'),
  ].map((d) => Buffer.from(d).toString('hex'));
  expect(new Set([digest, ...variants]).size).toBe(variants.length + 1);
});
