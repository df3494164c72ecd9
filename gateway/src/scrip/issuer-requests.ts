import { GatewayDb, JsonSublevel, jsonSublevel } from '../gateway-db';
import type { JournalEntry } from '../ledger/journal';
import type { ScripAnswer } from './protocol';

/**
 * The swaps an issuer's gateway submitted, by request digest (issue 12: "a retry never applies a
 * request twice"): the transaction journal of each scrip-submit (its prepared transaction recorded
 * before it is sent, DESIGN.md "Consent, exactly-once, visibility") and, once the ledger answered,
 * the scrip-done answer. A repeat of the same message (same request, so the same digest) answers
 * the stored scrip-done; a repeat after a crash between commit and answer resolves the recorded
 * transaction instead of proposing a new one. Sublevel `scrip-requests`, keyed by digest (hex).
 */
export type ScripDone = Extract<ScripAnswer, { type: 'scrip-done' }>;

interface StoredTransaction {
  txId: string;
  fn: string;
  bytes: string;
  result: string;
}

interface RequestRecord {
  issuer: string;
  transactions: StoredTransaction[];
  answer?: ScripDone;
  updatedAt: string;
}

export class IssuerRequestStore {
  private readonly db: JsonSublevel<RequestRecord>;

  constructor(gatewayDb: GatewayDb) {
    this.db = jsonSublevel<RequestRecord>(gatewayDb, 'scrip-requests');
  }

  /** The stored answer of the request with digest `digest`, if it was applied through this gateway. */
  async answer(digest: string): Promise<ScripDone | undefined> {
    return (await this.db.get(digest))?.answer;
  }

  /** The transactions recorded for `digest` (empty before the first submit). */
  async journal(digest: string): Promise<JournalEntry[]> {
    return ((await this.db.get(digest))?.transactions ?? []).map(fromStored);
  }

  /** Records the journal of `digest`'s submit, durably (before the transaction is sent). */
  async recordJournal(digest: string, issuer: string, entries: JournalEntry[]): Promise<void> {
    const kept = await this.db.get(digest);
    await this.db.put(digest, { ...kept, issuer, transactions: entries.map(toStored), updatedAt: new Date().toISOString() }, { sync: true } as never);
  }

  /** Records the answer of `digest`: later repeats get it as it is. */
  async recordAnswer(digest: string, issuer: string, answer: ScripDone): Promise<void> {
    const kept = await this.db.get(digest);
    await this.db.put(digest, { transactions: [], ...kept, issuer, answer, updatedAt: new Date().toISOString() }, { sync: true } as never);
  }
}

function toStored(e: JournalEntry): StoredTransaction {
  return { txId: e.txId, fn: e.fn, bytes: Buffer.from(e.bytes).toString('base64'), result: Buffer.from(e.result).toString('base64') };
}

function fromStored(s: StoredTransaction): JournalEntry {
  return { txId: s.txId, fn: s.fn, bytes: new Uint8Array(Buffer.from(s.bytes, 'base64')), result: new Uint8Array(Buffer.from(s.result, 'base64')) };
}
