import type { CovenantContext } from './context';
import type { Decoder } from './state';
import { optStr } from './decode';

/** Who last changed a settings record, and when (ISO 8601); absent while the defaults are in force. */
export interface SettingsStamp {
  updatedAt?: string;
  updatedBy?: string;
}

/** Decodes the SettingsStamp members of a stored settings record (`what` names it in corrupt-state errors). */
export function decodeStamp(o: Record<string, unknown>, what: string): SettingsStamp {
  return { updatedAt: optStr(o, 'updatedAt', what), updatedBy: optStr(o, 'updatedBy', what) };
}

/**
 * One consortium-wide settings record (consortium config, channel settings, DBCS-SC settings):
 * a single key `objectType [id]` every member may read, written by administrators and guarded
 * from its first write on by the endorsement of every consortium member (key-level policy).
 */
export class SettingsRecord<T extends object> {
  constructor(
    private readonly objectType: string,
    private readonly id: string,
    private readonly decode: Decoder<T>,
  ) {}

  key(ctx: CovenantContext): string {
    return ctx.state.key(this.objectType, [this.id]);
  }

  /** The stored record, or undefined while none was written. */
  find(ctx: CovenantContext): Promise<T | undefined> {
    return ctx.state.get(this.key(ctx), this.decode);
  }

  /** The record in force: the stored one, or a copy of `defaults`. */
  async current(ctx: CovenantContext, defaults: T): Promise<T> {
    return (await this.find(ctx)) ?? { ...defaults };
  }

  /** Writes `value`; the first write requires the endorsement of every organisation in `members` for later ones. */
  async save(ctx: CovenantContext, value: T, members: string[]): Promise<void> {
    const existed = (await this.find(ctx)) !== undefined;
    await ctx.state.put(this.key(ctx), value, existed ? {} : { endorsers: members });
  }
}
