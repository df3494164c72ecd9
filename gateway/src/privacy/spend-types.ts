import type { RingSignature, StealthOutput } from '@covenant/chaincode';

/**
 * The shapes the wallet exchanges with the chaincode contract `notes` (/tmp design section 1;
 * chaincode/src/notes): amounts and denominations are decimal strings of minor units, points and
 * scalars base64url (chaincode/src/privacy/README.md). Declared here, beside the wallet, as the
 * wire format: the chaincode parses the same JSON.
 */

/** A new note: its denomination, its one-time output, and an optional sealed memo (memo.ts). */
export interface NoteOutput {
  denomination: string;
  output: StealthOutput;
  memo?: string;
}

/** One spent note: a ring of same-denomination notes' one-time keys and the bLSAG over the spend digest. */
export interface SpendInput {
  denomination: string;
  ring: string[];
  signature: RingSignature;
}

/** Money leaving the notes into an account (a withdrawal). */
export interface Withdrawal {
  account: string;
  amount: string;
}

/** The argument of notes:spend: what a relayer submits; the ring signatures authorise it. */
export interface SignedSpend {
  inputs: SpendInput[];
  outputs: NoteOutput[];
  withdrawal?: Withdrawal;
}

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
export interface PrivateTxRecord {
  kind: 'deposit' | 'payment' | 'withdrawal';
  txId: string;
  batchId: string;
  time: string;
  inputs: { denomination: string; ring: string[]; keyImage: string; signature: RingSignature }[];
  outputs: NoteOutput[];
  account?: string;
  amount?: string;
}

/** A sealed batch: its window [start, end) and the RFC 9162 root of its records (base64url). */
export interface SealedBatch {
  batchId: string;
  start: string;
  end: string;
  size: number;
  root: string;
  sealedAt: string;
}

/** A page of a listing, with the bookmark of the next page ('' at the end). */
export interface Page<T> {
  items: T[];
  bookmark: string;
}
