import './quiet-shim';
import { createHash, randomBytes } from 'node:crypto';
import { EventEmitter } from 'node:events';
import { JSONSerializer } from 'fabric-contract-api';
import { contracts, parseErrorMessage } from '@covenant/chaincode';
import type { EventCheckpoint, Ledger, LedgerEvent, PreparedTransaction, SigningIdentity, SubmitOptions, SubmitResult } from './port';
import { ChaincodeError, LedgerUnavailableError } from './port';
import { CommittedTx, LedgerStore, LevelDb } from './store';
import { TxStub } from './tx-stub';

// fabric-shim's contract dispatcher: the same code that routes invocations on a peer.
// eslint-disable-next-line @typescript-eslint/no-require-imports
const ChaincodeFromContract = require('fabric-shim/lib/contract-spi/chaincodefromcontract');

interface ShimResponse {
  status: number;
  message?: string;
  payload?: Uint8Array;
}

export const EMBEDDED_CHANNEL = 'covenant';

/**
 * The embedded ledger: Covenant's contracts run in-process through fabric-contract-api's own
 * dispatch (fabric-shim's ChaincodeFromContract) against a durable local store. Transactions are
 * serialised: each gets a Fabric-style transaction id (SHA-256 of nonce and creator), a timestamp
 * that never goes backwards, and commits as its own block in one atomic, fsynced batch that also
 * keeps its result and indexes it by transaction id. A refused transaction writes nothing.
 * Committed chaincode events are published on `events`.
 *
 * Exactly once: prepare (simulate), record and commit run in one serialised slot, so a recorded
 * transaction either commits in that slot or never: after a crash, one that the transaction log
 * lacks can no longer commit, and `resolve` says so.
 */
export class EmbeddedLedger implements Ledger {
  readonly kind = 'embedded' as const;
  readonly channel = EMBEDDED_CHANNEL;
  readonly events = new EventEmitter();
  private readonly store: LedgerStore;
  private readonly chaincode: { Invoke(stub: TxStub): Promise<ShimResponse> };
  private queue: Promise<unknown> = Promise.resolve();
  private lastTimestampMs = 0;
  private opened = false;

  constructor(db: LevelDb) {
    this.store = new LedgerStore(db);
    const serializers = { transaction: 'jsonSerializer', serializers: { jsonSerializer: JSONSerializer } };
    this.chaincode = new ChaincodeFromContract([...contracts], serializers, {}, 'covenant', '0.1.0');
  }

  async open(): Promise<this> {
    await this.store.open();
    this.opened = true;
    return this;
  }

  get blockHeight(): bigint {
    return this.store.blockHeight;
  }

  async ready(): Promise<void> {
    if (!this.opened) throw new LedgerUnavailableError('embedded ledger is not open', 'connect');
  }

  async close(): Promise<void> {
    await this.queue.catch(() => undefined);
    if (this.opened) await this.store.close();
    this.opened = false;
  }

  /** Simulate (prepare), `options.record`, then commit; see the Ledger port. */
  submit(identity: SigningIdentity, fn: string, args: string[], options: SubmitOptions = {}): Promise<SubmitResult> {
    return this.serialised(async () => {
      const stub = this.stub(identity, fn, args, false);
      const payload = await this.invoke(stub, stub.getTxID());
      await options.record?.({ txId: stub.getTxID(), bytes: new Uint8Array(0), result: payload });
      const committed = await this.store.commit(
        { txId: stub.getTxID(), fn, mspId: identity.mspId, timestampMs: stub.getDateTimestamp().getTime(), event: stub.event, payload },
        stub.writeSet,
        stub.metadataWrites,
      );
      if (committed.event) this.events.emit('event', toEvent(committed));
      return { txId: committed.txId, blockNumber: committed.blockNumber, payload };
    });
  }

