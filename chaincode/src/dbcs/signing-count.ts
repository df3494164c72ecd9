/**
 * The open-signing counters of DBCS-SC: an investment contract and a delegate each count their
 * unfinished signings (`openSignings`: a contract cannot close, a delegate cannot take its deposit
 * back, while any is open), and a contract counts its completed ones. This is the one function
 * that moves them.
 */
export type SigningChange = 'opened' | 'completed' | 'ended';

/**
 * `record` after one of its signings opened (+1 open), completed (-1 open, +1 completed where it
 * counts completions) or ended otherwise (-1 open: cancelled, penalised, settled unsigned).
 */
export function countSigning<T extends { openSignings: number; completedSignings?: number; updatedAt: string }>(record: T, change: SigningChange, now: string): T {
  const next = { ...record, openSignings: record.openSignings + (change === 'opened' ? 1 : -1), updatedAt: now };
  if (change === 'completed' && record.completedSignings !== undefined) next.completedSignings = record.completedSignings + 1;
  return next;
}
