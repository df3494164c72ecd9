import type { CovenantContext } from '../shared/context';
import { decoderOf } from '../shared/validate';
import { invalidArgument } from '../shared/errors';
import { MAX_SUB_BALANCES, SubBalance, SubBalanceRecord } from './schema';

export type { SubBalance };

/** The composite-key object type of a sub-balance: `subBalance` [accountId, lane]. */
export const SUB_BALANCE = 'subBalance';

const decodeSubBalance = decoderOf(SubBalanceRecord, 'sub-balance');

/**
 * Splits `total` minor units evenly over `n` sub-balances, the remainder (< n) to lane 0: the one
 * deterministic spread (accounts/README.md, "Hot payers"). `n` ≥ 1; the parts sum to `total`.
 */
export function spread(total: bigint, n: number): bigint[] {
  const count = BigInt(n);
  const share = total / count;
  const parts = Array.from({ length: n }, () => share);
  parts[0] += total - share * count;
  return parts;
}

/**
 * Parses the count argument of accounts:setSubBalances: a decimal integer 0..64 (0 and 1 mean no
 * sub-balances, so the result is 0 or 2..64). INVALID_ARGUMENT otherwise.
 */
export function parseSubBalanceCount(raw: string): number {
  if (!/^(0|[1-9][0-9]?)$/.test(raw) || Number(raw) > MAX_SUB_BALANCES) {
    throw invalidArgument(`count must be an integer from 0 to ${MAX_SUB_BALANCES}`);
  }
  const n = Number(raw);
  return n < 2 ? 0 : n;
}

/** Parses a lane hint: a decimal integer 0..63. INVALID_ARGUMENT otherwise. */
export function parseLane(raw: string): number {
  if (!/^(0|[1-9][0-9]?)$/.test(raw) || Number(raw) >= MAX_SUB_BALANCES) {
    throw invalidArgument(`lane must be an integer from 0 to ${MAX_SUB_BALANCES - 1}`);
  }
  return Number(raw);
}

/**
 * The sub-balance keys of accounts within one transaction. Each key carries its owner
 * organisation's key-level endorsement policy, like the account key. Reading a lane puts only
 * that key in the transaction's read set, so debits of different lanes of one account commit
 * side by side in one block.
 */
export class SubBalanceStore {
  constructor(private readonly ctx: CovenantContext) {}

  key(accountId: string, lane: number): string {
    return this.ctx.state.key(SUB_BALANCE, [accountId, String(lane)]);
  }

  /** Lane `lane` of the account, or undefined when the account has no such sub-balance. */
  find(accountId: string, lane: number): Promise<SubBalance | undefined> {
    return this.ctx.state.get(this.key(accountId, lane), decodeSubBalance);
  }

  /** The balances of lanes 0..n-1 (each must exist: a missing one is corrupt state, a plain Error). */
  async balances(accountId: string, n: number): Promise<bigint[]> {
    const out: bigint[] = [];
    for (let lane = 0; lane < n; lane++) {
      const found = await this.find(accountId, lane);
      if (!found) throw new Error(`invariant: account ${accountId} has ${n} sub-balances but lane ${lane} is missing`);
      out.push(found.balance);
    }
    return out;
  }

  /**
   * For queries only: the balances of the account's sub-balances by one paged range read
   * (committed state, any order), instead of a read per lane. A count other than `n` is corrupt
   * state (a plain Error). Fabric refuses paged range reads in submits: those use `balances`.
   */
  async committedBalances(accountId: string, n: number): Promise<bigint[]> {
    const page = await this.ctx.state.page(SUB_BALANCE, [accountId], MAX_SUB_BALANCES, '', (_key, raw) => decodeSubBalance(raw).balance);
    if (page.records.length !== n) throw new Error(`invariant: account ${accountId} has ${n} sub-balances but ${page.records.length} lane keys`);
    return page.records;
  }

  /** Writes one lane's balance (an existing lane: its key-level policy stays). */
  async put(accountId: string, lane: number, balance: bigint): Promise<SubBalance> {
    const record: SubBalance = { account: accountId, lane, balance };
    await this.ctx.state.put(this.key(accountId, lane), record);
    return record;
  }

  /**
   * Makes lanes 0..parts.length-1 hold `parts`, where lanes 0..existing-1 exist and hold
   * `current`: writes only lanes whose balance changes, and creates the new ones with `mspId`'s
   * key-level endorsement policy; lanes parts.length..existing-1 are deleted.
   */
  async rewrite(accountId: string, mspId: string, current: bigint[], parts: bigint[]): Promise<void> {
    for (const [lane, balance] of parts.entries()) {
      if (lane < current.length) {
        if (current[lane] !== balance) await this.put(accountId, lane, balance);
      } else {
        await this.ctx.state.put(this.key(accountId, lane), { account: accountId, lane, balance }, { endorsers: [mspId] });
      }
    }
    for (let lane = parts.length; lane < current.length; lane++) await this.ctx.state.delete(this.key(accountId, lane));
  }
}
