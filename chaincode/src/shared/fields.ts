import { invalidArgument } from './errors';
import { HEX64 } from './hash';

/**
 * Field parsers shared by the contracts' request parsers (escrow, DBCS-SC): timestamps, bounded
 * texts, integers and SHA-256 digests. Pure and deterministic: time is only ever the transaction
 * timestamp passed in as an ISO 8601 string. INVALID_ARGUMENT for anything malformed.
 */
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

/** A JSON integer in [min, max]; INVALID_ARGUMENT otherwise. */
export function parseInteger(raw: unknown, field: string, min: number, max: number): number {
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < min || raw > max) {
    throw invalidArgument(`${field} must be an integer from ${min} to ${max}`);
  }
  return raw;
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
