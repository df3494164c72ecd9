import type { ChaincodeClient } from '../ledger/chaincode';
import type { Principal } from '../identity/store';
import type { OffchainChannel, OffchainStore } from './offchain-store';
import { ForwardingPermission, refuse } from './protocol';

/**
 * What the multiparty protocol needs of the two-party records of this gateway's users: their
 * agreed versions, forwarding permissions, and marking a channel bound to (or released by) a
 * multiparty channel. The port between the two protocols.
 */
export interface TwoPartyBindings {
  /** The latest agreed off-chain version of `party`'s channel `id`, if this gateway holds one. */
  agreedVersion(id: string, party: string): Promise<number | undefined>;
  /** The latest agreed off-chain state (version, balances in minor units) of `party`'s channel `id`, if this gateway holds one. */
  agreedState(id: string, party: string): Promise<{ version: number; balances: [string, string] } | undefined>;
  /** `party`'s standing forwarding permission on channel `id` (`{cap?}`), if it allows forwarding. */
  forwarding(id: string, party: string): Promise<ForwardingPermission | undefined>;
  /** Marks `party`'s record of channel `id` bound to multiparty channel `boundTo`, or released (undefined). */
  bind(id: string, party: string, boundTo: string | undefined): Promise<void>;
}

/** The two-party channel records of this gateway's users (offchain-store.ts), reconciled with the ledger. */
export class ChannelRecords implements TwoPartyBindings {
  constructor(
    readonly store: OffchainStore,
    private readonly chaincode: ChaincodeClient,
  ) {}

  /** `self`'s record of channel `id`: NOT_FOUND unless it is one of `self`'s channels here. */
  async ownedBy(self: string, id: string): Promise<OffchainChannel> {
    const c = await this.store.get(id, self);
    if (!c || c.parties[c.self] !== self) throw refuse('NOT_FOUND', `channel ${id} is not one of the caller's channels at this gateway`);
    return c;
  }

  /** `to`'s record of channel `id` with `from` as the other party: NOT_FOUND otherwise. */
  async between(id: string, from: string, to: string): Promise<OffchainChannel> {
    const c = await this.store.get(id, to);
    if (!c || c.parties[c.self] !== to || c.parties[1 - c.self] !== from) throw refuse('NOT_FOUND', `no channel ${id} between ${from} and ${to}`);
    return c;
  }

  /**
   * A channel that can take a two-party update: not bound to a multiparty channel (the ledger
   * decides: a binding whose multiparty channel never opened, or has closed, lapses;
   * FAILED_PRECONDITION while it is bound), and, once released by one, rebased on the state the
   * multiparty channel left on the ledger.
   */
  async usable(principal: Principal, c: OffchainChannel): Promise<OffchainChannel> {
    if (!c.boundTo && !c.rebase) return c;
    const onLedger = await this.chaincode.evaluate<{ version: number; balances: [string, string]; busy: string | null }>(principal, 'channels:getChannel', [c.id]);
    if (onLedger.busy) throw refuse('FAILED_PRECONDITION', `channel ${c.id} is bound to multiparty channel ${onLedger.busy}`);
    const rebased: OffchainChannel =
      onLedger.version > c.latest.version
        ? { ...c, boundTo: undefined, rebase: undefined, latest: { version: onLedger.version, balances: onLedger.balances, final: false, signatures: ['', ''] } }
        : { ...c, boundTo: undefined, rebase: undefined };
    await this.store.put(rebased);
    return rebased;
  }

  async agreedVersion(id: string, party: string): Promise<number | undefined> {
    return (await this.store.get(id, party))?.latest.version;
  }

  async agreedState(id: string, party: string): Promise<{ version: number; balances: [string, string] } | undefined> {
    const latest = (await this.store.get(id, party))?.latest;
    return latest && { version: latest.version, balances: latest.balances };
  }

  forwarding(id: string, party: string): Promise<ForwardingPermission | undefined> {
    return this.store.forwarding(id, party);
  }

  async bind(id: string, party: string, boundTo: string | undefined): Promise<void> {
    const c = await this.store.get(id, party);
    if (c) await this.store.put({ ...c, boundTo, rebase: boundTo === undefined ? true : c.rebase });
  }
}
