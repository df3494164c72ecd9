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

export function challengeMessage(issuer: string, delegate: string, challenge: string): string {
  return `Covenant DBCS-SC delegate challenge\nissuer:${issuer}\ndelegate:${delegate}\nchallenge:${challenge}`;
}

export function parseChallenge(raw: unknown): string {
  if (typeof raw !== 'string' || raw.length < CHALLENGE_MIN || raw.length > CHALLENGE_MAX) {
    throw invalidArgument(`challenge must be a string of ${CHALLENGE_MIN} to ${CHALLENGE_MAX} characters`);
  }
  return raw;
}
