import { randomBytes } from 'node:crypto';
import fc from 'fast-check';
import { ristretto255, ristretto255_hasher } from '@noble/curves/ed25519.js';
import { ORDER, Point, decodePoint, encodePoint, hashToPoint, hashToScalar } from '../src/privacy/group';
import { DST_CHALLENGE, DST_HASH_TO_POINT } from '../src/privacy/ring';
import { DST_SHARED_SECRET } from '../src/privacy/stealth';

/**
 * The ristretto255 arithmetic runs on libsodium (chaincode/src/privacy/point.ts); @noble/curves,
 * which it replaced, is the reference here: on random inputs both must give the same encodings
 * for multiplication (variable and fixed base), addition, decoding and the hashes, so a divergence
 * (which would split endorsing peers from signers, or old notes from new code) fails this test.
 * The identity, which libsodium refuses to return from a multiplication, is checked on its own.
 */
const Noble = ristretto255.Point;
const hex = (bytes: Uint8Array) => Buffer.from(bytes).toString('hex');
const scalar = fc.bigInt({ min: 0n, max: ORDER - 1n });
/** A random point, as noble and as libsodium hold it (decoded from noble's encoding). */
const point = fc.bigInt({ min: 1n, max: ORDER - 1n }).map((k) => {
  const noble = Noble.BASE.multiply(k);
  return { noble, sodium: Point.fromBytes(noble.toBytes()) };
});

test('k·P agrees with @noble/curves on random scalars and points (variable base)', () => {
  fc.assert(
    fc.property(point, scalar, (p, k) => {
      expect(hex(p.sodium.multiply(k).toBytes())).toBe(hex(k === 0n ? Noble.ZERO.toBytes() : p.noble.multiply(k).toBytes()));
    }),
    { numRuns: 40 },
  );
});

test('k·G agrees with @noble/curves (libsodium\'s fixed-base path), including k = 0 and k = ℓ-1', () => {
  fc.assert(
    fc.property(scalar, (k) => {
      expect(hex(Point.BASE.multiply(k).toBytes())).toBe(hex(Noble.BASE.multiplyUnsafe(k).toBytes()));
    }),
    { numRuns: 40, examples: [[0n], [1n], [ORDER - 1n]] },
  );
});

test('P + Q agrees with @noble/curves, and P + (-P) is the identity', () => {
  fc.assert(
    fc.property(point, point, (p, q) => {
      expect(hex(p.sodium.add(q.sodium).toBytes())).toBe(hex(p.noble.add(q.noble).toBytes()));
      expect(p.sodium.add(Point.fromBytes(p.noble.negate().toBytes())).is0()).toBe(true);
    }),
    { numRuns: 30 },
  );
});

test('hash to point (expand_message_xmd then the one-way map) and hash to scalar agree with @noble/curves\' hasher', () => {
  fc.assert(
    fc.property(fc.uint8Array({ maxLength: 200 }), (message) => {
      expect(hex(hashToPoint(message, DST_HASH_TO_POINT).toBytes())).toBe(hex(ristretto255_hasher.hashToCurve(message, { DST: DST_HASH_TO_POINT }).toBytes()));
      expect(hashToScalar(message, DST_CHALLENGE)).toBe(ristretto255_hasher.hashToScalar(message, { DST: DST_CHALLENGE }));
      expect(hashToScalar(message, DST_SHARED_SECRET)).toBe(ristretto255_hasher.hashToScalar(message, { DST: DST_SHARED_SECRET }));
    }),
    { numRuns: 40 },
  );
});

test('decoding accepts exactly what @noble/curves accepts: random bytes, and valid encodings with one bit flipped', () => {
  const nobleAccepts = (bytes: Uint8Array) => {
    try {
      Noble.fromBytes(bytes);
      return true;
    } catch {
      return false;
    }
  };
  const candidates: Uint8Array[] = Array.from({ length: 200 }, () => new Uint8Array(randomBytes(32)));
  for (let i = 0; i < 100; i++) {
    const bytes = Noble.BASE.multiply(BigInt(i + 2)).toBytes();
    bytes[i % 32] ^= 1 << i % 8;
    candidates.push(bytes, Noble.BASE.multiply(BigInt(i + 2)).toBytes());
  }
  let accepted = 0;
  for (const bytes of candidates) {
    const ours = Point.decode(bytes);
    expect([hex(bytes), ours !== undefined]).toEqual([hex(bytes), nobleAccepts(bytes)]);
    if (ours) expect(hex(ours.toBytes())).toBe(hex(bytes));
    accepted += ours ? 1 : 0;
  }
  expect(accepted).toBeGreaterThanOrEqual(100); // the valid encodings at least: the test saw both answers
  expect(accepted).toBeLessThan(candidates.length);
});

test('the identity: a zero scalar, ℓ, or the identity multiplied gives it, never libsodium\'s refusal', () => {
  const P = Point.BASE.multiply(12345n);
  for (const product of [P.multiply(0n), P.multiply(ORDER), Point.BASE.multiply(0n), Point.BASE.multiply(ORDER), Point.ZERO.multiply(7n), Point.ZERO.multiply(0n)]) {
    expect(product.is0()).toBe(true);
    expect(encodePoint(product)).toBe('A'.repeat(43));
  }
  expect(P.multiply(-1n).add(P).is0()).toBe(true); // negative scalars reduce mod ℓ
  expect(P.multiply(ORDER + 2n).equals(P.multiply(2n))).toBe(true);
  expect(Point.ZERO.add(P).equals(P)).toBe(true);
  expect(decodePoint(encodePoint(Point.ZERO), 'p', true).is0()).toBe(true);
});
