import { X509Certificate, verify } from 'node:crypto';
import { invalidArgument } from '../shared/errors';

/**
 * The challenge-response check of DBCS-SC (seeds/004, "DBCS-SC's contract signing process",
 * steps 3-5): the client picks arbitrary data m, the sales manager signs it together with its
 * address, Sig = Sign(s.EPK, s.EOA, m), and anyone verifies Sig with ResponseVerify(s.EOA, m, Sig).
 *
 * On Fabric the address is the delegate's account, and the public key is the one in the X.509
 * certificate stored on that account's ledger record. The signed message binds the challenge to
 * the issuer and the delegate (so a signature made for anything else cannot be replayed):
 *
 *   "Covenant DBCS-SC delegate challenge\nissuer:<issuer account>\ndelegate:<delegate account>\nchallenge:<challenge>"
 *
 * as UTF-8, signed with ECDSA P-256 over SHA-256 (Fabric identities' key type). The signature is
 * base64 (standard or URL-safe) of either the DER encoding or the raw 64-byte r||s (IEEE P1363).
 * Verification is deterministic: no randomness, no clock.
 */
export const CHALLENGE_MIN = 8;
export const CHALLENGE_MAX = 1024;
const BASE64 = /^[A-Za-z0-9+/_-]+={0,2}$/;

export function challengeMessage(issuer: string, delegate: string, challenge: string): string {
  return `Covenant DBCS-SC delegate challenge\nissuer:${issuer}\ndelegate:${delegate}\nchallenge:${challenge}`;
}

export function parseChallenge(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length < CHALLENGE_MIN || raw.length > CHALLENGE_MAX) {
    throw invalidArgument(`challenge must be a string of ${CHALLENGE_MIN} to ${CHALLENGE_MAX} characters`);
  }
  return raw;
}

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

/**
 * True iff `signature` is a valid ECDSA P-256/SHA-256 signature of `message` by the key in the
 * PEM `certificate`. A certificate that is not P-256 (or does not parse) verifies nothing.
 */
export function verifyWithCertificate(certificate: string, message: string, signature: { bytes: Buffer; encoding: 'ieee-p1363' | 'der' }): boolean {
  let key;
  try {
    key = new X509Certificate(certificate).publicKey;
  } catch {
    return false;
  }
  if (key.asymmetricKeyType !== 'ec' || key.asymmetricKeyDetails?.namedCurve !== 'prime256v1') return false;
  try {
    return verify('sha256', Buffer.from(message, 'utf8'), { key, dsaEncoding: signature.encoding }, signature.bytes);
  } catch {
    return false;
  }
}
