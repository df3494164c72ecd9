import type { StealthOutput } from '@covenant/chaincode';
import { GatewayDb, JsonSublevel, jsonSublevel } from '../gateway-db';
import { GroupCommit, GroupOperation } from '../group-commit';
import type { DepositResult, NoteOutput, SignedSpend, SpendResult } from './spend-types';

/**
 * The private-payment wallet's records in the gateway database (one sublevel each, every write
 * synced with GroupCommit before the gateway answers or sends), as scrip/wallet-store.ts keeps scrip:
 * - `private-notes` [owner, oneTimePublicKey]: the notes the owner's scans found (never a secret
 *   key: the signer holds those), status unspent, pending (in a spend sent) or spent;
 * - `private-key-images` [keyImage]: which note a key image spends, to mark it spent when a
 *   scan meets the key image in a spend;
 * - `private-cursors` [owner]: how far the owner's scans have read the ledger's batches;
 * - `private-requests` [owner, request id]: each deposit or spend built for an owner, stored
 *   before it is submitted or relayed, by the request's Idempotency-Key (or a generated id): a
 *   retry resends the same signed bytes, which the ledger applies once;
 * - `private-seal-queue` [batchId]: batches this gateway wrote into, for the sealer.
 */

/** A note of an owner's, as its gateway knows it. Amounts in minor units, decimal strings. */
export interface OwnedNote {
  owner: string;
  oneTimePublicKey: string;
  denomination: string;
  output: StealthOutput;
  /** The note's key image (its nullifier), from the signer's scan. */
  keyImage: string;
  txId: string;
  batchId: string;
  /** The memo, opened with the stealth shared secret (UTF-8 text), when the note carried one. */
  memo?: string;
  status: 'unspent' | 'pending' | 'spent';
  /** The transaction that spent it, once known. */
  spentIn?: string;
  updatedAt: string;
}

/** Where an owner's scan resumes: the first batch not yet final, and the transactions of it (and later ones) already read. */
export interface ScanCursor {
  nextBatch: string;
  seen: string[];
}

/** A deposit or spend built for an owner (what a retry resends) and, once known, its outcome. */
export interface PrivateRequest {
  id: string;
  owner: string;
  kind: 'deposit' | 'payment' | 'withdrawal';
  /** The deposit's notes:deposit argument, or the signed spend. */
  deposit?: { requestId: string; outputs: NoteOutput[] };
  spend?: SignedSpend;
  /** The notes it spends (one-time keys) and their key images. */
  inputs: string[];
  keyImages: string[];
  amount: string;
  change: string;
  to?: string;
  status: 'pending' | 'done' | 'refused';
  result?: { txId: string; batchId: string; relayedBy?: string; outputs: NoteOutput[] };
  createdAt: string;
}

const noteKey = (owner: string, oneTimePublicKey: string) => `${owner}!${oneTimePublicKey}`;
const now = () => new Date().toISOString();

export class PrivateNoteStore {
  private readonly notes: JsonSublevel<OwnedNote>;
  private readonly keyImages: JsonSublevel<{ owner: string; oneTimePublicKey: string }>;
  private readonly cursors: JsonSublevel<ScanCursor>;
  private readonly requests: JsonSublevel<PrivateRequest>;
  private readonly sealQueue: JsonSublevel<{ batchId: string; addedAt: string }>;
  private readonly commits: GroupCommit;

  constructor(db: GatewayDb) {
    this.notes = jsonSublevel(db, 'private-notes');
    this.keyImages = jsonSublevel(db, 'private-key-images');
    this.cursors = jsonSublevel(db, 'private-cursors');
    this.requests = jsonSublevel(db, 'private-requests');
    this.sealQueue = jsonSublevel(db, 'private-seal-queue');
    this.commits = new GroupCommit(db);
  }

  /** The owner's notes (any status), in one-time key order. */
  async notesOf(owner: string): Promise<OwnedNote[]> {
    const out: OwnedNote[] = [];
    for await (const value of this.notes.values({ gt: `${owner}!`, lt: `${owner}!\uffff` })) out.push(value);
    return out;
  }

