import { Info, Returns, Transaction } from 'fabric-contract-api';
import { CovenantContract } from '../shared/contract';
import { CovenantContext } from '../shared/context';
import { forbidden, notFound } from '../shared/errors';
import { parseAmount } from '../shared/amount';
import { canonicalJson } from '../shared/canonical';
import { requireRole, rolesOf } from '../consortium/roles';
import { ACCOUNT_READER_ROLES, Account, AccountStore, accountAudience, credit, viewAccount } from './account';
import { parseLane, parseSubBalanceCount } from './sub-balance';
import * as payments from './payments';
import * as encryptionKeys from './encryption-key';

const MINT = 'mint';

/**
 * Accounts: one per Fabric identity; money enters by mint and leaves by withdraw
 * (DESIGN.md, "Money and accounts"). Contract name `accounts`.
 */
@Info({ title: 'accounts', description: 'Accounts, mint, transfer and withdraw' })
export class AccountsContract extends CovenantContract {
  constructor() {
    super('accounts');
  }

  /**
   * Registers the caller's account (idempotent). Returns `{created, account}`: `created` is false
   * when the account already existed. A renewed certificate with the same subject and issuer
   * replaces the stored one. The account key gets the owner organisation's key-level endorsement
   * policy. Event `AccountRegistered` (or `AccountCertificateRenewed`) when something changed.
   */
  @Transaction()
  @Returns('string')
  async register(ctx: CovenantContext): Promise<string> {
    const accounts = new AccountStore(ctx);
    const caller = ctx.caller;
    const existing = await accounts.find(caller.accountId);
    if (existing) {
      if (existing.certificate === caller.certificate) {
        return canonicalJson({ created: false, account: viewAccount(existing) });
      }
      const renewed = await accounts.save({ ...existing, certificate: caller.certificate });
      ctx.emit('AccountCertificateRenewed', { account: viewAccount(renewed) }, accountAudience(renewed));
      return canonicalJson({ created: false, account: viewAccount(renewed) });
    }
    const account: Account = {
      id: caller.accountId,
      mspId: caller.mspId,
      identity: caller.identity,
      certificate: caller.certificate,
      balance: 0n,
      held: 0n,
      activeEscrows: 0,
      createdAt: ctx.now,
      updatedAt: ctx.now,
    };
    const saved = await accounts.save(account, { create: true });
    ctx.emit('AccountRegistered', { account: viewAccount(saved) }, accountAudience(saved));
    return canonicalJson({ created: true, account: viewAccount(saved) });
  }

  /** The caller's own account view; NOT_FOUND when it has not registered. */
  @Transaction(false)
  @Returns('string')
  async getOwnAccount(ctx: CovenantContext): Promise<string> {
    const account = await new AccountStore(ctx).view(ctx.caller.accountId);
    if (!account) throw notFound('the caller has no account: register it first');
    return canonicalJson(viewAccount(account));
  }

  /**
   * An account view `{id, mspId, balance, held, activeEscrows, subBalances?, createdAt, updatedAt}`
   * (`balance`: the spendable total, sub-balances included).
   * Caller: the owner or an issuer. Errors: NOT_FOUND, FORBIDDEN.
   */
  @Transaction(false)
  @Returns('string')
  async getAccount(ctx: CovenantContext, accountId: string): Promise<string> {
    const account = await new AccountStore(ctx).view(accountId);
    if (!account) throw notFound(`account ${accountId} does not exist`);
    if (account.id !== ctx.caller.accountId && !(await rolesOf(ctx, ctx.caller.accountId)).some((r) => (ACCOUNT_READER_ROLES as readonly string[]).includes(r))) {
      throw forbidden('only the owner or an issuer may read this account');
    }
    return canonicalJson(viewAccount(account));
  }

  /**
   * The public identity of an account: `{id, mspId, certificate}` (PEM), so anyone can check
   * signatures the owner made off-chain (payment channel states, challenge responses) against the
   * same certificate the chaincode uses. Anyone may read it. Errors: NOT_FOUND.
   */
  @Transaction(false)
  @Returns('string')
  async getCertificate(ctx: CovenantContext, accountId: string): Promise<string> {
    const account = await new AccountStore(ctx).get(accountId);
    return canonicalJson({ id: account.id, mspId: account.mspId, certificate: account.certificate });
  }

  /**
   * Registers the caller's own encryption key (digital envelopes: gateway/src/envelopes/README.md)
   * from `request` JSON `{publicKey, kid}`: base64url of a 65-byte uncompressed P-256 point on the
   * curve, and its key id (base64url of the first 16 bytes of SHA-256 of the point). Returns
   * `{changed, key}`; the same key again changes nothing, another replaces it. Errors:
   * INVALID_ARGUMENT, FAILED_PRECONDITION (no account). Event `EncryptionKeySet {key}` (public).
   */
  @Transaction()
  @Returns('string')
  async setEncryptionKey(ctx: CovenantContext, request: string): Promise<string> {
    return canonicalJson(await encryptionKeys.setEncryptionKey(ctx, request));
  }

