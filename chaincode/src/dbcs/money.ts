import type { CovenantContext } from '../shared/context';
import { AccountStore, credit, hold, releaseHold } from '../accounts/account';
import type { Movement } from './common';

/**
 * Every DBCS-SC money movement goes through this class, and only through the account primitives
 * hold, releaseHold and credit (chaincode/src/accounts/account.ts), so each transaction conserves
 * the sum of balance + held over all accounts (DESIGN.md, "Money and accounts"). Deposits and
 * invested amounts are holds on the payer's own account until they are released: refunded to the
 * payer or paid to someone else. Each call reads the account afresh (ctx.state has
 * read-your-writes), so several movements touching one account in a transaction compose.
 */
export class Treasury {
  private readonly accounts: AccountStore;
  readonly movements: Movement[] = [];

  constructor(ctx: CovenantContext) {
    this.accounts = new AccountStore(ctx);
  }

  /** Moves `amount` from the account's balance to its hold. INSUFFICIENT_FUNDS when short. */
  async hold(accountId: string, amount: bigint): Promise<void> {
    if (amount === 0n) return;
    await this.accounts.save(hold(await this.accounts.get(accountId), amount));
  }

  /** Releases `amount` of the account's hold back to its own balance. */
  async refund(kind: string, accountId: string, amount: bigint): Promise<void> {
    if (amount === 0n) return;
    await this.accounts.save(credit(releaseHold(await this.accounts.get(accountId), amount), amount));
    this.movements.push({ kind, from: accountId, to: accountId, amount });
  }

  /** Releases `amount` of `from`'s hold and credits it to `to`'s balance. */
  async pay(kind: string, from: string, to: string, amount: bigint): Promise<void> {
    if (amount === 0n) return;
    if (from === to) return this.refund(kind, from, amount);
    await this.accounts.save(releaseHold(await this.accounts.get(from), amount));
    await this.accounts.save(credit(await this.accounts.get(to), amount));
    this.movements.push({ kind, from, to, amount });
  }
}
