/**
 * Which sub-balance ("lane") each of this gateway's in-flight transfers and withdrawals debits,
 * per payer (chaincode/src/accounts/README.md, "Hot payers"). A payer whose account is split into
 * n sub-balances gets, for each request, the lane with the fewest requests in flight (the lowest
 * such lane): up to n concurrent payments then touch disjoint payer keys and commit side by side
 * instead of conflicting (MVCC_READ_CONFLICT) on one balance key. The lane is the gateway's
 * business, never part of a REST body; the chaincode checks every debit against the keys it reads,
 * so a stale count costs speed (the slow path), never money.
 *
 * The count is learned from the account views the gateway sees (`subBalances`, absent for none)
 * and kept per payer in memory; until it is known, payments take the slow path.
 */
export class SubBalanceLanes {
  private readonly counts = new Map<string, number>();
  private readonly inFlight = new Map<string, number[]>();

  /** Records the payer's sub-balance count from an account view (`undefined` or < 2: none). */
  learn(payer: string, count: number | undefined): void {
    if (count === undefined || count < 2) this.counts.delete(payer);
    else this.counts.set(payer, count);
  }

  /** The payer's known sub-balance count (0: none, or not known yet). */
  count(payer: string): number {
    return this.counts.get(payer) ?? 0;
  }

  /**
   * Leases the least-used lane (lowest first) of the payer's known count, or undefined when the
   * payer has no known sub-balances. Call `release` once the request's submit has ended.
   */
  lease(payer: string): { lane: number; release(): void } | undefined {
    const n = this.count(payer);
    if (n === 0) return undefined;
    const uses = this.inFlight.get(payer) ?? [];
    this.inFlight.set(payer, uses);
    let lane = 0;
    for (let i = 1; i < n; i++) if ((uses[i] ?? 0) < (uses[lane] ?? 0)) lane = i;
    uses[lane] = (uses[lane] ?? 0) + 1;
    let released = false;
    return {
      lane,
      release: () => {
        if (released) return;
        released = true;
        uses[lane] -= 1;
        if (uses.every((u) => !u)) this.inFlight.delete(payer);
      },
    };
  }
}
