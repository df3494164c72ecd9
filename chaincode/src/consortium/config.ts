import { decoderOf } from '../shared/validate';
import { ConsortiumConfig, DEFAULT_ESCROW_ACTIVE_THRESHOLD, MAX_ESCROW_ACTIVE_THRESHOLD } from './schema';
import { failedPrecondition, forbidden } from '../shared/errors';
import { SettingsRecord } from '../shared/settings';
import type { CovenantContext } from '../shared/context';

/**
 * Consortium-wide settings, one ledger record written by init and changed by administrators
 * (shape: consortium/schema.ts ConsortiumConfig). The record is guarded by a key-level policy
 * naming every member organisation, so on a real network a change needs the endorsement of all.
 */
export { DEFAULT_ESCROW_ACTIVE_THRESHOLD, MAX_ESCROW_ACTIVE_THRESHOLD };
export type { ConsortiumConfig };

/** The config record, `config [consortium]`. */
export const CONSORTIUM_CONFIG = new SettingsRecord('config', 'consortium', decoderOf(ConsortiumConfig, 'consortium config'));

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
