import { Audience, partiesAudience } from '../shared/audience';
import type { LogEntry, LogEntryView, Scrip, ScripView } from './schema';

/**
 * Who sees the broker log (issue 12: "every step is in the broker's log, readable by the broker
 * and, for their own entries, by the parties"; seeds/001 s. 6.1 "logs the transaction details for
 * future reference, especially in the event of a dispute"). Pure.
 */

/** True when `reader` may read `entry`: its broker, a listed party, or the reader of one of its envelopes. */
export function mayReadEntry(entry: LogEntry, reader: string): boolean {
  return entry.broker === reader || entry.parties.includes(reader) || Object.hasOwn(entry.envelopes, reader);
}

/**
 * The entry as `reader` sees it: amounts as decimal strings; the broker sees every envelope, anyone
 * else only the envelope sealed for it (so no reader learns who else received one).
 */
export function viewEntry(entry: LogEntry, reader: string): LogEntryView {
  const legs = (l: LogEntry['inputs']) => ({
    scrip: l.scrip.map((s) => ({ ...s, value: s.value.toString() })),
    money: l.money.map((m) => ({ ...m, amount: m.amount.toString() })),
  });
  const envelopes = reader === entry.broker ? entry.envelopes : Object.fromEntries(Object.entries(entry.envelopes).filter(([to]) => to === reader));
  return { ...entry, inputs: legs(entry.inputs), outputs: legs(entry.outputs), fee: entry.fee.toString(), envelopes };
}

/** The audience of a swap's event: its parties and envelope readers, and their organisations. */
export function swapAudience(entry: LogEntry): Audience {
  return partiesAudience({ accounts: [...entry.parties, ...Object.keys(entry.envelopes)], organizations: entry.organizations });
}

/** A scrip as callers see it: value as a decimal string. */
export function viewScrip(s: Scrip): ScripView {
  return { ...s, value: s.value.toString() };
}
