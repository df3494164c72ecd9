import fc from 'fast-check';
import { ORDER, toBase64url } from '@covenant/chaincode/dist/privacy/group';
import { RingSignature, linked, verify } from '@covenant/chaincode/dist/privacy/ring';
import { generateKeyPair } from '../src/privacy/keys';
import { keyImage, sign } from '../src/privacy/ring-sign';

/**
 * bLSAG ring signatures over ristretto255 (signing: gateway/src/privacy/ring-sign.ts; verifying: chaincode/src/privacy/ring.ts): what a signer, the
 * endorsing peers and a double-spend check would notice. Verification is the chaincode's; a
 * refusal must come back as false, never as a crash.
 */
const keys = Array.from({ length: 64 }, generateKeyPair);
const ringOf = (n: number) => keys.slice(0, n).map((k) => k.publicKey);
const scalarBytes = (value: bigint) => {
  const bytes = Buffer.alloc(32);
  for (let i = 0; i < 32; i++) bytes[i] = Number((value >> BigInt(8 * i)) & 0xffn);
  return bytes.toString('base64url');
};
const scalarOf = (raw: string) => Buffer.from(raw, 'base64url').reduceRight((acc, byte) => (acc << 8n) | BigInt(byte), 0n);
const bump = (raw: string) => scalarBytes((scalarOf(raw) + 1n) % ORDER);
const IDENTITY = toBase64url(new Uint8Array(32));

describe('a signature by any member verifies against its ring', () => {
  test.each([2, 3, 11])('ring of %i, every signer index', (n) => {
    const ring = ringOf(n);
    for (let i = 0; i < n; i++) {
      const signature = sign(`pay note ${i}`, ring, i, keys[i].secretKey);
      expect(signature.responses).toHaveLength(n);
      expect(verify(`pay note ${i}`, ring, signature)).toBe(true);
    }
  });

  test('ring of 64, first, middle and last signer', () => {
    const ring = ringOf(64);
    for (const i of [0, 31, 63]) expect(verify(new Uint8Array([1, 2, i]), ring, sign(new Uint8Array([1, 2, i]), ring, i, keys[i].secretKey))).toBe(true);
  });

  test('property: any ring of 2..6 members, any signer, any message; any other message is refused', () => {
    fc.assert(
      fc.property(fc.integer({ min: 2, max: 6 }).chain((n) => fc.tuple(fc.constant(n), fc.nat(n - 1), fc.uint8Array({ maxLength: 64 }), fc.uint8Array({ maxLength: 64 }))), ([n, i, message, other]) => {
        const ring = ringOf(n);
        const signature = sign(message, ring, i, keys[i].secretKey);
        expect(verify(message, ring, signature)).toBe(true);
        if (Buffer.compare(Buffer.from(message), Buffer.from(other)) !== 0) expect(verify(other, ring, signature)).toBe(false);
      }),
      { numRuns: 15 },
    );
  });
});

describe('anything tampered with is refused', () => {
  const ring = ringOf(11);
  const message = 'spend note 7 to R';
  const signature = sign(message, ring, 4, keys[4].secretKey);
  const outsider = generateKeyPair();

  test('the untampered signature verifies', () => expect(verify(message, ring, signature)).toBe(true));
  test('the message', () => expect(verify('spend note 7 to S', ring, signature)).toBe(false));
  test('a ring member replaced, including the signer', () => {
    for (const i of [0, 4, 10]) expect(verify(message, ring.map((k, j) => (j === i ? outsider.publicKey : k)), signature)).toBe(false);
  });
  test('the ring reordered', () => expect(verify(message, [ring[1], ring[0], ...ring.slice(2)], signature)).toBe(false));
  test('a member added or dropped', () => {
    expect(verify(message, [...ring, outsider.publicKey], { ...signature, responses: [...signature.responses, signature.responses[0]] })).toBe(false);
    expect(verify(message, ring.slice(1), { ...signature, responses: signature.responses.slice(1) })).toBe(false);
  });
  test('the key image (another key\'s, or the signer\'s from a different ring position)', () => {
    expect(verify(message, ring, { ...signature, keyImage: keyImage(outsider.secretKey) })).toBe(false);
    expect(verify(message, ring, { ...signature, keyImage: keyImage(keys[5].secretKey) })).toBe(false);
  });
  test('one response', () => {
    for (const i of [0, 4, 10]) expect(verify(message, ring, { ...signature, responses: signature.responses.map((r, j) => (j === i ? bump(r) : r)) })).toBe(false);
  });
  test('c0', () => expect(verify(message, ring, { ...signature, c0: bump(signature.c0) })).toBe(false));
  test('a scalar re-encoded as itself plus the group order (same value mod ℓ) is refused: no malleability', () => {
    expect(verify(message, ring, { ...signature, c0: scalarBytes(scalarOf(signature.c0) + ORDER) })).toBe(false);
    expect(verify(message, ring, { ...signature, responses: [scalarBytes(scalarOf(signature.responses[0]) + ORDER), ...signature.responses.slice(1)] })).toBe(false);
  });
});

