import { SettingsRecord } from '../shared/settings';
import type { CovenantContext } from '../shared/context';
import { decoderOf, parseRequest } from '../shared/validate';
import { DEFAULT_DISPUTE_WINDOW_SECONDS, DEFAULT_PENALTY_SHARE_BPS, DbcsSettings, DbcsSettingsRequest, MAX_DISPUTE_WINDOW_SECONDS } from './schema';

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
export type { DbcsSettings };
export { DEFAULT_DISPUTE_WINDOW_SECONDS, DEFAULT_PENALTY_SHARE_BPS, MAX_DISPUTE_WINDOW_SECONDS };

export const DEFAULT_SETTINGS: DbcsSettings = {
  disputeWindowSeconds: DEFAULT_DISPUTE_WINDOW_SECONDS,
  penaltyShareBps: DEFAULT_PENALTY_SHARE_BPS,
};

const WHAT = 'dbcs settings';

export const decodeSettings = decoderOf(DbcsSettings, WHAT);

/** The settings record, `dbcs-settings [current]`. */
export const DBCS_SETTINGS = new SettingsRecord('dbcs-settings', 'current', decodeSettings);

/** The settings in force: the stored record, or the defaults. */
export function currentSettings(ctx: CovenantContext): Promise<DbcsSettings> {
  return DBCS_SETTINGS.current(ctx, DEFAULT_SETTINGS);
}

/**
 * Applies a settings change `{disputeWindowSeconds?, penaltyShareBps?}` (at least one;
 * DbcsSettingsRequest) to the current settings. INVALID_ARGUMENT for unknown fields or values out
 * of range (1 s..366 days; 0..10000 bps).
 */
export function changeSettings(current: DbcsSettings, body: unknown, by: string, now: string): DbcsSettings {
  const change = parseRequest(DbcsSettingsRequest, body, 'settings');
  return {
    disputeWindowSeconds: change.disputeWindowSeconds ?? current.disputeWindowSeconds,
    penaltyShareBps: change.penaltyShareBps ?? current.penaltyShareBps,
    updatedAt: now,
    updatedBy: by,
  };
}
