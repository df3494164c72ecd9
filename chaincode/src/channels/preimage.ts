import { createHash } from 'node:crypto';
import { invalidArgument } from '../shared/errors';
import { rejectUnknownFields } from '../shared/args';
import { decoderOf } from '../shared/validate';
import { PreimageRecord } from './schema';

/**
 * The preimage registry's pure rule: the on-chain place where a payee's payment preimage becomes
 * public, so that every HTLC locked to its hash (state.ts Htlc) can settle to its payee on the
 * ledger, in every channel of a route at once (Lightning's BOLT 2 update_fulfill_htlc carries the
 * payment_preimage off-chain; BOLT 3's HTLC-success path reveals it on-chain, where upstream
 * hops learn it). Extends the two-party channels of ../shared/seeds/003 (J. Math. 2022, 3.1).
 *
 * A record `{hash, preimage, revealedAt}` is self-verifying: anyone checks SHA-256(preimage
 * bytes) = hash, and the settle re-checks it on every read (`revealTime`). The first reveal
 * wins: `revealedAt` is the transaction time of the first one and a later reveal of the same
 * preimage changes nothing.
 */
export type { PreimageRecord };

/** A preimage: 1-64 bytes as lowercase hex (BOLT 2 payment_preimage is 32 bytes). */
const PREIMAGE = /^([0-9a-f]{2}){1,64}$/;

/** SHA-256 of the preimage's bytes (not of its hex text), 64 lowercase hex characters: the HTLC hash it opens. */
export function preimageHash(preimage: string): string {
  return createHash('sha256').update(Buffer.from(preimage, 'hex')).digest('hex');
}

/** The revealPreimage request `{preimage}`: INVALID_ARGUMENT unless 1-64 bytes as lowercase hex. */
export function parseRevealRequest(body: Record<string, unknown>): { preimage: string } {
  rejectUnknownFields(body, ['preimage'], 'request');
  if (typeof body.preimage !== 'string' || !PREIMAGE.test(body.preimage)) {
    throw invalidArgument('preimage must be 1-64 bytes as lowercase hex (an even number of 0-9a-f, at most 128)');
  }
  return { preimage: body.preimage };
}

/** The record of a first reveal at transaction time `now`. */
export function newPreimageRecord(preimage: string, now: string): PreimageRecord {
  return { hash: preimageHash(preimage), preimage, revealedAt: now };
}

/** True when `record` is a genuine reveal: its preimage hashes to its hash. */
export function verifies(record: PreimageRecord): boolean {
  return preimageHash(record.preimage) === record.hash;
}

/** When `hash` was revealed according to `record` (as read from the registry), or undefined: none, or one that does not verify. */
export function revealTime(record: PreimageRecord | undefined, hash: string): string | undefined {
  return record && record.hash === hash && verifies(record) ? record.revealedAt : undefined;
}

/** Decodes a stored preimage record; a corrupt one is a plain Error. */
export const decodePreimage = decoderOf(PreimageRecord, 'preimage record');
