import { decoderOf } from '../shared/validate';
import { Account, AccountRecord, AccountView } from './schema';
import { MAX_AMOUNT, addWithinCeiling } from '../shared/amount';
import { failedPrecondition, insufficientFunds, notFound } from '../shared/errors';
import { RecordStore } from '../shared/store';
import type { CovenantContext } from '../shared/context';
import { Audience, partiesAudience } from '../shared/audience';
import { SubBalance, SubBalanceStore, spread } from './sub-balance';

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
    subBalances: a.subBalances,
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

/** The recipient of a credit that touches only its account key (AccountStore.payee). */
export interface Payee {
  id: string;
  mspId: string;
  /** Adds `amount` to the account key; FAILED_PRECONDITION when the balance would pass the ceiling. */
  credit(amount: bigint): Promise<void>;
}

const sum = (values: bigint[]) => values.reduce((s, v) => s + v, 0n);

/**
 * Loads and saves accounts (`account` [id]) within one transaction. Every account key carries the
 * key-level endorsement policy of its owner's organisation, set when the account is created.
 *
 * An account may split its spendable balance across sub-balance keys (`subBalance` [id, lane],
 * accounts/README.md "Hot payers"). `find`, `get` and `own` read the account key and every
 * sub-balance and return the account with `balance` = spendable total; `save` writes it back: an
 * increase goes onto the account key alone, a decrease re-spreads the rest evenly over the
 * sub-balances (the deterministic merge). So every system that debits, holds or credits an
 * account through this store (escrow, channels, DBCS) works unchanged on a split account, and
 * reads exactly the keys its checks depend on. `debitSubBalance` and `payee` are the fast paths
 * that read one sub-balance, or the account key only.
 */
export class AccountStore extends RecordStore<Account> {
  private readonly lanes: SubBalanceStore;

  constructor(ctx: CovenantContext) {
    super(ctx, { objectType: ACCOUNT, what: 'account', decode: decodeAccount, ids: (a) => [a.id], endorsers: (a) => [a.mspId] });
    this.lanes = new SubBalanceStore(ctx);
  }

  /** The account with `balance` the spendable total (account key plus sub-balances), or undefined. */
  override async find(id: string): Promise<Account | undefined> {
    const stored = await super.find(id);
    if (!stored?.subBalances) return stored;
    const lanes = await this.lanes.balances(stored.id, stored.subBalances);
    return { ...stored, balance: stored.balance + sum(lanes), subBalanceBound: undefined };
  }

  /**
   * For queries (getAccount, getOwnAccount): `find`, with the sub-balances read by one range read
   * rather than one read per lane. Never in a submit (its reads would not see the transaction's
   * own writes, and Fabric refuses paged range reads there).
   */
  async view(id: string): Promise<Account | undefined> {
    const stored = await super.find(id);
    if (!stored?.subBalances) return stored;
    const lanes = await this.lanes.committedBalances(stored.id, stored.subBalances);
    return { ...stored, balance: stored.balance + sum(lanes), subBalanceBound: undefined };
  }

  /** The caller's own account, or FAILED_PRECONDITION asking it to register first. */
  async own(): Promise<Account> {
    const account = await this.find(this.ctx.caller.accountId);
    if (!account) throw failedPrecondition('the caller has no account: register it first');
    return account;
  }

  /**
   * Writes an account loaded by `find`/`get`/`own` (balance = spendable total), stamped with the
   * transaction time, and returns what the caller sees. With sub-balances: a balance that grew
   * (or stayed) adds the difference to the account key and leaves the sub-balances alone; one that
   * shrank is re-spread evenly over them (remainder to lane 0), writing only the lanes that change.
   */
  override async save(account: Account, options: { create?: boolean } = {}): Promise<Account> {
    const stamped = { ...account, updatedAt: this.ctx.now };
    const n = account.subBalances ?? 0;
    if (n === 0 || options.create) return super.save(stamped, options);
    const stored = await super.find(account.id);
    if (stored?.subBalances !== n) throw new Error(`invariant: account ${account.id} was saved with ${n} sub-balances, stored with ${stored?.subBalances}`);
    const current = await this.lanes.balances(account.id, n);
    const total = stored.balance + sum(current);
    if (account.balance >= total) {
      await super.save({ ...stamped, subBalances: n, balance: stored.balance + (account.balance - total), subBalanceBound: stored.subBalanceBound });
    } else {
      await this.lanes.rewrite(account.id, account.mspId, current, spread(account.balance, n));
      await super.save({ ...stamped, subBalances: n, balance: 0n, subBalanceBound: account.balance });
    }
    return { ...stamped, subBalances: n, subBalanceBound: undefined };
  }

  /**
   * Splits the spendable balance of `account` (loaded by `own`) across `n` sub-balances (0: none,
   * everything back on the account key; else 2..64), evenly with the remainder to lane 0. New
   * lane keys get the owner organisation's key-level policy; lanes beyond `n` are deleted.
   */
  async setSubBalances(account: Account, n: number): Promise<Account> {
    const stored = await super.find(account.id);
    if (!stored) throw notFound(`account ${account.id} does not exist`);
    const current = stored.subBalances ? await this.lanes.balances(account.id, stored.subBalances) : [];
    const total = stored.balance + sum(current);
    await this.lanes.rewrite(account.id, account.mspId, current, n === 0 ? [] : spread(total, n));
    const { subBalances: _n, subBalanceBound: _b, ...plain } = stored;
    const record: Account = n === 0 ? { ...plain, balance: total } : { ...plain, balance: 0n, subBalances: n, subBalanceBound: total };
    await super.save({ ...record, updatedAt: this.ctx.now });
    return { ...plain, balance: total, updatedAt: this.ctx.now, ...(n === 0 ? {} : { subBalances: n }) };
  }

  /**
   * The fast path of a hot payer: debits `amount` from sub-balance `lane` of the caller's account,
   * reading and writing that one key. Returns the lane after the debit, or undefined (nothing
   * written) when the caller has no such lane or it holds less than `amount`: the caller then
   * takes the slow path (`own`, `debit`, `save`), which checks the whole spendable balance.
   */
  async debitSubBalance(lane: number, amount: bigint): Promise<SubBalance | undefined> {
    const found = await this.lanes.find(this.ctx.caller.accountId, lane);
    if (!found || found.balance < amount) return undefined;
    return this.lanes.put(found.account, lane, found.balance - amount);
  }

  /**
   * A credit that reads and writes the account key only (never the sub-balances, so it does not
   * conflict with the owner's sub-balance debits). NOT_FOUND now when the account does not exist.
   * The ceiling is checked against the account key plus `subBalanceBound`; only when that bound
   * is too loose are the sub-balances read for the exact check.
   */
  async payee(id: string): Promise<Payee> {
    const stored = await super.find(id);
    if (!stored) throw notFound(`account ${id} does not exist`);
    return {
      id: stored.id,
      mspId: stored.mspId,
      credit: async (amount) => {
        if (stored.subBalances && stored.balance + stored.held + (stored.subBalanceBound ?? 0n) + amount > MAX_AMOUNT) {
          await this.save(credit((await this.find(id))!, amount));
          return;
        }
        await super.save({ ...credit(stored, amount), updatedAt: this.ctx.now });
      },
    };
  }
}
