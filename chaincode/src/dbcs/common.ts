import { createHash } from 'node:crypto';
import { invalidArgument } from '../shared/errors';

/**
 * Small parsing and arithmetic helpers shared by the DBCS-SC modules ("Delegate contract signing
 * mechanism based on smart contract", PLOS ONE 2022, seeds/004). Pure and deterministic: time is
 * only ever the transaction timestamp passed in as an ISO 8601 string.
 */
export const TOTAL_BPS = 10_000;
const HEX64 = /^[0-9a-f]{64}$/;
/** ISO 8601 UTC with an explicit `Z`, seconds required, up to millisecond precision. */
const ISO_UTC = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d{1,3})?Z$/;

/**
 * Parses an ISO 8601 UTC timestamp ("2026-01-01T00:00:00Z") and returns its normalised form
 * (`Date.prototype.toISOString`, millisecond precision), so stored timestamps compare as strings
 * with the transaction time `ctx.now`. INVALID_ARGUMENT for anything else.
 */
export function parseTimestamp(raw: unknown, field: string): string {
  if (typeof raw !== 'string' || !ISO_UTC.test(raw)) {
    throw invalidArgument(`${field} must be an ISO 8601 UTC timestamp such as "2026-01-01T00:00:00Z"`);
  }
  const ms = Date.parse(raw);
  if (!Number.isFinite(ms)) throw invalidArgument(`${field} is not a valid date`);
  const normalised = new Date(ms).toISOString();
  // Date.parse rolls over impossible dates (2026-02-30); refuse them instead.
  if (normalised.slice(0, 19) !== raw.slice(0, 19)) throw invalidArgument(`${field} is not a valid date`);
  return normalised;
}

/** `iso` plus `seconds`, as ISO 8601 (used for dispute deadlines from the transaction time). */
export function addSeconds(iso: string, seconds: number): string {
  return new Date(Date.parse(iso) + seconds * 1000).toISOString();
}

/** A string of `min`..`max` characters; INVALID_ARGUMENT otherwise. */
export function parseText(raw: unknown, field: string, min: number, max: number): string {
  if (typeof raw !== 'string' || raw.length < min || raw.length > max) {
    throw invalidArgument(`${field} must be a string of ${min} to ${max} characters`);
  }
  return raw;
}

export function optionalText(raw: unknown, field: string, max: number): string | undefined {
  return raw === undefined ? undefined : parseText(raw, field, 1, max);
}

/** A SHA-256 digest as 64 lowercase hex characters. */
export function parseSha256(raw: unknown, field: string): string {
  if (typeof raw !== 'string' || !HEX64.test(raw)) {
    throw invalidArgument(`${field} must be a SHA-256 digest as 64 lowercase hex characters`);
  }
  return raw;
}

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
