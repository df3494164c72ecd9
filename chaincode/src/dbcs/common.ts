/** One money movement a DBCS-SC transaction made, recorded on the record that caused it. */
export interface Movement {
  /** What the movement is, e.g. `penalty`, `depositRefund`, `investment`. */
  kind: string;
  /** Account whose hold the money left. */
  from: string;
  /** Account credited. */
  to: string;
  /** Minor units. */
  amount: bigint;
}

/** A movement as shown to callers: the amount as a decimal string. */
export function viewMovement(m: Movement) {
  return { ...m, amount: m.amount.toString() };
}
