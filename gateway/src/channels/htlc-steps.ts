import type { Principal } from '../identity/store';
import type { ChannelService } from './service';
import { abortableSleep } from './abortable-sleep';
import { ChannelRefusal, ForwardHop, SignedState, addHtlcState, htlcsIn, removeHtlcState } from './protocol';

/** Waits before each retry of a step the other side refused as busy (its own proposal in flight on the channel), in ms. */
const BUSY_BACKOFF_MS = [20, 50, 100, 200, 400, 800, 1600];

/**
 * The three HTLC steps a gateway proposes for its user on a two-party channel (BOLT 2: add,
 * fulfill, fail), each one htlc-update both parties sign (ChannelService.updateHtlc), retried a
 * few times while the other side is busy on the channel. A step whose HTLC is already gone (a
 * retry after the other side settled it) is answered with the state as it is.
 */
export class HtlcSteps {
  constructor(private readonly channels: ChannelService) {}

  /**
   * Offers `amount` (minor units) on `channel` locked to `hash` until `expiresAt`, with the hops
   * the receiver forwards over; a no-op when the channel already holds it (a retry after a stop
   * whose proposal the other side had agreed).
   */
  async add(principal: Principal, channel: string, htlc: { id: string; hash: string; amount: string; expiresAt: string }, forward?: ForwardHop[]): Promise<void> {
    await this.busyRetry(() =>
      this.channels.updateHtlc(
        principal,
        channel,
        (c) => {
          if (htlcsIn(c.latest).some((h) => h.id === htlc.id && h.hash === htlc.hash)) throw new HtlcSettled();
          return addHtlcState(c, htlc);
        },
        forward && forward.length > 0 ? { forward } : {},
      ),
    ).catch((err) => {
      if (!(err instanceof HtlcSettled)) throw err;
    });
  }

  /** Claims HTLC `htlcId` on `channel` with its preimage (the caller is its payee); a no-op when it is gone. */
  fulfill(principal: Principal, channel: string, htlcId: string, preimage: string): Promise<SignedState | undefined> {
    return this.remove(principal, channel, htlcId, 'fulfill', { preimage });
  }

  /** Returns HTLC `htlcId` on `channel` to its payer (`reason` says why); a no-op when it is gone. */
  fail(principal: Principal, channel: string, htlcId: string, reason: string): Promise<SignedState | undefined> {
    return this.remove(principal, channel, htlcId, 'fail', { reason: reason.slice(0, 300) });
  }

  private async remove(principal: Principal, channel: string, htlcId: string, kind: 'fulfill' | 'fail', extra: { preimage?: string; reason?: string }): Promise<SignedState | undefined> {
    return this.busyRetry(() =>
      this.channels.updateHtlc(
        principal,
        channel,
        (c) => {
          // Nothing is proposed for an HTLC already settled: the caller learns it is gone.
          if (!htlcsIn(c.latest).some((h) => h.id === htlcId)) throw new HtlcSettled();
          return removeHtlcState(c, htlcId, kind);
        },
        extra,
      ),
    ).catch((err): undefined => {
      if (err instanceof HtlcSettled) return undefined;
      throw err;
    });
  }

  private async busyRetry<T>(run: () => Promise<T>): Promise<T> {
    for (let attempt = 0; ; attempt++) {
      try {
        return await run();
      } catch (err) {
        const busy = err instanceof ChannelRefusal ? err.transient : (err as { transient?: boolean }).transient === true && (err as { peerStatus?: number }).peerStatus === 409;
        if (!busy || attempt >= BUSY_BACKOFF_MS.length) throw err;
        await abortableSleep(BUSY_BACKOFF_MS[attempt]);
      }
    }
  }
}

/** The step is already taken: the HTLC to add is there, or the one to remove is gone. */
class HtlcSettled extends Error {}
