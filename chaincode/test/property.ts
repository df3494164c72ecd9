import fc from 'fast-check';
import type { TestNetwork } from './network';

/** How `assertSequences` runs a property: sequence lengths, number of runs and a time budget. */
export interface SequenceRuns {
  minLength: number;
  maxLength: number;
  numRuns: number;
  /**
   * Time budget in milliseconds: once spent, the remaining runs pass at once. Normal runs end well
   * within it; it mostly bounds shrinking after a failure, which then reports the smallest case
   * found so far.
   */
  budgetMs: number;
}

/**
 * Checks a property over random operation sequences (fast-check): each sequence of `op` runs with
 * `run` on a fresh network from `network`, which is closed afterwards whatever happens.
 */
export async function assertSequences<Op>(
  op: fc.Arbitrary<Op>,
  runs: SequenceRuns,
  network: () => Promise<TestNetwork>,
  run: (net: TestNetwork, ops: Op[]) => Promise<void>,
): Promise<void> {
  const deadline = Date.now() + runs.budgetMs;
  await fc.assert(
    fc.asyncProperty(fc.array(op, { minLength: runs.minLength, maxLength: runs.maxLength }), async (ops) => {
      if (Date.now() > deadline) return;
      const net = await network();
      try {
        await run(net, ops);
      } finally {
        await net.close();
      }
    }),
    { numRuns: runs.numRuns },
  );
}
