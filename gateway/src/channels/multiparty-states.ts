import { GatewayDb, JsonSublevel, jsonSublevel } from '../gateway-db';
import { GroupCommit } from '../group-commit';
import type { AllSigned, MpcStateJson } from './protocol';

/**
 * What a gateway holds of each multiparty channel one of its users is a party to, off-chain
 * (protocol/multiparty-offchain.ts): the latest state every party signed (`latest`, with the
 * signatures: what the user registers in a unilateral close) and the last state the gateway signed
 * for the user (`signed`: it signs no other state of that version). Both are written durably
 * (synced to disk, grouped with concurrent writes, group-commit.ts) before the gateway answers,
 * so a restarted gateway still holds them.
 */
export interface HeldMultiparty {
  mpc: string;
  /** The user (account id) this record is for: several parties may be users of one gateway. */
  account: string;
  /** The multiparty channel's parties, as the ledger records them (whose signatures make a state all-signed). */
  parties: string[];
  latest?: AllSigned;
  signed?: MpcStateJson;
  /** Coordinator: each member channel's two parties, learned once. */
  memberParties?: Record<string, [string, string]>;
  /**
   * Coordinator: the states its idempotent payment requests produced (TransactionJournal
   * requestId), written with `latest` in one write: a repeat of such a request after a crash
   * answers from here instead of paying again. The most recent PAID_REQUESTS_KEPT.
   */
  paid?: { requestId: string; state: MpcStateJson }[];
  updatedAt: string;
}

/** How many paid requests a record keeps for repeats of their requests. */
export const PAID_REQUESTS_KEPT = 64;

const key = (mpc: string, account: string) => `${mpc}!${account}`;

/** The held multiparty states, sublevel `mpc-states` of the gateway database, by multiparty channel and account. */
export class MultipartyStates {
  private readonly records: JsonSublevel<HeldMultiparty>;
  private readonly commits: GroupCommit;

  constructor(db: GatewayDb) {
    this.records = jsonSublevel(db, 'mpc-states');
    this.commits = new GroupCommit(db);
  }

  /** `account`'s record of multiparty channel `mpc`, if this gateway holds one. */
  get(mpc: string, account: string): Promise<HeldMultiparty | undefined> {
    return this.records.get(key(mpc, account));
  }

  /** Writes the record; resolves once it is synced to disk. */
  async put(record: Omit<HeldMultiparty, 'updatedAt'>): Promise<void> {
    const value: HeldMultiparty = { ...record, updatedAt: new Date().toISOString() };
    await this.commits.write([{ type: 'put', sublevel: this.records, key: key(record.mpc, record.account), value }]);
  }
}
