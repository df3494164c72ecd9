import type { ErrorCode } from '@covenant/chaincode';

/**
 * The Ledger port (ports and adapters): how the gateway reaches the chaincode, whatever runs it.
 * Two adapters implement it: `embedded` (the contracts in-process over a local store) and `fabric`
 * (real peers through @hyperledger/fabric-gateway). Routes only see this interface.
 *
 * Exactly once (DESIGN.md, "Consent, exactly-once, visibility"): a submit runs in explicit steps,
 * prepare (proposal and endorsement, giving a transaction id, the signed transaction and its
 * result), record (`SubmitOptions.record`, the caller's durable journal write), then submit and
 * commit status. A transaction recorded before a crash or a 5xx is later settled with `resolve`,
 * which never proposes anything new: it says whether that very transaction committed (and with
 * what result) or can no longer commit, so that only then may a fresh proposal be made.
 */

/** A Fabric identity the gateway acts as: an X.509 certificate and its private key (PEM). */
export interface SigningIdentity {
  name: string;
  mspId: string;
  certificate: string;
  privateKey: string;
}

export interface SubmitOptions {
  /**
   * Organisations whose peers must endorse. Default: planned per transaction by the ledger (on
   * Fabric, the peer's Gateway endorses at this organisation's peer first and adds the
   * organisations that the key-level policies of the keys the simulation writes name). Set it
   * only to force a plan, as the key-level forgery test does.
   */
  endorsingOrganizations?: string[];
  /**
   * Called with each endorsed transaction before it is sent for ordering (once per proposal: a
   * fresh proposal after MVCC_READ_CONFLICT is recorded again, replacing the conflicted one). The
   * transaction is sent only after the returned promise resolves; if it rejects, nothing is sent
   * and submit rejects with that error.
   */
  record?: (prepared: PreparedTransaction) => Promise<void>;
}

/**
 * An endorsed transaction, ready to be sent for ordering: what a journal keeps so that the
 * transaction can be resolved after a crash.
 */
export interface PreparedTransaction {
  txId: string;
  /**
   * The signed transaction as it would be resubmitted: on Fabric the serialized, signed
   * `gateway.PreparedTransaction` (fabric-gateway `Transaction.getBytes()`); empty on the
   * embedded ledger, which finds its transactions by id.
   */
  bytes: Uint8Array;
  /** The transaction function's return value, as endorsed. */
  result: Uint8Array;
}

export interface SubmitResult {
  txId: string;
  /** Block number the transaction committed in. */
  blockNumber: bigint;
  /** The transaction function's return value. */
  payload: Uint8Array;
}

/** A chaincode event as committed: its name, canonical JSON payload and position. */
export interface LedgerEvent {
  blockNumber: bigint;
  txId: string;
  name: string;
  payload: Uint8Array;
  timestamp: string;
}

/** A position in the event stream: after this transaction of this block. */
export interface EventCheckpoint {
  blockNumber: bigint;
  txId: string;
}

export interface Ledger {
  readonly kind: 'embedded' | 'fabric';
  /** The channel the chaincode runs on (what ctx.stub.getChannelID() answers): private spends sign it. */
  readonly channel?: string;
  /**
   * Committed chaincode events in commit order: after `after` when given; otherwise from the
   * first block (`from: 'start'`) or from the next commit (`from: 'now'`). Ends when `signal`
   * aborts; throws when the ledger connection fails (the caller resumes from its checkpoint).
   */
  chaincodeEvents(identity: SigningIdentity, options: { after?: EventCheckpoint; from: 'start' | 'now'; signal: AbortSignal }): AsyncIterable<LedgerEvent>;
  /**
   * Prepare (endorse), record (`options.record`), submit and wait for the commit status of one
   * transaction; resolves once it is committed valid. Throws ChaincodeError when the chaincode
   * refuses (nothing was recorded or sent), LedgerUnavailableError otherwise (`stage` says where;
   * after `record`, the transaction may or may not have committed: `resolve` tells).
   */
  submit(identity: SigningIdentity, fn: string, args: string[], options?: SubmitOptions): Promise<SubmitResult>;
  /**
   * What became of a transaction recorded by `submit`'s `record` step, e.g. before a crash or a
   * 5xx. Resolves with its SubmitResult when it committed valid (its recorded result as payload),
   * `undefined` when it is known not to have committed validly and never will (an invalid
   * validation code such as MVCC_READ_CONFLICT; on the embedded ledger, absent from the
   * transaction log, since a transaction the log lacks can no longer commit). Fabric resubmits the
   * recorded signed bytes if the transaction is not found at once (the peers deduplicate by
   * transaction id) and waits for its commit status. Throws LedgerUnavailableError when the
   * outcome cannot be known now (the caller must not propose a new transaction then).
   */
  resolve(identity: SigningIdentity, recorded: PreparedTransaction): Promise<SubmitResult | undefined>;
  /** Run a query on one peer; nothing is written. */
  evaluate(identity: SigningIdentity, fn: string, args: string[]): Promise<Uint8Array>;
  /** Resolves when the ledger can serve requests; rejects with the reason otherwise. */
  ready(): Promise<void>;
  close(): Promise<void>;
}

/**
 * A transaction the chaincode refused with a stable code (`CODE: text`): the caller's fault,
 * nothing changed.
 */
export class ChaincodeError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
    readonly txId?: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'ChaincodeError';
  }
}

/**
 * The ledger failed for a reason that is not a chaincode refusal: unreachable peers, an
 * endorsement mismatch, a commit with a non-VALID status. `stage` says where (Fabric gateway's
 * endorse, submit, commit status or commit); `fabricStatus` carries Fabric's own status name.
 */
export class LedgerUnavailableError extends Error {
  constructor(
    message: string,
    readonly stage: 'endorse' | 'submit' | 'commit-status' | 'commit' | 'evaluate' | 'connect',
    readonly fabricStatus?: string,
    readonly txId?: string,
    readonly retryable = true,
  ) {
    super(message);
    this.name = 'LedgerUnavailableError';
  }
}

/**
 * A transaction that kept conflicting with concurrent ones (MVCC_READ_CONFLICT or
 * PHANTOM_READ_CONFLICT at commit, or peers endorsing different results while one catches up)
 * after every fresh proposal the request's deadline allowed. Nothing it proposed committed; the
 * same request sent again later (with the same Idempotency-Key) may succeed. The gateway answers
 * it 409 LEDGER_CONFLICT with Retry-After, not as an outage.
 */
export class LedgerConflictError extends Error {
  constructor(
    message: string,
    readonly fabricStatus: string,
    readonly attempts: number,
    readonly txId?: string,
  ) {
    super(message);
    this.name = 'LedgerConflictError';
  }
}
