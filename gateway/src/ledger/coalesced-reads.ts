/**
 * Reads shared by the requests that ask for the same thing at the same moment: `read(key, fetch)`
 * joins a read of `key` that is scheduled but has not started yet, or schedules one (on the next
 * turn of the event loop). A read therefore always starts after every call it answers, so a
 * request that asks after its own transaction committed gets a value that includes it.
 * Used for the account a fast-path transfer answers (routes/transfers.ts): 32 concurrent payments
 * committed in one block then cost a few account reads, not 32.
 */
export class CoalescedReads<T> {
  private readonly scheduled = new Map<string, Promise<T>>();

  /** The value of a `fetch` of `key` that starts after this call; its errors reach every caller. */
  read(key: string, fetch: () => Promise<T>): Promise<T> {
    const pending = this.scheduled.get(key);
    if (pending) return pending;
    const started = new Promise<T>((resolve, reject) => {
      setImmediate(() => {
        this.scheduled.delete(key);
        fetch().then(resolve, reject);
      });
    });
    this.scheduled.set(key, started);
    return started;
  }
}
