import type { LevelDb } from '@covenant/embedded-ledger';
import type { StateJson } from './consent';

/**
 * What a gateway knows of each two-party channel its users are in, kept durably in the gateway's
 * store. `latest` is the newest state signed by both parties: it is written before the gateway
 * answers (its user or the other gateway), so an agreed state survives a crash. `pending` is the
 * gateway's own half-signed proposal, written before it is sent: after a crash it tells the
 * gateway to ask the other side whether that proposal was countersigned.
 */
export interface SignedState extends StateJson {
  /** Base64 DER signatures in the order of `parties`. */
  signatures: [string, string];
}

export interface OffchainChannel {
  id: string;
  parties: [string, string];
  /** Which party this gateway acts for. */
  self: 0 | 1;
  latest: SignedState;
  pending?: StateJson;
  /** Set while the channel is a member of this multiparty channel: no two-party updates. */
  boundTo?: string;
  /**
   * Set when a multiparty channel released it: the ledger holds a newer state (signed by every
   * multiparty party, not as a two-party state), which becomes the base of the next version.
   */
  rebase?: boolean;
  updatedAt: string;
}

/**
 * A channel opening proposed by `parties[0]` (the opener) that takes a deposit from `parties[1]`
 * (the counterparty): both parties' gateways keep a copy, each for its own user. It is PROPOSED
 * until the counterparty accepts (ACCEPTED, with both signatures over the opening state kept so a
 * failed openChannel submission can be retried), declines (DECLINED) or the opener withdraws it
 * (WITHDRAWN); a PROPOSED one past `expiresAt` reads as EXPIRED and can no longer be accepted.
 */
export interface ChannelProposal {
  id: string;
  parties: [string, string];
  /** Minor units, decimal strings, in the order of `parties`. */
  deposits: [string, string];
  /** Which party this gateway keeps the record for: 0 the opener, 1 the counterparty. */
  self: 0 | 1;
  status: 'PROPOSED' | 'ACCEPTED' | 'DECLINED' | 'WITHDRAWN';
  expiresAt: string;
  createdAt: string;
  /** Once ACCEPTED: both parties' signatures over the opening state, in the order of `parties`. */
  signatures?: [string, string];
  updatedAt: string;
}

const PREFIX = 'chan!';
const PROPOSAL = 'chanprop!';
const FORWARDING = 'chanfwd!';
/** A party's proposals, listed by the party: one key per party and channel id. */
const proposalKey = (party: string, id: string) => `${PROPOSAL}${party}!${id}`;
const forwardingKey = (party: string, id: string) => `${FORWARDING}${party}!${id}`;
/** One record per channel and party: both parties may be users of the same gateway. */
const key = (id: string, party: string) => `${PREFIX}${id}!${party}`;
const enc = new TextEncoder();
const dec = new TextDecoder();

export class OffchainStore {
  constructor(private readonly db: LevelDb) {}

  /** The channel as `party` (an account this gateway serves) knows it. */
  async get(id: string, party: string): Promise<OffchainChannel | undefined> {
    const raw = await this.db.get(key(id, party));
    return raw ? (JSON.parse(dec.decode(raw)) as OffchainChannel) : undefined;
  }

  async put(channel: OffchainChannel): Promise<void> {
    await this.db.put(key(channel.id, channel.parties[channel.self]), enc.encode(JSON.stringify({ ...channel, updatedAt: new Date().toISOString() })));
  }

  /** Every channel with a proposal sent but not known to be agreed (for recovery at start). */
  async withPending(): Promise<OffchainChannel[]> {
    const out: OffchainChannel[] = [];
    for await (const [, v] of this.db.iterator({ gte: PREFIX, lt: PREFIX + '\uffff' })) {
      const c = JSON.parse(dec.decode(v)) as OffchainChannel;
      if (c.pending) out.push(c);
    }
    return out;
  }

  /** `party`'s copy of proposal `id`. */
  async proposal(id: string, party: string): Promise<ChannelProposal | undefined> {
    const raw = await this.db.get(proposalKey(party, id));
    return raw ? (JSON.parse(dec.decode(raw)) as ChannelProposal) : undefined;
  }

  async putProposal(p: ChannelProposal): Promise<void> {
    await this.db.put(proposalKey(p.parties[p.self], p.id), enc.encode(JSON.stringify({ ...p, updatedAt: new Date().toISOString() })));
  }

  /** One page of `party`'s proposals (incoming and outgoing) by channel id, after `after` (an id). */
  async proposalsOf(party: string, pageSize: number, after: string): Promise<{ records: ChannelProposal[]; bookmark: string }> {
    const records: ChannelProposal[] = [];
    const prefix = proposalKey(party, '');
    const start = after ? { gt: proposalKey(party, after) } : { gte: prefix };
    for await (const [, v] of this.db.iterator({ ...start, lt: prefix + '\uffff', limit: pageSize + 1 })) records.push(JSON.parse(dec.decode(v)) as ChannelProposal);
    const more = records.length > pageSize;
    if (more) records.pop();
    return { records, bookmark: more ? records[records.length - 1].id : '' };
  }

  /** `party`'s forwarding permission on channel `id`: `{cap?}` when allowed. */
  async forwarding(id: string, party: string): Promise<{ cap?: string } | undefined> {
    const raw = await this.db.get(forwardingKey(party, id));
    return raw ? (JSON.parse(dec.decode(raw)) as { cap?: string }) : undefined;
  }

  /** Allows (`{cap?}`) or forbids (undefined) routing others' payments through `party`'s channel `id`. */
  async setForwarding(id: string, party: string, permission: { cap?: string } | undefined): Promise<void> {
    if (permission) await this.db.put(forwardingKey(party, id), enc.encode(JSON.stringify(permission)));
    else await this.db.del(forwardingKey(party, id));
  }
}
