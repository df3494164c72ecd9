import type { KeyedLocks } from './locks';

/** What a batch run answers for one of its items: its result, or why it failed. */
export type Outcome<R> = { ok: true; value: R } | { ok: false; error: unknown };

interface Entry<I, R> {
  item: I;
  resolve: (value: R) => void;
  reject: (err: unknown) => void;
}

/**
 * Batching of requests on one channel under its lock (locks.ts): items submitted under the same
 * `queueKey` while the lock of `lockKey` is held (or queued for) are handed together, in the order
 * they were submitted, to one `run`, which answers an {@link Outcome} per item. The first item of a
 * queue schedules a run behind the lock; items arriving before that run starts join it; items
 * arriving after it started form the next queue. A run that throws fails all its items with the
 * error. Used for off-chain payments: concurrent payments of one payer on one channel become one
 * netted state, one round trip with the other gateway and one synced write on each side.
 */
export class LockedBatches<I, R> {
  private readonly queues = new Map<string, Entry<I, R>[]>();

  constructor(
    private readonly locks: KeyedLocks,
    private readonly run: (items: I[]) => Promise<Outcome<R>[]>,
  ) {}

  /** Submits `item` to the next batch of `queueKey`, run under the lock of `lockKey`; settles as its outcome. */
  submit(lockKey: string, queueKey: string, item: I): Promise<R> {
    return new Promise<R>((resolve, reject) => {
      let queue = this.queues.get(queueKey);
      if (!queue) {
        queue = [];
        this.queues.set(queueKey, queue);
        this.schedule(lockKey, queueKey, queue);
      }
      queue.push({ item, resolve, reject });
    });
  }

  private schedule(lockKey: string, queueKey: string, queue: Entry<I, R>[]): void {
    void this.locks.run(lockKey, async () => {
      // From here on, new items start the next batch.
      if (this.queues.get(queueKey) === queue) this.queues.delete(queueKey);
      let outcomes: Outcome<R>[];
      try {
        outcomes = await this.run(queue.map((e) => e.item));
      } catch (err) {
        for (const e of queue) e.reject(err);
        return;
      }
      queue.forEach((e, i) => {
        const o = outcomes[i];
        if (o?.ok) e.resolve(o.value);
        else e.reject(o ? o.error : new Error('batch run answered no outcome for an item'));
      });
    });
  }
}
