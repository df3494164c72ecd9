import type { FastifyBaseLogger } from 'fastify';
import { ChaincodeError } from '../ledger/port';
import type { Principal } from '../identity/store';
import { NotesLedger, batchEnd } from './notes-ledger';
import type { PrivateNoteStore } from './note-store';

/** Most batches sealed per round. */
const BATCHES_PER_ROUND = 16;

/**
 * The background batch sealer (issue 13, "Private payments are committed in batches: each batch
 * gets a Merkle tree in the RFC 9162 layout, its root recorded on the ledger"): every `intervalMs`
 * it takes the batches this gateway wrote into (the store's seal queue), and submits
 * notes:sealBatch as the relayer for each whose window has ended. A batch sealed by another
 * gateway (ALREADY_EXISTS) or with nothing to seal (NOT_FOUND) leaves the queue; one the ledger
 * finds still open (FAILED_PRECONDITION: the peers' clock) or that failed stays for the next round.
 * Bounded: BATCHES_PER_ROUND per round, one round at a time; `stop` waits for the round in progress.
 */
export class BatchSealer {
  private timer?: NodeJS.Timeout;
  private round?: Promise<void>;
  private stopped = false;

  constructor(
    private readonly ledger: NotesLedger,
    private readonly store: PrivateNoteStore,
    private readonly relayer: () => Principal | undefined,
    private readonly settings: () => Promise<{ batchSeconds: number }>,
    private readonly log: FastifyBaseLogger,
    private readonly intervalMs = 2_000,
  ) {}

  start(): void {
    if (this.stopped || this.timer) return;
    this.timer = setTimeout(() => {
      this.round = this.sealEnded()
        .catch((err) => this.log.warn({ err }, 'batch sealing failed'))
        .finally(() => {
          this.timer = undefined;
          this.start();
        });
    }, this.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    clearTimeout(this.timer);
    await this.round;
  }

  /** One round: seals the queued batches whose window has ended. */
  async sealEnded(): Promise<void> {
    const relayer = this.relayer();
    if (!relayer) return;
    const queued = await this.store.queuedSeals(BATCHES_PER_ROUND);
    if (queued.length === 0) return;
    const { batchSeconds } = await this.settings();
    for (const batchId of queued) {
      if (this.stopped) return;
      if (Date.now() / 1000 < batchEnd(batchId, batchSeconds)) continue;
      await this.seal(relayer, batchId);
    }
  }

  /** Seals `batchId` now; true when it is sealed (by this call or before). */
  async seal(relayer: Principal, batchId: string): Promise<boolean> {
    try {
      await this.ledger.sealBatch(relayer, batchId);
    } catch (err) {
      if (!(err instanceof ChaincodeError) || (err.code !== 'ALREADY_EXISTS' && err.code !== 'NOT_FOUND')) {
        if (!(err instanceof ChaincodeError)) this.log.warn({ err, batchId }, 'sealing a batch failed');
        return false;
      }
    }
    await this.store.unqueueSeal(batchId);
    return true;
  }
}
