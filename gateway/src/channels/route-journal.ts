import { GatewayDb, JsonSublevel, jsonSublevel } from '../gateway-db';
import { GroupCommit } from '../group-commit';
import type { RefusalCode } from './protocol';

/**
 * Where a routed payment stands, recorded by the payer's gateway before each on-chain or
 * off-chain step: `opening` (the multiparty channel over the route may be opening), `opened`
 * (bound, nothing paid), `paid` (the update carrying every hop is agreed), `failed` (the update
 * was refused; the channel must still be closed), `closed` (the route's channels are released:
 * see `outcome`).
 */
export type RouteStage = 'opening' | 'opened' | 'paid' | 'failed' | 'closed';

/** One part of a route as answered to the payer: minor units along a path of channel hops. */
export interface RoutePart {
  amount: string;
  path: { channel: string; from: string; to: string }[];
}

/** A routed payment: who pays (the payer's principal name at this gateway), whom, how much (minor units), over which route. */
export interface RouteEntry {
  payer: string;
  to: string;
  amount: string;
  router: string;
  parts: RoutePart[];
  stage: RouteStage;
  /** ISO 8601, when the route began. */
  startedAt: string;
  /** Set with stage `closed`: whether every hop moved (`paid`) or none (`unpaid`). */
  outcome?: 'paid' | 'unpaid';
  /** Set with outcome `unpaid` when a party refused the update: the refusal the payer was answered. */
  refusal?: { code: RefusalCode; detail: string };
  /** ISO 8601, when the route was closed. */
  closedAt?: string;
}

/**
 * The payer's gateway's journal of routed payments (sublevel `route-journal`, keyed by the route's
 * multiparty channel id), written durably (synced, group-commit.ts) before each step, so a gateway
 * that stops mid-route finds, when it starts again, every route it must still close
 * (RoutePaymentService.resume). A route paid for an idempotent request (its id derived from the
 * request's) is answered from it when the request is repeated after a crash, so every route is
 * kept after its close, with its outcome, for as long as an Idempotency-Key is
 * (IDEMPOTENCY_TTL_MS, 24 hours), then purged when the gateway starts.
 */
export class RouteJournal {
  private readonly entries: JsonSublevel<RouteEntry>;
  private readonly commits: GroupCommit;

  constructor(db: GatewayDb) {
    this.entries = jsonSublevel(db, 'route-journal');
    this.commits = new GroupCommit(db);
  }

  begin(id: string, entry: Omit<RouteEntry, 'stage' | 'startedAt'>): Promise<void> {
    return this.put(id, { ...entry, stage: 'opening', startedAt: new Date().toISOString() });
  }

  get(id: string): Promise<RouteEntry | undefined> {
    return this.entries.get(id);
  }

  async advance(id: string, stage: Exclude<RouteStage, 'closed'>): Promise<void> {
    const entry = await this.entries.get(id);
    if (entry) await this.put(id, { ...entry, stage });
  }

  /** Records that the route's channels are released with `outcome` (and the refusal the payer was answered, if any); returns the closed entry. */
  async close(id: string, outcome: 'paid' | 'unpaid', refusal?: RouteEntry['refusal']): Promise<RouteEntry | undefined> {
    const entry = await this.entries.get(id);
    if (!entry) return undefined;
    const closed: RouteEntry = { ...entry, stage: 'closed', outcome, closedAt: new Date().toISOString(), ...(refusal ? { refusal } : {}) };
    await this.put(id, closed);
    return closed;
  }

  /** Deletes closed routes closed before `before` (ms since the epoch); returns how many. */
  async purge(before: number): Promise<number> {
    const old: string[] = [];
    for await (const [id, entry] of this.entries.iterator()) {
      if (entry.stage === 'closed' && Date.parse(entry.closedAt ?? entry.startedAt) < before) old.push(id);
    }
    if (old.length > 0) await this.commits.write(old.map((key) => ({ type: 'del' as const, sublevel: this.entries, key })));
    return old.length;
  }

  private put(id: string, entry: RouteEntry): Promise<void> {
    return this.commits.write([{ type: 'put', sublevel: this.entries, key: id, value: entry }]);
  }

  /** Every route not yet closed, by multiparty channel id. */
  async pending(): Promise<[string, RouteEntry][]> {
    const out: [string, RouteEntry][] = [];
    for await (const [id, entry] of this.entries.iterator()) if (entry.stage !== 'closed') out.push([id, entry]);
    return out;
  }
}
