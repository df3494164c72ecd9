import type { CovenantContext } from '../shared/context';
import { parseObjectArg } from '../shared/args';
import { HEX64 } from '../shared/hash';
import { invalidArgument } from '../shared/errors';
import { AccountStore } from '../accounts/account';
import type { Channel } from './channel';
import { PreimageRecord, newPreimageRecord, parseRevealRequest, preimageHash, revealTime, verifies } from './preimage';
import { PreimageStore } from './store';

/**
 * The ledger side of the preimage registry (preimage.ts holds the rule): publishing a preimage,
 * and reading the reveals a two-party settle depends on (BOLT 2/3 HTLC fulfilment on-chain,
 * htlc.ts; extends the two-party channels of ../shared/seeds/003).
 */

/**
 * revealPreimage: `request` is JSON `{preimage}` (1-64 bytes, lowercase hex); the caller must
 * hold an account (FAILED_PRECONDITION otherwise). Stores `{hash, preimage, revealedAt}` under
 * `preimage` [SHA-256(preimage)] unless a verifying record is already there: the first reveal
 * wins, a repeat writes nothing and answers the existing record (`created` false).
 */
export async function revealOnLedger(ctx: CovenantContext, request: string): Promise<{ record: PreimageRecord; created: boolean }> {
  const { preimage } = parseRevealRequest(parseObjectArg(request, 'request'));
  await new AccountStore(ctx).own();
  const store = new PreimageStore(ctx);
  const existing = await store.find(preimageHash(preimage));
  if (existing && verifies(existing)) return { record: existing, created: false };
  return { record: await store.save(newPreimageRecord(preimage, ctx.now)), created: true };
}

/** The registry record of `hash` (64 lowercase hex; INVALID_ARGUMENT otherwise), or NOT_FOUND. */
export async function preimageOf(ctx: CovenantContext, hash: string): Promise<PreimageRecord> {
  if (!HEX64.test(hash)) throw invalidArgument('hash must be a SHA-256 digest as 64 lowercase hex characters');
  return new PreimageStore(ctx).get(hash);
}

/**
 * The verified reveal time of every hash the registered state of CLOSING channel `c` locks on
 * (preimage.ts revealTime), as settleChannel takes it. Reads each registry key, present or not,
 * so the settle's read set holds them: a reveal committed concurrently invalidates the settle
 * (MVCC) instead of being overlooked.
 */
export async function revealsFor(ctx: CovenantContext, c: Channel): Promise<(hash: string) => string | undefined> {
  const store = new PreimageStore(ctx);
  const times = new Map<string, string | undefined>();
  for (const { hash } of c.status === 'CLOSING' ? (c.closing?.htlcs ?? []) : []) {
    if (!times.has(hash)) times.set(hash, revealTime(await store.find(hash), hash));
  }
  return (hash) => times.get(hash);
}
