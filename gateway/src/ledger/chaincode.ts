import type { Principal } from '../identity/store';
import { journalContext } from './journal';
import type { Ledger } from './port';

/** Crash points of the submit path, for tests. */
export interface LedgerFaults {
  /**
   * Called after a submit committed (or resolved as committed), before the request's response is
   * recorded and sent: a hook that throws stands for a crash between commit and response.
   */
  afterCommitBeforeResponse?: (txId: string) => void;
}

/**
 * Where a submit reports its transaction id: an HTTP reply (`X-Transaction-Id`) or anything else
 * with a `header(name, value)` method. Structural, so this ledger module needs no HTTP framework.
 */
export interface TransactionIdSink {
  header(name: 'x-transaction-id', value: string): unknown;
}

/**
 * The routes' view of the chaincode: calls a transaction function as the caller's Fabric identity
 * and decodes its JSON result. Submits set `X-Transaction-Id` on the reply. While an idempotent
 * request is handled (its TransactionJournal bound in `journalContext`), every submit goes through
 * the journal: recorded before it is sent, resolved instead of re-proposed on a repeat.
 */
export class ChaincodeClient {
  constructor(
    readonly ledger: Ledger,
    private readonly faults: LedgerFaults = {},
  ) {}

  /**
   * Submits `fn` (`contract:function`) with string `args` as the principal's identity and returns
   * its decoded JSON result (undefined for an empty payload). Reports the transaction id to
   * `sink`. Throws the Ledger port's errors (ledger/port.ts) and, through the journal,
   * JournalMismatchError.
   */
  async submit<T>(principal: Principal, fn: string, args: string[], sink?: TransactionIdSink): Promise<T> {
    const journal = journalContext.getStore();
    const result = journal ? await journal.submit(this.ledger, principal.identity, fn, args) : await this.ledger.submit(principal.identity, fn, args);
    this.faults.afterCommitBeforeResponse?.(result.txId);
    sink?.header('x-transaction-id', result.txId);
    return decode(result.payload) as T;
  }

  /** Evaluates `fn` (a query: nothing is written) and returns its decoded JSON result. */
  async evaluate<T>(principal: Principal, fn: string, args: string[]): Promise<T> {
    return decode(await this.ledger.evaluate(principal.identity, fn, args)) as T;
  }
}

function decode(payload: Uint8Array): unknown {
  const text = Buffer.from(payload).toString('utf8');
  return text === '' ? undefined : JSON.parse(text);
}
