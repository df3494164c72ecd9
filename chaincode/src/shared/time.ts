/**
 * Time arithmetic on ISO 8601 timestamps. Chaincode's only clock is the transaction time
 * (`ctx.now`), so deadlines are computed from it here and compared as instants.
 */

/** Milliseconds since the epoch of an ISO 8601 timestamp. */
export function at(iso: string): number {
  return Date.parse(iso);
}

/** `iso` plus `seconds`, as ISO 8601 with millisecond precision (deadlines from the transaction time). */
export function addSeconds(iso: string, seconds: number): string {
  return new Date(at(iso) + seconds * 1000).toISOString();
}
