import type { CovenantContext } from '../shared/context';
import type { Page } from '../shared/state';
import { RecordStore } from '../shared/store';
import { decoderOf } from '../shared/validate';
import { failedPrecondition } from '../shared/errors';
import { denominationKey } from './denominations';
import {
  AddressRecord,
  BatchRecord,
  DepositMarker,
  KeyImageRecord,
  NoteRecord,
  PrivateTxRecord,
  TxLocation,
} from './schema';

/**
 * Where the notes system lives in the world state (notes/README.md "Keys"). Notes, key images,
 * records and batches are written once and name no owner, so they carry no key-level policy (the
 * chaincode-level policy applies); a stealth address carries its account organisation's; the
 * reserve (reserve.ts) every member's. Listings page with Fabric bookmarks (shared/store.ts).
 */

const NONE = () => [] as string[];

/** `note` [denom20, oneTimePublicKey]. */
export class NoteStore extends RecordStore<NoteRecord> {
  constructor(ctx: CovenantContext) {
    super(ctx, { objectType: 'note', what: 'note', decode: decoderOf(NoteRecord, 'note'), ids: (n) => [denominationKey(BigInt(n.denomination)), n.output.oneTimePublicKey], endorsers: NONE });
  }

  /** The note of one-time key `oneTimePublicKey` in `denomination`, if any (one GetState). */
  findNote(denomination: bigint, oneTimePublicKey: string): Promise<NoteRecord | undefined> {
    return this.find(denominationKey(denomination), oneTimePublicKey);
  }

  /** One page of the notes of `denomination`, in one-time key order. */
  listDenomination(denomination: bigint, pageSize: string | undefined, bookmark: string | undefined): Promise<Page<NoteRecord>> {
    return this.list([denominationKey(denomination)], pageSize, bookmark);
  }
}

/** `key-image` [keyImage]: a spent note's nullifier, read with GetState by every spend. */
export class KeyImageStore extends RecordStore<KeyImageRecord> {
  constructor(ctx: CovenantContext) {
    super(ctx, { objectType: 'key-image', what: 'key image', decode: decoderOf(KeyImageRecord, 'key image'), ids: () => [], endorsers: NONE });
  }

  /** Records `keyImage` as spent by this transaction with spend digest `digest`. */
  async spend(keyImage: string, digest: string): Promise<void> {
    await this.ctx.state.put(this.key(keyImage), { txId: this.ctx.txId, digest });
  }
}

/** Most records one batch may hold and still be sealed (its seal reads them all in one range). */
export const MAX_BATCH_SIZE = 10_000;

/** `private-tx` [batchId, txId], with `private-tx-id` [txId] → {batchId}. */
export class PrivateTxStore extends RecordStore<PrivateTxRecord> {
  constructor(ctx: CovenantContext) {
    super(ctx, { objectType: 'private-tx', what: 'private transaction', decode: decoderOf(PrivateTxRecord, 'private transaction'), ids: (r) => [r.batchId, r.txId], endorsers: NONE });
  }

  /** Writes the record and its location. */
  async add(record: PrivateTxRecord): Promise<void> {
    await this.save(record);
    await this.ctx.state.put(this.ctx.state.key('private-tx-id', [record.txId]), { batchId: record.batchId });
  }

  /** The batch transaction `txId` was recorded in, or undefined. */
  async locate(txId: string): Promise<string | undefined> {
    return (await this.ctx.state.get(this.ctx.state.key('private-tx-id', [txId]), decoderOf(TxLocation, 'private transaction location')))?.batchId;
  }

  /**
   * Every record of `batchId` in key order, by one range read (getStateByPartialCompositeKey: in a
   * submit, Fabric re-checks the range at validation, so a record added concurrently makes the
   * reader a PHANTOM_READ_CONFLICT and no leaf is left out). FAILED_PRECONDITION beyond
   * MAX_BATCH_SIZE records.
   */
  async all(batchId: string): Promise<PrivateTxRecord[]> {
    const iterator = await this.ctx.stub.getStateByPartialCompositeKey('private-tx', [batchId]);
    const records: PrivateTxRecord[] = [];
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        if (records.length === MAX_BATCH_SIZE) throw failedPrecondition(`batch ${batchId} holds more than ${MAX_BATCH_SIZE} records`);
        records.push(this.type.decode(JSON.parse(Buffer.from(next.value.value).toString('utf8'))));
      }
    } finally {
      await iterator.close();
    }
    return records;
  }
}

/** `private-batch` [batchId]: present once sealed. */
export class BatchStore extends RecordStore<BatchRecord> {
  constructor(ctx: CovenantContext) {
    super(ctx, { objectType: 'private-batch', what: 'sealed batch', decode: decoderOf(BatchRecord, 'sealed batch'), ids: (b) => [b.batchId], endorsers: NONE });
  }
}

/** `stealth-address` [accountId]: guarded by the account organisation's endorsement. */
export class AddressStore extends RecordStore<AddressRecord> {
  constructor(ctx: CovenantContext, mspId = '') {
    super(ctx, { objectType: 'stealth-address', what: 'stealth address', decode: decoderOf(AddressRecord, 'stealth address'), ids: (a) => [a.accountId], endorsers: () => [mspId] });
  }
}

/** `notes-deposit-request` [accountId, requestId]: a deposit already applied. */
export class DepositMarkerStore extends RecordStore<{ txId: string }> {
  constructor(ctx: CovenantContext) {
    super(ctx, { objectType: 'notes-deposit-request', what: 'deposit request', decode: decoderOf(DepositMarker, 'deposit request marker'), ids: () => [], endorsers: NONE });
  }

  /** Marks request `requestId` of `accountId` applied by this transaction. */
  async mark(accountId: string, requestId: string): Promise<void> {
    await this.ctx.state.put(this.key(accountId, requestId), { txId: this.ctx.txId });
  }
}
