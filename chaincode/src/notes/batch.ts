import { canonicalBytes } from '../shared/canonical';
import { invalidArgument } from '../shared/errors';
import { inclusionProof, leafHash, rootFromLeafHashes } from '../privacy/merkle';
import type { PrivateTxRecord } from './schema';

/**
 * Batches of private transactions (issue 13 "Merkle proofs"; privacy design section 1): time
 * windows of `batchSeconds`, each sealed once with the RFC 9162 Merkle Tree Hash of its records
 * (leaf data = canonicalBytes(record), leaves in key order, i.e. transaction id order). Pure;
 * hashes travel as base64url.
 */

/** Digits of a batch id. */
export const BATCH_ID_DIGITS = 12;
const BATCH_ID = /^[0-9]{12}$/;

/** The batch of transaction time `now` (ISO 8601): floor(seconds since the epoch / batchSeconds), 12 digits. */
export function batchIdOf(now: string, batchSeconds: number): string {
  return Math.floor(Date.parse(now) / 1000 / batchSeconds)
    .toString()
    .padStart(BATCH_ID_DIGITS, '0');
}

/** A batch id argument: 12 decimal digits, else INVALID_ARGUMENT. */
export function parseBatchId(raw: unknown): string {
  if (typeof raw !== 'string' || !BATCH_ID.test(raw)) throw invalidArgument(`batchId must be ${BATCH_ID_DIGITS} decimal digits`);
  return raw;
}

/** The window [start, end) of batch `batchId` under `batchSeconds`, ISO 8601. */
export function batchWindow(batchId: string, batchSeconds: number): { start: string; end: string } {
  const first = Number(batchId) * batchSeconds * 1000;
  return { start: new Date(first).toISOString(), end: new Date(first + batchSeconds * 1000).toISOString() };
}

/** The leaf hash of a record: SHA-256(0x00 || canonicalBytes(record)). */
export function recordLeafHash(record: PrivateTxRecord): Buffer {
  return leafHash(canonicalBytes(record));
}

/** The root (base64url of 32 bytes) of a batch's records, in the order given (key order). */
export function batchRoot(records: readonly PrivateTxRecord[]): string {
  return rootFromLeafHashes(records.map(recordLeafHash)).toString('base64url');
}

/** An inclusion proof of one record as notes:inclusionProof answers it (hashes base64url). */
export interface RecordInclusionProof {
  txId: string;
  batchId: string;
  leafIndex: number;
  treeSize: number;
  leafHash: string;
  auditPath: string[];
  root: string;
  record: PrivateTxRecord;
}

/**
 * The audit path of transaction `txId` among the batch's `records` (key order), against the
 * batch's recorded `root`. Throws a plain Error when the record is absent or the records do not
 * give `root` (the sealed batch and its records disagree: corrupt state, never a refusal).
 */
export function recordInclusionProof(records: readonly PrivateTxRecord[], txId: string, root: string): RecordInclusionProof {
  const hashes = records.map(recordLeafHash);
  const index = records.findIndex((r) => r.txId === txId);
  if (index < 0) throw new Error(`private transaction ${txId} is not among its batch's records`);
  if (rootFromLeafHashes(hashes).toString('base64url') !== root) throw new Error(`the records of batch ${records[index].batchId} do not give its sealed root`);
  const proof = inclusionProof(hashes, index);
  return {
    txId,
    batchId: records[index].batchId,
    leafIndex: index,
    treeSize: proof.treeSize,
    leafHash: hashes[index].toString('base64url'),
    auditPath: proof.inclusionPath.map((h) => Buffer.from(h).toString('base64url')),
    root,
    record: records[index],
  };
}
