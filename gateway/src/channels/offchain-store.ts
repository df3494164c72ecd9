import { GatewayDb, JsonSublevel, jsonSublevel } from '../gateway-db';
import { GroupCommit } from '../group-commit';
import type { SignedState, StateJson } from './protocol';

export type { SignedState } from './protocol';

/**
 * What a gateway knows of each two-party channel its users are in, kept durably in the gateway's
 * store. `latest` is the newest state signed by both parties: it is written before the gateway
 * answers (its user or the other gateway), so an agreed state survives a crash. `pending` is the
 * gateway's own half-signed proposal, written before it is sent: after a crash it tells the
 * gateway to ask the other side whether that proposal was countersigned.
 */
/** A payment an idempotent request asked for: the request's id (TransactionJournal.requestId) and the amount. */
export interface PendingPayment {
  requestId: string;
  amount: string;
}

/** A pending payment found agreed at recovery, with the agreed state that holds it. */
export interface RecoveredPayment extends PendingPayment {
  version: number;
  balances: [string, string];
}

/** How many recovered payments a channel record keeps for repeats of their requests. */
export const RECOVERED_PAYMENTS_KEPT = 256;

export interface OffchainChannel {
  id: string;
  parties: [string, string];
  /** Which party this gateway acts for. */
  self: 0 | 1;
  latest: SignedState;
  pending?: StateJson;
  /** The idempotent payment requests the pending proposal carries (see `recoveredPayments`). */
  pendingPayments?: PendingPayment[];
  /**
   * Payments of idempotent requests whose proposal was left pending (the gateway failed after
   * sending it, before storing the agreed state) and was later found agreed by the other side: a
   * repeat of such a request answers from here instead of paying again. The most recent
   * RECOVERED_PAYMENTS_KEPT.
   */
  recoveredPayments?: RecoveredPayment[];
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

/** How many channel records the store keeps in memory (least recently used evicted first). */
const CACHED_CHANNELS = 10_000;

/** Key of one party's record of channel or proposal `id`: both parties may be users of this gateway. */
const partyKey = (party: string, id: string) => `${party}!${id}`;
/** Keys of `party`'s records, in id order, strictly after `after` when given. */
const partyRange = (party: string, after = '') => ({ ...(after ? { gt: partyKey(party, after) } : { gte: partyKey(party, '') }), lt: partyKey(party, '\uffff') });

/**
 * The off-chain records, each kind in its own sublevel of the gateway database with JSON values:
 * `channels` (per party), `channel-proposals` (per party, listed by party) and
 * `channel-forwarding` (per party: `{cap?}` where the party allows routing through its channel).
 * Channel records are written durably (synced to disk before `put` resolves), grouped with the
 * channel writes of concurrent requests into one synced batch (group-commit.ts), and the most
 * recently used ones are kept in memory (this store is the only writer of its sublevel), so a
 * payment reads its channel without a disk read. Records returned are shared: treat them as
 * immutable (write a changed copy with `put`).
 */
export class OffchainStore {
  private readonly channels: JsonSublevel<OffchainChannel>;
  private readonly proposals: JsonSublevel<ChannelProposal>;
  private readonly forwardingPermissions: JsonSublevel<{ cap?: string }>;
  private readonly commits: GroupCommit;
  /** Channel records by key, least recently used first. */
  private readonly cached = new Map<string, OffchainChannel>();
  /** Called after each channel record is written (see {@link onChange}). */
  private readonly listeners: ((party: string, channel: string) => void)[] = [];

  constructor(db: GatewayDb) {
    this.commits = new GroupCommit(db);
    this.channels = jsonSublevel(db, 'channels');
    this.proposals = jsonSublevel(db, 'channel-proposals');
    this.forwardingPermissions = jsonSublevel(db, 'channel-forwarding');
  }

  /** The channel as `party` (an account this gateway serves) knows it. */
  async get(id: string, party: string): Promise<OffchainChannel | undefined> {
    const key = partyKey(party, id);
    const cached = this.cached.get(key);
    if (cached) {
      this.remember(key, cached);
      return cached;
    }
    const stored = await this.channels.get(key);
    // A put that completed during the read is newer than what the read returned.
    if (stored && !this.cached.has(key)) this.remember(key, stored);
    return this.cached.get(key) ?? stored;
  }

  /** Writes the record of the party the channel's `self` names; resolves once it is synced to disk. */
  async put(channel: OffchainChannel): Promise<void> {
    const key = partyKey(channel.parties[channel.self], channel.id);
    const value: OffchainChannel = { ...channel, updatedAt: new Date().toISOString() };
    await this.commits.write([{ type: 'put', sublevel: this.channels, key, value }]);
    this.remember(key, value);
    for (const listener of this.listeners) listener(channel.parties[channel.self], channel.id);
  }

  /**
   * Calls `listener(party, channel)` after each write of `party`'s record of `channel` (an
   * opening, an off-chain payment sent or received, a binding to or release from a multiparty
   * channel): what `party` can pay may have changed. Listeners must not throw or block (the
   * waiting payments' retry, pending-payments.ts, only marks the party).
   */
  onChange(listener: (party: string, channel: string) => void): void {
    this.listeners.push(listener);
  }

  /** Keeps `value` as the most recently used record of `key`. */
  private remember(key: string, value: OffchainChannel): void {
    this.cached.delete(key);
    this.cached.set(key, value);
    if (this.cached.size > CACHED_CHANNELS) this.cached.delete(this.cached.keys().next().value as string);
  }

  /** Every channel with a proposal sent but not known to be agreed (for recovery at start). */
  async withPending(): Promise<OffchainChannel[]> {
    const out: OffchainChannel[] = [];
    for await (const c of this.channels.values()) if (c.pending) out.push(c);
    return out;
  }

  /** Every channel record whose latest agreed state holds HTLCs in flight (the HTLC watch, htlc-relay.ts). */
  async withHtlcs(): Promise<OffchainChannel[]> {
    const out: OffchainChannel[] = [];
    for await (const c of this.channels.values()) if (c.latest.htlcs && c.latest.htlcs.length > 0) out.push(c);
    return out;
  }

  /** `party`'s copy of proposal `id`. */
  proposal(id: string, party: string): Promise<ChannelProposal | undefined> {
    return this.proposals.get(partyKey(party, id));
  }

  /** Writes the copy of the party the proposal's `self` names. */
  async putProposal(p: ChannelProposal): Promise<void> {
    await this.proposals.put(partyKey(p.parties[p.self], p.id), { ...p, updatedAt: new Date().toISOString() });
  }

  /** One page of `party`'s proposals (incoming and outgoing) by channel id, after `after` (an id). */
  async proposalsOf(party: string, pageSize: number, after: string): Promise<{ records: ChannelProposal[]; bookmark: string }> {
    const records = await this.proposals.values({ ...partyRange(party, after), limit: pageSize + 1 }).all();
    const more = records.length > pageSize;
    if (more) records.pop();
    return { records, bookmark: more ? records[records.length - 1].id : '' };
  }

  /** `party`'s forwarding permission on channel `id`: `{cap?}` when allowed. */
  forwarding(id: string, party: string): Promise<{ cap?: string } | undefined> {
    return this.forwardingPermissions.get(partyKey(party, id));
  }

  /** Allows (`{cap?}`) or forbids (undefined) routing others' payments through `party`'s channel `id`. */
  async setForwarding(id: string, party: string, permission: { cap?: string } | undefined): Promise<void> {
    if (permission) await this.forwardingPermissions.put(partyKey(party, id), permission);
    else await this.forwardingPermissions.del(partyKey(party, id));
  }
}
