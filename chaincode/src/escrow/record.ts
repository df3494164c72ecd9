import { literalsOf } from '../shared/schema';
import { decoderOf } from '../shared/validate';
import { Escrow, EscrowRecord, EscrowStatus, EscrowView, RulingOutcome } from './schema';
import { invalidArgument } from '../shared/errors';
import { addSeconds } from '../shared/time';
import { Audience, partiesAudience } from '../shared/audience';

/**
 * The escrow of patent CN108399571A ("trustless P2P transaction"): an initiator locks an amount
 * for one or more recipients with a distribution rule; each recipient confirms (the amount is then
 * frozen); the initiator's completion pays the recipients by the rule; cancellation needs the
 * approval of every party once any recipient has confirmed.
 *
 * Beyond the patent, every lock has a way out (DESIGN.md, "Consent, exactly-once, visibility"):
 * - decline: a recipient that has not confirmed refuses a PROPOSED escrow (DECLINED, refund);
 * - acceptance deadline: `acceptBy` (default 7 days, at most 366 days after creation); later
 *   confirmations are refused and the initiator alone reclaims a still PROPOSED escrow (EXPIRED,
 *   refund);
 * - arbitrator: an account with the ledger arbitrator role named at creation (recipients accept it
 *   by confirming); a party of an ACTIVE escrow opens a dispute (DISPUTED) and the arbitrator
 *   rules COMPLETE (COMPLETED, recipients paid as by completion) or REFUND (REFUNDED, initiator
 *   refunded as by cancellation). While DISPUTED the parties may still settle themselves.
 *
 * This module is pure: it checks rules and computes new escrow values; the contract applies them
 * to accounts and the world state (`settlementOf` says which money movement a new status needs).
 */
export type { Escrow, EscrowStatus, RulingOutcome };
/** The statuses, in lifecycle order (the EscrowStatus schema's members). */
export const ESCROW_STATUSES: readonly EscrowStatus[] = literalsOf(EscrowStatus);
/** Statuses in which the initiator's hold is still locked; every other status is final. */
export const OPEN_STATUSES: readonly EscrowStatus[] = ['PROPOSED', 'ACTIVE', 'DISPUTED'];

/** `acceptBy` when the request gives none: 7 days after the transaction time. */
export const DEFAULT_ACCEPT_WINDOW_SECONDS = 7 * 24 * 3600;
/** Latest `acceptBy` a request may give: 366 days after the transaction time. */
export const MAX_ACCEPT_WINDOW_SECONDS = 366 * 24 * 3600;
const WHAT = 'escrow';

export function isParty(e: Escrow, account: string): boolean {
  return e.initiator === account || e.recipients.some((r) => r.account === account);
}

/** Who may read an escrow and its history: its parties and its named arbitrator. */
export function mayRead(e: Escrow, account: string): boolean {
  return isParty(e, account) || e.arbitrator === account;
}

/**
 * Who receives the escrow's events: its readers (mayRead) and their organisations'
 * administrators (the parties' organisations: the escrow key's endorsement policy).
 */
export function escrowAudience(e: Escrow): Audience {
  const readers = [e.initiator, ...e.recipients.map((r) => r.account), ...(e.arbitrator ? [e.arbitrator] : [])];
  return partiesAudience({ accounts: readers, organizations: e.organizations });
}

export function isOpen(e: Escrow): boolean {
  return OPEN_STATUSES.includes(e.status);
}

export function parseStatus(raw: string): EscrowStatus {
  if (!(ESCROW_STATUSES as readonly string[]).includes(raw)) {
    throw invalidArgument(`status must be one of ${ESCROW_STATUSES.join(', ')}`);
  }
  return raw as EscrowStatus;
}

/**
 * Decodes a stored escrow (a corrupt one is a plain Error). Escrows stored before acceptance
 * deadlines existed get the default one, so they too have a way out.
 */
export const decodeEscrow = decoderOf(EscrowRecord, WHAT, (e): Escrow => ({ ...e, acceptBy: e.acceptBy ?? addSeconds(e.createdAt, DEFAULT_ACCEPT_WINDOW_SECONDS) }));

/** The escrow as shown to callers: amounts as decimal strings. */
export function viewEscrow(e: Escrow): EscrowView {
  return {
    ...e,
    amount: e.amount.toString(),
    recipients: e.recipients.map((r) => ({ ...r, amount: r.amount.toString() })),
  };
}
export type { EscrowView };
