import { asObject, int } from '../shared/decode';
import { SettingsRecord, SettingsStamp, decodeStamp } from '../shared/settings';
import { rejectUnknownFields } from '../shared/args';
import { invalidArgument } from '../shared/errors';
import type { CovenantContext } from '../shared/context';
import { TOTAL_BPS } from '../shared/bps';
import { parseInteger } from '../shared/fields';

/**
 * DBCS-SC ledger settings, one record changed by organisation administrators and guarded by the
 * endorsement of every consortium member (like the consortium settings):
 * - `disputeWindowSeconds`: how long after a fraud report (ContractConfirmed with 2) a dispute may
 *   stay unruled before a party can escalate it; the deadline is computed from the transaction
 *   time. Default 7 days.
 * - `penaltyShareBps`: the least share, in basis points, of an issuer's publishing deposit that a
 *   FRAUD ruling moves to the client (the paper's Penalty). Each investment contract fixes its own
 *   share when it is published (at least this value), so later changes never alter a published
 *   contract's terms. Default 10000 (the whole publishing deposit).
 * Source: seeds/004, "Algorithmic design", Algorithm 3; the deadline and escalation are Covenant's.
 */
export interface DbcsSettings extends SettingsStamp {
  disputeWindowSeconds: number;
  penaltyShareBps: number;
}

export const DEFAULT_DISPUTE_WINDOW_SECONDS = 7 * 24 * 3600;
export const MAX_DISPUTE_WINDOW_SECONDS = 366 * 24 * 3600;
export const DEFAULT_PENALTY_SHARE_BPS = TOTAL_BPS;
export const DEFAULT_SETTINGS: DbcsSettings = {
  disputeWindowSeconds: DEFAULT_DISPUTE_WINDOW_SECONDS,
  penaltyShareBps: DEFAULT_PENALTY_SHARE_BPS,
};

const WHAT = 'dbcs settings';

export function decodeSettings(raw: unknown): DbcsSettings {
  const o = asObject(raw, WHAT);
  return {
    disputeWindowSeconds: int(o, 'disputeWindowSeconds', WHAT),
    penaltyShareBps: int(o, 'penaltyShareBps', WHAT),
    ...decodeStamp(o, WHAT),
  };
}

/** The settings record, `dbcs-settings [current]`. */
export const DBCS_SETTINGS = new SettingsRecord('dbcs-settings', 'current', decodeSettings);

/** The settings in force: the stored record, or the defaults. */
export function currentSettings(ctx: CovenantContext): Promise<DbcsSettings> {
  return DBCS_SETTINGS.current(ctx, DEFAULT_SETTINGS);
}

/**
 * Applies a settings change `{disputeWindowSeconds?, penaltyShareBps?}` (at least one) to the
 * current settings. INVALID_ARGUMENT for unknown fields or values out of range
 * (1 s..366 days; 0..10000 bps).
 */
export function changeSettings(current: DbcsSettings, body: Record<string, unknown>, by: string, now: string): DbcsSettings {
  rejectUnknownFields(body, ['disputeWindowSeconds', 'penaltyShareBps'], 'settings');
  if (body.disputeWindowSeconds === undefined && body.penaltyShareBps === undefined) {
    throw invalidArgument('settings must change disputeWindowSeconds or penaltyShareBps');
  }
  return {
    disputeWindowSeconds:
      body.disputeWindowSeconds === undefined
        ? current.disputeWindowSeconds
        : parseInteger(body.disputeWindowSeconds, 'disputeWindowSeconds', 1, MAX_DISPUTE_WINDOW_SECONDS),
    penaltyShareBps: body.penaltyShareBps === undefined ? current.penaltyShareBps : parseInteger(body.penaltyShareBps, 'penaltyShareBps', 0, TOTAL_BPS),
    updatedAt: now,
    updatedBy: by,
  };
}