describe('linking: one key, one key image', () => {
  test('two signatures by one key link, whatever the rings and messages; by different keys they do not', () => {
    const a = sign('first spend', ringOf(5), 2, keys[2].secretKey);
    const b = sign('second spend', [keys[2].publicKey, ...keys.slice(20, 30).map((k) => k.publicKey)], 0, keys[2].secretKey);
    const c = sign('first spend', ringOf(5), 3, keys[3].secretKey);
    expect(verify('second spend', [keys[2].publicKey, ...keys.slice(20, 30).map((k) => k.publicKey)], b)).toBe(true);
    expect(linked(a, b)).toBe(true);
    expect(linked(a, c)).toBe(false);
    expect(a.keyImage).toBe(keyImage(keys[2].secretKey));
    expect(linked(a, { ...c, keyImage: 'not a point' })).toBe(false);
  });
});

describe('malformed input: verify answers false, sign refuses with INVALID_ARGUMENT', () => {
  const ring = ringOf(3);
  const signature = sign('m', ring, 1, keys[1].secretKey);
  const nonCanonical = toBase64url(Uint8Array.of(1, ...new Array(31).fill(0))); // odd: not a canonical encoding
  const cases: Array<[string, readonly string[], RingSignature]> = [
    ['a ring of 1', ring.slice(0, 1), { ...signature, responses: signature.responses.slice(0, 1) }],
    ['a ring of 65', [...ringOf(64), generateKeyPair().publicKey], { ...signature, responses: new Array(65).fill(signature.responses[0]) }],
    ['a member twice', [ring[0], ring[1], ring[0]], signature],
    ['a non-canonical member', [ring[0], ring[1], nonCanonical], signature],
    ['the identity as a member', [ring[0], ring[1], IDENTITY], signature],
    ['a member with base64 padding', [ring[0], ring[1], `${ring[2]}=`], signature],
    ['a member in standard base64', [ring[0], ring[1], Buffer.from(ring[2], 'base64url').toString('base64')], signature],
    ['a 31-byte member', [ring[0], ring[1], toBase64url(new Uint8Array(31))], signature],
    ['the identity as key image', ring, { ...signature, keyImage: IDENTITY }],
    ['a non-canonical key image', ring, { ...signature, keyImage: nonCanonical }],
    ['too few responses', ring, { ...signature, responses: signature.responses.slice(1) }],
    ['too many responses', ring, { ...signature, responses: [...signature.responses, signature.responses[0]] }],
    ['a response of 33 bytes', ring, { ...signature, responses: [toBase64url(new Uint8Array(33)), ...signature.responses.slice(1)] }],
    ['c0 equal to the group order', ring, { ...signature, c0: scalarBytes(ORDER) }],
    ['c0 all ones', ring, { ...signature, c0: toBase64url(new Uint8Array(32).fill(0xff)) }],
    ['a number as c0', ring, { ...signature, c0: 5 as unknown as string }],
    ['responses not an array', ring, { ...signature, responses: 'x' as unknown as string[] }],
  ];
  test.each(cases)('%s', (_name, badRing, badSignature) => expect(verify('m', badRing, badSignature)).toBe(false));
  test('no signature at all, or a ring that is not an array', () => {
    expect(verify('m', ring, null as unknown as RingSignature)).toBe(false);
    expect(verify('m', 'ring' as unknown as string[], signature)).toBe(false);
  });

  test('sign refuses a key that is not the indexed member\'s, an index out of range, a bad ring', () => {
    expect(() => sign('m', ring, 0, keys[1].secretKey)).toThrow('INVALID_ARGUMENT: secretKey is not the key of ring[secretIndex]');
    expect(() => sign('m', ring, 3, keys[1].secretKey)).toThrow('INVALID_ARGUMENT');
    expect(() => sign('m', ring, 1.5, keys[1].secretKey)).toThrow('INVALID_ARGUMENT');
    expect(() => sign('m', ring, 1, IDENTITY)).toThrow('INVALID_ARGUMENT: secretKey must not be zero');
    expect(() => sign('m', [ring[1], ring[1]], 1, keys[1].secretKey)).toThrow('INVALID_ARGUMENT: ring must not name a public key twice');
    expect(() => sign('m', ring.slice(1, 2), 0, keys[1].secretKey)).toThrow('INVALID_ARGUMENT: ring must be an array of 2 to 64 public keys');
  });
});
