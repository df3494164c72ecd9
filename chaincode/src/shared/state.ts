import { KeyEndorsementPolicy } from 'fabric-shim';
import type { ChaincodeStub } from 'fabric-shim';
import { canonicalBytes } from './canonical';
import { invalidArgument } from './errors';
import { DEFAULT_PAGE_SIZE, PageSize } from './schema';
import { Decoder, firstError } from './validate';

export type { Decoder } from './validate';

export interface Page<T> {
  records: T[];
  /** Fabric's bookmark for the next page; empty when this page is the last. */
  bookmark: string;
}

export { DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE } from './schema';

/**
 * One transaction's view of the world state.
 *
 * Fabric's getState returns the committed value even after this transaction wrote the key; this
 * class remembers its own writes so domain code reads what it wrote (no lost updates when one
 * transaction touches a key twice). Writes go through canonical JSON, so every endorser produces
 * the same bytes; a key created with `endorsers` gets a key-level (state-based) endorsement
 * policy requiring a peer of every listed organisation (Fabric docs, "Setting key-level
 * endorsement policies").
 */
export class WorldState {
  private readonly written = new Map<string, Uint8Array | null>();

  constructor(private readonly stub: ChaincodeStub) {}

  /** A composite key; INVALID_ARGUMENT when an attribute (often a caller-given id) cannot be one. */
  key(objectType: string, attributes: string[]): string {
    checkKeyAttributes(attributes);
    return this.stub.createCompositeKey(objectType, attributes);
  }

  async get<T>(key: string, decode: Decoder<T>): Promise<T | undefined> {
    const bytes = this.written.has(key) ? this.written.get(key) : await this.stub.getState(key);
    if (!bytes || bytes.length === 0) return undefined;
    return decode(JSON.parse(Buffer.from(bytes).toString('utf8')));
  }

  async put(key: string, value: unknown, options: { endorsers?: string[] } = {}): Promise<void> {
    const bytes = canonicalBytes(value);
    await this.stub.putState(key, bytes);
    this.written.set(key, bytes);
    if (options.endorsers) await this.setEndorsers(key, options.endorsers);
  }

  async delete(key: string): Promise<void> {
    await this.stub.deleteState(key);
    this.written.set(key, null);
  }

  /** Requires a peer of each organisation in `mspIds` to endorse any later change of `key`. */
  async setEndorsers(key: string, mspIds: string[]): Promise<void> {
    const policy = new KeyEndorsementPolicy();
    policy.addOrgs('PEER', ...[...new Set(mspIds)].sort());
    await this.stub.setStateValidationParameter(key, policy.getPolicy());
  }

  /**
   * One page of the records under a partial composite key, in key order, using Fabric's
   * getStateByPartialCompositeKeyWithPagination. Committed state only (range reads do not see
   * this transaction's writes, as on a peer). `bookmark` ('' for the first page) is a key of the
   * range, the inclusive start of the page: a peer starts at whatever key it is given, up to the
   * range's end, so one outside the range (another party's rows, sorted before the caller's) is
   * INVALID_ARGUMENT here.
   */
  async page<T>(
    objectType: string,
    attributes: string[],
    pageSize: number,
    bookmark: string,
    decode: (key: string, raw: unknown) => T,
  ): Promise<Page<T>> {
    const prefix = this.key(objectType, attributes);
    if (bookmark !== '' && !(bookmark.startsWith(prefix) && isKeySuffix(bookmark.slice(prefix.length)))) {
      throw invalidArgument('bookmark is not one this listing returned');
    }
    const { iterator, metadata } = await this.stub.getStateByPartialCompositeKeyWithPagination(
      objectType,
      attributes,
      pageSize,
      bookmark,
    );
    const records: T[] = [];
    try {
      for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
        const raw = JSON.parse(Buffer.from(next.value.value).toString('utf8'));
        records.push(decode(next.value.key, raw));
      }
    } finally {
      await iterator.close();
    }
    return { records, bookmark: records.length < pageSize ? '' : metadata.bookmark };
  }
}

/**
 * Refuses composite-key attributes that Fabric cannot store: fabric-shim's createCompositeKey
 * throws a plain Error for an empty attribute, and U+0000 (the attribute separator) or U+10FFFF
 * (the range end) would make one key read as another. Ids come from callers, so this is
 * INVALID_ARGUMENT, the same on a peer and on the embedded ledger.
 */
function checkKeyAttributes(attributes: string[]): void {
  for (const attribute of attributes) {
    if (typeof attribute !== 'string' || attribute.length === 0 || attribute.includes('\u0000') || attribute.includes('\u{10FFFF}')) {
      throw invalidArgument('an id must be a non-empty string without U+0000 or U+10FFFF');
    }
  }
}

/**
 * True when `suffix` is what follows a partial composite key in one of its keys: one or more
 * non-empty attributes, each ended by U+0000, with no U+10FFFF (the range end) and no lone
 * surrogate (not encodable as UTF-8).
 */
export function isKeySuffix(suffix: unknown): suffix is string {
  if (typeof suffix !== 'string' || !suffix.endsWith('\u0000')) return false;
  if (suffix.includes('\u{10FFFF}') || /[\uD800-\uDFFF]/u.test(suffix)) return false;
  return suffix
    .slice(0, -1)
    .split('\u0000')
    .every((attribute) => attribute.length > 0);
}

/** Parses the `pageSize` argument of a listing (the PageSize schema: 1..100, default 20). */
export function parsePageSize(raw: string | undefined): number {
  if (raw === undefined || raw === '') return DEFAULT_PAGE_SIZE;
  const problem = firstError(PageSize, raw, 'pageSize');
  if (problem) throw invalidArgument(problem);
  return Number(raw);
}
