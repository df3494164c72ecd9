import { asObject, int, str, strArray } from '../shared/decode';
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
const CONFIG = 'config';

export function decodeConfig(raw: unknown): ConsortiumConfig {
  const o = asObject(raw, WHAT);
  return {
    members: strArray(o, 'members', WHAT),
    escrowActiveThreshold: int(o, 'escrowActiveThreshold', WHAT),
    initializedAt: str(o, 'initializedAt', WHAT),
    updatedAt: str(o, 'updatedAt', WHAT),
  };
}

export function configKey(ctx: CovenantContext): string {
  return ctx.state.key(CONFIG, ['consortium']);
}

/** The stored config, or undefined before init. */
export function findConfig(ctx: CovenantContext): Promise<ConsortiumConfig | undefined> {
  return ctx.state.get(configKey(ctx), decodeConfig);
}

/** The escrow threshold in force: the stored setting, or the default before init. */
export async function escrowActiveThreshold(ctx: CovenantContext): Promise<number> {
  return (await findConfig(ctx))?.escrowActiveThreshold ?? DEFAULT_ESCROW_ACTIVE_THRESHOLD;
}
