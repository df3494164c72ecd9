import type { CovenantContext } from '../shared/context';
import { notFound } from '../shared/errors';
import { parseId } from '../shared/args';
import { rolesOf } from '../consortium/roles';
import type { InvestmentContract, Signing } from './investment';
import type { PlannedMovement } from './dispute';
import { SigningChange, countSigning } from './signing-count';
import { ContractStore, DelegateStore, SigningStore } from './store';
import { Treasury } from './money';

/**
 * The ledger side of DBCS-SC signings and their disputes, shared by the investment contract's
 * transactions: loading a signing with its contract, the open-signing counters of a contract and
 * its delegate, the arbitrator check, and applying a ruling's planned movements.
 */

/** Signing `signingId` of contract `contractId`, with its contract: NOT_FOUND when either is missing or they do not match. */
export async function signingOf(ctx: CovenantContext, contractId: string, signingId: string): Promise<{ signing: Signing; contract: InvestmentContract }> {
  const signing = await new SigningStore(ctx).find(parseId(signingId, 'signingId'));
  if (!signing || signing.contractId !== parseId(contractId, 'contractId')) throw notFound(`signing ${signingId} of contract ${contractId} does not exist`);
  return { signing, contract: await new ContractStore(ctx).get(signing.contractId) };
}

/** Writes the delegate `manager` of `issuer` with one signing more or less (countSigning). */
export async function countDelegateSigning(ctx: CovenantContext, issuer: string, manager: string, change: SigningChange): Promise<void> {
  const delegates = new DelegateStore(ctx);
  await delegates.save(countSigning(await delegates.get(issuer, manager), change, ctx.now));
}

/** A signing opened or finished: its contract and its delegate count it (countSigning). */
export async function countContractSigning(ctx: CovenantContext, contract: InvestmentContract, manager: string, change: SigningChange): Promise<void> {
  await new ContractStore(ctx).save(countSigning(contract, change, ctx.now));
  await countDelegateSigning(ctx, contract.issuer, manager, change);
}

/** True when the caller holds the ledger arbitrator role (arbitrators may read every signing and dispute). */
export async function isArbitrator(ctx: CovenantContext): Promise<boolean> {
  return (await rolesOf(ctx, ctx.caller.accountId)).includes('arbitrator');
}

/** Carries out a ruling's planned movements (refunds and payments from holds) and returns the treasury that recorded them. */
export async function applyMovements(ctx: CovenantContext, movements: PlannedMovement[]): Promise<Treasury> {
  const treasury = new Treasury(ctx);
  for (const m of movements) {
    if (m.type === 'refund') await treasury.refund(m.kind, m.from, m.amount);
    else await treasury.pay(m.kind, m.from, m.to, m.amount);
  }
  return treasury;
}
