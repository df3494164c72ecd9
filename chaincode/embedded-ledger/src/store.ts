import type { AbstractLevel } from 'abstract-level';

/**
 * The embedded ledger's durable store: world state, key-level endorsement metadata, per-key
 * history, a transaction log (with each transaction's result) and a transaction-id index, all in
 * one LevelDB (classic-level) or in memory (memory-level, for tests). One commit is one atomic
 * batch written with `sync: true`, so a crash never leaves half a transaction and never loses one
 * whose commit was reported.
 */
export type LevelDb = AbstractLevel<string | Uint8Array, string, Uint8Array>;

export interface Write {
  key: string;
  /** New value, or null for a delete. */
  value: Uint8Array | null;
}

export interface HistoryEntry {
  txId: string;
  /** Milliseconds since the epoch of the transaction timestamp. */
  timestampMs: number;
  isDelete: boolean;
  value: Uint8Array;
}

export interface CommittedTx {
  blockNumber: bigint;
  txId: string;
  fn: string;
  mspId: string;
  timestampMs: number;
  event?: { name: string; payload: Uint8Array };
  /** The transaction function's return value (empty for transactions logged before it was kept). */
  payload: Uint8Array;
}

const STATE = 's!';
const META = 'm!';
const HISTORY = 'h!';
const TXLOG = 't!';
const TXID = 'x!';
const HEIGHT = 'height';
const enc = new TextEncoder();
const dec = new TextDecoder();

/** History keys sort by (key, block): the key length-prefixed so no key is a prefix of another. */
function historyPrefix(key: string): string {
  return `${HISTORY}${key.length}:${key}#`;
}
function pad(n: bigint): string {
  return n.toString().padStart(20, '0');
}

export class LedgerStore {
  private height = 0n;

  constructor(readonly db: LevelDb) {}

  async open(): Promise<void> {
    await this.db.open();
    const raw = await this.db.get(HEIGHT);
    this.height = raw ? BigInt(dec.decode(raw)) : 0n;
  }

  close(): Promise<void> {
    return this.db.close();
  }

  /** Number of committed transactions (the embedded ledger commits one per block). */
  get blockHeight(): bigint {
    return this.height;
  }

  async getState(key: string): Promise<Uint8Array | undefined> {
    return this.db.get(STATE + key);
  }

  async getMetadata(key: string): Promise<Uint8Array | undefined> {
    return this.db.get(META + key);
  }

  /** Committed keys in [start, end), in order, at most `limit` (plus whether more remain). */
  async range(start: string, end: string, limit: number): Promise<{ entries: [string, Uint8Array][]; more: boolean }> {
    const entries: [string, Uint8Array][] = [];
    // classic-level reads `limit` as a 32-bit integer: a larger one (getStateByRange's "all")
    // wrapped to nothing. -1 is abstract-level's "no limit".
    for await (const [k, v] of this.db.iterator({ gte: STATE + start, lt: STATE + end, limit: limit >= 0x7fffffff ? -1 : limit + 1 })) {
      entries.push([(k as string).slice(STATE.length), v]);
    }
    const more = entries.length > limit;
    return { entries: entries.slice(0, limit), more };
  }

  /** Every committed version of a key, newest first (as Fabric 2.x GetHistoryForKey). */
  async history(key: string): Promise<HistoryEntry[]> {
    const prefix = historyPrefix(key);
    const out: HistoryEntry[] = [];
    for await (const [, v] of this.db.iterator({ gte: prefix, lt: prefix + '\uffff', reverse: true })) {
      const record = JSON.parse(dec.decode(v)) as { txId: string; timestampMs: number; isDelete: boolean; value: string };
      out.push({ ...record, value: Buffer.from(record.value, 'base64') });
    }
    return out;
  }

  /** Committed transactions after `afterBlock`, oldest first, at most `limit`. */
  async transactions(afterBlock: bigint, limit: number): Promise<CommittedTx[]> {
    const out: CommittedTx[] = [];
    for await (const [, v] of this.db.iterator({ gt: TXLOG + pad(afterBlock), lt: TXLOG + '\uffff', limit })) {
      out.push(decodeTx(v));
    }
    return out;
  }

  /** The committed transaction with this id, if any (the transaction-id index). */
  async transaction(txId: string): Promise<CommittedTx | undefined> {
    const block = await this.db.get(TXID + txId);
    if (!block) return undefined;
    const raw = await this.db.get(TXLOG + dec.decode(block));
    return raw ? decodeTx(raw) : undefined;
  }

  /** Atomically and durably (fsync) applies one transaction's writes and records it as the next block. */
  async commit(tx: Omit<CommittedTx, 'blockNumber'>, writes: Write[], metadata: Map<string, Uint8Array>): Promise<CommittedTx> {
    const blockNumber = this.height + 1n;
    const ops: { type: 'put' | 'del'; key: string; value?: Uint8Array }[] = [];
    for (const w of writes) {
      ops.push(w.value === null ? { type: 'del', key: STATE + w.key } : { type: 'put', key: STATE + w.key, value: w.value });
      const entry = { txId: tx.txId, timestampMs: tx.timestampMs, isDelete: w.value === null, value: Buffer.from(w.value ?? []).toString('base64') };
      ops.push({ type: 'put', key: historyPrefix(w.key) + pad(blockNumber), value: enc.encode(JSON.stringify(entry)) });
    }
    for (const [key, value] of metadata) ops.push({ type: 'put', key: META + key, value });
    const committed: CommittedTx = { ...tx, blockNumber };
    ops.push({ type: 'put', key: TXLOG + pad(blockNumber), value: encodeTx(committed) });
    ops.push({ type: 'put', key: TXID + tx.txId, value: enc.encode(pad(blockNumber)) });
    ops.push({ type: 'put', key: HEIGHT, value: enc.encode(blockNumber.toString()) });
    await this.db.batch(ops as never, { sync: true } as never);
    this.height = blockNumber;
    return committed;
  }
}

function encodeTx(tx: CommittedTx): Uint8Array {
  const event = tx.event ? { name: tx.event.name, payload: Buffer.from(tx.event.payload).toString('base64') } : undefined;
  return enc.encode(JSON.stringify({ ...tx, blockNumber: tx.blockNumber.toString(), event, payload: Buffer.from(tx.payload).toString('base64') }));
}

function decodeTx(raw: Uint8Array): CommittedTx {
  const o = JSON.parse(dec.decode(raw));
  return {
    ...o,
    blockNumber: BigInt(o.blockNumber),
    event: o.event ? { name: o.event.name, payload: Buffer.from(o.event.payload, 'base64') } : undefined,
    payload: Buffer.from(o.payload ?? '', 'base64'),
  };
}