  /** The note spent by `keyImage`, when it is one of this gateway's owners'. */
  async noteOfKeyImage(keyImage: string): Promise<OwnedNote | undefined> {
    const ref = await this.keyImages.get(keyImage);
    return ref && this.notes.get(noteKey(ref.owner, ref.oneTimePublicKey));
  }

  /** The owner's scan cursor, or undefined before the first scan. */
  cursor(owner: string): Promise<ScanCursor | undefined> {
    return this.cursors.get(owner);
  }

  /**
   * One scan step, atomically: found notes (a note already known keeps its status, unless the
   * step marks it spent), notes marked spent, and the new cursor.
   */
  async applyScan(owner: string, found: OwnedNote[], spent: { note: OwnedNote; txId: string }[], cursor: ScanCursor): Promise<void> {
    const ops: GroupOperation[] = [];
    for (const note of found) {
      const known = await this.notes.get(noteKey(owner, note.oneTimePublicKey));
      if (known) continue;
      ops.push({ type: 'put', sublevel: this.notes, key: noteKey(owner, note.oneTimePublicKey), value: note });
      ops.push({ type: 'put', sublevel: this.keyImages, key: note.keyImage, value: { owner, oneTimePublicKey: note.oneTimePublicKey } });
    }
    for (const { note, txId } of spent) {
      ops.push({ type: 'put', sublevel: this.notes, key: noteKey(note.owner, note.oneTimePublicKey), value: { ...note, status: 'spent', spentIn: txId, updatedAt: now() } });
    }
    ops.push({ type: 'put', sublevel: this.cursors, key: owner, value: cursor });
    await this.commits.write(ops);
  }

  /** The request `id` of `owner`, or undefined. */
  request(owner: string, id: string): Promise<PrivateRequest | undefined> {
    return this.requests.get(`${owner}!${id}`);
  }

  /** Stores a new request and marks its input notes pending, synced, before it is sent. */
  async begin(request: PrivateRequest): Promise<void> {
    const ops: GroupOperation[] = [{ type: 'put', sublevel: this.requests, key: `${request.owner}!${request.id}`, value: request }];
    for (const key of request.inputs) {
      const note = await this.notes.get(noteKey(request.owner, key));
      if (note) ops.push({ type: 'put', sublevel: this.notes, key: noteKey(request.owner, key), value: { ...note, status: 'pending', updatedAt: now() } });
    }
    await this.commits.write(ops);
  }

  /**
   * Records a request's outcome: done (its inputs spent in `result.txId`) or refused (its inputs
   * unspent again, unless a scan already saw them spent); one synced write.
   */
  async finish(request: PrivateRequest, outcome: { status: 'done'; result: NonNullable<PrivateRequest['result']> } | { status: 'refused' }): Promise<PrivateRequest> {
    const updated: PrivateRequest = { ...request, ...outcome };
    const ops: GroupOperation[] = [{ type: 'put', sublevel: this.requests, key: `${request.owner}!${request.id}`, value: updated }];
    for (const key of request.inputs) {
      const note = await this.notes.get(noteKey(request.owner, key));
      if (!note || note.status === 'spent') continue;
      const value: OwnedNote = outcome.status === 'done' ? { ...note, status: 'spent', spentIn: outcome.result.txId, updatedAt: now() } : { ...note, status: 'unspent', updatedAt: now() };
      ops.push({ type: 'put', sublevel: this.notes, key: noteKey(request.owner, key), value });
    }
    await this.commits.write(ops);
    return updated;
  }

  /** Queues `batchId` for the sealer. */
  async queueSeal(batchId: string): Promise<void> {
    if (await this.sealQueue.get(batchId)) return;
    await this.commits.write([{ type: 'put', sublevel: this.sealQueue, key: batchId, value: { batchId, addedAt: now() } }]);
  }

  /** The queued batches, oldest first, at most `limit`. */
  async queuedSeals(limit: number): Promise<string[]> {
    const out: string[] = [];
    for await (const key of this.sealQueue.keys({ limit })) out.push(key);
    return out;
  }

  /** Drops `batchId` from the sealer's queue (sealed, by this gateway or another). */
  async unqueueSeal(batchId: string): Promise<void> {
    await this.commits.write([{ type: 'del', sublevel: this.sealQueue, key: batchId }]);
  }
}

export type { DepositResult, SpendResult };
