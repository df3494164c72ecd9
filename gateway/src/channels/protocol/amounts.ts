import { MAX_AMOUNT } from '@covenant/chaincode';
import { refuse } from './refusal';

/** A balance in an off-chain state: a non-negative decimal string of minor units, at most MAX_AMOUNT's digits. */
const AMOUNT = new RegExp(`^(0|[1-9][0-9]{0,${MAX_AMOUNT.toString().length - 1}})$`);

/** Decimal strings to bigints; INVALID_ARGUMENT for anything else (a negative, a float, junk), naming `what`. */
export function amounts(balances: readonly string[], what: string): bigint[] {
  if (balances.some((b) => typeof b !== 'string' || !AMOUNT.test(b))) throw refuse('INVALID_ARGUMENT', `${what}: balances must be non-negative decimal strings`);
  return balances.map(BigInt);
}

/** The sum of a two-party state's balances (minor units). */
export const total = (s: { balances: readonly [string, string] }): bigint => BigInt(s.balances[0]) + BigInt(s.balances[1]);
