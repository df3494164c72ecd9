import { Agent as HttpAgent, request as httpRequest } from 'node:http';
import { Agent as HttpsAgent, request as httpsRequest } from 'node:https';
import type { ChannelMessage, OffchainAnswer } from './protocol';
import type { PeerDirectory } from './peers';

/** How long a peer gateway has to answer a message. */
const PEER_TIMEOUT_MS = 15_000;
/** A kept-alive connection idle this long is closed by this side, well before the peer's 72 s keep-alive timeout. */
const IDLE_CONNECTION_MS = 30_000;
/** Most answers read from a peer (bytes): an answer is a signature, a state or a page of channels. */
const MAX_ANSWER_BYTES = 1 << 20;

/**
 * A peer gateway did not answer a message with a result: unreachable (no known address, or the
 * request failed: `peerStatus` undefined) or it refused (`peerStatus`, its HTTP status, and its
 * problem's `code`). The HTTP layer maps it to a problem (http/problem.ts, toProblem).
 */
export class PeerFailure extends Error {
  constructor(
    readonly mspId: string,
    readonly detail: string,
    readonly peerStatus?: number,
    /** The peer said to retry (a transient refusal, or it failed itself). */
    readonly transient = false,
    /**
     * The refusal's problem `code`, kept only by callers that pass peers' codes through (the scrip
     * protocol: DOUBLE_SPEND, SCRIP_EXPIRED, ...); the channel protocol leaves it undefined.
     */
    readonly code?: string,
  ) {
    super(detail);
    this.name = 'PeerFailure';
  }
}

/** An HTTP answer: status and parsed JSON body (`{}` when it is not JSON). */
interface PeerAnswer<T> {
  status: number;
  statusText: string;
  body: T & { detail?: string; code?: string };
}

/**
 * Sends messages to the other organisations' gateways: a JSON POST to a path of the peer (off-chain
 * channel messages to `{peer}/v1/offchain`, scrip messages to `{peer}/v1/scrip/inbox`), answered
 * with a JSON result or a problem+json refusal. The
 * connections are kept alive and reused (node:http / node:https agents, one pool per peer
 * origin): no TCP or TLS handshake per message once warm.
 */
export class PeerTransport {
  private readonly http = new HttpAgent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16, scheduling: 'lifo', timeout: IDLE_CONNECTION_MS });
  private readonly https = new HttpsAgent({ keepAlive: true, maxSockets: 64, maxFreeSockets: 16, scheduling: 'lifo', timeout: IDLE_CONNECTION_MS });

  constructor(private readonly peers: PeerDirectory) {}

  /** Delivers `m` to the gateway of organisation `mspId`; PeerFailure when it does not answer with a result. */
  async send(mspId: string, m: ChannelMessage): Promise<OffchainAnswer> {
    return this.postJson<OffchainAnswer>(mspId, '/v1/offchain', m, m.type);
  }

  /**
   * POSTs `message` as JSON to `{gateway of mspId}{path}` and returns the parsed 2xx answer. Errors:
   * PeerFailure: no address known, unreachable or no answer within 15 s (`peerStatus` undefined),
   * or a refusal (`peerStatus`; `transient` for 5xx, "...: retry" and a kept LEDGER_CONFLICT;
   * `code` the problem's code when `keepCode`). `what` names the message in the failure's detail.
   */
  async postJson<T>(mspId: string, path: string, message: unknown, what: string, keepCode = false): Promise<T> {
    const url = this.peers.url(mspId);
    if (!url) throw new PeerFailure(mspId, `no gateway known for ${mspId} (set --peers)`);
    let res: PeerAnswer<T>;
    try {
      res = await this.post<T>(new URL(`${url}${path}`), JSON.stringify(message));
    } catch (err) {
      throw new PeerFailure(mspId, `the gateway of ${mspId} is unreachable: ${(err as Error).message}`);
    }
    if (res.status < 200 || res.status >= 300) {
      const code = keepCode && typeof res.body.code === 'string' ? res.body.code : undefined;
      const transient = res.status >= 500 || /: retry$/.test(res.body.detail ?? '') || code === 'LEDGER_CONFLICT';
      throw new PeerFailure(mspId, `the gateway of ${mspId} refused ${what}: ${res.body.detail ?? res.statusText}`, res.status, transient, code);
    }
    return res.body;
  }

  /** Closes the idle kept-alive connections (the gateway is shutting down). */
  close(): void {
    this.http.destroy();
    this.https.destroy();
  }

  /** POSTs JSON `body` to `url` over a kept-alive connection; rejects on a network error or after PEER_TIMEOUT_MS. */
  private post<T>(url: URL, body: string): Promise<PeerAnswer<T>> {
    const secure = url.protocol === 'https:';
    return new Promise<PeerAnswer<T>>((resolve, reject) => {
      const req = (secure ? httpsRequest : httpRequest)(
        url,
        {
          method: 'POST',
          agent: secure ? this.https : this.http,
          headers: { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) },
          timeout: PEER_TIMEOUT_MS,
        },
        (res) => {
          const chunks: Buffer[] = [];
          let size = 0;
          res.on('data', (chunk: Buffer) => {
            size += chunk.length;
            if (size > MAX_ANSWER_BYTES) req.destroy(new Error('answer too large'));
            else chunks.push(chunk);
          });
          res.on('error', reject);
          res.on('end', () => {
            let parsed: unknown;
            try {
              parsed = JSON.parse(Buffer.concat(chunks).toString('utf8'));
            } catch {
              parsed = {};
            }
            resolve({ status: res.statusCode ?? 0, statusText: res.statusMessage ?? '', body: (parsed ?? {}) as PeerAnswer<T>['body'] });
          });
        },
      );
      req.on('timeout', () => req.destroy(new Error(`no answer within ${PEER_TIMEOUT_MS} ms`)));
      req.on('error', reject);
      req.end(body);
    });
  }
}
