import { GatewayDb, JsonSublevel, jsonSublevel } from '../gateway-db';
import { GroupCommit } from '../group-commit';

/**
 * Where a routed payment stands, recorded by the payer's gateway before each on-chain or
 * off-chain step: `opening` (the multiparty channel over the route may be opening), `opened`
 * (bound, nothing paid), `paid` (the update carrying every hop is agreed), `failed` (the update
 * was refused; the channel must still be closed).
 */
export type RouteStage = 'opening' | 'opened' | 'paid' | 'failed';

/** A routed payment not yet settled: who pays (the payer's principal name at this gateway), whom, how much (minor units). */
export interface RouteEntry {
  payer: string;
  to: string;
  amount: string;
  stage: RouteStage;
  /** ISO 8601, when the route began. */
  startedAt: string;
}

/**
 * The payer's gateway's journal of routed payments in progress (sublevel `route-journal`, keyed
 * by the multiparty channel's id): written durably (synced, group-commit.ts) before each step and
 * deleted once the route's multiparty channel is closed, so a gateway that stops mid-route finds, when it starts again,
 * every route it must still close (RoutePaymentService.resume).
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

  async advance(id: string, stage: RouteStage): Promise<void> {
    const entry = await this.entries.get(id);
    if (entry) await this.put(id, { ...entry, stage });
  }

  end(id: string): Promise<void> {
    return this.commits.write([{ type: 'del', sublevel: this.entries, key: id }]);
  }

  private put(id: string, entry: RouteEntry): Promise<void> {
    return this.commits.write([{ type: 'put', sublevel: this.entries, key: id, value: entry }]);
  }

  /** Every route in progress, by multiparty channel id. */
  async pending(): Promise<[string, RouteEntry][]> {
    const out: [string, RouteEntry][] = [];
    for await (const [id, entry] of this.entries.iterator()) out.push([id, entry]);
    return out;
  }
}
