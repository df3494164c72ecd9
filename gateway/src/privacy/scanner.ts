import type { Principal } from '../identity/store';
import { KeyedLocks } from '../channels/locks';
import { openMemo } from './memo';
import { NotesLedger, batchEnd, batchIdOf } from './notes-ledger';
import type { OwnedNote, PrivateNoteStore, ScanCursor } from './note-store';
import type { PrivateTxRecord } from './spend-types';
import type { WalletSigner } from './wallet-signer';

/**
 * Seconds after a batch's window ends before an unsealed batch is taken as final (its records can
 * no longer change): a transaction carries its submitter's clock, so a late one may still land in
 * a just-ended window until the batch is sealed.
 */
export const FINAL_AFTER_SECONDS = 60;

/**
 * Finds an owner's notes on the ledger (issue 13, "only the recipient can find and spend the
 * note"). The ledger's private transactions are grouped in time batches (notes:listTransactions);
 * a scan reads every batch from the owner's cursor to the current one, asks the signer which
 * outputs are the owner's (the view key: one multiplication and a view tag per output), opens
 * their memos with the shared secret (memo.ts), and marks the owner's notes spent when a spend's
 * key image is theirs. A batch is final once sealed or FINAL_AFTER_SECONDS past its window: the
 * cursor then moves past it; records of batches not yet final are remembered by txId. The first
 * scan starts at the batch of the owner's address registration (nobody could pay it before).
 * Cost: one listing per batch window since the last scan (8640 a day at 10-second windows).
 */
export class NoteScanner {
  /** One scan at a time per owner (two concurrent scans would read the same records). */
  private readonly running = new KeyedLocks();

  constructor(
    private readonly ledger: NotesLedger,
    private readonly signer: WalletSigner,
    private readonly store: PrivateNoteStore,
    private readonly settings: () => Promise<{ batchSeconds: number }>,
  ) {}

  /** Scans the ledger for `owner`'s notes (as `reader`, any identity that may evaluate), up to now. */
  scan(owner: string, reader: Principal, registeredAt: string): Promise<void> {
    return this.running.run(owner, () => this.run(owner, reader, registeredAt));
  }

  private async run(owner: string, reader: Principal, registeredAt: string): Promise<void> {
    const { batchSeconds } = await this.settings();
    const nowSeconds = Date.now() / 1000;
    const current = batchIdOf(nowSeconds, batchSeconds);
    const cursor: ScanCursor = (await this.store.cursor(owner)) ?? { nextBatch: batchIdOf(Date.parse(registeredAt) / 1000, batchSeconds), seen: [] };
    const seen = new Set(cursor.seen);
    let next = cursor.nextBatch;
    let final = true;
    for (let b = Number(cursor.nextBatch); b <= Number(current); b++) {
      const batchId = String(b).padStart(12, '0');
      const records = (await this.ledger.allTransactions(reader, batchId)).filter((r) => !seen.has(r.txId));
      const { found, spent } = await this.read(owner, records);
      const ended = nowSeconds >= batchEnd(batchId, batchSeconds) + FINAL_AFTER_SECONDS;
      final = final && (ended || (records.length + seen.size > 0 && (await this.sealed(reader, batchId))));
      for (const r of records) seen.add(r.txId);
      if (final) {
        next = String(b + 1).padStart(12, '0');
        seen.clear();
      }
      if (found.length > 0 || spent.length > 0 || b === Number(current) || b % 100 === 0) await this.store.applyScan(owner, found, spent, { nextBatch: next, seen: [...seen] });
    }
  }

  /** Whether `batchId` is sealed on the ledger. */
  private async sealed(reader: Principal, batchId: string): Promise<boolean> {
    return this.ledger.getBatch(reader, batchId).then(
      () => true,
      () => false,
    );
  }

  /** The owner's new notes among `records`' outputs, and the owner's notes their inputs spend. */
  private async read(owner: string, records: PrivateTxRecord[]): Promise<{ found: OwnedNote[]; spent: { note: OwnedNote; txId: string }[] }> {
    const outputs = records.flatMap((r) => r.outputs.map((o) => ({ record: r, note: o })));
    const found: OwnedNote[] = [];
    if (outputs.length > 0) {
      const { results } = await this.signer.scan(owner, outputs.map((o) => o.note.output));
      for (const hit of results) {
        const { record, note } = outputs[hit.index];
        const memo = note.memo === undefined ? null : openMemo(hit.sharedSecret, note.output, note.memo);
        found.push({
          owner,
          oneTimePublicKey: note.output.oneTimePublicKey,
          denomination: note.denomination,
          output: note.output,
          keyImage: hit.keyImage,
          txId: record.txId,
          batchId: record.batchId,
          ...(memo ? { memo: memo.toString('utf8') } : {}),
          status: 'unspent',
          updatedAt: new Date().toISOString(),
        });
      }
    }
    const spent: { note: OwnedNote; txId: string }[] = [];
    const byKeyImage = new Map(found.map((n) => [n.keyImage, n]));
    for (const record of records) {
      for (const input of record.inputs) {
        const note = byKeyImage.get(input.keyImage) ?? (await this.store.noteOfKeyImage(input.keyImage));
        if (note && note.owner === owner) spent.push({ note, txId: record.txId });
      }
    }
    // A note found and spent in one step is stored spent.
    const spentKeys = new Map(spent.map((s) => [s.note.oneTimePublicKey, s.txId]));
    return { found: found.map((n) => (spentKeys.has(n.oneTimePublicKey) ? { ...n, status: 'spent', spentIn: spentKeys.get(n.oneTimePublicKey) } : n)), spent: spent.filter((s) => !found.includes(s.note)) };
  }
}
