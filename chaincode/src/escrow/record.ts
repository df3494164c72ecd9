import { asObject, big, bool, optStr, str, strArray } from '../shared/decode';
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
export type EscrowStatus = 'PROPOSED' | 'ACTIVE' | 'DISPUTED' | 'COMPLETED' | 'CANCELLED' | 'DECLINED' | 'EXPIRED' | 'REFUNDED';
export const ESCROW_STATUSES: readonly EscrowStatus[] = ['PROPOSED', 'ACTIVE', 'DISPUTED', 'COMPLETED', 'CANCELLED', 'DECLINED', 'EXPIRED', 'REFUNDED'];
/** Statuses in which the initiator's hold is still locked; every other status is final. */
export const OPEN_STATUSES: readonly EscrowStatus[] = ['PROPOSED', 'ACTIVE', 'DISPUTED'];
export type RulingOutcome = 'COMPLETE' | 'REFUND';
export const RULING_OUTCOMES: readonly RulingOutcome[] = ['COMPLETE', 'REFUND'];

export interface EscrowRecipient {
  account: string;
  /** This recipient's part of the escrow amount, minor units. */
  amount: bigint;
  /** The share in basis points when the rule was given as shares. */
  shareBps?: number;
  confirmed: boolean;
  confirmedAt?: string;
}

export interface Escrow {
  id: string;
  status: EscrowStatus;
  initiator: string;
  amount: bigint;
  recipients: EscrowRecipient[];
  terms?: string;
  /** SHA-256 hex of the terms: given by the initiator, or computed from `terms`. */
  termsHash?: string;
  /** Parties (initiator or recipients) that approved cancellation, in approval order. */
  cancelApprovals: string[];
  /** MSP IDs of every party's organisation: the escrow key's endorsement policy. */
  organizations: string[];
  /**
   * Confirmations are accepted at or before this time; after it the initiator may reclaim a
   * PROPOSED escrow. Records stored before deadlines existed read as 7 days after `createdAt`.
   */
  acceptBy: string;
  /** Account with the ledger arbitrator role that rules a dispute; not a party. */
  arbitrator?: string;
  decline?: { by: string; reason?: string; at: string };
  dispute?: { by: string; reason: string; evidenceHash?: string; at: string };
  ruling?: { outcome: RulingOutcome; reasons: string; arbitrator: string; at: string };
  createdAt: string;
  updatedAt: string;
  completedAt?: string;
  cancelledAt?: string;
  expiredAt?: string;
}


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

export function decodeEscrow(raw: unknown): Escrow {
  const o = asObject(raw, WHAT);
  const recipients = o.recipients;
  if (!Array.isArray(recipients)) throw new Error('corrupt escrow: recipients is not a list');
  return {
    id: str(o, 'id', WHAT),
    status: parseStatus(str(o, 'status', WHAT)),
    initiator: str(o, 'initiator', WHAT),
    amount: big(o, 'amount', WHAT),
    recipients: recipients.map((raw) => {
      const r = asObject(raw, 'escrow recipient');
      return {
        account: str(r, 'account', WHAT),
        amount: big(r, 'amount', WHAT),
        shareBps: typeof r.shareBps === 'number' ? r.shareBps : undefined,
        confirmed: bool(r, 'confirmed', WHAT),
        confirmedAt: optStr(r, 'confirmedAt', WHAT),
      };
    }),
    terms: optStr(o, 'terms', WHAT),
    termsHash: optStr(o, 'termsHash', WHAT),
    cancelApprovals: strArray(o, 'cancelApprovals', WHAT),
    organizations: strArray(o, 'organizations', WHAT),
    // Escrows stored before acceptance deadlines existed get the default one, so they too have a way out.
    acceptBy: optStr(o, 'acceptBy', WHAT) ?? addSeconds(str(o, 'createdAt', WHAT), DEFAULT_ACCEPT_WINDOW_SECONDS),
    arbitrator: optStr(o, 'arbitrator', WHAT),
    decline: optional(o.decline, (d) => ({ by: str(d, 'by', WHAT), reason: optStr(d, 'reason', WHAT), at: str(d, 'at', WHAT) })),
    dispute: optional(o.dispute, (d) => ({
      by: str(d, 'by', WHAT),
      reason: str(d, 'reason', WHAT),
      evidenceHash: optStr(d, 'evidenceHash', WHAT),
      at: str(d, 'at', WHAT),
    })),
    ruling: optional(o.ruling, (r) => {
      const outcome = str(r, 'outcome', WHAT);
      if (!(RULING_OUTCOMES as readonly string[]).includes(outcome)) throw new Error(`corrupt escrow: ruling outcome ${outcome}`);
      return { outcome: outcome as RulingOutcome, reasons: str(r, 'reasons', WHAT), arbitrator: str(r, 'arbitrator', WHAT), at: str(r, 'at', WHAT) };
    }),
    createdAt: str(o, 'createdAt', WHAT),
    updatedAt: str(o, 'updatedAt', WHAT),
    completedAt: optStr(o, 'completedAt', WHAT),
    cancelledAt: optStr(o, 'cancelledAt', WHAT),
    expiredAt: optStr(o, 'expiredAt', WHAT),
  };
}

function optional<T>(raw: unknown, decode: (o: Record<string, unknown>) => T): T | undefined {
  return raw === undefined ? undefined : decode(asObject(raw, WHAT));
}

/** The escrow as shown to callers: amounts as decimal strings. */
export function viewEscrow(e: Escrow) {
  return {
    ...e,
    amount: e.amount.toString(),
    recipients: e.recipients.map((r) => ({ ...r, amount: r.amount.toString() })),
  };
}
export type EscrowView = ReturnType<typeof viewEscrow>;
