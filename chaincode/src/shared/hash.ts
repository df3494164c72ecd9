import { createHash } from 'node:crypto';

/** A SHA-256 digest as 64 lowercase hex characters (terms, content and evidence hashes). */
export const HEX64 = /^[0-9a-f]{64}$/;

/** SHA-256 of `text` as UTF-8, hex (64 lowercase characters). */
export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}
