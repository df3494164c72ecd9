import { randomInt } from 'node:crypto';
import { HttpProblem, problem } from '../http/problem';

/**
 * Decoy selection for a ring (issue 13: "decoys drawn by a documented rule").
 *
 * Rule: the `size − 1` decoys are drawn uniformly at random, without replacement, among all the
 * other notes of the spent note's denomination on the ledger (notes:listNotes), spent or not, with
 * the platform CSPRNG (node:crypto randomInt, a partial Fisher-Yates shuffle). The ring is then
 * sorted by one-time key, so the real note's position says nothing.
 *
 * Alternative, not taken: Monero draws decoys by output age from a gamma distribution fitted to
 * real spending times (Möser et al., "An Empirical Analysis of Traceability in the Monero
 * Blockchain", PETS 2018, section 6; shape 19.28, rate 1.61 over log seconds since Monero v0.13),
 * because real spends are mostly of recent outputs and a uniform rule then makes the newest
 * member the likely real one. Notes here carry no age index yet (their batch is their only time);
 * a gamma-over-age rule would draw per batch age with notes:listTransactions.
 */

/**
 * `count` distinct members of `candidates` other than `real`, uniformly at random without
 * replacement. Errors: 409 FAILED_PRECONDITION when there are fewer than `count` other notes
 * (deposit more notes of that denomination, or lower the ring size to the ledger's minimum).
 */
export function chooseDecoys(candidates: readonly string[], real: string, count: number, denomination: string, pick: (max: number) => number = randomInt): string[] {
  const pool = [...new Set(candidates)].filter((c) => c !== real);
  if (pool.length < count) {
    throw new HttpProblem(problem(409, 'FAILED_PRECONDITION', `a ring of ${count + 1} needs ${count} other notes of denomination ${denomination}; the ledger has ${pool.length}`));
  }
  for (let i = 0; i < count; i++) {
    const j = i + pick(pool.length - i);
    [pool[i], pool[j]] = [pool[j], pool[i]];
  }
  return pool.slice(0, count);
}

/** The ring of `real` and `decoys`, sorted by one-time key (the real member's position hides among them). */
export function ringOf(real: string, decoys: readonly string[]): string[] {
  return [real, ...decoys].sort();
}
