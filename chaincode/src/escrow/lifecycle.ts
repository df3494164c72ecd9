import { alreadyExists, failedPrecondition, forbidden, invalidArgument } from '../shared/errors';
import { addSeconds } from '../shared/time';
import { sha256Hex } from '../shared/hash';
import { DEFAULT_ACCEPT_WINDOW_SECONDS, Escrow, EscrowStatus, MAX_ACCEPT_WINDOW_SECONDS, isOpen, isParty } from './record';
import { CreateEscrowRequest, distribute } from './requests';

/**
 * The escrow's life between the parties (patent CN108399571A): proposal, confirmation,
 * completion, cancellation by every party, and the ways out of decline and expiry. Pure: each
 * function checks the rules and returns the next escrow value; `settlementOf` says which money
 * movement the contract applies for it.
 */
/**
 * A new PROPOSED escrow from a checked request. INVALID_ARGUMENT for a duplicate or self
 * recipient, an arbitrator that is a party, or an `acceptBy` not after `now` or more than 366 days
 * after it. Whether the arbitrator holds the role, and the parties' organisations (the escrow's
 * `organizations`), are the contract's (ledger) business.
 */
export function proposeEscrow(args: {
  id: string;
  initiator: string;
  request: CreateEscrowRequest;
  now: string;
}): Omit<Escrow, 'organizations'> {
  const { id, initiator, request, now } = args;
  const accounts = request.recipients.map((r) => r.account);
  if (new Set(accounts).size !== accounts.length) throw invalidArgument('a recipient is listed twice');
  if (accounts.includes(initiator)) throw invalidArgument('the initiator cannot be a recipient');
  if (request.arbitrator !== undefined && (request.arbitrator === initiator || accounts.includes(request.arbitrator))) {
    throw invalidArgument('the arbitrator cannot be a party to the escrow');
  }
  const latest = addSeconds(now, MAX_ACCEPT_WINDOW_SECONDS);
  const acceptBy = request.acceptBy ?? addSeconds(now, DEFAULT_ACCEPT_WINDOW_SECONDS);
  if (acceptBy <= now) throw invalidArgument(`acceptBy must be after the transaction time ${now}`);
  if (acceptBy > latest) throw invalidArgument(`acceptBy must be at most 366 days after the transaction time (${latest})`);
  const termsHash = request.terms !== undefined ? sha256Hex(request.terms) : request.termsHash;
  if (request.terms !== undefined && request.termsHash !== undefined && request.termsHash !== termsHash) {
    throw invalidArgument('termsHash does not match the SHA-256 of terms');
  }
  return {
    id,
    status: 'PROPOSED',
    initiator,
    amount: request.amount,
    recipients: distribute(request.amount, request.recipients).map((r) => ({ ...r, confirmed: false })),
    terms: request.terms,
    termsHash,
    cancelApprovals: [],
    acceptBy,
    arbitrator: request.arbitrator,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * The money movement a transition into `next.status` needs: `pay` (the hold pays every recipient
 * its amount: completion or a COMPLETE ruling), `refund` (the hold goes back to the initiator's
 * balance: cancellation, decline, expiry or a REFUND ruling), or none while the escrow stays open.
 * Either way every recipient that confirmed leaves its active-escrow count.
 */
export function settlementOf(next: Escrow): 'pay' | 'refund' | undefined {
  switch (next.status) {
    case 'COMPLETED':
      return 'pay';
    case 'CANCELLED':
    case 'DECLINED':
    case 'EXPIRED':
    case 'REFUNDED':
      return 'refund';
    default:
      return undefined;
  }
}


/**
 * A recipient confirms; the last confirmation makes the escrow ACTIVE (the amount is frozen).
 * FORBIDDEN (not a recipient), FAILED_PRECONDITION (not PROPOSED, already confirmed, or after
 * `acceptBy`).
 */
export function confirmEscrow(e: Escrow, caller: string, now: string): Escrow {
  const index = e.recipients.findIndex((r) => r.account === caller);
  if (index < 0) throw forbidden(`only a recipient of escrow ${e.id} may confirm it`);
  if (e.status !== 'PROPOSED') throw failedPrecondition(`escrow ${e.id} is ${e.status}, not PROPOSED`);
  if (e.recipients[index].confirmed) throw failedPrecondition(`recipient ${caller} already confirmed escrow ${e.id}`);
  if (now > e.acceptBy) {
    throw failedPrecondition(`escrow ${e.id} could be confirmed until ${e.acceptBy}; the initiator may now reclaim it`);
  }
  const recipients = e.recipients.map((r, i) => (i === index ? { ...r, confirmed: true, confirmedAt: now } : r));
  const status: EscrowStatus = recipients.every((r) => r.confirmed) ? 'ACTIVE' : 'PROPOSED';
  return { ...e, recipients, status, updatedAt: now };
}

/**
 * The initiator completes an ACTIVE (or DISPUTED: the parties may always settle themselves)
 * escrow; the contract then pays every recipient its amount.
 */
export function completeEscrow(e: Escrow, caller: string, now: string): Escrow {
  if (caller !== e.initiator) throw forbidden(`only the initiator of escrow ${e.id} may complete it`);
  if (e.status !== 'ACTIVE' && e.status !== 'DISPUTED') throw failedPrecondition(`escrow ${e.id} is ${e.status}, not ACTIVE or DISPUTED`);
  return { ...e, status: 'COMPLETED', updatedAt: now, completedAt: now };
}

/**
 * A party asks to cancel an open escrow (PROPOSED, ACTIVE, or DISPUTED: the parties may settle a
 * dispute themselves). Before any recipient has confirmed, the initiator alone withdraws the
 * offer. Otherwise the approval is recorded and the escrow is CANCELLED when every party
 * (initiator and all recipients) has approved; the contract then refunds the initiator.
 */
export function cancelEscrow(e: Escrow, caller: string, now: string): Escrow {
  if (!isParty(e, caller)) throw forbidden(`only a party to escrow ${e.id} may cancel it`);
  if (!isOpen(e)) throw failedPrecondition(`escrow ${e.id} is already ${e.status}`);
  const anyConfirmed = e.recipients.some((r) => r.confirmed);
  if (!anyConfirmed && caller === e.initiator) {
    return { ...e, status: 'CANCELLED', cancelApprovals: [...e.cancelApprovals, caller], updatedAt: now, cancelledAt: now };
  }
  if (e.cancelApprovals.includes(caller)) throw alreadyExists(`${caller} already approved cancelling escrow ${e.id}`);
  const cancelApprovals = [...e.cancelApprovals, caller];
  const parties = [e.initiator, ...e.recipients.map((r) => r.account)];
  const all = parties.every((p) => cancelApprovals.includes(p));
  return all
    ? { ...e, status: 'CANCELLED', cancelApprovals, updatedAt: now, cancelledAt: now }
    : { ...e, cancelApprovals, updatedAt: now };
}

/**
 * A recipient that has not confirmed declines a PROPOSED escrow: DECLINED, and the contract
 * refunds the initiator. FORBIDDEN (not a recipient), FAILED_PRECONDITION (not PROPOSED, or this
 * recipient already confirmed: its consent was given, it may ask for cancellation instead).
 */
export function declineEscrow(e: Escrow, caller: string, request: { reason?: string }, now: string): Escrow {
  const recipient = e.recipients.find((r) => r.account === caller);
  if (!recipient) throw forbidden(`only a recipient of escrow ${e.id} may decline it`);
  if (e.status !== 'PROPOSED') throw failedPrecondition(`escrow ${e.id} is ${e.status}, not PROPOSED`);
  if (recipient.confirmed) throw failedPrecondition(`recipient ${caller} already confirmed escrow ${e.id}; ask for cancellation instead`);
  return { ...e, status: 'DECLINED', decline: { by: caller, reason: request.reason, at: now }, updatedAt: now };
}

/**
 * The initiator reclaims a PROPOSED escrow after its `acceptBy`: EXPIRED, and the contract refunds
 * the initiator. FORBIDDEN (not the initiator), FAILED_PRECONDITION (not PROPOSED, or the
 * deadline not yet passed).
 */
export function reclaimEscrow(e: Escrow, caller: string, now: string): Escrow {
  if (caller !== e.initiator) throw forbidden(`only the initiator of escrow ${e.id} may reclaim it`);
  if (e.status !== 'PROPOSED') throw failedPrecondition(`escrow ${e.id} is ${e.status}, not PROPOSED`);
  if (now <= e.acceptBy) throw failedPrecondition(`escrow ${e.id} may be reclaimed after its acceptance deadline ${e.acceptBy}`);
  return { ...e, status: 'EXPIRED', updatedAt: now, expiredAt: now };
}
