import { KeyObject, createPrivateKey, sign } from 'node:crypto';
import { accountOfCertificate } from '@covenant/chaincode';
import type { Principal } from './store';

/**
 * Signatures the gateway makes with a principal's own Fabric identity key (ECDSA P-256,
 * SHA-256). DESIGN.md, "Consent, exactly-once, visibility": signing on a user's behalf only ever
 * covers fixed, domain-separated message formats, never caller-chosen raw bytes; callers of this
 * module build the bytes from such a format (e.g. the DBCS challenge message), so a signature
 * made here can never pass for a Fabric proposal or a channel state.
 */
export type SignatureEncoding = 'der' | 'ieee-p1363';

const keys = new WeakMap<Principal, KeyObject>();
const accounts = new WeakMap<Principal, string>();

/** The principal's signature over `bytes`, base64 of DER (default) or raw r||s (IEEE P1363). */
export function signAs(principal: Principal, bytes: Uint8Array, encoding: SignatureEncoding = 'der'): string {
  let key = keys.get(principal);
  if (!key) keys.set(principal, (key = createPrivateKey(principal.identity.privateKey)));
  return sign('sha256', bytes, { key, dsaEncoding: encoding }).toString('base64');
}

/** The account id the chaincode derives for the principal's certificate. */
export function accountIdOf(principal: Principal): string {
  let id = accounts.get(principal);
  if (!id) accounts.set(principal, (id = accountOfCertificate(principal.mspId, principal.identity.certificate)));
  return id;
}
