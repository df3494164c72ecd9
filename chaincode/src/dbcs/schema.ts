import { Static, Type } from '@sinclair/typebox';
import { TOTAL_BPS } from '../shared/bps';
import { SETTINGS_STAMP } from '../shared/settings';

/**
 * The DBCS-SC shapes defined once so far: the ledger settings record (stored as shown) and its
 * change request. Source: seeds/004, "Algorithmic design", Algorithm 3.
 */

/** Default and largest dispute window, seconds. */
export const DEFAULT_DISPUTE_WINDOW_SECONDS = 7 * 24 * 3600;
export const MAX_DISPUTE_WINDOW_SECONDS = 366 * 24 * 3600;
export const DEFAULT_PENALTY_SHARE_BPS = TOTAL_BPS;

const DisputeWindowSeconds = Type.Integer({
  minimum: 1,
  maximum: MAX_DISPUTE_WINDOW_SECONDS,
  description: `Seconds from a fraud report to the dispute deadline (default ${DEFAULT_DISPUTE_WINDOW_SECONDS}, 7 days)`,
});
const PenaltyShareBps = Type.Integer({
  minimum: 0,
  maximum: TOTAL_BPS,
  description: `Least share of a publishing deposit a FRAUD ruling pays the client (default ${DEFAULT_PENALTY_SHARE_BPS})`,
});

/** The DBCS-SC settings record, `dbcs-settings [current]`, as stored and shown. */
export const DbcsSettings = Type.Object({
  disputeWindowSeconds: Type.Integer({ description: DisputeWindowSeconds.description }),
  penaltyShareBps: Type.Integer({ description: PenaltyShareBps.description }),
  ...SETTINGS_STAMP,
});
export type DbcsSettings = Static<typeof DbcsSettings>;

/** A settings change: at least one of the two settings. */
export const DbcsSettingsRequest = Type.Object(
  { disputeWindowSeconds: Type.Optional(DisputeWindowSeconds), penaltyShareBps: Type.Optional(PenaltyShareBps) },
  { additionalProperties: false, minProperties: 1, examples: [{ disputeWindowSeconds: 604800, penaltyShareBps: 5000 }] },
);
