import type { CovenantContext } from '../shared/context';
import { parseId, parseObjectArg } from '../shared/args';
import { requireRole } from '../consortium/roles';
import { Dispute, PlannedMovement, parseRuling, ruleDispute } from './dispute';
import type { Signing } from './investment';
import { Treasury } from './money';
import { ContractStore, DisputeStore, SigningStore } from './store';
import { countDelegateSigning, signingOf } from './signings';

/**
 * DisputeArbitration on the ledger (Algorithm 3): an arbitrator's ruling planned by ruleDispute
 * (dispute.ts, pure) and carried out here: the movements of Penalty or Settlement, the ruled
 * dispute, the finished signing, its contract and its delegate.
 */

/** Carries out a ruling's planned movements (refunds and payments from holds). */
export async function applyMovements(ctx: CovenantContext, movements: PlannedMovement[]): Promise<Treasury> {
  const treasury = new Treasury(ctx);
  for (const m of movements) {
    if (m.type === 'refund') await treasury.refund(m.kind, m.from, m.amount);
    else await treasury.pay(m.kind, m.from, m.to, m.amount);
  }
  return treasury;
}

/**
 * Rules dispute `disputeId` with the JSON `request` `{ruling, reason}`: FORBIDDEN unless the
 * caller holds the arbitrator role (and is not a party), NOT_FOUND, FAILED_PRECONDITION (ruled),
 * INVALID_ARGUMENT. Returns the ruled dispute and the finished signing.
 */
export async function ruleOnLedger(ctx: CovenantContext, disputeId: string, request: string): Promise<{ dispute: Dispute; signing: Signing }> {
    await requireRole(ctx, 'arbitrator');
    const { ruling, reason } = parseRuling(parseObjectArg(request, 'request'));
    const disputes = new DisputeStore(ctx);
    const dispute = await disputes.get(parseId(disputeId, 'disputeId'));
    const { signing, contract } = await signingOf(ctx, dispute.contractId, dispute.signingId);
    const result = ruleDispute({ dispute, signing, contract, arbitrator: ctx.caller.accountId, ruling, reason, txId: ctx.txId, now: ctx.now });
    await applyMovements(ctx, result.movements);
    await disputes.save(result.dispute);
    await new SigningStore(ctx).save(result.signing);
    // ruleDispute counted the finished signing on the contract; its delegate counts it here.
    await new ContractStore(ctx).save(result.contract);
    await countDelegateSigning(ctx, signing.issuer, signing.delegate, 'ended');
  return result;
}
