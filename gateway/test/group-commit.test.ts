import { MemoryLevel } from 'memory-level';
import type { GatewayDb } from '../src/gateway-db';
import { jsonSublevel } from '../src/gateway-db';
import { GroupCommit } from '../src/group-commit';

/**
 * Group commit: a writer is answered only after the synced batch holding its write has returned;
 * writes made while a batch is being flushed go together in the next one, in order.
 */
describe('GroupCommit', () => {
  /** A memory database whose batches wait until the test releases them, recording each call's options and size. */
  function heldDb() {
    const db = new MemoryLevel({ keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as GatewayDb;
    const calls: { sync: unknown; size: number; release: (fail?: Error) => void }[] = [];
    const batch = db.batch.bind(db) as (ops: unknown[], options?: unknown) => Promise<void>;
    (db as unknown as { batch: unknown }).batch = (ops: unknown[], options: { sync?: boolean }) =>
      new Promise<void>((resolve, reject) => {
        calls.push({ sync: options?.sync, size: ops.length, release: (fail) => (fail ? reject(fail) : batch(ops, options).then(resolve, reject)) });
      });
    return { db, calls };
  }
  const tick = () => new Promise((r) => setImmediate(r));

  test('each writer is answered after the synced batch holding its write, concurrent writes grouped in order', async () => {
    const { db, calls } = heldDb();
    const records = jsonSublevel<number>(db, 'records');
    const commits = new GroupCommit(db);
    const answered: string[] = [];
    const put = (key: string, value: number) => commits.write([{ type: 'put', sublevel: records, key, value }]).then(() => answered.push(key));

    const first = put('a', 1);
    await tick();
    expect(calls).toHaveLength(1); // flushed at once, not waiting for company
    const rest = [put('b', 2), put('c', 3), put('b', 4)];
    await tick();
    expect(calls).toHaveLength(1); // queued behind the flush in progress
    expect(answered).toEqual([]);

    calls[0].release();
    await first;
    expect(answered).toEqual(['a']);
    await tick();
    expect(calls).toHaveLength(2);
    expect(calls.map((c) => [c.sync, c.size])).toEqual([[true, 1], [true, 3]]);
    expect(answered).toEqual(['a']); // b and c wait for their own sync
    calls[1].release();
    await Promise.all(rest);
    expect(answered).toEqual(['a', 'b', 'c', 'b']);
    expect(await records.get('b')).toBe(4); // the later put of a key wins
    expect(commits.stats).toEqual({ flushes: 2, operations: 4 });
  });

  test('a failed flush fails every write in it and writes nothing of it; the next writes go on', async () => {
    const { db, calls } = heldDb();
    const records = jsonSublevel<number>(db, 'records');
    const commits = new GroupCommit(db);
    const first = commits.write([{ type: 'put', sublevel: records, key: 'a', value: 1 }]);
    await tick();
    const grouped = [commits.write([{ type: 'put', sublevel: records, key: 'b', value: 2 }]), commits.write([{ type: 'put', sublevel: records, key: 'c', value: 3 }])];
    calls[0].release();
    await first;
    await tick();
    calls[1].release(new Error('disk full'));
    for (const p of grouped) await expect(p).rejects.toThrow('disk full');
    expect(await records.get('b')).toBeUndefined();

    const later = commits.write([{ type: 'put', sublevel: records, key: 'd', value: 4 }]);
    await tick();
    calls[2].release();
    await later;
    expect(await records.get('d')).toBe(4);
  });
});
