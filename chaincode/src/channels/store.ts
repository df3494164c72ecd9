import type { CovenantContext } from '../shared/context';
import type { Page } from '../shared/state';
import { notFound } from '../shared/errors';
import { Channel, decodeChannel } from './channel';
import { Multiparty, decodeMultiparty } from './multiparty';

/**
 * World-state layout of the payment channels (composite keys):
 *   channel            [id]                  two-party channel     endorsers: both parties' orgs
 *   channel-party      [party, createdAt, id] index (points at the channel)
 *   multiparty         [id]                  multiparty channel    endorsers: every party's org
 *   multiparty-party   [party, createdAt, id] index
 *   channel-settings   [current]             settings              endorsers: every consortium member
 * Records are never deleted: a closed channel or multiparty channel keeps its id, so no state
 * signed for it can be replayed on a new one. Index keys hold no value and never change.
 */
const CHANNEL = 'channel';
const CHANNEL_PARTY = 'channel-party';
const MULTIPARTY = 'multiparty';
const MULTIPARTY_PARTY = 'multiparty-party';

const pointer = (_key: string, raw: unknown): string => {
  const id = (raw as { id?: unknown }).id;
  if (typeof id !== 'string') throw new Error('corrupt channel index entry');
  return id;
};

export class ChannelStore {
  constructor(private readonly ctx: CovenantContext) {}

  key(id: string): string {
    return this.ctx.state.key(CHANNEL, [id]);
  }

  find(id: string): Promise<Channel | undefined> {
    return this.ctx.state.get(this.key(id), decodeChannel);
  }

  /** The channel, or NOT_FOUND. */
  async get(id: string): Promise<Channel> {
    const channel = await this.find(id);
    if (!channel) throw notFound(`channel ${id} does not exist`);
    return channel;
  }

  /** Writes a channel; `create` sets the key-level policy (both parties' orgs) and the party index. */
  async save(c: Channel, { create = false } = {}): Promise<void> {
    await this.ctx.state.put(this.key(c.id), c, create ? { endorsers: c.organizations } : {});
    if (create) {
      for (const party of c.parties) await this.ctx.state.put(this.ctx.state.key(CHANNEL_PARTY, [party, c.createdAt, c.id]), { id: c.id });
    }
  }

  /** One page of a party's channels, oldest first. */
  async listByParty(party: string, pageSize: number, bookmark: string): Promise<Page<Channel>> {
    const page = await this.ctx.state.page(CHANNEL_PARTY, [party], pageSize, bookmark, pointer);
    const records: Channel[] = [];
    for (const id of page.records) records.push(await this.get(id));
    return { records, bookmark: page.bookmark };
  }
}

export class MultipartyStore {
  constructor(private readonly ctx: CovenantContext) {}

  key(id: string): string {
    return this.ctx.state.key(MULTIPARTY, [id]);
  }

  find(id: string): Promise<Multiparty | undefined> {
    return this.ctx.state.get(this.key(id), decodeMultiparty);
  }

  async get(id: string): Promise<Multiparty> {
    const m = await this.find(id);
    if (!m) throw notFound(`multiparty channel ${id} does not exist`);
    return m;
  }

  async save(m: Multiparty, { create = false } = {}): Promise<void> {
    await this.ctx.state.put(this.key(m.id), m, create ? { endorsers: m.organizations } : {});
    if (create) {
      for (const party of m.parties) await this.ctx.state.put(this.ctx.state.key(MULTIPARTY_PARTY, [party, m.createdAt, m.id]), { id: m.id });
    }
  }

  async listByParty(party: string, pageSize: number, bookmark: string): Promise<Page<Multiparty>> {
    const page = await this.ctx.state.page(MULTIPARTY_PARTY, [party], pageSize, bookmark, pointer);
    const records: Multiparty[] = [];
    for (const id of page.records) records.push(await this.get(id));
    return { records, bookmark: page.bookmark };
  }
}
