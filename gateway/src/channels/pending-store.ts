import { GatewayDb, JsonSublevel, jsonSublevel } from '../gateway-db';
import { GroupCommit } from '../group-commit';
import type { RoutePart } from './route-journal';
import type { RouterName } from './route-payment';

/**
 * Where a waiting payment stands: PENDING (kept, retried until its deadline), PAID (a route carried
 * it: every hop moved), EXPIRED (its deadline passed with nothing moved), CANCELLED (its payer
 * cancelled it with nothing moved).
 */
export type PendingStatus = 'PENDING' | 'PAID' | 'EXPIRED' | 'CANCELLED';

/** A routed payment that waits for liquidity (pending-payments.ts), as its payer's gateway keeps it. */
export interface PendingPaymentRecord {
  id: string;
  /** The payer's principal name at this gateway (who may read or cancel it, and whose retries run it). */
  payer: string;
  /** The payer's account id. */
  from: string;
  /** The payee's account id. */
  to: string;
  /** Minor units, a decimal string. */
  amount: string;
  router: RouterName;
  status: PendingStatus;
  /** ISO 8601: when it was kept. */
  createdAt: string;
  /** ISO 8601: no attempt begins after it; a PENDING payment past it becomes EXPIRED. */
  deadline: string;
  /**
   * The number of the current attempt: attempt n routes under the key `pending|{id}|{n}`
   * (RoutePaymentService.pay), so after a stop the attempt is answered from the route journal,
   * never routed twice. It advances once a route begun under it closed unpaid.
   */
  attempt: number;
  /** Why the latest attempt did not pay (a party's refusal), if one was made. */
  lastRefusal?: { code: string; detail: string };
  /** Set with PAID: the route's multiparty channel and its parts. */
  multiparty?: string;
  parts?: RoutePart[];
  /** ISO 8601, set with PAID. */
  paidAt?: string;
  /** ISO 8601: when it left PENDING. */
  finishedAt?: string;
}

/** Key of a payer's index entry: newest last within the payer's range, so a reverse walk lists newest first. */
const indexKey = (r: PendingPaymentRecord) => `${r.from}!${String(Date.parse(r.createdAt)).padStart(15, '0')}!${r.id}`;

/** Index entries a listing reads at most per page, whatever the status filter keeps: listings stay bounded. */
const SCAN_LIMIT = 1000;

/**
 * The waiting payments of this gateway's users: sublevel `pending-payments` (records by id) and
 * `pending-payments-by-payer` (`{payer account}!{created ms}!{id}`, for listings newest first).
 * Every write is durable (synced, grouped with concurrent writes: group-commit.ts) before it
 * resolves, so a payment answered 202 survives a crash.
 */
export class PendingPaymentStore {
  private readonly records: JsonSublevel<PendingPaymentRecord>;
  private readonly byPayer: JsonSublevel<string>;
  private readonly commits: GroupCommit;

  constructor(db: GatewayDb) {
    this.records = jsonSublevel(db, 'pending-payments');
    this.byPayer = jsonSublevel(db, 'pending-payments-by-payer');
    this.commits = new GroupCommit(db);
  }

  get(id: string): Promise<PendingPaymentRecord | undefined> {
    return this.records.get(id);
  }

  /** Writes a new record with its index entry, atomically and durably. */
  create(record: PendingPaymentRecord): Promise<void> {
    return this.commits.write([
      { type: 'put', sublevel: this.records, key: record.id, value: record },
      { type: 'put', sublevel: this.byPayer, key: indexKey(record), value: record.id },
    ]);
  }

  /** Writes a changed record durably (its index entry does not change). */
  put(record: PendingPaymentRecord): Promise<void> {
    return this.commits.write([{ type: 'put', sublevel: this.records, key: record.id, value: record }]);
  }

  /**
   * One page of the payments of account `from`, newest first, with `status` if given: at most
   * `pageSize` items, after the index key `bookmark` (from the previous page). The walk reads at
   * most SCAN_LIMIT index entries, so a page may hold fewer items than asked with a bookmark to
   * go on from; the bookmark is empty on the last page.
   */
  async page(from: string, status: PendingStatus | undefined, pageSize: number, bookmark: string): Promise<{ items: PendingPaymentRecord[]; bookmark: string }> {
    const items: PendingPaymentRecord[] = [];
    let scanned = 0;
    let last = '';
    const range = { gte: `${from}!`, lt: bookmark && bookmark.startsWith(`${from}!`) ? bookmark : `${from}!~`, reverse: true };
    for await (const [key, id] of this.byPayer.iterator(range)) {
      last = key;
      const record = await this.records.get(id);
      if (record && (status === undefined || record.status === status)) items.push(record);
      if (items.length >= pageSize || ++scanned >= SCAN_LIMIT) return { items, bookmark: last };
    }
    return { items, bookmark: '' };
  }

  /** Every PENDING record (read when the gateway starts). */
  async pending(): Promise<PendingPaymentRecord[]> {
    const out: PendingPaymentRecord[] = [];
    for await (const record of this.records.values()) if (record.status === 'PENDING') out.push(record);
    return out;
  }

  /** Deletes records that left PENDING before `before` (ms since the epoch), with their index entries; returns how many. */
  async purge(before: number): Promise<number> {
    const old: PendingPaymentRecord[] = [];
    for await (const record of this.records.values()) {
      if (record.status !== 'PENDING' && Date.parse(record.finishedAt ?? record.createdAt) < before) old.push(record);
    }
    if (old.length > 0) {
      await this.commits.write(
        old.flatMap((r) => [
          { type: 'del' as const, sublevel: this.records, key: r.id },
          { type: 'del' as const, sublevel: this.byPayer, key: indexKey(r) },
        ]),
      );
    }
    return old.length;
  }
}
