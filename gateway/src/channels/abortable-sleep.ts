import { setTimeout as sleepFor } from 'node:timers/promises';

/** Waits `ms`, or less if `signal` aborts; never rejects (the bounded retry loops of route-payment.ts and pending-payments.ts). */
export function abortableSleep(ms: number, signal?: AbortSignal): Promise<void> {
  return sleepFor(ms, undefined, { signal }).catch(() => undefined);
}
