import { createHash } from 'node:crypto';
import { asObject, big, bool, optStr, str, strArray } from '../shared/decode';
import { alreadyExists, failedPrecondition, forbidden, invalidArgument } from '../shared/errors';
import { parseAmount } from '../shared/amount';
import { parseId, rejectUnknownFields } from '../shared/args';

/**
 * The escrow of patent CN108399571A ("trustless P2P transaction"): an initiator locks an amount
 * for one or more recipients with a distribution rule; each recipient confirms (the amount is then
 * frozen); the initiator's completion pays the recipients by the rule; cancellation needs the
 * approval of every party once any recipient has confirmed.
 *
 * This module is pure: it checks rules and computes new escrow values; the contract applies them
 * to accounts and the world state.
 */
export type EscrowStatus = 'PROPOSED' | 'ACTIVE' | 'COMPLETED' | 'CANCELLED';
export const ESCROW_STATUSES: readonly EscrowStatus[] = ['PROPOSED', 'ACTIVE', 'COMPLETED', 'CANCELLED'];

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
  createdAt: string;
  updatedAt: string;
  completedAt?: string;
  cancelledAt?: string;
}

export interface CreateEscrowRequest {
  id?: string;
  amount: bigint;
  recipients: { account: string; shareBps?: number; amount?: bigint }[];
  terms?: string;
  termsHash?: string;
}

export const MAX_RECIPIENTS = 50;
export const MAX_TERMS_LENGTH = 4096;
export const TOTAL_BPS = 10_000;
const WHAT = 'escrow';
const HEX64 = /^[0-9a-f]{64}$/;

/** Validates the JSON body of an escrow creation; INVALID_ARGUMENT for anything malformed. */
export function parseCreateRequest(body: Record<string, unknown>): CreateEscrowRequest {
  rejectUnknownFields(body, ['id', 'amount', 'recipients', 'terms', 'termsHash'], 'escrow');
  const request: CreateEscrowRequest = { amount: parseAmount(body.amount, 'amount'), recipients: [] };
  if (body.id !== undefined) request.id = parseId(body.id, 'id');
  if (body.terms !== undefined) {
    if (typeof body.terms !== 'string' || body.terms.length === 0 || body.terms.length > MAX_TERMS_LENGTH) {
      throw invalidArgument(`terms must be a string of 1 to ${MAX_TERMS_LENGTH} characters`);
    }
    request.terms = body.terms;
  }
  if (body.termsHash !== undefined) {
    if (typeof body.termsHash !== 'string' || !HEX64.test(body.termsHash)) {
      throw invalidArgument('termsHash must be a SHA-256 digest as 64 lowercase hex characters');
    }
    request.termsHash = body.termsHash;
  }
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

/** A new PROPOSED escrow from a checked request. */
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
    createdAt: now,
    updatedAt: now,
  };
}

export function isParty(e: Escrow, account: string): boolean {
  return e.initiator === account || e.recipients.some((r) => r.account === account);
}

/** A recipient confirms; the last confirmation makes the escrow ACTIVE (the amount is frozen). */
export function confirmEscrow(e: Escrow, caller: string, now: string): Escrow {
  const index = e.recipients.findIndex((r) => r.account === caller);
  if (index < 0) throw forbidden(`only a recipient of escrow ${e.id} may confirm it`);
  if (e.status !== 'PROPOSED') throw failedPrecondition(`escrow ${e.id} is ${e.status}, not PROPOSED`);
  if (e.recipients[index].confirmed) throw failedPrecondition(`recipient ${caller} already confirmed escrow ${e.id}`);
  const recipients = e.recipients.map((r, i) => (i === index ? { ...r, confirmed: true, confirmedAt: now } : r));
  const status: EscrowStatus = recipients.every((r) => r.confirmed) ? 'ACTIVE' : 'PROPOSED';
  return { ...e, recipients, status, updatedAt: now };
}

/** The initiator completes an ACTIVE escrow; the contract then pays every recipient its amount. */
export function completeEscrow(e: Escrow, caller: string, now: string): Escrow {
  if (caller !== e.initiator) throw forbidden(`only the initiator of escrow ${e.id} may complete it`);
  if (e.status !== 'ACTIVE') throw failedPrecondition(`escrow ${e.id} is ${e.status}, not ACTIVE`);
  return { ...e, status: 'COMPLETED', updatedAt: now, completedAt: now };
}

/**
 * A party asks to cancel. Before any recipient has confirmed, the initiator alone withdraws the
 * offer. Otherwise the approval is recorded and the escrow is CANCELLED when every party
 * (initiator and all recipients) has approved; the contract then refunds the initiator.
 */
export function cancelEscrow(e: Escrow, caller: string, now: string): Escrow {
  if (!isParty(e, caller)) throw forbidden(`only a party to escrow ${e.id} may cancel it`);
  if (e.status === 'COMPLETED' || e.status === 'CANCELLED') {
    throw failedPrecondition(`escrow ${e.id} is already ${e.status}`);
  }
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
    createdAt: str(o, 'createdAt', WHAT),
    updatedAt: str(o, 'updatedAt', WHAT),
    completedAt: optStr(o, 'completedAt', WHAT),
    cancelledAt: optStr(o, 'cancelledAt', WHAT),
  };
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
