import type { CovenantContext } from '../shared/context';
import type { Page } from '../shared/state';
import { RecordIndex, RecordStore } from '../shared/store';
import { Channel, decodeChannel } from './channel';
import { Multiparty, decodeMultiparty } from './multiparty';
import { PreimageRecord, decodePreimage } from './preimage';

/**
 * World-state layout of the payment channels (composite keys):
 *   channel            [id]                  two-party channel     endorsers: both parties' orgs
 *   channel-party      [party, createdAt, id] index (points at the channel)
 *   multiparty         [id]                  multiparty channel    endorsers: every party's org
 *   multiparty-party   [party, createdAt, id] index
 *   channel-settings   [current]             settings              endorsers: every consortium member
 *   preimage           [hash]                revealed preimage     no key-level policy (the chaincode's)
 * Records are never deleted: a closed channel or multiparty channel keeps its id, so no state
 * signed for it can be replayed on a new one. Index keys hold no value and never change.
 */
type PartyRecord = { id: string; parties: string[]; organizations: string[]; createdAt: string };

/** The index of a record by each of its parties, oldest first: written once, at creation. */
function partyIndex<T extends PartyRecord>(objectType: string): RecordIndex<T> {
  return { objectType, fixed: true, entries: (r) => r.parties.map((party) => [party, r.createdAt, r.id]) };
}

const CHANNEL_PARTY = partyIndex<Channel>('channel-party');
const MULTIPARTY_PARTY = partyIndex<Multiparty>('multiparty-party');

export class ChannelStore extends RecordStore<Channel> {
  constructor(ctx: CovenantContext) {
    super(ctx, { objectType: 'channel', what: 'channel', decode: decodeChannel, ids: (c) => [c.id], endorsers: (c) => c.organizations, indexes: [CHANNEL_PARTY] });
  }

  /** One page of a party's channels, oldest first. */
  listByParty(party: string, pageSize: string | undefined, bookmark: string | undefined): Promise<Page<Channel>> {
    return this.listBy(CHANNEL_PARTY, [party], pageSize, bookmark);
  }
}

export class MultipartyStore extends RecordStore<Multiparty> {
  constructor(ctx: CovenantContext) {
    super(ctx, { objectType: 'multiparty', what: 'multiparty channel', decode: decodeMultiparty, ids: (m) => [m.id], endorsers: (m) => m.organizations, indexes: [MULTIPARTY_PARTY] });
  }

  /** One page of a party's multiparty channels, oldest first. */
  listByParty(party: string, pageSize: string | undefined, bookmark: string | undefined): Promise<Page<Multiparty>> {
    return this.listBy(MULTIPARTY_PARTY, [party], pageSize, bookmark);
  }
}

/**
 * The preimage registry (`preimage` [hash], preimage.ts). Its records carry no key-level
 * endorsement policy, as the notes system's key images (notes/store.ts): a reveal is public,
 * written once, names no owner and moves no money, and its content verifies itself
 * (SHA-256(preimage) = hash, checked again on every read). No organisation's consent is needed
 * to publish a fact anyone can check, and requiring one (say the payer's, who gains when the
 * reveal is late) would let it withhold the reveal past the HTLC's expiry; the chaincode-level
 * policy still applies. The first reveal is never overwritten (preimage.ts).
 */
export class PreimageStore extends RecordStore<PreimageRecord> {
  constructor(ctx: CovenantContext) {
    super(ctx, { objectType: 'preimage', what: 'preimage of hash', decode: decodePreimage, ids: (r) => [r.hash], endorsers: () => [] });
  }
}
