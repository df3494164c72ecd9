import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import { LedgerStore, LevelDb } from '@covenant/embedded-ledger';

/** A committed chaincode event as the embedded ledger logged it. */
export interface LoggedEvent {
  blockNumber: bigint;
  txId: string;
  name: string;
  payload: any;
}

/**
 * Every chaincode event committed on the embedded ledger in `<dataDir>/ledger`, in commit order,
 * read from its transaction log. The gateway using the data dir must be stopped (LevelDB lock).
 */
export async function committedEvents(dataDir: string): Promise<LoggedEvent[]> {
  const db = new ClassicLevel<string, Uint8Array>(join(dataDir, 'ledger'), { keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as LevelDb;
  const store = new LedgerStore(db);
  await store.open();
  try {
    const out: LoggedEvent[] = [];
    for (let after = 0n; ; ) {
      const txs = await store.transactions(after, 1000);
      if (txs.length === 0) return out;
      for (const tx of txs) {
        after = tx.blockNumber;
        if (tx.event) out.push({ blockNumber: tx.blockNumber, txId: tx.txId, name: tx.event.name, payload: JSON.parse(Buffer.from(tx.event.payload).toString('utf8')) });
      }
    }
  } finally {
    await store.close();
  }
}
