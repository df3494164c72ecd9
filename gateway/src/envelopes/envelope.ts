import { EnvelopeContext, bindingOf, isEnvelopeContext } from './context';
import { EnvelopeError, openFailed } from './errors';
import { EncryptionPrivateKey, holderKeyOf, readerKeyOf } from './keys';
import { POINT_BYTES, SUITE, TAG_BYTES } from './suite';

/**
 * Digital envelopes (README.md): `v1.<kid>.<enc>.<ct>`, HPKE base mode sealed for one reader's
 * P-256 key and bound to an EnvelopeContext. `kid` is the reader key's id, `enc` the 65-byte
 * encapsulated ephemeral key, `ct` the AES-256-GCM ciphertext with its 16-byte tag, each
 * base64url without padding.
 */

/** Longest envelope string (the ledger's limit for one envelope, scrip design: 16 KiB). */
export const MAX_ENVELOPE_LENGTH = 16384;

const VERSION = 'v1';
const KID = /^[A-Za-z0-9_-]{22}$/;
const B64URL = /^[A-Za-z0-9_-]+$/;
/** Characters of `v1.` + kid + `.` + enc + `.` before the ciphertext. */
const HEAD_LENGTH = VERSION.length + 1 + 22 + 1 + Math.ceil((POINT_BYTES * 4) / 3) + 1;

/** Largest plaintext, in bytes, whose envelope stays within MAX_ENVELOPE_LENGTH. */
export const MAX_PLAINTEXT_BYTES = Math.floor(((MAX_ENVELOPE_LENGTH - HEAD_LENGTH) * 3) / 4) - TAG_BYTES;

/** A reader of `sealFor`: its id (the envelope map's key and the context's `to`) and its registered key. */
export interface EnvelopeReader {
  id: string;
  publicKey: string;
  kid: string;
}

const sealFailed = (detail: string) => new EnvelopeError('ENVELOPE_SEAL_FAILED', detail);
const bytesOf = (plaintext: Uint8Array | string) => (typeof plaintext === 'string' ? Buffer.from(plaintext, 'utf8') : plaintext);

/**
 * Seals `plaintext` (bytes, or text as UTF-8) for the holder of `readerPublicKey` (base64url of
 * the 65-byte point; `kid` must be its key id), bound to `context`. A fresh ephemeral key per
 * call: sealing the same message twice gives two different envelopes. Returns the envelope string.
 * Errors: EnvelopeError ENVELOPE_SEAL_FAILED (bad key or kid, bad context, plaintext over
 * MAX_PLAINTEXT_BYTES).
 */
export async function seal(readerPublicKey: string, kid: string, context: EnvelopeContext, plaintext: Uint8Array | string): Promise<string> {
  const reader = typeof readerPublicKey === 'string' ? readerKeyOf(readerPublicKey) : undefined;
  if (!reader) throw sealFailed('the reader key is not base64url of an uncompressed P-256 point on the curve');
  if (reader.kid !== kid) throw sealFailed('kid is not the id of the reader key');
  if (!isEnvelopeContext(context)) throw sealFailed('context must be {type, ref, from, to}, non-empty strings');
  const pt = bytesOf(plaintext);
  if (pt.length > MAX_PLAINTEXT_BYTES) throw sealFailed(`plaintext over ${MAX_PLAINTEXT_BYTES} bytes`);
  const { info, aad } = bindingOf(context);
  const { enc, ct } = await SUITE.seal({ recipientPublicKey: await reader.key, info }, pt, aad);
  return [VERSION, kid, Buffer.from(enc).toString('base64url'), Buffer.from(ct).toString('base64url')].join('.');
}

/**
 * Opens an envelope sealed for the key pair of `readerPrivateKey` (a JWK, keys.ts; `kid` its
 * key id) under `context`, returning the plaintext bytes. Errors: EnvelopeError
 * ENVELOPE_OPEN_FAILED, one message for every cause: another reader's envelope or kid, another
 * context (the envelope was moved to another message, transaction or party, or replayed there),
 * any altered byte, or a string that is not an envelope.
 */
export async function open(readerPrivateKey: EncryptionPrivateKey, kid: string, context: EnvelopeContext, envelope: string): Promise<Uint8Array> {
  const parts = parseEnvelope(envelope);
  if (!parts || parts.kid !== kid || !isEnvelopeContext(context)) throw openFailed();
  const holder = typeof readerPrivateKey === 'object' && readerPrivateKey !== null ? holderKeyOf(readerPrivateKey) : undefined;
  const key = holder?.kid === kid ? await holder.key : undefined;
  if (!key) throw openFailed();
  const { info, aad } = bindingOf(context);
  try {
    return new Uint8Array(await SUITE.open({ recipientKey: key, enc: parts.enc, info }, parts.ct, aad));
  } catch {
    throw openFailed();
  }
}

/**
 * Seals one plaintext for several readers: one envelope per reader, each bound to `context` with
 * `to` = that reader's id, returned as a map reader id -> envelope (README.md, "Several readers",
 * says why not one JWE with several recipients). Errors: `seal`'s, and ENVELOPE_SEAL_FAILED for
 * no reader or a reader id given twice.
 */
export async function sealFor(readers: readonly EnvelopeReader[], context: Omit<EnvelopeContext, 'to'>, plaintext: Uint8Array | string): Promise<Record<string, string>> {
  if (readers.length === 0) throw sealFailed('no reader');
  if (new Set(readers.map((r) => r.id)).size !== readers.length) throw sealFailed('a reader is listed twice');
  const sealed = await Promise.all(readers.map((r) => seal(r.publicKey, r.kid, { type: context.type, ref: context.ref, from: context.from, to: r.id }, plaintext)));
  return Object.fromEntries(readers.map((r, i) => [r.id, sealed[i]]));
}

/** The parts of a well-formed envelope string, or undefined (wrong version, lengths or encoding). */
function parseEnvelope(envelope: unknown): { kid: string; enc: Uint8Array; ct: Uint8Array } | undefined {
  if (typeof envelope !== 'string' || envelope.length > MAX_ENVELOPE_LENGTH) return undefined;
  const parts = envelope.split('.');
  if (parts.length !== 4 || parts[0] !== VERSION || !KID.test(parts[1]) || !B64URL.test(parts[2]) || !B64URL.test(parts[3])) return undefined;
  const enc = Buffer.from(parts[2], 'base64url');
  const ct = Buffer.from(parts[3], 'base64url');
  // Canonical base64url only: one envelope has one spelling.
  if (enc.toString('base64url') !== parts[2] || ct.toString('base64url') !== parts[3]) return undefined;
  if (enc.length !== POINT_BYTES || ct.length < TAG_BYTES) return undefined;
  return { kid: parts[1], enc, ct };
}
