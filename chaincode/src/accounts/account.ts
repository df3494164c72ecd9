import { decoderOf } from '../shared/validate';
import { Account, AccountRecord, AccountView } from './schema';
import { addWithinCeiling } from '../shared/amount';
import { failedPrecondition, insufficientFunds } from '../shared/errors';
import { RecordStore } from '../shared/store';
import type { CovenantContext } from '../shared/context';
import { Audience, partiesAudience } from '../shared/audience';

export type { Account, AccountView };

const WHAT = 'account';
export const ACCOUNT = 'account';

/** Decodes a stored account; a corrupt one is a plain Error. */
export const decodeAccount = decoderOf(AccountRecord, WHAT);

/**
 * Who may read an account, and so receive its events: its owner (and its organisation's
 * administrators) and the holders of the issuer role (getAccount's rule).
 */
export const ACCOUNT_READER_ROLES = ['issuer'] as const;

export function accountAudience(a: Pick<Account, 'id' | 'mspId'>): Audience {
  return partiesAudience({ accounts: [a.id], organizations: [a.mspId], roles: ACCOUNT_READER_ROLES });
}

export function viewAccount(a: Account): AccountView {
  return {
    id: a.id,
    mspId: a.mspId,
    balance: a.balance.toString(),
    held: a.held.toString(),
    activeEscrows: a.activeEscrows,
    createdAt: a.createdAt,
    updatedAt: a.updatedAt,
  };
}

/** Spendable balance decreases; INSUFFICIENT_FUNDS when it would go negative. */
export function debit(a: Account, amount: bigint): Account {
  if (a.balance < amount) {
    throw insufficientFunds(`account ${a.id} has ${a.balance} available, ${amount} needed`);
  }
  return { ...a, balance: a.balance - amount };
}

/**
 * Spendable balance increases; FAILED_PRECONDITION when balance plus held would pass the ceiling
 * (MAX_AMOUNT, shared/amount.ts).
 */
export function credit(a: Account, amount: bigint): Account {
  addWithinCeiling(a.balance + a.held, amount, `account ${a.id}`);
  return { ...a, balance: a.balance + amount };
}

/** Moves `amount` from the spendable balance into the hold. */
export function hold(a: Account, amount: bigint): Account {
  const debited = debit(a, amount);
  return { ...debited, held: a.held + amount };
}

/** Takes `amount` out of the hold (to pay it elsewhere or to refund it with `credit`). */
export function releaseHold(a: Account, amount: bigint): Account {
  if (a.held < amount) throw new Error(`invariant: account ${a.id} holds ${a.held}, cannot release ${amount}`);
  return { ...a, held: a.held - amount };
}

/**
 * Loads and saves accounts (`account` [id]) within one transaction. Every account key carries the
 * key-level endorsement policy of its owner's organisation, set when the account is created.
 */
export class AccountStore extends RecordStore<Account> {
  constructor(ctx: CovenantContext) {
    super(ctx, { objectType: ACCOUNT, what: 'account', decode: decodeAccount, ids: (a) => [a.id], endorsers: (a) => [a.mspId] });
  }

  /** The caller's own account, or FAILED_PRECONDITION asking it to register first. */
  async own(): Promise<Account> {
    const account = await this.find(this.ctx.caller.accountId);
    if (!account) throw failedPrecondition('the caller has no account: register it first');
    return account;
  }

  /** Writes the account stamped with the transaction time and returns what was written. */
  override save(account: Account, options: { create?: boolean } = {}): Promise<Account> {
    return super.save({ ...account, updatedAt: this.ctx.now }, options);
  }
}
