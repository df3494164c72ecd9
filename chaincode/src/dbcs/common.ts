import type { Movement } from './records';

export type { Movement };

/** A movement as shown to callers: the amount as a decimal string. */
export function viewMovement(m: Movement) {
  return { ...m, amount: m.amount.toString() };
}
