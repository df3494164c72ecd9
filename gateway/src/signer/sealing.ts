import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { SignerError } from './errors';

/**
 * Authenticated sealing of bytes under a 32-byte key-encryption key (KEK), the primitive under
 * every TEE adapter's seal/unseal: AES-256-GCM (NIST SP 800-38D) with a fresh 96-bit random nonce
 * and the adapter's context as additional authenticated data, so a blob sealed by one adapter (or
 * for one purpose) does not open as another.
 *
 *   sealed = u8(SEALED_VERSION) || nonce (12) || ciphertext || tag (16)
 */
export const SEALED_VERSION = 1;
const NONCE_BYTES = 12;
const TAG_BYTES = 16;
/** Bytes of a key-encryption key. */
export const KEK_BYTES = 32;

/** Seals `plaintext` under `kek` bound to `context` (AAD). Throws RangeError for a KEK of the wrong length. */
export function sealWithKek(kek: Uint8Array, context: string, plaintext: Uint8Array): Uint8Array {
  if (kek.length !== KEK_BYTES) throw new RangeError(`the key-encryption key must be ${KEK_BYTES} bytes`);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', kek, nonce);
  cipher.setAAD(Buffer.from(context, 'utf8'));
  const body = Buffer.concat([cipher.update(plaintext), cipher.final()]);
  return new Uint8Array(Buffer.concat([Uint8Array.of(SEALED_VERSION), nonce, body, cipher.getAuthTag()]));
}

/**
 * Opens a blob sealed by {@link sealWithKek} with the same KEK and context. Throws SignerError
 * INTERNAL "sealed data does not open" when the blob was altered, truncated, sealed under another
 * key or context, or has an unknown version: nothing of it is trusted then.
 */
export function unsealWithKek(kek: Uint8Array, context: string, sealed: Uint8Array): Uint8Array {
  const refuse = () => new SignerError('INTERNAL', 'sealed data does not open: it was altered, or sealed by another key or TEE');
  if (sealed.length < 1 + NONCE_BYTES + TAG_BYTES || sealed[0] !== SEALED_VERSION) throw refuse();
  const bytes = Buffer.from(sealed);
  const decipher = createDecipheriv('aes-256-gcm', kek, bytes.subarray(1, 1 + NONCE_BYTES));
  decipher.setAAD(Buffer.from(context, 'utf8'));
  decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
  try {
    return new Uint8Array(Buffer.concat([decipher.update(bytes.subarray(1 + NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]));
  } catch {
    throw refuse();
  }
}
