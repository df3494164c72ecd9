import type { ChannelMessage, OffchainAnswer } from './protocol';
import type { PeerDirectory } from './peers';

/** How long a peer gateway has to answer a message. */
const PEER_TIMEOUT_MS = 15_000;

/**
 * A peer gateway did not answer a message with a result: unreachable (no known address, or the
 * request failed: `peerStatus` undefined) or it refused (`peerStatus`, its HTTP status, and its
 * problem's `code`). The routes map it to a problem (routes/channel-problems.ts).
 */
export class PeerFailure extends Error {
  constructor(
    readonly mspId: string,
    readonly detail: string,
    readonly peerStatus?: number,
    /** The peer said to retry (a transient refusal, or it failed itself). */
    readonly transient = false,
  ) {
    super(detail);
    this.name = 'PeerFailure';
  }
}

/**
 * Sends off-chain messages to the other organisations' gateways: a JSON POST to
 * `{peer}/v1/offchain`, answered with an {@link OffchainAnswer} or a problem+json refusal.
 */
export class PeerTransport {
  constructor(private readonly peers: PeerDirectory) {}

  /** Delivers `m` to the gateway of organisation `mspId`; PeerFailure when it does not answer with a result. */
  async send(mspId: string, m: ChannelMessage): Promise<OffchainAnswer> {
    const url = this.peers.url(mspId);
    if (!url) throw new PeerFailure(mspId, `no gateway known for ${mspId} (set --peers)`);
    let res: Response;
    try {
      res = await fetch(`${url}/v1/offchain`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(m),
        signal: AbortSignal.timeout(PEER_TIMEOUT_MS),
      });
    } catch (err) {
      throw new PeerFailure(mspId, `the gateway of ${mspId} is unreachable: ${(err as Error).message}`);
    }
    const body = (await res.json().catch(() => ({}))) as OffchainAnswer & { detail?: string };
    if (!res.ok) {
      const transient = res.status >= 500 || /: retry$/.test(body.detail ?? '');
      throw new PeerFailure(mspId, `the gateway of ${mspId} refused ${m.type}: ${body.detail ?? res.statusText}`, res.status, transient);
    }
    return body;
  }
}
