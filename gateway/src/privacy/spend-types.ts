import type { BatchRecord, NoteOutput, NotesSpendRequest } from '@covenant/chaincode';

/**
 * The shapes the wallet exchanges with the chaincode contract `notes` (chaincode/src/notes):
 * amounts and denominations are decimal strings of minor units, points and scalars base64url
 * (chaincode/src/privacy/README.md). The request and record shapes are the
 * chaincode's own (chaincode/src/notes/schema.ts); the answers are declared here.
 */

/**
 * A new note (its denomination, one-time output and optional sealed memo, memo.ts), and one spent
 * note (a ring of same-denomination notes' one-time keys and the bLSAG over the spend digest).
 */
export type { NoteOutput, SpendInput } from '@covenant/chaincode';

/** The argument of notes:spend: what a relayer submits; the ring signatures authorise it. */
export type SignedSpend = NotesSpendRequest;

/** Money leaving the notes into an account (a withdrawal). */
export type Withdrawal = NonNullable<SignedSpend['withdrawal']>;

/** What notes:spend answers. */
export interface SpendResult {
  txId: string;
  batchId: string;
  keyImages: string[];
  outputs: NoteOutput[];
  withdrawal?: Withdrawal;
}

/** What notes:deposit answers. */
export interface DepositResult {
  txId: string;
  batchId: string;
  amount: string;
  outputs: NoteOutput[];
}

/** A private transaction as recorded on the ledger (a Merkle leaf of its batch). */
export type { PrivateTxRecord } from '@covenant/chaincode';

/** A sealed batch: its window [start, end) and the RFC 9162 root of its records (base64url). */
export type SealedBatch = BatchRecord;

/** A page of a listing, with the bookmark of the next page ('' at the end). */
export interface Page<T> {
  items: T[];
  bookmark: string;
}
