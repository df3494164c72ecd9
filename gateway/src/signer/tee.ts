import { canonicalBytes } from '@covenant/chaincode/dist/shared/canonical';

/**
 * The TEE adapter: what the signer asks of the environment that protects its keys. An adapter
 * seals bytes (only this environment opens them again) and produces attestation evidence: a
 * statement of what it is (`type`, whether it gives `isolation`), of the code it runs
 * (`measurement`) and of the caller's fresh `nonce`, signed by its attestation key. The
 * `simulated` adapter (simulated-tee.ts) isolates nothing and says so; a production gateway
 * refuses its evidence (assertTrustedEvidence, gateway/src/privacy/signer-client.ts).
 */

/** Kinds of adapter: `simulated` here; `tpm`, `sgx`, `sev-snp` are what real ones would report. */
export type TeeKind = 'simulated' | 'tpm' | 'sgx' | 'sev-snp';

/** What an adapter attests. Strings only and booleans, so its canonical JSON is well defined. */
export interface TeeEvidence {
  /** The adapter kind. */
  type: TeeKind;
  /** True only when the keys are isolated from the host (an enclave); false for `simulated` and `tpm`. */
  isolation: boolean;
  /** Lowercase hex SHA-256 of the signer's code (simulated: its code files; SGX: MRENCLAVE). */
  measurement: string;
  /** The caller's nonce, base64url of 32 bytes, echoed. */
  nonce: string;
  /** When the evidence was produced (ISO 8601, UTC). */
  issuedAt: string;
  /** The signer's version (the gateway package version). */
  signerVersion: string;
  /** What the evidence does not promise, for people reading it. */
  note?: string;
}

/** Signed evidence: `signature` (base64url) by `publicKey` (base64url DER SubjectPublicKeyInfo, Ed25519) over evidenceBytes(evidence). */
export interface Attestation {
  evidence: TeeEvidence;
  publicKey: string;
  signature: string;
}

/** What the signer needs of its environment. */
export interface TeeAdapter {
  readonly kind: TeeKind;
  /** Signed evidence echoing `nonce` (base64url of 32 bytes; the caller checks it is the one it sent). */
  evidence(nonce: string): Promise<Attestation>;
  /** Seals `plaintext`: the result opens only through this adapter's unseal. */
  seal(plaintext: Uint8Array): Promise<Uint8Array>;
  /** Opens what seal produced; throws SignerError INTERNAL when it was altered or sealed elsewhere. */
  unseal(sealed: Uint8Array): Promise<Uint8Array>;
}

/** The bytes an attestation signature covers: canonical JSON (sorted keys) of the evidence. */
export function evidenceBytes(evidence: TeeEvidence): Uint8Array {
  return canonicalBytes(evidence);
}

/** A nonce's accepted form: base64url (no padding) of exactly 32 bytes. */
export function isNonce(raw: unknown): raw is string {
  return typeof raw === 'string' && /^[A-Za-z0-9_-]{43}$/.test(raw) && Buffer.from(raw, 'base64url').toString('base64url') === raw;
}
