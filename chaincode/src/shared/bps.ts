/**
 * Basis points: shares of an amount in hundredths of a percent, 10000 being the whole
 * (escrow distribution rules, DBCS-SC penalty shares).
 */
export const TOTAL_BPS = 10_000;

/** floor(amount * bps / 10000), in minor units. */
export function shareOf(amount: bigint, bps: number): bigint {
  return (amount * BigInt(bps)) / BigInt(TOTAL_BPS);
}
