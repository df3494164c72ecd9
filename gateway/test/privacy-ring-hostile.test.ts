import fc from 'fast-check';
import { ORDER, Point, decodeScalar, encodePoint, encodeScalar, hashToPoint, toBase64url } from '@covenant/chaincode/dist/privacy/group';
import { DST_HASH_TO_POINT, verify, type RingSignature } from '@covenant/chaincode/dist/privacy/ring';
import { generateKeyPair } from '../src/privacy/keys';
import { sign } from '../src/privacy/ring-sign';

/**
 * Hostile signatures against the chaincode's bLSAG verification (chaincode/src/privacy/ring.ts),
 * which every endorsing peer runs on whatever a relayer submits: zero scalars, sums that are the
 * identity, the identity or non-canonical encodings as key image or member. libsodium, which does
 * the arithmetic, refuses (throws) to return the identity from a multiplication; verification must
 * still answer a deterministic false, never throw (a throw would fail endorsement with an internal
 * error instead of FORBIDDEN, and differently from a peer that handled it).
 */
const keys = Array.from({ length: 11 }, generateKeyPair);
const ring = keys.map((k) => k.publicKey);
const message = 'spend note 3';
const genuine = sign(message, ring, 3, keys[3].secretKey);
const ZERO = encodeScalar(0n);
const IDENTITY = toBase64url(new Uint8Array(32));
const hexB64 = (hex: string) => Buffer.from(hex, 'hex').toString('base64url');
// RFC 9496 A.2: a non-canonical field element, a negative s, a non-square x², and s = -1.
const NON_CANONICAL = ['00ffffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff', '0100000000000000000000000000000000000000000000000000000000000000', 'ed57ffd8c914fb201471d1c3d245ce3c746fcbe63a3679d51b6a516c77d7f060', 'ecffffffffffffffffffffffffffffffffffffffffffffffffffffffffffff7f'].map(hexB64);

/** verify's answer, failing the test if it throws instead. */
function answer(sig: unknown, members: readonly string[] = ring): boolean {
  let result: boolean | undefined;
  expect(() => (result = verify(message, members, sig as RingSignature))).not.toThrow();
  return result!;
}

test('the genuine signature verifies (so the refusals below are the tampering\'s)', () => expect(answer(genuine)).toBe(true));

const HOSTILE: [string, unknown][] = [
  ['c0 zero', { ...genuine, c0: ZERO }],
  ['every response zero', { ...genuine, responses: genuine.responses.map(() => ZERO) }],
  ['c0 and every response zero', { ...genuine, c0: ZERO, responses: genuine.responses.map(() => ZERO) }],
  ['the signer\'s response zero', { ...genuine, responses: genuine.responses.map((r, i) => (i === 3 ? ZERO : r)) }],
  ['the identity as key image', { ...genuine, keyImage: IDENTITY }],
  ['the identity as key image, scalars zero', { c0: ZERO, responses: ring.map(() => ZERO), keyImage: IDENTITY }],
  ...NON_CANONICAL.map((bad, i): [string, unknown] => [`non-canonical key image ${i}`, { ...genuine, keyImage: bad }]),
];

test.each(HOSTILE)('%s: false, no throw', (_, sig) => expect(answer(sig)).toBe(false));

test.each(NON_CANONICAL.map((bad, i) => [i, bad]))('non-canonical ring member %i: false, no throw', (_, bad) => {
  expect(answer(genuine, ring.map((k, i) => (i === 5 ? bad : k)))).toBe(false);
});

test('responses that cancel, so both commitments of a member are the identity: false, no throw', () => {
  // r_0 = -c0·x_0 with I = x_0·Hp(P_0): r_0·G + c0·P_0 = 0 and r_0·Hp(P_0) + c0·I = 0.
  const x = decodeScalar(keys[0].secretKey, 'x');
  const c0 = 5n;
  const image = hashToPoint(Point.BASE.multiply(x).toBytes(), DST_HASH_TO_POINT).multiply(x);
  const sig = { c0: encodeScalar(c0), responses: [encodeScalar(ORDER - ((c0 * x) % ORDER)), ...genuine.responses.slice(1)], keyImage: encodePoint(image) };
  expect(answer(sig)).toBe(false);
});

test('property: signatures built from zero, one, ℓ-1, ℓ, random scalars and the identity, bad or random key images never throw and never verify', () => {
  const scalar = fc.oneof(fc.constantFrom(ZERO, encodeScalar(1n), encodeScalar(ORDER - 1n), toBase64url(Buffer.from(ORDER.toString(16).padStart(64, '0'), 'hex').reverse())), fc.bigInt({ min: 0n, max: ORDER - 1n }).map(encodeScalar));
  const image = fc.oneof(fc.constantFrom(IDENTITY, genuine.keyImage, ...NON_CANONICAL), fc.uint8Array({ minLength: 32, maxLength: 32 }).map(toBase64url));
  fc.assert(
    fc.property(scalar, fc.array(scalar, { minLength: 11, maxLength: 11 }), image, (c0, responses, keyImage) => {
      expect(answer({ c0, responses, keyImage })).toBe(false);
    }),
    { numRuns: 25 },
  );
});
