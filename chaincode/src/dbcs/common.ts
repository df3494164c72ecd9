import { createHash } from 'node:crypto';
import { invalidArgument } from '../shared/errors';

/**
 * Small parsing and arithmetic helpers shared by the DBCS-SC modules ("Delegate contract signing
 * mechanism based on smart contract", PLOS ONE 2022, seeds/004). Pure and deterministic: time is
 * only ever the transaction timestamp passed in as an ISO 8601 string.
 */
export const TOTAL_BPS = 10_000;
/** An integer in [min, max]; INVALID_ARGUMENT otherwise. */
export function parseInteger(raw: unknown, field: string, min: number, max: number): number {
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < min || raw > max) {
    throw invalidArgument(`${field} must be an integer from ${min} to ${max}`);
  }
  return raw;
}

export function sha256Hex(text: string): string {
  return createHash('sha256').update(text, 'utf8').digest('hex');
}

/** floor(amount * bps / 10000), in minor units. */
export function shareOf(amount: bigint, bps: number): bigint {
  return (amount * BigInt(bps)) / BigInt(TOTAL_BPS);
}

/** The request object at `field` of a body, or INVALID_ARGUMENT. */
export function parseObject(raw: unknown, field: string): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalidArgument(`${field} must be a JSON object`);
  return raw as Record<string, unknown>;
}

/** One money movement a transaction made, recorded on the record that caused it. */
export interface Movement {
  /** What the movement is, e.g. `penalty`, `depositRefund`, `investment`. */
  kind: string;
  /** Account whose hold the money left. */
  from: string;
  /** Account credited. */
  to: string;
  amount: bigint;
}

export function viewMovement(m: Movement) {
  return { ...m, amount: m.amount.toString() };
}

const ACCOUNT_ID = /^[0-9a-f]{40}$/;

/** An account id (40 lowercase hex characters); INVALID_ARGUMENT otherwise. */
export function parseAccountId(raw: unknown, field: string): string {
  if (typeof raw !== 'string' || !ACCOUNT_ID.test(raw)) throw invalidArgument(`${field} must be an account id (40 hex characters)`);
  return raw;
}
