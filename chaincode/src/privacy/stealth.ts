import { sha256 } from '@noble/hashes/sha2.js';
import { invalidArgument } from '../shared/errors';
import { Point, concatBytes, decodePoint, hashToScalar } from './group';

/**
 * One-time (stealth) keys on ristretto255, CryptoNote style (van Saberhagen 2013, section 4.3;
 * "Zero to Monero" 2nd ed. section 4.2) with ERC-5564's view tags. A recipient publishes a
 * stealth meta-address: a view public key A = a·G and a spend public key B = b·G. A sender draws
 * r, publishes the ephemeral public key R = r·G and pays the one-time key P = Hs(r·A, i)·G + B;
 * only the holder of a finds the note (r·A = a·R) and only the holder of b can spend it, with
 * x = Hs(a·R, i) + b, x·G = P, as a ring member (ring.ts). The view tag, one byte of another hash
 * of the shared point, lets a scanner reject 255 in 256 foreign notes before the base-point
 * multiplication and the comparison. This module keeps the deterministic part (parsing, Hs, the
 * view tag); key generation, the sender's and the recipient's sides live off-chain in
 * gateway/src/privacy/keys.ts and stealth-wallet.ts. Layouts: chaincode/src/privacy/README.md.
 */

/** Domain-separation tag of Hs, the shared point (and output index) hashed to a scalar. */
export const DST_SHARED_SECRET = 'covenant/stealth/v1/shared-secret';
/** Prefix hashed (SHA-256) before the shared point and output index to give the view tag. */
export const VIEW_TAG_PREFIX = 'covenant/stealth/v1/view-tag';
/** Largest output index (a 4-byte big-endian unsigned integer). */
export const OUTPUT_INDEX_MAX = 0xffffffff;

/** What a recipient publishes: its view and spend public keys, base64url ristretto255 points. */
export interface StealthMetaAddress {
  viewPublicKey: string;
  spendPublicKey: string;
}

/** A recipient's key pairs; the secret keys are base64url 32-byte little-endian scalars. */
export interface StealthKeys extends StealthMetaAddress {
  viewSecretKey: string;
  spendSecretKey: string;
}

/**
 * What a note carries on the ledger: the sender's ephemeral public key R, the output index i
 * (several notes may share one R), the one-time public key P that owns the note, and the view tag.
 */
export interface StealthOutput {
  ephemeralPublicKey: string;
  outputIndex: number;
  oneTimePublicKey: string;
  viewTag: number;
}

/** A scan's answer for one output: not ours (cheaply, by the view tag, or fully), or ours. */
export type ScanResult = { status: 'view-tag-mismatch' } | { status: 'not-mine' } | { status: 'mine'; sharedSecret: string };

/** u32be(i) of output index `index`; INVALID_ARGUMENT unless an integer 0..OUTPUT_INDEX_MAX. */
export function outputIndexBytes(index: unknown): Uint8Array {
  if (!Number.isSafeInteger(index) || (index as number) < 0 || (index as number) > OUTPUT_INDEX_MAX) throw invalidArgument(`outputIndex must be an integer from 0 to ${OUTPUT_INDEX_MAX}`);
  const bytes = new Uint8Array(4);
  new DataView(bytes.buffer).setUint32(0, index as number, false);
  return bytes;
}

/** Hs(D, i) = SHA-512 wide reduction of D || u32be(i) under DST_SHARED_SECRET (D the shared point, i as u32be bytes). */
export function tweak(shared: Point, index: Uint8Array): bigint {
  return hashToScalar(concatBytes(shared.toBytes(), index), DST_SHARED_SECRET);
}

/** The view tag: the first byte of SHA-256(VIEW_TAG_PREFIX || D || u32be(i)). */
export function viewTagOf(shared: Point, index: Uint8Array): number {
  return sha256(concatBytes(new TextEncoder().encode(VIEW_TAG_PREFIX), shared.toBytes(), index))[0];
}

/**
 * Parses a stealth output as stored on the ledger: R and P canonical non-identity points, the
 * output index an integer 0..OUTPUT_INDEX_MAX, the view tag an integer 0..255. Throws
 * INVALID_ARGUMENT naming the field otherwise. Deterministic (for the chaincode's deposits).
 */
export function parseStealthOutput(raw: unknown): StealthOutput {
  if (typeof raw !== 'object' || raw === null) throw invalidArgument('output must be an object');
  const { ephemeralPublicKey, outputIndex, oneTimePublicKey, viewTag } = raw as Record<string, unknown>;
  decodePoint(ephemeralPublicKey, 'ephemeralPublicKey');
  decodePoint(oneTimePublicKey, 'oneTimePublicKey');
  outputIndexBytes(outputIndex);
  if (!Number.isInteger(viewTag) || (viewTag as number) < 0 || (viewTag as number) > 255) throw invalidArgument('viewTag must be an integer from 0 to 255');
  return { ephemeralPublicKey: ephemeralPublicKey as string, outputIndex: outputIndex as number, oneTimePublicKey: oneTimePublicKey as string, viewTag: viewTag as number };
}
