import { createPublicKey, randomBytes, verify } from 'node:crypto';
import { evidenceBytes, isNonce, type Attestation, type TeeEvidence } from '../signer/tee';

/**
 * The gateway's check of a signer's attestation (gateway/src/signer/README.md): the evidence must
 * echo the nonce the gateway just drew (no replay of old evidence), its signature must verify
 * under the public key it names, and in production it must claim isolation: `simulated` evidence,
 * and any evidence with `isolation: false`, is refused, as Hyperledger Fabric Private Chaincode
 * refuses simulation-mode enclaves outside development.
 */

/** A signer whose evidence the gateway does not trust; `reason` is stable, the message explains. */
export class UntrustedSignerError extends Error {
  constructor(
    readonly reason: 'MALFORMED' | 'NONCE_MISMATCH' | 'BAD_SIGNATURE' | 'SIMULATED' | 'NO_ISOLATION' | 'MEASUREMENT_MISMATCH',
    message: string,
  ) {
    super(`untrusted signer: ${message}`);
    this.name = 'UntrustedSignerError';
  }
}

/** A fresh attestation nonce: base64url of 32 random bytes. Draw one per attestation. */
export function freshNonce(): string {
  return randomBytes(32).toString('base64url');
}

export interface TrustPolicy {
  /** Production refuses `simulated` and `isolation: false` evidence. */
  production: boolean;
  /** The nonce sent with this attestation request. */
  nonce: string;
  /** When set, the only measurement accepted (lowercase hex SHA-256; MRENCLAVE for SGX). */
  measurement?: string;
}

function isEvidence(raw: unknown): raw is TeeEvidence {
  const e = raw as Record<string, unknown>;
  return typeof raw === 'object' && raw !== null && typeof e.type === 'string' && typeof e.isolation === 'boolean' && typeof e.measurement === 'string' && typeof e.nonce === 'string' && typeof e.issuedAt === 'string' && typeof e.signerVersion === 'string';
}

/** True iff `signature` (base64url) by `publicKey` (base64url SPKI DER; Ed25519, or ECDSA with SHA-256) covers the evidence. */
function signatureVerifies(attestation: Attestation): boolean {
  try {
    const key = createPublicKey({ key: Buffer.from(attestation.publicKey, 'base64url'), format: 'der', type: 'spki' });
    const algorithm = key.asymmetricKeyType === 'ed25519' ? null : key.asymmetricKeyType === 'ec' ? 'sha256' : undefined;
    if (algorithm === undefined) return false;
    return verify(algorithm, evidenceBytes(attestation.evidence), key, Buffer.from(attestation.signature, 'base64url'));
  } catch {
    return false;
  }
}

/**
 * Returns the evidence of `attestation` when the gateway may trust it under `policy`; throws
 * UntrustedSignerError otherwise: MALFORMED (not an attestation, or a malformed nonce),
 * NONCE_MISMATCH (not the nonce just sent), BAD_SIGNATURE, SIMULATED and NO_ISOLATION (production
 * only), MEASUREMENT_MISMATCH (when a measurement is pinned).
 */
export function assertTrustedEvidence(attestation: Attestation, policy: TrustPolicy): TeeEvidence {
  if (typeof attestation !== 'object' || attestation === null || !isEvidence(attestation.evidence) || typeof attestation.publicKey !== 'string' || typeof attestation.signature !== 'string') {
    throw new UntrustedSignerError('MALFORMED', 'the answer is not signed TEE evidence');
  }
  const { evidence } = attestation;
  if (!isNonce(policy.nonce)) throw new UntrustedSignerError('MALFORMED', 'the policy nonce must be base64url of 32 bytes (freshNonce())');
  if (evidence.nonce !== policy.nonce) throw new UntrustedSignerError('NONCE_MISMATCH', 'the evidence does not echo the nonce just sent (stale or replayed evidence)');
  if (!signatureVerifies(attestation)) throw new UntrustedSignerError('BAD_SIGNATURE', 'the evidence signature does not verify under its attestation key');
  if (policy.production && evidence.type === 'simulated') {
    throw new UntrustedSignerError('SIMULATED', 'the signer runs the simulated TEE, which isolates nothing; production needs an enclave signer (SGX, SEV-SNP), or run without production for development');
  }
  if (policy.production && !evidence.isolation) throw new UntrustedSignerError('NO_ISOLATION', `the signer's ${evidence.type} evidence claims no isolation; production needs an enclave signer`);
  if (policy.measurement !== undefined && evidence.measurement !== policy.measurement) throw new UntrustedSignerError('MEASUREMENT_MISMATCH', `the signer's measurement ${evidence.measurement} is not the pinned ${policy.measurement}`);
  return evidence;
}
