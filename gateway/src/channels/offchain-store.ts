import type { LevelDb } from '../ledger/embedded/store';

/**
 * What a gateway knows of each two-party channel its users are in, kept durably in the gateway's
 * store. `latest` is the newest state signed by both parties: it is written before the gateway
 * answers (its user or the other gateway), so an agreed state survives a crash. `pending` is the
 * gateway's own half-signed proposal, written before it is sent: after a crash it tells the
 * gateway to ask the other side whether that proposal was countersigned.
 */
export interface SignedState {
  version: number;
  /** Minor units, decimal strings, in the order of `parties`. */
  balances: [string, string];
  final: boolean;
  /** Base64 DER signatures in the order of `parties`. */
  signatures: [string, string];
}

export interface OffchainChannel {
  id: string;
  parties: [string, string];
  /** Which party this gateway acts for. */
  self: 0 | 1;
  latest: SignedState;
  pending?: { version: number; balances: [string, string]; final: boolean };
  /** Set while the channel is a member of this multiparty channel: no two-party updates. */
  boundTo?: string;
  /**
   * Set when a multiparty channel released it: the ledger holds a newer state (signed by every
   * multiparty party, not as a two-party state), which becomes the base of the next version.
   */
  rebase?: boolean;
  updatedAt: string;
}

const PREFIX = 'chan!';
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
}
