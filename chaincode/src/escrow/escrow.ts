import { createHash } from 'node:crypto';
import { asObject, big, bool, optStr, str, strArray } from '../shared/decode';
import { alreadyExists, failedPrecondition, forbidden, invalidArgument } from '../shared/errors';
import { parseAmount } from '../shared/amount';
import { parseId, rejectUnknownFields } from '../shared/args';
import { addSeconds, optionalText, parseSha256, parseText, parseTimestamp } from '../shared/fields';
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

export interface CreateEscrowRequest {
  id?: string;
  amount: bigint;
  recipients: { account: string; shareBps?: number; amount?: bigint }[];
  terms?: string;
  termsHash?: string;
  acceptBy?: string;
  arbitrator?: string;
}

export const MAX_RECIPIENTS = 50;
export const MAX_TERMS_LENGTH = 4096;
/** Longest decline reason, dispute reason and ruling reasons, in characters. */
export const MAX_REASON_LENGTH = 4096;
export const TOTAL_BPS = 10_000;
/** `acceptBy` when the request gives none: 7 days after the transaction time. */
export const DEFAULT_ACCEPT_WINDOW_SECONDS = 7 * 24 * 3600;
/** Latest `acceptBy` a request may give: 366 days after the transaction time. */
export const MAX_ACCEPT_WINDOW_SECONDS = 366 * 24 * 3600;
const WHAT = 'escrow';

/** Validates the JSON body of an escrow creation; INVALID_ARGUMENT for anything malformed. */
export function parseCreateRequest(body: Record<string, unknown>): CreateEscrowRequest {
  rejectUnknownFields(body, ['id', 'amount', 'recipients', 'terms', 'termsHash', 'acceptBy', 'arbitrator'], 'escrow');
  const request: CreateEscrowRequest = { amount: parseAmount(body.amount, 'amount'), recipients: [] };
  if (body.id !== undefined) request.id = parseId(body.id, 'id');
  if (body.acceptBy !== undefined) request.acceptBy = parseTimestamp(body.acceptBy, 'acceptBy');
  if (body.arbitrator !== undefined) {
    if (typeof body.arbitrator !== 'string' || body.arbitrator.length === 0) throw invalidArgument('arbitrator must be an account id');
    request.arbitrator = body.arbitrator;
  }
  if (body.terms !== undefined) {
    if (typeof body.terms !== 'string' || body.terms.length === 0 || body.terms.length > MAX_TERMS_LENGTH) {
      throw invalidArgument(`terms must be a string of 1 to ${MAX_TERMS_LENGTH} characters`);
    }
    request.terms = body.terms;
  }
  if (body.termsHash !== undefined) request.termsHash = parseSha256(body.termsHash, 'termsHash');
  const recipients = body.recipients;
  if (!Array.isArray(recipients) || recipients.length === 0 || recipients.length > MAX_RECIPIENTS) {
    throw invalidArgument(`recipients must list 1 to ${MAX_RECIPIENTS} recipients`);
  }
  for (const [i, raw] of recipients.entries()) {
    if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalidArgument(`recipients[${i}] must be an object`);
    const r = raw as Record<string, unknown>;
    rejectUnknownFields(r, ['account', 'shareBps', 'amount'], `recipients[${i}]`);
    if (typeof r.account !== 'string' || r.account.length === 0) throw invalidArgument(`recipients[${i}].account is required`);
    if ((r.shareBps === undefined) === (r.amount === undefined)) {
      throw invalidArgument(`recipients[${i}] needs exactly one of shareBps and amount`);
    }
    const entry: CreateEscrowRequest['recipients'][number] = { account: r.account };
    if (r.shareBps !== undefined) {
      if (typeof r.shareBps !== 'number' || !Number.isInteger(r.shareBps) || r.shareBps < 1 || r.shareBps > TOTAL_BPS) {
        throw invalidArgument(`recipients[${i}].shareBps must be an integer from 1 to ${TOTAL_BPS}`);
      }
      entry.shareBps = r.shareBps;
    } else {
      entry.amount = parseAmount(r.amount, `recipients[${i}].amount`);
    }
    request.recipients.push(entry);
  }
  return request;
}

