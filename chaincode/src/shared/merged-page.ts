import { invalidArgument } from './errors';
import { isKeySuffix } from './state';

/**
 * Paging over several disjoint key ranges as if they were one: the pure part of
 * RecordStore.listMerged (shared/store.ts). Each range is a partial composite key (its prefix
 * key); a row's position in the merged order is its key's suffix after that prefix, compared as
 * UTF-8 bytes (the order in which Fabric's LevelDB state database, and the embedded ledger, list
 * one range).
 */

/**
 * Where one range resumes: the suffix, after the range's prefix key, of the first row not yet
 * returned (Fabric's inclusive start key, relative to the range), or `null` once the range is
 * exhausted.
 */
export type RangeCursor = string | null;

/** A row of one range: its key suffix after the range's prefix key, and what it carries. */
export interface RangeRow<V> {
  suffix: string;
  value: V;
}

/** One range's fetched rows, in key order, and where it resumes after the last of them. */
export interface RangeBatch<V> {
  rows: RangeRow<V>[];
  /** Where the range resumes after every fetched row: the cursor of its own next page. */
  next: RangeCursor;
}

/**
 * The first `pageSize` rows of the batches in merged order (suffix bytes; ties, which disjoint
 * ranges with record ids last cannot have, go to the earlier range), and each range's cursor
 * after them: its first unconsumed row, else its own `next`.
 */
export function mergeBatches<V>(batches: RangeBatch<V>[], pageSize: number): { values: V[]; cursors: RangeCursor[] } {
  const bytes = batches.map((b) => b.rows.map((row) => Buffer.from(row.suffix, 'utf8')));
  const taken = batches.map(() => 0);
  const values: V[] = [];
  while (values.length < pageSize) {
    let best = -1;
    for (let i = 0; i < batches.length; i++) {
      if (taken[i] >= bytes[i].length) continue;
      if (best < 0 || Buffer.compare(bytes[i][taken[i]], bytes[best][taken[best]]) < 0) best = i;
    }
    if (best < 0) break;
    values.push(batches[best].rows[taken[best]].value);
    taken[best] += 1;
  }
  const cursors = batches.map((b, i) => (taken[i] < b.rows.length ? b.rows[taken[i]].suffix : b.next));
  return { values, cursors };
}

/**
 * The opaque bookmark of a merged listing: base64url of the JSON array of its ranges' cursors;
 * '' when every range is exhausted (the last page).
 */
export function encodeMergedBookmark(cursors: RangeCursor[]): string {
  if (cursors.every((c) => c === null)) return '';
  return Buffer.from(JSON.stringify(cursors), 'utf8').toString('base64url');
}

/**
 * The cursors of a merged listing's bookmark over `ranges` ranges; '' is the first page (every
 * range from its start, cursor ''). A bookmark that encodeMergedBookmark did not make for this
 * many ranges, or whose cursor is not a well-formed key suffix (shared/state.ts isKeySuffix), is
 * INVALID_ARGUMENT. A cursor is only ever appended to its own range's prefix key, so no bookmark
 * can make a listing leave its ranges.
 */
export function decodeMergedBookmark(bookmark: string, ranges: number): (RangeCursor | '')[] {
  if (bookmark === '') return new Array<RangeCursor | ''>(ranges).fill('');
  let cursors: unknown;
  try {
    if (!/^[A-Za-z0-9_-]+$/.test(bookmark)) throw new Error('not base64url');
    cursors = JSON.parse(Buffer.from(bookmark, 'base64url').toString('utf8'));
  } catch {
    throw invalidArgument('bookmark is not one this listing returned');
  }
  if (!Array.isArray(cursors) || cursors.length !== ranges || !cursors.every((c) => c === null || isKeySuffix(c))) {
    throw invalidArgument('bookmark is not one this listing returned');
  }
  return cursors as RangeCursor[];
}
