import type { LedgerStore, Write } from './store';

/**
 * A transaction simulator with the part of fabric-shim's ChaincodeStub that Covenant's contracts
 * and fabric-contract-api's dispatch use. It behaves as a Fabric peer does while endorsing:
 * reads see committed state only (not this transaction's own writes), writes are buffered into a
 * write set, range and history queries read committed state, one chaincode event per transaction
 * (the last setEvent wins). Nothing reaches the store unless the ledger commits the write set.
 * Source: fabric-shim ChaincodeStub (lib/stub.js) and Fabric docs, "Read-Write set semantics".
 */
export interface Creator {
  mspid: string;
  idBytes: Uint8Array;
}

const MIN_UNICODE = '\u0000';
const MAX_UNICODE = '\u{10FFFF}';
const COMPOSITE_NS = '\u0000';

interface KV {
  key: string;
  value: Uint8Array;
}

/** An iterator with fabric-shim's shape: next()/close() and async iteration. */
class ListIterator<T> {
  private index = 0;
  constructor(private readonly items: T[]) {}
  async next(): Promise<{ value: T; done: boolean }> {
    if (this.index >= this.items.length) return { value: undefined as unknown as T, done: true };
    return { value: this.items[this.index++], done: false };
  }
  async close(): Promise<void> {
    this.index = this.items.length;
  }
  async *[Symbol.asyncIterator](): AsyncGenerator<T> {
    for (let r = await this.next(); !r.done; r = await this.next()) yield r.value;
  }
}

export class TxStub {
  private readonly writes = new Map<string, Uint8Array | null>();
  private readonly metadata = new Map<string, Uint8Array>();
  event?: { name: string; payload: Uint8Array };

  constructor(
    private readonly store: LedgerStore,
    private readonly txId: string,
    private readonly channelId: string,
    private readonly creator: Creator,
    private readonly timestampMs: number,
    private readonly args: string[],
    private readonly readOnly: boolean,
  ) {}

  get writeSet(): Write[] {
    return [...this.writes].map(([key, value]) => ({ key, value }));
  }

  get metadataWrites(): Map<string, Uint8Array> {
    return this.metadata;
  }

  getArgs(): string[] {
    return this.args;
  }
  getStringArgs(): string[] {
    return this.args;
  }
  getBufferArgs(): Buffer[] {
    return this.args.map((a) => Buffer.from(a, 'utf8'));
  }
  getFunctionAndParameters(): { fcn: string; params: string[] } {
    return { fcn: this.args[0] ?? '', params: this.args.slice(1) };
  }
  getTxID(): string {
    return this.txId;
  }
  getChannelID(): string {
    return this.channelId;
  }
  getCreator(): Creator {
    return this.creator;
  }
  getTransient(): Map<string, Uint8Array> {
    return new Map();
  }
  getMspID(): string {
    return this.creator.mspid;
  }
  getTxTimestamp(): { seconds: number; nanos: number } {
    return { seconds: Math.floor(this.timestampMs / 1000), nanos: (this.timestampMs % 1000) * 1_000_000 };
  }
  getDateTimestamp(): Date {
    return new Date(this.timestampMs);
  }

  async getState(key: string): Promise<Uint8Array> {
    validateKey(key);
    return (await this.store.getState(key)) ?? new Uint8Array(0);
  }

  async putState(key: string, value: Uint8Array): Promise<void> {
    validateKey(key);
    this.assertWritable();
    if (value.length === 0) throw new Error('value cannot be empty; use deleteState');
    this.writes.set(key, Buffer.from(value));
  }

  async deleteState(key: string): Promise<void> {
    validateKey(key);
    this.assertWritable();
    this.writes.set(key, null);
  }

  async setStateValidationParameter(key: string, ep: Uint8Array): Promise<void> {
    validateKey(key);
    this.assertWritable();
    this.metadata.set(key, Buffer.from(ep));
  }

  async getStateValidationParameter(key: string): Promise<Uint8Array> {
    return (await this.store.getMetadata(key)) ?? new Uint8Array(0);
  }

  setEvent(name: string, payload: Uint8Array): void {
    if (!name) throw new Error('event name must be a non-empty string');
    this.event = { name, payload: Buffer.from(payload) };
  }

  createCompositeKey(objectType: string, attributes: string[]): string {
    validateCompositeAttribute(objectType);
    let key = COMPOSITE_NS + objectType + MIN_UNICODE;
    for (const attribute of attributes) {
      validateCompositeAttribute(attribute);
      key += attribute + MIN_UNICODE;
    }
    return key;
  }

  splitCompositeKey(compositeKey: string): { objectType: string | null; attributes: string[] } {
    if (!compositeKey.startsWith(COMPOSITE_NS)) return { objectType: null, attributes: [] };
    const parts = compositeKey.slice(1, -1).split(MIN_UNICODE);
    return { objectType: parts[0], attributes: parts.slice(1) };
  }

  async getStateByRange(startKey: string, endKey: string): Promise<ListIterator<KV>> {
    const { entries } = await this.store.range(startKey, endKey || MAX_UNICODE, Number.MAX_SAFE_INTEGER);
    return new ListIterator(entries.map(([key, value]) => ({ key, value })));
  }

  async getStateByPartialCompositeKey(objectType: string, attributes: string[]): Promise<ListIterator<KV>> {
    const start = this.createCompositeKey(objectType, attributes);
    return this.getStateByRange(start, start + MAX_UNICODE);
  }

  /**
   * A page of committed keys under the prefix; `metadata.bookmark` is the key the next page starts
   * at ('' when there is none), as Fabric's LevelDB state database returns it.
   */
  async getStateByPartialCompositeKeyWithPagination(
    objectType: string,
    attributes: string[],
    pageSize: number,
    bookmark = '',
  ): Promise<{ iterator: ListIterator<KV>; metadata: { fetchedRecordsCount: number; bookmark: string } }> {
    const prefix = this.createCompositeKey(objectType, attributes);
    const end = prefix + MAX_UNICODE;
    const start = bookmark && bookmark > prefix && bookmark < end ? bookmark : prefix;
    const { entries } = await this.store.range(start, end, pageSize + 1);
    const page = entries.slice(0, pageSize);
    const next = entries.length > pageSize ? entries[pageSize][0] : '';
    return {
      iterator: new ListIterator(page.map(([key, value]) => ({ key, value }))),
      metadata: { fetchedRecordsCount: page.length, bookmark: next },
    };
  }

  async getHistoryForKey(key: string): Promise<ListIterator<unknown>> {
    const history = await this.store.history(key);
    return new ListIterator(
      history.map((h) => ({
        txId: h.txId,
        value: h.value,
        isDelete: h.isDelete,
        timestamp: { seconds: Math.floor(h.timestampMs / 1000), nanos: (h.timestampMs % 1000) * 1_000_000 },
      })),
    );
  }

  private assertWritable(): void {
    if (this.readOnly) throw new Error('a query (evaluate) cannot write to the ledger');
  }
}

function validateKey(key: string): void {
  if (typeof key !== 'string' || key.length === 0) throw new Error('key must not be an empty string');
}

/** As fabric-shim's createCompositeKey: every part must be a non-empty string. */
function validateCompositeAttribute(value: string): void {
  if (!value || typeof value !== 'string') throw new Error('object type or attribute not a non-zero length string');
}
