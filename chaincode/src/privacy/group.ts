import { expand_message_xmd } from '@noble/curves/abstract/hash-to-curve.js';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { invalidArgument } from '../shared/errors';
import { Point } from './point';

export { concatBytes } from '@noble/hashes/utils.js';
export { Point } from './point';
export { privacyReady } from './sodium';

/*
 * The ristretto255 prime-order group (RFC 9496), its arithmetic by libsodium (point.ts: await
 * privacyReady() once before the first use), and the encodings and hashes the ring signatures
 * (ring.ts) and one-time keys (stealth.ts) share. Every point and scalar
 * crosses an API as base64url without padding of 32 bytes, and has exactly one spelling: points
 * in the canonical RFC 9496 section 4.3.2 encoding, scalars little-endian and below the group
 * order ℓ = 2^252 + 27742317777372353535851937790883648493. Being of prime order, ristretto255
 * has no small-subgroup or cofactor cases to check (the reason CryptoNote's ℓ·K̃ = 0 test is not
 * needed here). Deterministic: random scalars and key pairs live off-chain in
 * gateway/src/privacy/keys.ts. Layouts: chaincode/src/privacy/README.md.
 */

/** ℓ, the order of the group and modulus of scalars. */
export const ORDER: bigint = Point.Fn.ORDER;

/** Bytes of an encoded point or scalar. */
export const ENCODED_LENGTH = 32;

const BASE64URL = /^[A-Za-z0-9_-]{43}$/;

/** base64url (no padding) of `bytes`. */
export function toBase64url(bytes: Uint8Array): string {
  return Buffer.from(bytes).toString('base64url');
}

/** The 32 bytes of a base64url string, or null unless it is the one spelling of 32 bytes. */
function bytes32(raw: unknown): Uint8Array | null {
  if (typeof raw !== 'string' || !BASE64URL.test(raw)) return null;
  const bytes = Buffer.from(raw, 'base64url');
  return bytes.length === ENCODED_LENGTH && bytes.toString('base64url') === raw ? new Uint8Array(bytes) : null;
}

/**
 * The point whose canonical encoding is base64url `raw` (RFC 9496 section 4.3.1 decode, which
 * refuses non-canonical and non-group encodings). Throws INVALID_ARGUMENT naming `field`
 * otherwise, and also for the identity unless `allowIdentity`.
 */
export function decodePoint(raw: unknown, field: string, allowIdentity = false): Point {
  const bytes = bytes32(raw);
  const point = bytes ? Point.decode(bytes) : undefined;
  if (!point) throw invalidArgument(`${field} must be base64url of a canonical 32-byte ristretto255 encoding`);
  if (!allowIdentity && point.is0()) throw invalidArgument(`${field} must not be the identity`);
  return point;
}

/** base64url of the canonical 32-byte encoding of `point`. */
export function encodePoint(point: Point): string {
  return toBase64url(point.toBytes());
}

/**
 * The scalar whose 32-byte little-endian encoding is base64url `raw`, refused (INVALID_ARGUMENT
 * naming `field`) unless below ℓ, and unless non-zero when `nonZero` (secret keys).
 */
export function decodeScalar(raw: unknown, field: string, nonZero = false): bigint {
  const bytes = bytes32(raw);
  const value = bytes ? bytesToNumberLE(bytes) : ORDER;
  if (value >= ORDER) throw invalidArgument(`${field} must be base64url of a 32-byte little-endian scalar below the group order`);
  if (nonZero && value === 0n) throw invalidArgument(`${field} must not be zero`);
  return value;
}

/** base64url of the 32-byte little-endian encoding of `scalar` (reduced mod ℓ first). */
export function encodeScalar(scalar: bigint): string {
  return toBase64url(Point.Fn.toBytes(Point.Fn.create(scalar)));
}

/**
 * hash_to_ristretto255 (RFC 9380 appendix B: expand_message_xmd with SHA-512 to 64 bytes, then
 * the RFC 9496 section 4.3.4 one-way map) of `message` under domain-separation tag `dst`:
 * @noble/curves' expand_message_xmd over @noble/hashes' SHA-512, then libsodium's
 * crypto_core_ristretto255_from_hash.
 */
export function hashToPoint(message: Uint8Array, dst: string): Point {
  return Point.fromUniformBytes(expand_message_xmd(message, dst, 64, sha512));
}

/**
 * SHA-512 to a scalar by wide reduction under domain-separation tag `dst`: expand_message_xmd
 * (RFC 9380 section 5.3.1, SHA-512, 64 bytes) read little-endian, mod ℓ. This is RFC 9497's
 * HashToScalar for ristretto255 with the caller's DST.
 */
export function hashToScalar(message: Uint8Array, dst: string): bigint {
  return Point.Fn.create(bytesToNumberLE(expand_message_xmd(message, dst, 64, sha512)));
}
