import { AsyncLocalStorage } from 'node:async_hooks';
import { createHash } from 'node:crypto';
import type { Ledger, PreparedTransaction, SigningIdentity, SubmitOptions, SubmitResult } from './port';

/**
 * How long an idempotent request's record (its Idempotency-Key, journal and response) is kept,
 * from its first write: 24 hours (http/idempotency.ts). Work kept so a repeat can be answered
 * (a routed payment's outcome, channels/route-journal.ts) is kept as long.
 */
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;

/**
 * An id for work an idempotent request starts outside the ledger (a routed payment's multiparty
 * channel, a waiting payment): `prefix-` and 24 hex of SHA-256 over the request's id, the same on
 * every repeat of the request, so the repeat finds the work its first run began.
 */
export function requestScopedId(prefix: string, requestId: string): string {
  return `${prefix}-${createHash('sha256').update(`request|${requestId}`).digest('hex').slice(0, 24)}`;
}

/** One transaction a request recorded before sending it: the prepared transaction and its function. */
export interface JournalEntry extends PreparedTransaction {
  /** The transaction function (`contract:fn`), checked when a repeat resolves the entry. */
  fn: string;
}

/**
 * The transactions one idempotent request submitted, in submit order, kept durably by its
 * owner (the idempotency store) through `persist` (DESIGN.md, "Consent, exactly-once,
 * visibility": the request and its signed transaction are recorded before submitting).
 *
 * `submit` is the journaled form of Ledger.submit. The Nth submit of a request records its
 * prepared transaction as entry N before the ledger sends it. On a repeat of the request (after a
 * crash or a 5xx) the Nth submit first resolves recorded entry N: when it committed, its original
 * result is returned and nothing is proposed; only when the ledger knows it did not commit validly
 * (and never will) is a fresh transaction proposed, and recorded in its place. When its outcome
 * cannot be known now, the ledger's LedgerUnavailableError propagates (a 503) and the entry stays.
 */
export class TransactionJournal {
  private cursor = 0;
  private writes: Promise<void> = Promise.resolve();
  private closed = false;
  /** True once a recorded transaction was found committed: this answer replays the original one. */
  replayed = false;

  /**
   * @param requestId the identity of the idempotent request this journal belongs to (its caller
   *   and Idempotency-Key, hashed): the same on every repeat, so that work which is not a ledger
   *   transaction (an off-chain channel payment) can recognise a repeat of itself.
   */
  constructor(
    private readonly entries: JournalEntry[],
    private readonly persist: (entries: JournalEntry[]) => Promise<void>,
    readonly requestId?: string,
  ) {}

  /** The entries recorded so far, in submit order. */
  get recorded(): readonly JournalEntry[] {
    return this.entries;
  }

  /**
   * Ledger.submit through the journal: resolves the recorded Nth transaction if there is one,
   * else prepares, records durably, then submits. Throws what Ledger.submit and Ledger.resolve
   * throw, and JournalMismatchError when the repeat's Nth submit calls another function than the
   * recorded one (the request took another path; its recorded transaction is left alone).
   */
  async submit(ledger: Ledger, identity: SigningIdentity, fn: string, args: string[], options: SubmitOptions = {}): Promise<SubmitResult> {
    // Work a request left running after its response (a timer, a background task) is not part of it.
    if (this.closed) return ledger.submit(identity, fn, args, options);
    const index = this.cursor++;
    const recorded = this.entries[index];
    if (recorded) {
      if (recorded.fn !== fn) throw new JournalMismatchError(index, recorded, fn);
      const committed = await ledger.resolve(identity, recorded);
      if (committed) {
        this.replayed = true;
        return committed;
      }
    }
    return ledger.submit(identity, fn, args, { ...options, record: (prepared) => this.record(index, { ...prepared, fn }) });
  }

  /** Ends the journal with its request: later submits in this async context are not journaled. */
  close(): void {
    this.closed = true;
  }

  /** Writes entry `index` (after any write in progress) and resolves once it is durable. */
  private record(index: number, entry: JournalEntry): Promise<void> {
    this.entries[index] = entry;
    const snapshot = [...this.entries];
    const write = this.writes.then(() => this.persist(snapshot));
    this.writes = write.catch(() => undefined);
    return write;
  }
}

/** A repeated request reached its Nth submit with another function than the one it recorded. */
export class JournalMismatchError extends Error {
  constructor(
    readonly index: number,
    readonly recorded: JournalEntry,
    readonly fn: string,
  ) {
    super(`the repeated request's submit ${index + 1} calls ${fn}, but the request recorded ${recorded.fn} (transaction ${recorded.txId})`);
    this.name = 'JournalMismatchError';
  }
}

/**
 * The journal of the request being handled, bound by the idempotency store for the rest of the
 * request (routes and the services they call), so every ChaincodeClient submit is journaled.
 */
export const journalContext = new AsyncLocalStorage<TransactionJournal>();
