/**
 * Block time and on-chain transaction counts for the embedded ledger, at the test-support level
 * (test/support/gateway.ts, option `wrapLedger`): the embedded ledger has no block, batch or
 * commit-interval option (it commits each transaction as its own block at once), so this wrapper
 * holds each submit until the next block boundary of a clock ticking every `setBlockTime` ms
 * (the paper's 15 s Ethereum blocks, section 4.2), then lets the ledger commit it. Submits that
 * arrive within one interval commit at the same boundary, as transactions packed in one block.
 * With no block time (the default) submits pass straight through (set-up steps of a bench).
 *
 * On-chain transactions are counted twice, to cross-check: the ledger's height (the embedded
 * ledger's block height = committed transactions) and the committed submits by transaction
 * function, as this wrapper sees them. The parties' signatures the committed transactions carry
 * are collected too (signatures.ts).
 */
import { collectSignatures } from './signatures';
import type { EventCheckpoint, Ledger, LedgerEvent, PreparedTransaction, SigningIdentity, SubmitOptions, SubmitResult } from '../../../gateway/src/ledger/port';

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** A ledger with a block clock and a count of committed submits by function (`contract:function`). */
export class BlockClockLedger implements Ledger {
  readonly kind: Ledger['kind'];
  readonly channel?: string;
  private blockMs = 0;
  /** Committed submits by transaction function since the last `take`. */
  private commits: Record<string, number> = {};
  /** Signatures in the committed transactions' arguments since the last `take`. */
  private signatures = new Set<string>();
  private epoch = Date.now();

  constructor(private readonly inner: Ledger) {
    this.kind = inner.kind;
    this.channel = inner.channel;
  }

  /** The ledger's height (committed transactions) when the inner ledger exposes one (the embedded ledger's blockHeight). */
  get height(): bigint {
    const h = (this.inner as { blockHeight?: bigint }).blockHeight;
    if (h === undefined) throw new Error('the wrapped ledger exposes no height');
    return h;
  }

  /** The committed submits by function and the signatures they carried since the last call; starts a fresh count. */
  take(): { functions: Record<string, number>; signatures: Set<string> } {
    const taken = { functions: this.commits, signatures: this.signatures };
    this.commits = {};
    this.signatures = new Set();
    return taken;
  }

  /** Milliseconds until the next block boundary (strictly after now). */
  private untilNextBlock(): number {
    const elapsed = Date.now() - this.epoch;
    return (Math.floor(elapsed / this.blockMs) + 1) * this.blockMs - elapsed;
  }

  /**
   * Sets the time between blocks, milliseconds (0: commit at once), and starts the clock now: the
   * first block boundary is `ms` from now, as if a block had just been committed.
   */
  setBlockTime(ms: number): void {
    this.blockMs = ms;
    this.epoch = Date.now();
  }

  async submit(identity: SigningIdentity, fn: string, args: string[], options?: SubmitOptions): Promise<SubmitResult> {
    if (this.blockMs > 0) await sleep(this.untilNextBlock());
    const result = await this.inner.submit(identity, fn, args, options);
    this.commits[fn] = (this.commits[fn] ?? 0) + 1;
    collectSignatures(args, this.signatures);
    return result;
  }

  chaincodeEvents(identity: SigningIdentity, options: { after?: EventCheckpoint; from: 'start' | 'now'; signal: AbortSignal }): AsyncIterable<LedgerEvent> {
    return this.inner.chaincodeEvents(identity, options);
  }

  resolve(identity: SigningIdentity, recorded: PreparedTransaction): Promise<SubmitResult | undefined> {
    return this.inner.resolve(identity, recorded);
  }

  evaluate(identity: SigningIdentity, fn: string, args: string[]): Promise<Uint8Array> {
    return this.inner.evaluate(identity, fn, args);
  }

  ready(): Promise<void> {
    return this.inner.ready();
  }

  close(): Promise<void> {
    return this.inner.close();
  }
}
