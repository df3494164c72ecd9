import { invalidArgument } from '../shared/errors';
import { parseAmount } from '../shared/amount';
import { parseId, rejectUnknownFields } from '../shared/args';
import { optionalText, parseSha256, parseText, parseTimestamp } from '../shared/fields';
import { TOTAL_BPS, shareOf } from '../shared/bps';
import { RULING_OUTCOMES, RulingOutcome } from './record';

/**
 * Parsing of the escrow transactions' JSON requests (creation, decline, dispute, ruling) and the
 * distribution rule of a creation. Pure; INVALID_ARGUMENT for anything malformed.
 */
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
      amount: shareOf(total, r.shareBps as number),
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


/** Parses the body of a decline: `{reason?}` (1 to 4096 characters). INVALID_ARGUMENT otherwise. */
export function parseDeclineRequest(body: Record<string, unknown>): { reason?: string } {
  rejectUnknownFields(body, ['reason'], 'decline');
  return { reason: optionalText(body.reason, 'reason', MAX_REASON_LENGTH) };
}

/** Parses the body of a dispute: `{reason, evidenceHash?}`. INVALID_ARGUMENT otherwise. */
export function parseDisputeRequest(body: Record<string, unknown>): { reason: string; evidenceHash?: string } {
  rejectUnknownFields(body, ['reason', 'evidenceHash'], 'dispute');
  const reason = parseText(body.reason, 'reason', 1, MAX_REASON_LENGTH);
  return body.evidenceHash === undefined ? { reason } : { reason, evidenceHash: parseSha256(body.evidenceHash, 'evidenceHash') };
}

/** Parses the body of a ruling: `{outcome: COMPLETE | REFUND, reasons}`. INVALID_ARGUMENT otherwise. */
export function parseRulingRequest(body: Record<string, unknown>): { outcome: RulingOutcome; reasons: string } {
  rejectUnknownFields(body, ['outcome', 'reasons'], 'ruling');
  if (typeof body.outcome !== 'string' || !(RULING_OUTCOMES as readonly string[]).includes(body.outcome)) {
    throw invalidArgument(`outcome must be one of ${RULING_OUTCOMES.join(', ')}`);
  }
  return { outcome: body.outcome as RulingOutcome, reasons: parseText(body.reasons, 'reasons', 1, MAX_REASON_LENGTH) };
}
