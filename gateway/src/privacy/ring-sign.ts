import { Point, decodeScalar, encodePoint, encodeScalar, hashToPoint } from '@covenant/chaincode/dist/privacy/group';
import { DST_HASH_TO_POINT, challenge, commitments, contextDigest, messageBytes, parseRing, type RingMessage, type RingSignature } from '@covenant/chaincode/dist/privacy/ring';
import { invalidArgument } from '@covenant/chaincode/dist/shared/errors';
import { randomScalar } from './keys';

/**
 * The signing half of bLSAG ("Zero to Monero" 2nd ed. s.3.4) over ristretto255: off-chain only,
 * since it draws randomness and holds a secret key. The chaincode verifies
 * (chaincode/src/privacy/ring.ts, whose parsing and hashing helpers this module reuses so both
 * sides hash the same bytes). Layouts: chaincode/src/privacy/README.md.
 */

/**
 * The key image I = x·Hp(x·G) of base64url secret key `secretKey` (a non-zero scalar): what any
 * signature by that key carries, so a wallet can tell whether its note is spent. Throws
 * INVALID_ARGUMENT for a malformed key.
 */
export function keyImage(secretKey: string): string {
  const x = decodeScalar(secretKey, 'secretKey', true);
  return encodePoint(hashToPoint(Point.BASE.multiply(x).toBytes(), DST_HASH_TO_POINT).multiply(x));
}

/**
 * Signs `message` as member `secretIndex` of `ring` (base64url public keys) with base64url secret
 * key `secretKey`, whose public key x·G must be ring[secretIndex] (Zero to Monero s.3.4, indices
 * from 0). Draws α and the other members' responses from the platform CSPRNG.
 * Throws INVALID_ARGUMENT for a malformed ring (size, encodings, duplicates), an index out of
 * range, or a key that is not the indexed member's.
 */
export function sign(message: RingMessage, ring: readonly string[], secretIndex: number, secretKey: string): RingSignature {
  const bytes = messageBytes(message);
  const parsed = parseRing(ring);
  const n = parsed.members.length;
  if (!Number.isSafeInteger(secretIndex) || secretIndex < 0 || secretIndex >= n) throw invalidArgument(`secretIndex must be an integer from 0 to ${n - 1}`);
  const x = decodeScalar(secretKey, 'secretKey', true);
  if (!Point.BASE.multiply(x).equals(parsed.members[secretIndex])) throw invalidArgument('secretKey is not the key of ring[secretIndex]');

  const image = parsed.hashed[secretIndex].multiply(x);
  const context = contextDigest(bytes, parsed, image);
  const alpha = randomScalar();
  const responses: bigint[] = new Array<bigint>(n);
  const challenges: bigint[] = new Array<bigint>(n);
  challenges[(secretIndex + 1) % n] = challenge(context, Point.BASE.multiply(alpha), parsed.hashed[secretIndex].multiply(alpha));
  for (let step = 1; step < n; step++) {
    const i = (secretIndex + step) % n;
    responses[i] = randomScalar();
    const [left, right] = commitments(responses[i], challenges[i], parsed.members[i], parsed.hashed[i], image);
    challenges[(i + 1) % n] = challenge(context, left, right);
  }
  responses[secretIndex] = Point.Fn.sub(alpha, Point.Fn.mul(challenges[secretIndex], x));
  return { c0: encodeScalar(challenges[0]), responses: responses.map(encodeScalar), keyImage: encodePoint(image) };
}