  /** An account's encryption key `{account, mspId, publicKey, kid, setAt}`; anyone may read it. Errors: NOT_FOUND. */
  @Transaction(false)
  @Returns('string')
  async getEncryptionKey(ctx: CovenantContext, accountId: string): Promise<string> {
    return canonicalJson(await encryptionKeys.getEncryptionKey(ctx, accountId));
  }

  /**
   * Creates `amount` minor units in an account. Caller: an identity with the issuer role.
   * A `mint` record keyed by transaction id is kept for reconciliation.
   * Errors: FORBIDDEN, NOT_FOUND, INVALID_ARGUMENT. Event `Minted {account, amount, issuer}`.
   */
  @Transaction()
  @Returns('string')
  async mint(ctx: CovenantContext, accountId: string, amount: string): Promise<string> {
    await requireRole(ctx, 'issuer');
    const value = parseAmount(amount, 'amount');
    const accounts = new AccountStore(ctx);
    const account = await accounts.save(credit(await accounts.get(accountId), value));
    const record = { txId: ctx.txId, account: account.id, amount: value, issuer: ctx.caller.accountId, at: ctx.now };
    await ctx.state.put(ctx.state.key(MINT, [ctx.txId]), record);
    ctx.emit('Minted', record, accountAudience(account));
    return canonicalJson(viewAccount(account));
  }

  /**
   * Moves `amount` from the caller's balance to account `to`. Returns
   * `{txId, from, to, amount, at, account}` (`account`: the caller's account after the transfer).
   * Errors: INVALID_ARGUMENT (bad amount, transfer to self), NOT_FOUND (no such recipient),
   * INSUFFICIENT_FUNDS. Event `Transferred {from, to, amount}`.
   */
  @Transaction()
  @Returns('string')
  async transfer(ctx: CovenantContext, to: string, amount: string): Promise<string> {
    return payments.transfer(ctx, to, amount);
  }

  /**
   * `transfer` debiting sub-balance `lane` (0..63) of the caller when it holds `amount` (reads and
   * writes that one payer key, so transfers on different lanes commit side by side); otherwise,
   * or when the caller has no such lane, exactly `transfer`. Returns `transfer`'s result, with
   * `subBalance {lane, balance}` (the lane after the debit) instead of `account` on the fast path.
   * Errors: `transfer`'s, and INVALID_ARGUMENT for a bad lane. Event `Transferred`.
   */
  @Transaction()
  @Returns('string')
  async transferFromSubBalance(ctx: CovenantContext, to: string, amount: string, lane: string): Promise<string> {
    return payments.transfer(ctx, to, amount, parseLane(lane));
  }

  /**
   * Takes `amount` out of the ledger from the caller's balance (money paid out by the bank).
   * A `withdrawal` record keyed by transaction id is kept for reconciliation. Returns
   * `{txId, amount, at, account}` (the caller's account after the withdrawal).
   * Errors: INVALID_ARGUMENT, INSUFFICIENT_FUNDS. Event `Withdrawn {account, amount}`.
   */
  @Transaction()
  @Returns('string')
  async withdraw(ctx: CovenantContext, amount: string): Promise<string> {
    return payments.withdraw(ctx, amount);
  }

  /** `withdraw` from sub-balance `lane` when it holds `amount`, as `transferFromSubBalance`. */
  @Transaction()
  @Returns('string')
  async withdrawFromSubBalance(ctx: CovenantContext, amount: string, lane: string): Promise<string> {
    return payments.withdraw(ctx, amount, parseLane(lane));
  }

  /**
   * Splits the caller's spendable balance across `count` sub-balance keys (0..64; 0 or 1 merges
   * them back onto the account key), evenly with the remainder to lane 0; each key carries the
   * owner organisation's key-level policy. Caller: the owner of `accountId`. Returns the account
   * view (`subBalances`: the count, absent for none). Errors: INVALID_ARGUMENT, FORBIDDEN (not the
   * owner), FAILED_PRECONDITION (the caller has no account). Event `SubBalancesSet {account}`.
   * Design: accounts/README.md, "Hot payers".
   */
  @Transaction()
  @Returns('string')
  async setSubBalances(ctx: CovenantContext, accountId: string, count: string): Promise<string> {
    const n = parseSubBalanceCount(count);
    if (accountId !== ctx.caller.accountId) throw forbidden('only the owner may split its balance into sub-balances');
    const accounts = new AccountStore(ctx);
    const account = await accounts.setSubBalances(await accounts.own(), n);
    ctx.emit('SubBalancesSet', { account: viewAccount(account) }, accountAudience(account));
    return canonicalJson(viewAccount(account));
  }
}
