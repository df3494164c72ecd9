import { asObject, int, str, strArray } from '../shared/decode';
import { failedPrecondition, forbidden } from '../shared/errors';
import { SettingsRecord } from '../shared/settings';
import type { CovenantContext } from '../shared/context';

/**
 * Consortium-wide settings, one ledger record written by init and changed by administrators.
 * The record is guarded by a key-level policy naming every member organisation, so on a real
 * network a change needs the endorsement of all of them.
 */
export interface ConsortiumConfig {
  /** MSP IDs of the member organisations, sorted. */
  members: string[];
  /**
   * Most escrows a recipient may have confirmed and not yet settled; a recipient at the
   * threshold is refused new escrows (patent CN108399571A, threshold-based participation).
   */
  escrowActiveThreshold: number;
  initializedAt: string;
  updatedAt: string;
}

export const DEFAULT_ESCROW_ACTIVE_THRESHOLD = 100;
export const MAX_ESCROW_ACTIVE_THRESHOLD = 1_000_000;
const WHAT = 'consortium config';

export function decodeConfig(raw: unknown): ConsortiumConfig {
  const o = asObject(raw, WHAT);
  return {
    members: strArray(o, 'members', WHAT),
    escrowActiveThreshold: int(o, 'escrowActiveThreshold', WHAT),
    initializedAt: str(o, 'initializedAt', WHAT),
    updatedAt: str(o, 'updatedAt', WHAT),
  };
}

/** The config record, `config [consortium]`. */
export const CONSORTIUM_CONFIG = new SettingsRecord('config', 'consortium', decodeConfig);

/** The stored config, or undefined before init. */
export function findConfig(ctx: CovenantContext): Promise<ConsortiumConfig | undefined> {
  return CONSORTIUM_CONFIG.find(ctx);
}

/** The escrow threshold in force: the stored setting, or the default before init. */
export async function escrowActiveThreshold(ctx: CovenantContext): Promise<number> {
  return (await findConfig(ctx))?.escrowActiveThreshold ?? DEFAULT_ESCROW_ACTIVE_THRESHOLD;
}

/** FORBIDDEN unless the caller is an organisation administrator (NodeOU `OU=admin`); `action` ends "may ...". */
export function requireAdmin(ctx: CovenantContext, action = 'do this'): void {
  if (!ctx.caller.isAdmin) throw forbidden(`only an organisation administrator (OU=admin) may ${action}`);
}

/**
 * The one check before a consortium-wide settings change: the caller is an administrator
 * (FORBIDDEN) of a member organisation (FORBIDDEN) of an initialised consortium
 * (FAILED_PRECONDITION). Returns the config, whose `members` endorse settings records.
 */
export async function requireMemberAdmin(ctx: CovenantContext, action: string): Promise<ConsortiumConfig> {
  requireAdmin(ctx, action);
  const config = await findConfig(ctx);
  if (!config) throw failedPrecondition('the consortium is not initialised');
  if (!config.members.includes(ctx.caller.mspId)) throw forbidden('the caller organisation is not a consortium member');
  return config;
}
