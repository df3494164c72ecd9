import { failedPrecondition, forbidden } from '../shared/errors';
import type { Escrow, RulingOutcome } from './record';
import { isParty } from './record';

/**
 * Arbitration of an escrow (Covenant's way out beyond the patent): a party of an ACTIVE escrow
 * that names an arbitrator disputes it, and that arbitrator rules. Pure, like lifecycle.ts.
 */
/**
 * A party of an ACTIVE escrow that names an arbitrator opens a dispute: DISPUTED, money stays
 * held. FORBIDDEN (not a party), FAILED_PRECONDITION (not ACTIVE, or no arbitrator named).
 */
export function disputeEscrow(e: Escrow, caller: string, request: { reason: string; evidenceHash?: string }, now: string): Escrow {
  if (!isParty(e, caller)) throw forbidden(`only a party to escrow ${e.id} may dispute it`);
  if (e.status !== 'ACTIVE') throw failedPrecondition(`escrow ${e.id} is ${e.status}, not ACTIVE`);
  if (e.arbitrator === undefined) throw failedPrecondition(`escrow ${e.id} names no arbitrator: the parties settle it by completion or cancellation`);
  return { ...e, status: 'DISPUTED', dispute: { by: caller, reason: request.reason, evidenceHash: request.evidenceHash, at: now }, updatedAt: now };
}

/**
 * The escrow's named arbitrator rules a DISPUTED escrow: COMPLETE -> COMPLETED (the contract pays
 * the recipients as by completion), REFUND -> REFUNDED (the contract refunds the initiator as by
 * cancellation); the ruling is kept on the escrow. Whether the caller still holds the arbitrator
 * role is the contract's (ledger) check. FORBIDDEN (not the named arbitrator),
 * FAILED_PRECONDITION (not DISPUTED, e.g. already ruled or settled by the parties).
 */
export function ruleEscrow(e: Escrow, caller: string, request: { outcome: RulingOutcome; reasons: string }, now: string): Escrow {
  if (e.arbitrator === undefined || caller !== e.arbitrator) throw forbidden(`only the arbitrator named by escrow ${e.id} may rule it`);
  if (e.status !== 'DISPUTED') throw failedPrecondition(`escrow ${e.id} is ${e.status}, not DISPUTED`);
  const ruling = { outcome: request.outcome, reasons: request.reasons, arbitrator: caller, at: now };
  return request.outcome === 'COMPLETE'
    ? { ...e, status: 'COMPLETED', ruling, updatedAt: now, completedAt: now }
    : { ...e, status: 'REFUNDED', ruling, updatedAt: now };
}
