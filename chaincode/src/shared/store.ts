import type { CovenantContext } from './context';
import { Decoder, Page, parsePageSize } from './state';
import { notFound } from './errors';
import { RangeBatch, decodeMergedBookmark, encodeMergedBookmark, mergeBatches } from './merged-page';

/**
 * A secondary index of a record type: composite keys under `objectType` whose last attribute is
 * the record's id and whose value `{id}` points at the record (index keys carry no data).
 */
export interface RecordIndex<T> {
  objectType: string;
  /** The index keys' attributes for `record`, each ending with its id; `[]` while it is out of the index. */
  entries(record: T): string[][];
  /** True when the entries depend only on fields fixed at creation: they are written once, on create. */
  fixed?: boolean;
}

/**
 * How one kind of record lives in the world state: its composite-key object type, its decoder
 * (a corrupt record is a plain Error, never a refusal), its key attributes, the organisations
 * whose endorsement its key requires from creation on (key-level policy), and its indexes.
 * `what` names the record in NOT_FOUND refusals (`<what> <id> does not exist`).
 */
export interface RecordType<T> {
  objectType: string;
  what: string;
  decode: Decoder<T>;
  ids(record: T): string[];
  endorsers(record: T): string[];
  indexes?: readonly RecordIndex<T>[];
}

/**
 * Loads, writes and lists the records of one RecordType within a transaction: the one record
 * store every system (accounts, escrow, channels, DBCS-SC) builds on. Writes go through
 * WorldState (canonical JSON, read-your-writes); listings page with Fabric's
 * getStateByPartialCompositeKeyWithPagination under the one page-size limit (parsePageSize).
 */
export class RecordStore<T> {
  constructor(
    protected readonly ctx: CovenantContext,
    protected readonly type: RecordType<T>,
  ) {}

  /** The record's composite key; INVALID_ARGUMENT when an id cannot be a key attribute. */
  key(...ids: string[]): string {
    return this.ctx.state.key(this.type.objectType, ids);
  }

  find(...ids: string[]): Promise<T | undefined> {
    return this.ctx.state.get(this.key(...ids), this.type.decode);
  }

  /** The record, or NOT_FOUND. */
  async get(...ids: string[]): Promise<T> {
    const record = await this.find(...ids);
    if (!record) throw notFound(`${this.type.what} ${ids.join('/')} does not exist`);
    return record;
  }

  /**
   * Writes `record` and keeps its indexes: `create` sets the key-level endorsement policy
   * (`endorsers`) and writes every index entry; otherwise entries that changed since `previous`
   * (read from the state when not given) move. Returns what was written.
   */
  async save(record: T, { create = false, previous }: { create?: boolean; previous?: T } = {}): Promise<T> {
    const state = this.ctx.state;
    const ids = this.type.ids(record);
    const moving = (this.type.indexes ?? []).filter((index) => create || !index.fixed);
    const before = create || moving.length === 0 ? undefined : (previous ?? (await this.find(...ids)));
    await state.put(this.key(...ids), record, create ? { endorsers: this.type.endorsers(record) } : {});
    for (const index of moving) {
      const old = before ? index.entries(before).map((attributes) => state.key(index.objectType, attributes)) : [];
      const entries = index.entries(record);
      const next = entries.map((attributes) => state.key(index.objectType, attributes));
      for (const key of old) if (!next.includes(key)) await state.delete(key);
      for (const [i, key] of next.entries()) {
        if (!old.includes(key)) await state.put(key, { id: entries[i][entries[i].length - 1] });
      }
    }
    return record;
  }

  /** One page of the records whose key starts with `attributes`, in key order. */
  list(attributes: string[], pageSize: string | undefined, bookmark: string | undefined): Promise<Page<T>> {
    return this.ctx.state.page(this.type.objectType, attributes, parsePageSize(pageSize), bookmark ?? '', (_key, raw) => this.type.decode(raw));
  }

  /** One page of the records an index lists under `attributes`, in index key order. */
  async listBy(index: RecordIndex<T>, attributes: string[], pageSize: string | undefined, bookmark: string | undefined): Promise<Page<T>> {
    const page = await this.ctx.state.page(index.objectType, attributes, parsePageSize(pageSize), bookmark ?? '', (_key, raw) => indexedId(index, raw));
    return { records: await this.records(page.records), bookmark: page.bookmark };
  }

  /**
   * One page of the records an index lists under any of `prefixes`, disjoint partial keys (no
   * record under two of them), in the order one index range would list them if they were one:
   * by the key attributes after each prefix, compared as UTF-8 bytes. Each page reads up to
   * `pageSize` entries of every range not yet exhausted, from its cursor, and keeps the first
   * `pageSize` in merged order. The bookmark is opaque (shared/merged-page.ts: each range's
   * position relative to its own prefix), '' on the last page; one this listing did not return is
   * INVALID_ARGUMENT, and none can move a cursor outside its range.
   */
  async listMerged(index: RecordIndex<T>, prefixes: string[][], pageSize: string | undefined, bookmark: string | undefined): Promise<Page<T>> {
    const size = parsePageSize(pageSize);
    const cursors = decodeMergedBookmark(bookmark ?? '', prefixes.length);
    const batches: RangeBatch<string>[] = [];
    for (const [i, prefix] of prefixes.entries()) {
      const cursor = cursors[i];
      if (cursor === null) {
        batches.push({ rows: [], next: null });
        continue;
      }
      const start = this.ctx.state.key(index.objectType, prefix);
      const suffixOf = (key: string) => {
        if (!key.startsWith(start)) throw new Error(`${index.objectType} range returned a key outside its prefix`);
        return key.slice(start.length);
      };
      const page = await this.ctx.state.page(index.objectType, prefix, size, cursor === '' ? '' : start + cursor, (key, raw) => ({
        suffix: suffixOf(key),
        value: indexedId(index, raw),
      }));
      batches.push({ rows: page.records, next: page.bookmark === '' ? null : suffixOf(page.bookmark) });
    }
    const merged = mergeBatches(batches, size);
    return { records: await this.records(merged.values), bookmark: encodeMergedBookmark(merged.cursors) };
  }

  private async records(ids: string[]): Promise<T[]> {
    const records: T[] = [];
    for (const id of ids) records.push(await this.get(id));
    return records;
  }
}

/** The record id an index entry's value `{id}` points at; a plain Error when corrupt. */
function indexedId(index: RecordIndex<unknown>, raw: unknown): string {
  const id = (raw as { id?: unknown } | null)?.id;
  if (typeof id !== 'string') throw new Error(`corrupt ${index.objectType} index entry`);
  return id;
}
