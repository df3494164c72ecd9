import type { CovenantContext } from './context';
import type { Decoder } from './state';
import { Static, Type } from '@sinclair/typebox';
import { AccountId, Timestamp } from './schema';

/**
 * The members of every settings record (and view): who last changed it, and when (ISO 8601);
 * absent while the defaults are in force. Spread into a settings record's schema.
 */
export const SETTINGS_STAMP = { updatedAt: Type.Optional(Timestamp), updatedBy: Type.Optional(AccountId) };
const SettingsStamp = Type.Object(SETTINGS_STAMP);
export type SettingsStamp = Static<typeof SettingsStamp>;

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
