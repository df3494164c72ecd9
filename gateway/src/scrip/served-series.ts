import { GatewayDb, JsonSublevel, jsonSublevel } from '../gateway-db';

/**
 * Which scrip series this gateway serves, and for which of its identities (issue 12,
 * /tmp/scrip-rest.md "Issuer routes"): a broker or vendor identity that creates a series through
 * this gateway (POST /v1/scrip/series) thereby gives its standing consent to countersign and
 * submit swaps of that series that follow the chaincode's rules, at POST /v1/scrip/inbox. The
 * record is written after the ledger created the series; the inbox refuses messages about series
 * that are not recorded here. Kept in the gateway database's sublevel `scrip-served`, keyed by
 * series id.
 */
export interface ServedSeries {
  /** The series id (`scrip-series` [id] on the ledger). */
  series: string;
  /** The issuer's account id (the identity of this gateway that created it). */
  issuer: string;
  kind: 'broker' | 'vendor';
  /** When this gateway recorded it, ISO 8601 UTC. */
  recordedAt: string;
}

export class ServedSeriesStore {
  private readonly db: JsonSublevel<ServedSeries>;

  constructor(gatewayDb: GatewayDb) {
    this.db = jsonSublevel<ServedSeries>(gatewayDb, 'scrip-served');
  }

  /** Records `series` as served for its issuer (idempotent: a repeat keeps the first record). */
  async add(series: Omit<ServedSeries, 'recordedAt'>, now = new Date()): Promise<ServedSeries> {
    const kept = await this.get(series.series);
    if (kept && kept.issuer === series.issuer) return kept;
    const record: ServedSeries = { ...series, recordedAt: now.toISOString() };
    await this.db.put(series.series, record);
    return record;
  }

  /** The record of series `id`, or undefined when this gateway does not serve it. */
  async get(id: string): Promise<ServedSeries | undefined> {
    return (await this.db.get(id)) ?? undefined;
  }

  /** True when this gateway serves series `id` for issuer account `issuer`. */
  async serves(id: string, issuer: string): Promise<boolean> {
    return (await this.get(id))?.issuer === issuer;
  }
}
