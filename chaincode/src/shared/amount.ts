import { failedPrecondition, invalidArgument } from './errors';

/**
 * Largest amount, and largest account balance (spendable plus held), in minor units:
 * 10^18 - 1 (18 decimal digits; 10^16 major units at two decimals). One limit for every amount a
 * caller sends and for every balance, so any balance can be withdrawn in one request and fits
 * the Account schema. Source: issue 9 (finding 2: mint had no ceiling), DESIGN.md "Money and
 * accounts".
 */
export const MAX_AMOUNT = 10n ** 18n - 1n;
const MAX_DIGITS = MAX_AMOUNT.toString().length;
/** A non-negative decimal integer without sign, leading zeros or exponent: the one amount pattern. */
export const DECIMAL = /^(0|[1-9][0-9]*)$/;

/**
 * Parses an amount in minor units (cents) from its decimal-string form ("1250").
 *
 * Refuses with INVALID_ARGUMENT anything that is not a plain non-negative integer: "12.5", "-1",
 * "1e3", " 12", "012", numbers in JSON, and anything above MAX_AMOUNT (10^18 - 1). With
 * `positive`, zero is refused too.
 * Source: DESIGN.md, "Money and accounts" (amounts are non-negative integers in minor units).
 */
export function parseAmount(raw: unknown, field: string, { positive = true } = {}): bigint {
  if (typeof raw !== 'string' || !DECIMAL.test(raw)) {
    throw invalidArgument(`${field} must be a decimal string of minor units, such as "1250"`);
  }
  if (raw.length > MAX_DIGITS) throw invalidArgument(`${field} must be at most ${MAX_AMOUNT} minor units`);
  const value = BigInt(raw);
  if (positive && value === 0n) throw invalidArgument(`${field} must be greater than zero`);
  return value;
}

/**
 * `current + amount`, for a balance that receives money (mint, transfer, payout, refund).
 * `current` is what the account already has (spendable plus held). Refuses with
 * FAILED_PRECONDITION when the sum would pass MAX_AMOUNT: the money stays where it was.
 */
export function addWithinCeiling(current: bigint, amount: bigint, what: string): bigint {
  const sum = current + amount;
  if (sum > MAX_AMOUNT) {
    throw failedPrecondition(`${what} would hold ${sum} minor units, more than the ceiling of ${MAX_AMOUNT}`);
  }
  return sum;
}