  /**
   * A recorded transaction from the transaction-id index: committed (with its kept result) or
   * `undefined`. Serialised behind any submit in progress, so a transaction recorded in this
   * process has finished its slot; absent then, it never commits.
   */
  resolve(_identity: SigningIdentity, recorded: PreparedTransaction): Promise<SubmitResult | undefined> {
    return this.serialised(async () => {
      if (!this.opened) throw new LedgerUnavailableError('embedded ledger is closed', 'connect');
      const tx = await this.store.transaction(recorded.txId);
      return tx && { txId: tx.txId, blockNumber: tx.blockNumber, payload: tx.payload };
    });
  }

  evaluate(identity: SigningIdentity, fn: string, args: string[]): Promise<Uint8Array> {
    return this.serialised(async () => {
      const stub = this.stub(identity, fn, args, true);
      return this.invoke(stub);
    });
  }

  /**
   * Committed events then live ones. The embedded ledger commits one transaction per block, so the
   * block number alone is the position. Live events are buffered while the stored ones replay.
   */
  async *chaincodeEvents(_identity: SigningIdentity, options: { after?: EventCheckpoint; from: 'start' | 'now'; signal: AbortSignal }): AsyncIterable<LedgerEvent> {
    const { signal } = options;
    const live: LedgerEvent[] = [];
    let wake: (() => void) | undefined;
    const onEvent = (e: LedgerEvent) => {
      live.push(e);
      wake?.();
    };
    const onAbort = () => wake?.();
    this.events.on('event', onEvent);
    signal.addEventListener('abort', onAbort);
    try {
      let last = options.after?.blockNumber ?? (options.from === 'now' ? this.blockHeight : 0n);
      for (;;) {
        const txs = await this.store.transactions(last, 500);
        if (txs.length === 0) break;
        for (const tx of txs) {
          if (signal.aborted) return;
          last = tx.blockNumber;
          if (tx.event) yield toEvent(tx);
        }
      }
      while (!signal.aborted) {
        const e = live.shift();
        if (e) {
          if (e.blockNumber > last) {
            yield e;
            last = e.blockNumber;
          }
          continue;
        }
        await new Promise<void>((resolve) => (wake = resolve));
        wake = undefined;
      }
    } finally {
      this.events.off('event', onEvent);
      signal.removeEventListener('abort', onAbort);
    }
  }

  private stub(identity: SigningIdentity, fn: string, args: string[], readOnly: boolean): TxStub {
    const creator = { mspid: identity.mspId, idBytes: Buffer.from(identity.certificate, 'utf8') };
    const nonce = randomBytes(24);
    const txId = createHash('sha256').update(nonce).update(identity.mspId).update(identity.certificate).digest('hex');
    const timestampMs = Math.max(Date.now(), this.lastTimestampMs + 1);
    this.lastTimestampMs = timestampMs;
    return new TxStub(this.store, txId, EMBEDDED_CHANNEL, creator, timestampMs, [fn, ...args], readOnly);
  }

  private async invoke(stub: TxStub, txId?: string): Promise<Uint8Array> {
    if (!this.opened) throw new LedgerUnavailableError('embedded ledger is closed', 'connect');
    const response = await this.chaincode.Invoke(stub);
    if (response.status !== 200) {
      const message = response.message ?? 'chaincode failed without a message';
      const parsed = parseErrorMessage(message);
      if (parsed) throw new ChaincodeError(parsed.code, parsed.detail, txId);
      throw new LedgerUnavailableError(`chaincode error: ${message}`, txId ? 'endorse' : 'evaluate', 'CHAINCODE_ERROR', txId, false);
    }
    return response.payload ? new Uint8Array(response.payload) : new Uint8Array(0);
  }

  private serialised<T>(work: () => Promise<T>): Promise<T> {
    const run = this.queue.then(work, work);
    this.queue = run.catch(() => undefined);
    return run;
  }
}

function toEvent(tx: CommittedTx): LedgerEvent {
  return { blockNumber: tx.blockNumber, txId: tx.txId, name: tx.event!.name, payload: tx.event!.payload, timestamp: new Date(tx.timestampMs).toISOString() };
}
