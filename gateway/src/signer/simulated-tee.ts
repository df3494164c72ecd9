import { createPrivateKey, createPublicKey, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { readFileIfExists, writeFileAtomic } from './atomic-file';
import { SignerError } from './errors';
import { measureSigner, signerVersion } from './measurement';
import { KEK_BYTES, sealWithKek, unsealWithKek } from './sealing';
import { type Attestation, type TeeAdapter, type TeeEvidence, evidenceBytes, isNonce } from './tee';

/**
 * The `simulated` TEE adapter: the signer's environment when there is no enclave. It seals with
 * AES-256-GCM under a key-encryption key kept in a plain file (`kek`, mode 0600) and signs
 * evidence with an Ed25519 attestation key kept sealed under that KEK (`attestation-key.sealed`).
 * It isolates nothing: anyone who reads the directory reads the keys. Its evidence says so
 * (`type: 'simulated'`, `isolation: false`), as Hyperledger Fabric Private Chaincode marks its
 * simulation mode, and a production gateway refuses it.
 */
const SEAL_CONTEXT = 'covenant/signer/v1/sealed/simulated';
const ATTESTATION_KEY_CONTEXT = 'covenant/signer/v1/attestation-key/simulated';
const NOTE = 'simulation mode: no hardware isolation, keys protected by file permissions only; not for production';

export class SimulatedTee implements TeeAdapter {
  readonly kind = 'simulated' as const;

  private constructor(
    private readonly kek: Uint8Array,
    private readonly attestationKey: ReturnType<typeof createPrivateKey>,
    private readonly measurement: string,
    private readonly version: string,
  ) {}

  /**
   * Opens (creating on first use) the adapter's state in `dir`: the KEK and the sealed attestation
   * key. Throws SignerError INTERNAL when the KEK file has the wrong length or the sealed
   * attestation key does not open.
   */
  static async open(dir: string): Promise<SimulatedTee> {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const kekFile = join(dir, 'kek');
    let kek = await readFileIfExists(kekFile);
    if (!kek) {
      kek = new Uint8Array(randomBytes(KEK_BYTES));
      await writeFileAtomic(kekFile, kek);
    }
    if (kek.length !== KEK_BYTES) throw new SignerError('INTERNAL', `${kekFile} is not a ${KEK_BYTES}-byte key-encryption key`);
    const keyFile = join(dir, 'attestation-key.sealed');
    let sealedKey = await readFileIfExists(keyFile);
    if (!sealedKey) {
      const der = generateKeyPairSync('ed25519').privateKey.export({ format: 'der', type: 'pkcs8' });
      sealedKey = sealWithKek(kek, ATTESTATION_KEY_CONTEXT, der);
      await writeFileAtomic(keyFile, sealedKey);
    }
    const attestationKey = createPrivateKey({ key: Buffer.from(unsealWithKek(kek, ATTESTATION_KEY_CONTEXT, sealedKey)), format: 'der', type: 'pkcs8' });
    return new SimulatedTee(kek, attestationKey, await measureSigner(), await signerVersion());
  }

  /** Evidence `{type: 'simulated', isolation: false, measurement, nonce, ...}` signed with Ed25519. Throws SignerError INVALID_ARGUMENT for a malformed nonce. */
  async evidence(nonce: string): Promise<Attestation> {
    if (!isNonce(nonce)) throw new SignerError('INVALID_ARGUMENT', 'nonce must be base64url of 32 bytes');
    const evidence: TeeEvidence = { type: 'simulated', isolation: false, measurement: this.measurement, nonce, issuedAt: new Date().toISOString(), signerVersion: this.version, note: NOTE };
    const publicKey = createPublicKey(this.attestationKey).export({ format: 'der', type: 'spki' }).toString('base64url');
    return { evidence, publicKey, signature: sign(null, evidenceBytes(evidence), this.attestationKey).toString('base64url') };
  }

  async seal(plaintext: Uint8Array): Promise<Uint8Array> {
    return sealWithKek(this.kek, SEAL_CONTEXT, plaintext);
  }

  async unseal(sealed: Uint8Array): Promise<Uint8Array> {
    return unsealWithKek(this.kek, SEAL_CONTEXT, sealed);
  }
}
