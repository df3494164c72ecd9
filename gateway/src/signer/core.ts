import type { RingSignature } from '@covenant/chaincode/dist/privacy/ring';
import { parseStealthOutput, type StealthOutput } from '@covenant/chaincode/dist/privacy/stealth';
import { privacyReady } from '@covenant/chaincode/dist/privacy/group';
import { CovenantError } from '@covenant/chaincode/dist/shared/errors';
import { keyImage, sign } from '../privacy/ring-sign';
import { oneTimeSecretKey, scanOutput } from '../privacy/stealth-wallet';
import { SignerError } from './errors';
import { KeyStore, assertOwner, type OwnerKeys } from './key-store';
import type { Attestation, TeeAdapter } from './tee';

/**
 * The signer's core, behind both the HTTP server (http-server.ts) and the in-process LocalSigner
 * (gateway/src/privacy/signer-client.ts): it holds each owner's view and spend secret keys
 * (key-store.ts) and answers with public values only. Scan finds an owner's outputs and reports
 * their key images and shared secrets (the memo key); sign derives the one-time secret
 * x = Hs(a·R, i) + b of an output, checks the output is the owner's and in the ring, and signs
 * bLSAG. A spend key or a one-time secret never leaves it.
 */

/** Most outputs in one scan request. */
export const SCAN_MAX_OUTPUTS = 4096;
/** Most bytes of a message to sign (a spend digest is 64). */
export const MESSAGE_MAX_BYTES = 4096;

/** One of the owner's outputs found by a scan. */
export interface ScanHit {
  /** Position of the output in the request. */
  index: number;
  status: 'mine';
  oneTimePublicKey: string;
  /** I = x·Hp(P): what the ledger records when the note is spent. */
  keyImage: string;
  /** D = a·R, base64url: opens the note's memo (gateway/src/privacy/memo.ts). */
  sharedSecret: string;
}

/** Runs `work`, turning the primitives' INVALID_ARGUMENT (CovenantError) into SignerError INVALID_ARGUMENT. */
function asSignerError<T>(work: () => T, prefix = ''): T {
  try {
    return work();
  } catch (error) {
    if (error instanceof CovenantError) throw new SignerError('INVALID_ARGUMENT', prefix + error.detail);
    throw error;
  }
}

export class SignerCore {
  constructor(
    readonly tee: TeeAdapter,
    private readonly keys: KeyStore,
  ) {}

  /**
   * Opens the key store in `dir` through `tee`, once libsodium (the group arithmetic) is loaded.
   * Throws SignerError INTERNAL for a refused key file.
   */
  static async open(dir: string, tee: TeeAdapter): Promise<SignerCore> {
    await privacyReady();
    return new SignerCore(tee, await KeyStore.open(dir, tee));
  }

  /** Signed TEE evidence echoing `nonce` (base64url of 32 bytes; INVALID_ARGUMENT otherwise). */
  attest(nonce: string): Promise<Attestation> {
    return this.tee.evidence(nonce);
  }

  /** The owner's public keys, created on the first call (INVALID_ARGUMENT for a malformed owner). */
  createKeys(owner: string): Promise<OwnerKeys> {
    return this.keys.create(owner);
  }

  /** The owner's public keys; NOT_FOUND when it has none. */
  getKeys(owner: string): OwnerKeys {
    assertOwner(owner);
    const found = this.keys.publicKeys(owner);
    if (!found) throw new SignerError('NOT_FOUND', `no keys for owner ${owner}`);
    return found;
  }

  /**
   * The outputs among `outputs` that belong to `owner`, with key images and shared secrets.
   * NOT_FOUND for an unknown owner; INVALID_ARGUMENT for more than SCAN_MAX_OUTPUTS outputs or a
   * malformed one (naming its index).
   */
  scan(owner: string, outputs: readonly StealthOutput[]): { results: ScanHit[] } {
    const keys = this.secretKeysOf(owner);
    if (!Array.isArray(outputs) || outputs.length > SCAN_MAX_OUTPUTS) throw new SignerError('INVALID_ARGUMENT', `outputs must be an array of at most ${SCAN_MAX_OUTPUTS} stealth outputs`);
    const results: ScanHit[] = [];
    outputs.forEach((raw, index) => {
      const output = asSignerError(() => parseStealthOutput(raw), `outputs[${index}]: `);
      const found = scanOutput(keys.viewSecretKey, keys.spendPublicKey, output);
      if (found.status !== 'mine') return;
      results.push({ index, status: 'mine', oneTimePublicKey: output.oneTimePublicKey, keyImage: keyImage(oneTimeSecretKey(keys, output)), sharedSecret: found.sharedSecret });
    });
    return { results };
  }

  /**
   * A bLSAG signature of `message` over `ring` by the one-time key of `output`. NOT_FOUND for an
   * unknown owner; FORBIDDEN when the output is not the owner's; INVALID_ARGUMENT for a malformed
   * output, ring or message, or a ring that does not contain the output's one-time public key.
   */
  sign(owner: string, output: StealthOutput, ring: readonly string[], message: Uint8Array): { signature: RingSignature } {
    const keys = this.secretKeysOf(owner);
    if (!(message instanceof Uint8Array) || message.length === 0 || message.length > MESSAGE_MAX_BYTES) throw new SignerError('INVALID_ARGUMENT', `message must be 1 to ${MESSAGE_MAX_BYTES} bytes`);
    const parsed = asSignerError(() => parseStealthOutput(output));
    if (asSignerError(() => scanOutput(keys.viewSecretKey, keys.spendPublicKey, parsed)).status !== 'mine') throw new SignerError('FORBIDDEN', `output is not owned by ${owner}`);
    if (!Array.isArray(ring)) throw new SignerError('INVALID_ARGUMENT', 'ring must be an array of public keys');
    const index = ring.indexOf(parsed.oneTimePublicKey);
    if (index < 0) throw new SignerError('INVALID_ARGUMENT', "ring does not contain the output's one-time public key");
    return { signature: asSignerError(() => sign(message, ring, index, oneTimeSecretKey(keys, parsed))) };
  }

  private secretKeysOf(owner: string) {
    assertOwner(owner);
    const keys = this.keys.secretKeys(owner);
    if (!keys) throw new SignerError('NOT_FOUND', `no keys for owner ${owner}`);
    return keys;
  }
}
