import type { AbstractBatchOperation } from 'abstract-level';
import type { GatewayDb } from './gateway-db';

/** One write of a group: puts and deletes on the gateway database or its sublevels (`sublevel` on each operation). */
export type GroupOperation = AbstractBatchOperation<GatewayDb, string, unknown>;

interface Waiter {
  resolve: () => void;
  reject: (err: unknown) => void;
}

/**
 * Group commit over the gateway database: durable writes (LevelDB `sync: true`, an fsync of its
 * log) issued while another is being flushed are queued and flushed together in one atomic
 * `batch(..., { sync: true })`; each caller's promise resolves only after the flush holding its
 * operations has returned, so a caller that acknowledges after `await write(...)` acknowledges
 * only what is on disk. A write arriving while nothing is being flushed is flushed at once (no
 * added latency when idle). Operations are applied in the order they were queued: a later put of
 * the same key wins. If a flush fails, every write in it rejects with the error, and none of its
 * operations were applied (LevelDB batches are atomic).
 */
export class GroupCommit {
  private queue: GroupOperation[] = [];
  private waiters: Waiter[] = [];
  private flushing = false;
  /** Flushes done and operations written: for tests and metrics. */
  readonly stats = { flushes: 0, operations: 0 };

  constructor(private readonly db: GatewayDb) {}

  /** Writes `operations` atomically with the group being formed; resolves once they are synced to disk. */
  write(operations: GroupOperation[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.queue.push(...operations);
      this.waiters.push({ resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  /** Flushes the queued group, then the group queued meanwhile, until none is left. */
  private async flush(): Promise<void> {
    this.flushing = true;
    while (this.waiters.length > 0) {
      const operations = this.queue;
      const waiters = this.waiters;
      this.queue = [];
      this.waiters = [];
      try {
        await this.db.batch(operations, { sync: true } as never);
        this.stats.flushes += 1;
        this.stats.operations += operations.length;
        for (const w of waiters) w.resolve();
      } catch (err) {
        for (const w of waiters) w.reject(err);
      }
    }
    this.flushing = false;
  }
}
