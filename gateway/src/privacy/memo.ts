import { createCipheriv, createDecipheriv, hkdfSync, randomBytes } from 'node:crypto';
import type { StealthOutput } from '@covenant/chaincode';

/**
 * A private payment's memo (denomination, reference: issue 13), encrypted under the stealth
 * shared secret D = r·A = a·R (gateway/src/privacy/stealth-wallet.ts): the sender has it from
 * `createStealthOutput`, the recipient from `scanOutput`; nobody else does.
 *
 *   key    = HKDF-SHA256(ikm = D (32 bytes), salt = none, info = MEMO_INFO || R || P || u32be(i), 32)
 *   sealed = base64url(nonce (12 random bytes) || AES-256-GCM(key, nonce, memo, aad = R || P || u32be(i)) || tag (16))
 *
 * R, P and i are the output's ephemeral public key, one-time public key and output index, so a
 * memo opens only beside the note it was written for. Not chaincode: sealing draws a nonce, and
 * the ledger only stores the sealed string.
 */
export const MEMO_INFO = 'covenant/stealth/v1/memo';
/** Largest memo, in bytes of plaintext. */
export const MEMO_MAX_BYTES = 1024;

const NONCE_BYTES = 12;
const TAG_BYTES = 16;

/** R || P || u32be(i): what the key and the AEAD bind the memo to. */
function bindingOf(output: Pick<StealthOutput, 'ephemeralPublicKey' | 'oneTimePublicKey' | 'outputIndex'>): Buffer {
  const index = Buffer.alloc(4);
  index.writeUInt32BE(output.outputIndex);
  return Buffer.concat([Buffer.from(output.ephemeralPublicKey, 'base64url'), Buffer.from(output.oneTimePublicKey, 'base64url'), index]);
}

function keyOf(sharedSecret: string, binding: Buffer): Buffer {
  const ikm = Buffer.from(sharedSecret, 'base64url');
  if (ikm.length !== 32) throw new RangeError('sharedSecret must be base64url of 32 bytes');
  return Buffer.from(hkdfSync('sha256', ikm, Buffer.alloc(0), Buffer.concat([Buffer.from(MEMO_INFO), binding]), 32));
}

/**
 * Seals `memo` (bytes, or a string as UTF-8; at most MEMO_MAX_BYTES) for `output` under the
 * base64url shared secret; returns the base64url sealed memo. Throws RangeError for a memo too
 * long or a shared secret that is not 32 bytes.
 */
export function sealMemo(sharedSecret: string, output: Pick<StealthOutput, 'ephemeralPublicKey' | 'oneTimePublicKey' | 'outputIndex'>, memo: Uint8Array | string): string {
  const plaintext = typeof memo === 'string' ? Buffer.from(memo, 'utf8') : Buffer.from(memo);
  if (plaintext.length > MEMO_MAX_BYTES) throw new RangeError(`memo must be at most ${MEMO_MAX_BYTES} bytes`);
  const binding = bindingOf(output);
  const nonce = randomBytes(NONCE_BYTES);
  const cipher = createCipheriv('aes-256-gcm', keyOf(sharedSecret, binding), nonce);
  cipher.setAAD(binding);
  return Buffer.concat([nonce, cipher.update(plaintext), cipher.final(), cipher.getAuthTag()]).toString('base64url');
}

/**
 * Opens a memo sealed by {@link sealMemo} for `output`: the plaintext bytes, or null when it does
 * not open (another shared secret, another output, a truncated or altered memo).
 */
export function openMemo(sharedSecret: string, output: Pick<StealthOutput, 'ephemeralPublicKey' | 'oneTimePublicKey' | 'outputIndex'>, sealed: string): Buffer | null {
  const bytes = Buffer.from(sealed, 'base64url');
  if (bytes.length < NONCE_BYTES + TAG_BYTES || bytes.toString('base64url') !== sealed) return null;
  try {
    const binding = bindingOf(output);
    const decipher = createDecipheriv('aes-256-gcm', keyOf(sharedSecret, binding), bytes.subarray(0, NONCE_BYTES));
    decipher.setAAD(binding);
    decipher.setAuthTag(bytes.subarray(bytes.length - TAG_BYTES));
    return Buffer.concat([decipher.update(bytes.subarray(NONCE_BYTES, bytes.length - TAG_BYTES)), decipher.final()]);
  } catch {
    return null;
  }
}
