import { parseSignature, verifyWithCertificate } from '@covenant/chaincode';
import { refuse } from './refusal';

/**
 * FORBIDDEN unless `signature` (base64, DER or raw r||s) is `who`'s ECDSA P-256 signature over
 * `bytes`, checked against `certificate` (PEM, the one on `who`'s ledger account) with the
 * chaincode's own functions: the gateway accepts exactly what the ledger would.
 */
export function verifySignature(certificate: string, bytes: Uint8Array, signature: string, who: string): void {
  let parsed;
  try {
    parsed = parseSignature(signature);
  } catch {
    throw refuse('FORBIDDEN', `the signature of ${who} is malformed`);
  }
  if (!verifyWithCertificate(certificate, bytes, parsed)) throw refuse('FORBIDDEN', `the signature of ${who} does not verify`);
}
