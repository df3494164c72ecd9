import type { ChannelView } from '@covenant/chaincode';
import type { ChaincodeClient } from '../ledger/chaincode';
import type { Principal } from '../identity/store';
import type { MultipartyConsents } from './multiparty-consents';
import type { ChannelMessage } from './protocol';
import type { TwoPartyBindings } from './records';

/**
 * What a gateway offers of its users' two-party channels to multiparty channels and routes
 * (J. Math. 2022, seeds/003, section 3.3): the open, idle channels at the balances their parties
 * last agreed off-chain (not only the last checkpoint), those a user allows forwarding on (capped)
 * for other gateways' routing, and a checkpoint of a channel's newer agreed state before it is
 * bound, so binding never undoes an off-chain payment.
 */
export class ChannelOffers {
  constructor(
    private readonly chaincode: ChaincodeClient,
    private readonly bindings: TwoPartyBindings,
    private readonly consents: MultipartyConsents,
    /** Puts the user's latest two-party state both parties signed on the ledger. */
    private readonly checkpoint: (principal: Principal, id: string) => Promise<ChannelView>,
    private readonly accountIdOf: (principal: Principal) => string,
  ) {}

  /** The principal's OPEN channels not bound to a multiparty channel (first 100), with the balances of their latest agreed off-chain states. */
  async openChannelsOf(principal: Principal): Promise<ChannelView[]> {
    const self = this.accountIdOf(principal);
    const page = await this.chaincode.evaluate<{ records: ChannelView[] }>(principal, 'channels:listChannels', ['100', '']);
    const out: ChannelView[] = [];
    for (const c of page.records.filter((x) => x.status === 'OPEN' && !x.busy)) {
      // Routing sees the latest balances both parties agreed off-chain, not the last checkpoint.
      const agreed = await this.bindings.agreedState(c.id, self);
      out.push(agreed && agreed.version > c.version ? { ...c, balances: agreed.balances } : c);
    }
    return out;
  }

  /**
   * Before the user's channel is bound into a multiparty channel (an opening's mpc-query): when
   * this gateway holds a newer two-party state both parties signed than the ledger's, puts it on
   * the ledger (checkpoint), so the channel is bound at its latest balances and no off-chain
   * payment is undone. Only for a channel the user offers for binding: its own request, its
   * forwarding permission on the channel, or its consent to this multiparty channel naming it
   * (nobody else can make a gateway spend transactions). True when it checkpointed; a checkpoint
   * that fails (the other party's gateway checkpointed first) leaves the opening to decide.
   */
  async checkpointBeforeBinding(principal: Principal, m: ChannelMessage, view: ChannelView): Promise<boolean> {
    const self = m.to;
    const agreed = await this.bindings.agreedVersion(view.id, self);
    if (agreed === undefined || agreed <= view.version || view.status !== 'OPEN' || view.busy) return false;
    const offered = m.from === self || (await this.bindings.forwarding(view.id, self)) !== undefined || (await this.consents.consent(m.channel, self))?.channels.includes(view.id) === true;
    if (!offered) return false;
    try {
      await this.checkpoint(principal, view.id);
      return true;
    } catch {
      return false;
    }
  }

  /** The user's open, idle channels it allows forwarding on, each direction's balance limited by its cap. */
  async forwardingChannelsOf(principal: Principal, self: string): Promise<ChannelView[]> {
    const out: ChannelView[] = [];
    for (const c of await this.openChannelsOf(principal)) {
      const permission = await this.bindings.forwarding(c.id, self);
      if (!permission) continue;
      const cap = permission.cap;
      const limit = (b: string) => (cap !== undefined && BigInt(b) > BigInt(cap) ? cap : b);
      out.push(cap === undefined ? c : { ...c, balances: [limit(c.balances[0]), limit(c.balances[1])] });
    }
    return out;
  }
}
