import { SettingsRecord } from '../shared/settings';
import { decoderOf } from '../shared/validate';
import { addWithinCeiling } from '../shared/amount';
import { failedPrecondition } from '../shared/errors';
import type { CovenantContext } from '../shared/context';
import { findConfig } from '../consortium/config';
import { Reserve, ReserveRecord } from './schema';

/**
 * The notes reserve (`notes-reserve` [current]): the money held behind all notes, in minor units.
 * Deposits credit it, withdrawals debit it; so reserve = Σ unspent note value, and Σ account
 * balances + reserve is constant outside mint and withdraw. The pool belongs to everyone: its key
 * carries a key-level policy naming every consortium member (the consortium config's `members`),
 * set at its first write, so no organisation alone can move it.
 */
const RESERVE = new SettingsRecord<Reserve>('notes-reserve', 'current', decoderOf(ReserveRecord, 'notes reserve'));

/** The reserve's balance (0 before the first deposit). */
export async function reserveBalance(ctx: CovenantContext): Promise<bigint> {
  return (await RESERVE.find(ctx))?.balance ?? 0n;
}

/**
 * Adds `delta` (negative for a withdrawal) to the reserve. FAILED_PRECONDITION when the
 * consortium is not initialised (no member list for the policy), when the reserve would pass the
 * ceiling, or would go negative (never, while reserve = Σ unspent notes).
 */
export async function moveReserve(ctx: CovenantContext, delta: bigint): Promise<bigint> {
  const config = await findConfig(ctx);
  if (!config) throw failedPrecondition('the consortium is not initialised');
  const current = await reserveBalance(ctx);
  const balance = delta >= 0n ? addWithinCeiling(current, delta, 'the notes reserve') : current + delta;
  if (balance < 0n) throw failedPrecondition(`the notes reserve holds ${current}, less than ${-delta}`);
  await RESERVE.save(ctx, { balance }, config.members);
  return balance;
}
