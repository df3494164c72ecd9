import type { CovenantContext } from './context';

/**
 * Every committed version of a key, oldest first, from GetHistoryForKey:
 * `[{txId, timestamp, value}]`, `value` null for a deletion.
 */
export async function keyHistory<V>(ctx: CovenantContext, key: string, view: (raw: unknown) => V): Promise<{ txId: string; timestamp: string; value: V | null }[]> {
  const iterator = await ctx.stub.getHistoryForKey(key);
  const entries: { txId: string; timestamp: string; value: V | null }[] = [];
  try {
    for (let next = await iterator.next(); !next.done; next = await iterator.next()) {
      const m = next.value;
      const seconds = m.timestamp.seconds as unknown as number | { toNumber(): number };
      const millis = (typeof seconds === 'object' ? seconds.toNumber() : Number(seconds)) * 1000 + Math.floor(m.timestamp.nanos / 1_000_000);
      entries.push({
        txId: m.txId,
        timestamp: new Date(millis).toISOString(),
        value: m.isDelete ? null : view(JSON.parse(Buffer.from(m.value).toString('utf8'))),
      });
    }
  } finally {
    await iterator.close();
  }
  // Peers (Fabric 2.x and later) return history newest first; present it oldest first.
  return entries.reverse();
}
