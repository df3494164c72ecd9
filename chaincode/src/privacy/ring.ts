import { sha512 } from '@noble/hashes/sha2.js';
import { CovenantError, invalidArgument } from '../shared/errors';
import { Point, concatBytes, decodePoint, decodeScalar, hashToPoint, hashToScalar } from './group';

/**
 * bLSAG, Back's linkable spontaneous anonymous group signature, as in "Zero to Monero" 2nd ed.
 * (Koe, Alonso, Noether 2020), section 3.4, over ristretto255 (RFC 9496): a member of a ring of
 * public keys signs without revealing which one, and two signatures by one key share a key image
 * I = x·Hp(P), which is how the ledger refuses a second spend of a note. Verification is
 * deterministic (the endorsing peers run it); signing draws randomness and runs off-chain
 * (gateway/src/privacy/ring-sign.ts, over the parsing and hashing helpers exported here).
 * Byte layouts and domain-separation tags: chaincode/src/privacy/README.md.
 */

/** Domain-separation tag of Hp, the hash from a ring member's encoding to the point its key image is based on. */
export const DST_HASH_TO_POINT = 'covenant/ring/v1/Hp';
/** Domain-separation tag of the challenges c_i (SHA-512 wide reduction to a scalar). */
export const DST_CHALLENGE = 'covenant/ring/v1/challenge';
/** Prefix of the context digest μ that binds message, ring and key image into every challenge. */
export const CONTEXT_PREFIX = 'covenant/ring/v1/context';
/** Fewest and most members of a ring. */
export const RING_SIZE_MIN = 2;
export const RING_SIZE_MAX = 64;

/**
 * A ring signature: the challenge c0 of member 0, one response per ring member (in ring order),
 * and the key image; each base64url of 32 bytes (scalars little-endian, points canonical).
 */
export interface RingSignature {
  c0: string;
  responses: string[];
  keyImage: string;
}

/** A message to sign: bytes, or a string taken as its UTF-8 bytes. */
export type RingMessage = Uint8Array | string;

/** The parsed ring: members in order, their encodings, and Hp of each. */
export interface Ring {
  members: Point[];
  encoded: Uint8Array[];
  hashed: Point[];
}

/**
 * Parses a ring of base64url public keys: between RING_SIZE_MIN and RING_SIZE_MAX members, each a
 * canonical non-identity ristretto255 encoding, no member twice. Throws INVALID_ARGUMENT otherwise.
 */
export function parseRing(ring: unknown): Ring {
  if (!Array.isArray(ring) || ring.length < RING_SIZE_MIN || ring.length > RING_SIZE_MAX) {
    throw invalidArgument(`ring must be an array of ${RING_SIZE_MIN} to ${RING_SIZE_MAX} public keys`);
  }
  if (new Set(ring).size !== ring.length) throw invalidArgument('ring must not name a public key twice');
  const members = ring.map((raw, i) => decodePoint(raw, `ring[${i}]`));
  // Decoding accepted only canonical encodings, so the given bytes are each member's encoding.
  const encoded = (ring as string[]).map((raw) => new Uint8Array(Buffer.from(raw, 'base64url')));
  return { members, encoded, hashed: encoded.map((bytes) => hashToPoint(bytes, DST_HASH_TO_POINT)) };
}

/** The bytes of a message: bytes as given, a string as UTF-8; INVALID_ARGUMENT otherwise. */
export function messageBytes(message: unknown): Uint8Array {
  if (typeof message === 'string') return new TextEncoder().encode(message);
  if (message instanceof Uint8Array) return message;
  throw invalidArgument('message must be bytes or a string');
}

/** μ = SHA-512(CONTEXT_PREFIX || n (1 byte) || P_0 || … || P_{n-1} || I || message). */
export function contextDigest(message: Uint8Array, ring: Ring, keyImage: Point): Uint8Array {
  const prefix = new TextEncoder().encode(CONTEXT_PREFIX);
  return sha512(concatBytes(prefix, Uint8Array.of(ring.members.length), ...ring.encoded, keyImage.toBytes(), message));
}

/** c_{i+1} = Hn(μ || L_i || R_i): SHA-512 wide reduction under DST_CHALLENGE. */
export function challenge(context: Uint8Array, left: Point, right: Point): bigint {
  return hashToScalar(concatBytes(context, left.toBytes(), right.toBytes()), DST_CHALLENGE);
}

/** L = r·G + c·P and R = r·Hp(P) + c·I for public r and c (libsodium's multiplications and additions). */
export function commitments(response: bigint, c: bigint, member: Point, hashed: Point, keyImage: Point): [Point, Point] {
  return [Point.BASE.multiply(response).add(member.multiply(c)), hashed.multiply(response).add(keyImage.multiply(c))];
}

/**
 * True iff `signature` is a bLSAG signature of `message` by a member of `ring`: recomputes the
 * challenges c_1 … c_n from c0 and the responses and accepts iff c_n = c0. Deterministic and
 * never throws on bad input: false for a malformed ring (size outside 2..64, non-canonical or
 * identity encodings, duplicates), a malformed signature (non-canonical scalars, a response count
 * other than the ring size, a non-canonical or identity key image), or any mismatch. Cost: n
 * hashes to the curve and 4n scalar multiplications (one in four fixed-base), by libsodium.
 */
export function verify(message: RingMessage, ring: readonly string[], signature: RingSignature): boolean {
  try {
    const bytes = messageBytes(message);
    const parsed = parseRing(ring);
    const n = parsed.members.length;
    if (typeof signature !== 'object' || signature === null || !Array.isArray(signature.responses) || signature.responses.length !== n) return false;
    const c0 = decodeScalar(signature.c0, 'c0');
    const responses = signature.responses.map((raw, i) => decodeScalar(raw, `responses[${i}]`));
    const image = decodePoint(signature.keyImage, 'keyImage');
    const context = contextDigest(bytes, parsed, image);
    let c = c0;
    for (let i = 0; i < n; i++) {
      const [left, right] = commitments(responses[i], c, parsed.members[i], parsed.hashed[i], image);
      c = challenge(context, left, right);
    }
    return c === c0;
  } catch (error) {
    if (error instanceof CovenantError) return false;
    throw error;
  }
}

/**
 * True iff two signatures carry the same key image, i.e. were made with the same secret key (the
 * same note spent twice), whatever their rings and messages. Compares the canonical encodings;
 * false when either key image is malformed.
 */
export function linked(a: RingSignature, b: RingSignature): boolean {
  try {
    return decodePoint(a.keyImage, 'keyImage').equals(decodePoint(b.keyImage, 'keyImage'));
  } catch (error) {
    if (error instanceof CovenantError) return false;
    throw error;
  }
}
