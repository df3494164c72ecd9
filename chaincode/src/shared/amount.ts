import { invalidArgument } from './errors';

/** Largest amount accepted, in minor units: 10^30 - 1 (30 decimal digits). */
const MAX_DIGITS = 30;
const DECIMAL = /^(0|[1-9][0-9]*)$/;

/**
 * Parses an amount in minor units (cents) from its decimal-string form ("1250").
 *
 * Refuses with INVALID_ARGUMENT anything that is not a plain non-negative integer: "12.5", "-1",
 * "1e3", " 12", "012", numbers in JSON, more than 30 digits. With `positive`, zero is refused too.
 * Source: DESIGN.md, "Money and accounts" (amounts are non-negative integers in minor units).
 */
export function parseAmount(raw: unknown, field: string, { positive = true } = {}): bigint {
  if (typeof raw !== 'string' || !DECIMAL.test(raw) || raw.length > MAX_DIGITS) {
    throw invalidArgument(`${field} must be a decimal string of minor units, such as "1250"`);
  }
  const value = BigInt(raw);
  if (positive && value === 0n) throw invalidArgument(`${field} must be greater than zero`);
  return value;
}
