import type { CovenantContext } from '../shared/context';
import { Account, AccountStore, credit, debit } from '../accounts/account';
import type { Channel } from './channel';

/**
 * Money between accounts and two-party channels, the only two movements channels make (so the
 * sum of balances + held plus every OPEN or CLOSING channel's total is invariant):
 * L.remove when a channel opens, L.add when it closes or settles.
 */

/** L.remove: debits each party's deposit from its balance into the channel (INSUFFICIENT_FUNDS). */
export async function payIn(ctx: CovenantContext, parties: Account[], deposits: bigint[]): Promise<void> {
  const accounts = new AccountStore(ctx);
  for (const [i, party] of parties.entries()) {
    if (deposits[i] > 0n) await accounts.save(debit(party, deposits[i]));
  }
}

/** L.add: credits a closed channel's balances to its parties. */
export async function payOut(ctx: CovenantContext, c: Channel): Promise<void> {
  const accounts = new AccountStore(ctx);
  for (const [i, party] of c.parties.entries()) {
    if (c.balances[i] > 0n) await accounts.save(credit(await accounts.get(party), c.balances[i]));
  }
}
