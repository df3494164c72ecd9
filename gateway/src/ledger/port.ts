import type { ErrorCode } from '@covenant/chaincode';

/**
 * The Ledger port (ports and adapters): how the gateway reaches the chaincode, whatever runs it.
 * Two adapters implement it: `embedded` (the contracts in-process over a local store) and `fabric`
 * (real peers through @hyperledger/fabric-gateway). Routes only see this interface.
 */

/** A Fabric identity the gateway acts as: an X.509 certificate and its private key (PEM). */
export interface SigningIdentity {
  name: string;
  mspId: string;
  certificate: string;
  privateKey: string;
}

export interface SubmitOptions {
  /** Organisations whose peers must endorse (for keys guarded by key-level policies). */
  endorsingOrganizations?: string[];
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
  /**
   * Committed chaincode events in commit order: after `after` when given; otherwise from the
   * first block (`from: 'start'`) or from the next commit (`from: 'now'`). Ends when `signal`
   * aborts; throws when the ledger connection fails (the caller resumes from its checkpoint).
   */
  chaincodeEvents(identity: SigningIdentity, options: { after?: EventCheckpoint; from: 'start' | 'now'; signal: AbortSignal }): AsyncIterable<LedgerEvent>;
  /** Endorse, order and commit a transaction; resolves once it is committed valid. */
  submit(identity: SigningIdentity, fn: string, args: string[], options?: SubmitOptions): Promise<SubmitResult>;
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
