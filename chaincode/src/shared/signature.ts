import { KeyObject, X509Certificate, createPublicKey, verify } from 'node:crypto';
import { invalidArgument } from './errors';

/**
 * Signatures made off-chain with a Fabric identity's key (ECDSA P-256 over SHA-256) and checked in
 * chaincode against the certificate kept on the signer's account record (DESIGN.md, "Money and
 * accounts"): DBCS-SC challenge responses, payment channel states. Deterministic: no randomness,
 * no clock. A signature is base64 (standard or URL-safe) of DER or raw r||s (IEEE P1363).
 */
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

/** Decodes a base64 signature: 64 bytes (raw r||s) or a DER ECDSA-Sig-Value (8..72 bytes). */
export function parseSignature(raw: unknown): { bytes: Buffer; encoding: 'ieee-p1363' | 'der' } {
  if (typeof raw !== 'string' || raw.length === 0 || raw.length > 200 || !BASE64.test(raw)) {
    throw invalidArgument('signature must be base64 of a DER or raw (r||s) ECDSA P-256 signature');
  }
  const bytes = Buffer.from(raw.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  if (bytes.length === 64) return { bytes, encoding: 'ieee-p1363' };
  if (bytes.length >= 8 && bytes.length <= 72 && bytes[0] === 0x30) return { bytes, encoding: 'der' };
  throw invalidArgument('signature must be 64 bytes (r||s) or a DER ECDSA signature');
}

/** How many certificates' public keys {@link p256KeyOfCertificate} keeps (oldest evicted first). */
const KEY_CACHE_SIZE = 1024;
const keyCache = new Map<string, KeyObject | null>();

/**
 * The ECDSA P-256 public key of the PEM `certificate`, or null when it does not parse or holds
 * another kind of key. Memoised by the certificate's text (a pure function of it, so the result is
 * the same with or without the cache): parsing an X.509 certificate costs more than the ECDSA
 * verify it serves.
 */
export function p256KeyOfCertificate(certificate: string): KeyObject | null {
  const cached = keyCache.get(certificate);
  if (cached !== undefined) return cached;
  let key: KeyObject | null;
  try {
    key = new X509Certificate(certificate).publicKey;
    if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') key = null;
  } catch {
    key = null;
  }
  if (keyCache.size >= KEY_CACHE_SIZE) keyCache.delete(keyCache.keys().next().value as string);
  keyCache.set(certificate, key);
  return key;
}

/**
 * True iff `signature` is a valid ECDSA P-256/SHA-256 signature of `message` by the key in the
 * PEM `certificate`. A certificate that is not P-256 (or does not parse) verifies nothing.
 */
export function verifyWithCertificate(certificate: string, message: string | Uint8Array, signature: { bytes: Buffer; encoding: 'ieee-p1363' | 'der' }): boolean {
  const key = p256KeyOfCertificate(certificate);
  if (!key) return false;
  try {
    return verify('sha256', typeof message === 'string' ? Buffer.from(message, 'utf8') : message, { key, dsaEncoding: signature.encoding }, signature.bytes);
  } catch {
    return false;
  }
}

/** Length of an uncompressed SEC1 P-256 point: 0x04 || x (32 bytes) || y (32 bytes). */
export const P256_POINT_LENGTH = 65;

/**
 * The 65-byte uncompressed SEC1 point (0x04 || x || y) of a P-256 public key sent as base64url
 * without padding (its one spelling), checked to lie on the curve (node:crypto imports it as a JWK
 * from x and y, which refuses points off the curve): scrip holder keys and encryption keys (issue
 * 12). INVALID_ARGUMENT otherwise, naming `field`.
 */
export function parseP256Point(raw: unknown, field = 'publicKey'): Buffer {
  const refuse = () => invalidArgument(`${field} must be base64url of a 65-byte uncompressed P-256 point on the curve (0x04 || x || y)`);
  if (typeof raw !== 'string' || raw.length > 100 || !/^[A-Za-z0-9_-]*$/.test(raw)) throw refuse();
  const point = Buffer.from(raw, 'base64url');
  if (point.length !== P256_POINT_LENGTH || point[0] !== 0x04 || point.toString('base64url') !== raw) throw refuse();
  try {
    createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, format: 'jwk' });
  } catch {
    throw refuse();
  }
  return point;
}

/**
 * True iff `signature` is a valid ECDSA P-256/SHA-256 signature of `message` by the raw public key
 * `point` (65-byte uncompressed SEC1, as {@link parseP256Point} returns). The key is built with
 * node:crypto createPublicKey from a JWK (RFC 7518 s. 6.2.1: x and y base64url); a point not on
 * the curve verifies nothing. Deterministic: no randomness, no clock.
 */
export function verifyWithP256Point(point: Uint8Array, message: Uint8Array, signature: { bytes: Buffer; encoding: 'ieee-p1363' | 'der' }): boolean {
  if (point.length !== P256_POINT_LENGTH || point[0] !== 0x04) return false;
  try {
    const b64url = (bytes: Uint8Array) => Buffer.from(bytes).toString('base64url');
    const key = createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: b64url(point.subarray(1, 33)), y: b64url(point.subarray(33)) }, format: 'jwk' });
    return verify('sha256', message, { key, dsaEncoding: signature.encoding }, signature.bytes);
  } catch {
    return false;
  }
}
