import type { CovenantContext } from '../shared/context';
import { invalidArgument } from '../shared/errors';
import { parseAmount } from '../shared/amount';
import { canonicalJson } from '../shared/canonical';
import { partiesAudience } from '../shared/audience';
import { AccountStore, accountAudience, debit, viewAccount } from './account';
import type { SubBalance } from './sub-balance';

const WITHDRAWAL = 'withdrawal';

/**
 * The payer's side of a transfer or withdrawal: sub-balance `lane` when it holds the amount (the
 * fast path: that one key is read and written), else the whole spendable balance (the slow path:
 * account key and every sub-balance; INSUFFICIENT_FUNDS when the total is short). `check` runs
 * with the payer's id before the transaction goes on (its refusal discards the debit with the rest). Returns the payer's id and organisation, and
 * what the caller may be shown: its whole account (slow path) or the debited lane (fast path).
 */
async function debitPayer(
  ctx: CovenantContext,
  accounts: AccountStore,
  amount: bigint,
  lane: number | undefined,
  check: (payerId: string) => Promise<void>,
): Promise<{ id: string; mspId: string; account?: ReturnType<typeof viewAccount>; subBalance?: SubBalance }> {
  if (lane !== undefined) {
    const subBalance = await accounts.debitSubBalance(lane, amount);
    if (subBalance) {
      await check(subBalance.account); // a refusal discards the whole transaction, the debit too
      return { id: subBalance.account, mspId: ctx.caller.mspId, subBalance };
    }
  }
  const from = await accounts.own();
  await check(from.id);
  const saved = await accounts.save(debit(from, amount));
  return { id: saved.id, mspId: saved.mspId, account: viewAccount(saved) };
}

/** The view of a debited lane in a fast-path result: `{lane, balance}` (balance a decimal string). */
function viewLane(s: SubBalance): { lane: number; balance: string } {
  return { lane: s.lane, balance: s.balance.toString() };
}

/**
 * accounts:transfer and accounts:transferFromSubBalance: moves `amount` from the caller to `to`.
 * The recipient is credited on its account key alone. Returns `{txId, from, to, amount, at}` plus
 * `account` (the caller's account after the transfer) on the slow path, or `subBalance` (the
 * debited lane after it) on the fast path. Errors: INVALID_ARGUMENT (bad amount, transfer to
 * self), FAILED_PRECONDITION (the caller has no account; the recipient's ceiling), NOT_FOUND (no
 * such recipient), INSUFFICIENT_FUNDS. Event `Transferred {from, to, amount}`.
 */
export async function transfer(ctx: CovenantContext, to: string, amount: string, lane?: number): Promise<string> {
  const value = parseAmount(amount, 'amount');
  const accounts = new AccountStore(ctx);
  let payee: Awaited<ReturnType<AccountStore['payee']>> | undefined;
  const payer = await debitPayer(ctx, accounts, value, lane, async (payerId) => {
    if (to === payerId) throw invalidArgument('cannot transfer to the same account');
    payee = await accounts.payee(to);
  });
  await payee!.credit(value);
  const event = { txId: ctx.txId, from: payer.id, to, amount: value, at: ctx.now };
  // Only the two parties (and their organisations' administrators) see a transfer: issuers may
  // read each account, but not who paid whom.
  ctx.emit('Transferred', event, partiesAudience({ accounts: [payer.id, to], organizations: [payer.mspId, payee!.mspId] }));
  return canonicalJson({ ...event, account: payer.account, subBalance: payer.subBalance && viewLane(payer.subBalance) });
}

/**
 * accounts:withdraw and accounts:withdrawFromSubBalance: takes `amount` out of the ledger from
 * the caller's balance; a `withdrawal` record keyed by transaction id is kept for reconciliation.
 * Returns `{txId, amount, at}` plus `account` (slow path) or `subBalance` (fast path), as
 * `transfer`. Errors: INVALID_ARGUMENT, FAILED_PRECONDITION, INSUFFICIENT_FUNDS. Event
 * `Withdrawn {txId, account, amount, at}`.
 */
export async function withdraw(ctx: CovenantContext, amount: string, lane?: number): Promise<string> {
  const value = parseAmount(amount, 'amount');
  const accounts = new AccountStore(ctx);
  const payer = await debitPayer(ctx, accounts, value, lane, async () => undefined);
  const record = { txId: ctx.txId, account: payer.id, amount: value, at: ctx.now };
  await ctx.state.put(ctx.state.key(WITHDRAWAL, [ctx.txId]), record);
  ctx.emit('Withdrawn', record, accountAudience({ id: payer.id, mspId: payer.mspId }));
  return canonicalJson({ txId: ctx.txId, amount: value, at: ctx.now, account: payer.account, subBalance: payer.subBalance && viewLane(payer.subBalance) });
}
