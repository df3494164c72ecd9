/**
 * One queue of work per key (a channel id): work on a key runs after the work queued before it,
 * whether that succeeded or failed; work on different keys runs concurrently. In memory: one
 * gateway process.
 */
export class KeyedLocks {
  private readonly tails = new Map<string, Promise<unknown>>();

  /** True while work on `key` is running or queued. */
  busy(key: string): boolean {
    return this.tails.has(key);
  }

  /** Runs `work` once every earlier work on `key` has settled; resolves or rejects as `work` does. */
  run<T>(key: string, work: () => Promise<T>): Promise<T> {
    const previous = this.tails.get(key) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    this.tails.set(key, tail);
    void tail.then(() => {
      if (this.tails.get(key) === tail) this.tails.delete(key);
    });
    return run;
  }
}
