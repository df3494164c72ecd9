import { invalidArgument } from '../shared/errors';

/**
 * Note denominations (issue 13, /tmp privacy design section 1): the 1-2-5 series in minor units,
 * 1, 2, 5, 10, 20, 50, ..., 1e9, 2e9, 5e9 (30 values, ascending). A note is worth exactly one
 * denomination, so amounts need no commitments (as Monero's pre-RingCT outputs, "Zero to Monero"
 * 2nd ed. section 6.1, and cash). Pure; shared with the gateway, which decomposes amounts into
 * outputs and rings notes of one denomination.
 */
export const DENOMINATIONS: readonly bigint[] = Object.freeze(
  Array.from({ length: 10 }, (_, decade) => [1n, 2n, 5n].map((m) => m * 10n ** BigInt(decade))).flat(),
);

/** The largest denomination, 5e9 minor units. */
export const MAX_DENOMINATION = DENOMINATIONS[DENOMINATIONS.length - 1];

/** Most notes `decompose` returns by default. */
export const MAX_DECOMPOSED_NOTES = 1024;

/** Digits of a denomination in a composite key (zero-padded so keys sort by value). */
export const DENOMINATION_KEY_DIGITS = 20;

/** True iff `value` (minor units) is one of DENOMINATIONS. */
export function isDenomination(value: bigint): boolean {
  return DENOMINATIONS.includes(value);
}

/**
 * A denomination given as a decimal string of minor units ("500"), checked to be one of
 * DENOMINATIONS; INVALID_ARGUMENT naming `field` otherwise.
 */
export function parseDenomination(raw: unknown, field: string): bigint {
  if (typeof raw !== 'string' || !/^[1-9][0-9]{0,9}$/.test(raw) || !isDenomination(BigInt(raw))) {
    throw invalidArgument(`${field} must be a denomination of the 1-2-5 series from 1 to ${MAX_DENOMINATION} minor units, as a decimal string`);
  }
  return BigInt(raw);
}

/** A denomination as its 20-digit zero-padded composite-key attribute ("00000000000000000500"). */
export function denominationKey(value: bigint): string {
  return value.toString().padStart(DENOMINATION_KEY_DIGITS, '0');
}

/**
 * `amount` (minor units, > 0) split greedily into denominations, largest first: each step takes
 * the largest denomination not above what is left. For the 1-2-5 series greedy gives the fewest
 * notes (at most 3 per decade below 5e9, e.g. 8 = 5 + 2 + 1). Amounts above 5e9 repeat 5e9.
 * Throws INVALID_ARGUMENT for an amount that is not a positive bigint, or that needs more than
 * `maxNotes` notes (default MAX_DECOMPOSED_NOTES: a bound on memory, not a ledger rule).
 * @returns the denominations, descending; their sum is `amount`
 */
export function decompose(amount: bigint, maxNotes = MAX_DECOMPOSED_NOTES): bigint[] {
  if (typeof amount !== 'bigint' || amount <= 0n) throw invalidArgument('amount must be a positive number of minor units');
  if (amount / MAX_DENOMINATION >= BigInt(maxNotes)) throw invalidArgument(`amount ${amount} needs more than ${maxNotes} notes`);
  const out: bigint[] = [];
  let rest = amount;
  for (let i = DENOMINATIONS.length - 1; i >= 0 && rest > 0n; i--) {
    const d = DENOMINATIONS[i];
    const count = rest / d;
    if (out.length + Number(count) > maxNotes) throw invalidArgument(`amount ${amount} needs more than ${maxNotes} notes`);
    for (let k = 0n; k < count; k++) out.push(d);
    rest -= count * d;
  }
  return out;
}
