import { invalidArgument } from '../shared/errors';
import { parseTimestamp } from '../shared/fields';
import { TOTAL_BPS, shareOf } from '../shared/bps';
import { parseRequest } from '../shared/validate';
import {
  CreateEscrowRequest as CreateEscrowSchema,
} from './schema';

/**
 * Parsing of an escrow creation's JSON request (the other requests are checked by their schemas
 * alone, escrow/schema.ts) and its distribution rule. Pure; INVALID_ARGUMENT for anything malformed.
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


/**
 * Validates the JSON body of an escrow creation against CreateEscrowRequest, then the rule the
 * schema cannot say to Value.Check: each recipient gives exactly one of shareBps and amount;
 * normalises acceptBy (parseTimestamp). INVALID_ARGUMENT naming the field otherwise.
 */
export function parseCreateRequest(body: unknown): CreateEscrowRequest {
  const { amount, recipients, acceptBy, ...rest } = parseRequest(CreateEscrowSchema, body, 'escrow');
  const request: CreateEscrowRequest = {
    ...rest,
    amount: BigInt(amount),
    recipients: recipients.map((r, i) => {
      if ((r.shareBps === undefined) === (r.amount === undefined)) throw invalidArgument(`recipients[${i}] needs exactly one of shareBps and amount`);
      return r.amount === undefined ? { account: r.account, shareBps: r.shareBps } : { account: r.account, amount: BigInt(r.amount) };
    }),
  };
  if (acceptBy !== undefined) request.acceptBy = parseTimestamp(acceptBy, 'acceptBy');
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
