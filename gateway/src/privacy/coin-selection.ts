import { HttpProblem, problem } from '../http/problem';

/** Most notes one spend consumes (the chaincode's limit on inputs). */
export const MAX_INPUTS = 16;

/** A note the wallet may spend: its one-time key and denomination (minor units). */
export interface Coin {
  oneTimePublicKey: string;
  denomination: bigint;
}

/**
 * Chooses unspent notes covering `amount` minor units (> 0). Rule: the smallest single note that
 * covers the amount when there is one (the least change, one ring); otherwise notes largest first
 * until the amount is covered (fewest inputs, so fewest rings to sign and verify). Ties go to the
 * lower one-time key, so the choice is deterministic. Returns the chosen notes and the change
 * (their sum − amount). Errors: 422 INSUFFICIENT_FUNDS when the notes do not cover the amount;
 * 409 FAILED_PRECONDITION when it takes more than MAX_INPUTS notes (spend some to yourself first).
 */
export function selectCoins<C extends Coin>(coins: readonly C[], amount: bigint): { chosen: C[]; change: bigint } {
  if (amount <= 0n) throw new HttpProblem(problem(400, 'INVALID_ARGUMENT', 'amount must be positive'));
  const total = coins.reduce((s, c) => s + c.denomination, 0n);
  if (total < amount) throw new HttpProblem(problem(422, 'INSUFFICIENT_FUNDS', `the unspent notes hold ${total}, less than ${amount}`));
  const byKey = (a: C, b: C) => (a.oneTimePublicKey < b.oneTimePublicKey ? -1 : a.oneTimePublicKey > b.oneTimePublicKey ? 1 : 0);
  const single = coins.filter((c) => c.denomination >= amount).sort((a, b) => (a.denomination < b.denomination ? -1 : a.denomination > b.denomination ? 1 : byKey(a, b)))[0];
  if (single) return { chosen: [single], change: single.denomination - amount };
  const largest = [...coins].sort((a, b) => (a.denomination > b.denomination ? -1 : a.denomination < b.denomination ? 1 : byKey(a, b)));
  const chosen: C[] = [];
  let sum = 0n;
  for (const c of largest) {
    if (sum >= amount) break;
    chosen.push(c);
    sum += c.denomination;
  }
  if (chosen.length > MAX_INPUTS) {
    throw new HttpProblem(problem(409, 'FAILED_PRECONDITION', `paying ${amount} takes ${chosen.length} notes, more than ${MAX_INPUTS} in one spend: pay a smaller amount first`));
  }
  return { chosen, change: sum - amount };
}