/**
 * Splits `total` among recipients by the distribution rule: every recipient gives shareBps
 * (summing to 10000; each gets floor(total * bps / 10000) and the rounding remainder goes to the
 * first recipient) or every recipient gives an amount (summing to the total).
 * Errors: INVALID_ARGUMENT when the rule is mixed, does not sum up, or leaves a recipient 0.
 */
export function distribute(total: bigint, recipients: CreateEscrowRequest['recipients']): { account: string; amount: bigint; shareBps?: number }[] {
  const byShare = recipients.every((r) => r.shareBps !== undefined);
  const byAmount = recipients.every((r) => r.amount !== undefined);
  if (!byShare && !byAmount) throw invalidArgument('recipients must all give shareBps or all give amount');
  if (byShare) {
    const sum = recipients.reduce((s, r) => s + (r.shareBps as number), 0);
    if (sum !== TOTAL_BPS) throw invalidArgument(`shareBps must sum to ${TOTAL_BPS}, got ${sum}`);
    const parts = recipients.map((r) => ({
      account: r.account,
      shareBps: r.shareBps,
      amount: (total * BigInt(r.shareBps as number)) / BigInt(TOTAL_BPS),
    }));
    parts[0].amount += total - parts.reduce((s, p) => s + p.amount, 0n);
    const empty = parts.find((p) => p.amount === 0n);
    if (empty) throw invalidArgument(`recipient ${empty.account} would receive 0 of ${total}: raise the amount or its share`);
    return parts;
  }
  const sum = recipients.reduce((s, r) => s + (r.amount as bigint), 0n);
  if (sum !== total) throw invalidArgument(`recipient amounts must sum to the escrow amount ${total}, got ${sum}`);
  return recipients.map((r) => ({ account: r.account, amount: r.amount as bigint }));
}

/**
 * A new PROPOSED escrow from a checked request. INVALID_ARGUMENT for a duplicate or self
 * recipient, an arbitrator that is a party, or an `acceptBy` not after `now` or more than 366 days
 * after it. Whether the arbitrator holds the role is the contract's (ledger) check.
 */
export function proposeEscrow(args: {
  id: string;
  initiator: string;
  request: CreateEscrowRequest;
  organizations: string[];
  now: string;
}): Escrow {
  const { id, initiator, request, organizations, now } = args;
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
    organizations: [...new Set(organizations)].sort(),
    acceptBy,
    arbitrator: request.arbitrator,
    createdAt: now,
    updatedAt: now,
  };
}

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

/** Parses the body of a decline: `{reason?}` (1 to 4096 characters). INVALID_ARGUMENT otherwise. */
export function parseDeclineRequest(body: Record<string, unknown>): { reason?: string } {
  rejectUnknownFields(body, ['reason'], 'decline');
  return { reason: optionalText(body.reason, 'reason', MAX_REASON_LENGTH) };
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

/** Parses the body of a dispute: `{reason, evidenceHash?}`. INVALID_ARGUMENT otherwise. */
export function parseDisputeRequest(body: Record<string, unknown>): { reason: string; evidenceHash?: string } {
  rejectUnknownFields(body, ['reason', 'evidenceHash'], 'dispute');
  const reason = parseText(body.reason, 'reason', 1, MAX_REASON_LENGTH);
  return body.evidenceHash === undefined ? { reason } : { reason, evidenceHash: parseSha256(body.evidenceHash, 'evidenceHash') };
}

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

/** Parses the body of a ruling: `{outcome: COMPLETE | REFUND, reasons}`. INVALID_ARGUMENT otherwise. */
export function parseRulingRequest(body: Record<string, unknown>): { outcome: RulingOutcome; reasons: string } {
  rejectUnknownFields(body, ['outcome', 'reasons'], 'ruling');
  if (typeof body.outcome !== 'string' || !(RULING_OUTCOMES as readonly string[]).includes(body.outcome)) {
    throw invalidArgument(`outcome must be one of ${RULING_OUTCOMES.join(', ')}`);
  }
  return { outcome: body.outcome as RulingOutcome, reasons: parseText(body.reasons, 'reasons', 1, MAX_REASON_LENGTH) };
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

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
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
