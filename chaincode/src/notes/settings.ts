import { SettingsRecord } from '../shared/settings';
import { decoderOf } from '../shared/validate';
import { invalidArgument } from '../shared/errors';
import type { CovenantContext } from '../shared/context';
import { requireMemberAdmin } from '../consortium/config';
import { RING_SIZE_MAX } from '../privacy/ring';
import { NotesSettings, NotesSettingsRecord } from './schema';

/**
 * Private payment ledger settings, one record (`notes-settings` [current]) changed by
 * organisation administrators and guarded by the endorsement of every consortium member (the
 * settings pattern of channels/settings.ts):
 * - `minRingSize`: fewest members of a spend's ring, default 11 (Monero's since 2018), 2..64;
 * - `batchSeconds`: the width of a batch window, default 10 s, 1..86400. A batch id is
 *   floor(time / batchSeconds), so a change renumbers the windows from then on; change it only
 *   once every batch written under the old width is sealed (notes/README.md).
 */
export type { NotesSettings };

export const DEFAULT_MIN_RING_SIZE = 11;
export const DEFAULT_BATCH_SECONDS = 10;
export const MAX_BATCH_SECONDS = 86400;
export const DEFAULT_NOTES_SETTINGS: NotesSettings = { minRingSize: DEFAULT_MIN_RING_SIZE, batchSeconds: DEFAULT_BATCH_SECONDS };

export const NOTES_SETTINGS = new SettingsRecord('notes-settings', 'current', decoderOf(NotesSettingsRecord, 'notes settings'));

/** The settings in force: the stored record, or the defaults. */
export function currentNotesSettings(ctx: CovenantContext): Promise<NotesSettings> {
  return NOTES_SETTINGS.current(ctx, DEFAULT_NOTES_SETTINGS);
}

/** An integer argument `field` as a decimal string in [min, max]; INVALID_ARGUMENT otherwise. */
function parseSetting(raw: unknown, field: string, min: number, max: number): number {
  const value = typeof raw === 'string' && /^[1-9][0-9]{0,5}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= min && value <= max)) throw invalidArgument(`${field} must be an integer from ${min} to ${max}`);
  return value;
}

/**
 * notes:setSettings: `minRingSize` and `batchSeconds` as decimal strings ('' keeps the value in
 * force). The caller is an administrator of a consortium member (FORBIDDEN,
 * FAILED_PRECONDITION before init); INVALID_ARGUMENT out of range. Returns the new settings.
 */
export async function changeNotesSettings(ctx: CovenantContext, minRingSize: string, batchSeconds: string): Promise<NotesSettings> {
  const config = await requireMemberAdmin(ctx, 'change private payment settings');
  const previous = await currentNotesSettings(ctx);
  const next: NotesSettings = {
    minRingSize: minRingSize === '' || minRingSize === undefined ? previous.minRingSize : parseSetting(minRingSize, 'minRingSize', 2, RING_SIZE_MAX),
    batchSeconds: batchSeconds === '' || batchSeconds === undefined ? previous.batchSeconds : parseSetting(batchSeconds, 'batchSeconds', 1, MAX_BATCH_SECONDS),
    updatedAt: ctx.now,
    updatedBy: ctx.caller.accountId,
  };
  await NOTES_SETTINGS.save(ctx, next, config.members);
  return next;
}
