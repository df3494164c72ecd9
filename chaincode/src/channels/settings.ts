import { SettingsRecord } from '../shared/settings';
import { decoderOf } from '../shared/validate';
import { ChannelSettings, ChannelSettingsRecord } from './schema';
import { invalidArgument } from '../shared/errors';
import type { CovenantContext } from '../shared/context';
import { requireMemberAdmin } from '../consortium/config';

/**
 * Payment channel ledger settings, one record changed by organisation administrators and guarded
 * by the endorsement of every consortium member (like the consortium and DBCS-SC settings):
 * - `challengePeriodSeconds`: how long after a unilateral close is started the registered state
 *   may be challenged with a newer one, measured in transaction time. Default 1 hour, 1 s..30 days.
 *   A change applies to unilateral closes started afterwards; a started close keeps its deadline.
 * - `multipartyTimeoutSeconds`: how long a multiparty channel may go without an on-ledger change
 *   (since it was opened or last changed, transaction time) before any one party may start its
 *   unilateral close alone with the recorded state (exitMultiparty, DESIGN.md: no member can hold
 *   another's funds hostage).
 *   Default 24 hours, 1 s..30 days. A change applies at once to every open multiparty channel.
 */
export type { ChannelSettings };

export const DEFAULT_CHALLENGE_PERIOD_SECONDS = 3600;
export const MAX_CHALLENGE_PERIOD_SECONDS = 30 * 24 * 3600;
export const DEFAULT_MULTIPARTY_TIMEOUT_SECONDS = 86400;
export const MAX_MULTIPARTY_TIMEOUT_SECONDS = 30 * 24 * 3600;
export const DEFAULT_CHANNEL_SETTINGS: ChannelSettings = {
  challengePeriodSeconds: DEFAULT_CHALLENGE_PERIOD_SECONDS,
  multipartyTimeoutSeconds: DEFAULT_MULTIPARTY_TIMEOUT_SECONDS,
};
const WHAT = 'channel settings';

/** Decodes the stored settings; records written before the multiparty timeout existed get its default. */
export const decodeChannelSettings = decoderOf(ChannelSettingsRecord, WHAT, (o): ChannelSettings => ({
  ...o,
  multipartyTimeoutSeconds: o.multipartyTimeoutSeconds ?? DEFAULT_MULTIPARTY_TIMEOUT_SECONDS,
}));

/** The settings record, `channel-settings [current]`. */
export const CHANNEL_SETTINGS = new SettingsRecord('channel-settings', 'current', decodeChannelSettings);

/** The settings in force: the stored record, or the defaults. */
export function currentChannelSettings(ctx: CovenantContext): Promise<ChannelSettings> {
  return CHANNEL_SETTINGS.current(ctx, DEFAULT_CHANNEL_SETTINGS);
}

/** A `seconds` argument: a decimal integer 1..`max`, else INVALID_ARGUMENT. */
function parseSeconds(raw: string, max: number): number {
  const value = typeof raw === 'string' && /^[1-9][0-9]{0,7}$/.test(raw) ? Number(raw) : NaN;
  if (!(value >= 1 && value <= max)) throw invalidArgument(`seconds must be an integer from 1 to ${max}`);
  return value;
}

/** The `seconds` argument of setChallengePeriod: a decimal integer 1..2592000, else INVALID_ARGUMENT. */
export function parseChallengePeriod(raw: string): number {
  return parseSeconds(raw, MAX_CHALLENGE_PERIOD_SECONDS);
}

/** The `seconds` argument of setMultipartyTimeout: a decimal integer 1..2592000, else INVALID_ARGUMENT. */
export function parseMultipartyTimeout(raw: string): number {
  return parseSeconds(raw, MAX_MULTIPARTY_TIMEOUT_SECONDS);
}

/**
 * One settings change: checks the caller is an administrator of a consortium member
 * (requireMemberAdmin: FORBIDDEN, FAILED_PRECONDITION), parses the new value (INVALID_ARGUMENT),
 * and writes the record stamped with the caller and the transaction time. Returns the new and
 * the previous settings.
 */
export async function changeChannelSetting(
  ctx: CovenantContext,
  field: 'challengePeriodSeconds' | 'multipartyTimeoutSeconds',
  parse: () => number,
): Promise<{ next: ChannelSettings; previous: ChannelSettings }> {
  const config = await requireMemberAdmin(ctx, 'change channel settings');
  const value = parse();
  const previous = await currentChannelSettings(ctx);
  const next: ChannelSettings = {
    challengePeriodSeconds: previous.challengePeriodSeconds,
    multipartyTimeoutSeconds: previous.multipartyTimeoutSeconds,
    [field]: value,
    updatedAt: ctx.now,
    updatedBy: ctx.caller.accountId,
  };
  await CHANNEL_SETTINGS.save(ctx, next, config.members);
  return { next, previous };
}
