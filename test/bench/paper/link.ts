/**
 * A simulated network link in front of one gateway: an HTTP proxy that the other gateways reach it
 * through (test/support/gateway.ts, option `peerUrl`), which delays every request and every answer
 * by a fixed time (the paper's 50 ms link delay, section 4.2) and counts what crosses it. The
 * gateways' protocol code runs unchanged: it only sees a slower peer URL.
 *
 * Counted per off-chain message (POST /v1/offchain): one message for the request and one for its
 * answer (the paper counts "a TPC-update request message and a TPC-update-agree return message"),
 * by the request's `type`; and the signatures both carry (signatures.ts), distinct by value
 * within one count, so a signature forwarded to several members counts once. Other peer paths
 * (scrip inbox, private payments) are forwarded and counted under their path.
 */
import { Agent, IncomingMessage, ServerResponse, createServer, request } from 'node:http';
import type { AddressInfo } from 'node:net';
import { collectSignatures } from './signatures';

/** What crossed the links since the last reset: messages by type, and the distinct signatures seen. */
export interface LinkCounts {
  /** Messages (requests + answers) by the request's message type (or path for non-channel traffic). */
  messages: Record<string, number>;
  /** Distinct signatures carried by those messages. */
  signatures: Set<string>;
}

/** Counts shared by every link of a run (one tally for the whole consortium). */
export class LinkTally {
  counts: LinkCounts = { messages: {}, signatures: new Set() };

  /** Starts a new count (a new stage), returning the previous one. */
  reset(): LinkCounts {
    const previous = this.counts;
    this.counts = { messages: {}, signatures: new Set() };
    return previous;
  }

  /** Total messages of a count. */
  static total(c: LinkCounts): number {
    return Object.values(c.messages).reduce((a, b) => a + b, 0);
  }

  record(type: string, messages: number, bodies: unknown[]): void {
    this.counts.messages[type] = (this.counts.messages[type] ?? 0) + messages;
    for (const b of bodies) collectSignatures(b, this.counts.signatures);
  }
}

const sleep = (ms: number) => (ms > 0 ? new Promise<void>((r) => setTimeout(r, ms)) : Promise.resolve());

function readBody(stream: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    stream.on('data', (c: Buffer) => chunks.push(c));
    stream.on('end', () => resolve(Buffer.concat(chunks)));
    stream.on('error', reject);
  });
}

function parse(buf: Buffer): unknown {
  try {
    return JSON.parse(buf.toString('utf8'));
  } catch {
    return undefined;
  }
}

/** A running link: its URL (what the other gateways are given) and close(). */
export interface Link {
  url: string;
  close(): Promise<void>;
}

/**
 * Starts a link on 127.0.0.1 (ephemeral port) forwarding to `target` (http://host:port), delaying
 * each direction by `delay.ms` (read at each message, so a bench can change it between stages)
 * and recording into `tally`.
 */
export async function startLink(target: string, tally: LinkTally, delay: { ms: number }): Promise<Link> {
  const agent = new Agent({ keepAlive: true, maxSockets: 64 });
  const upstream = new URL(target);
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    void (async () => {
      const body = await readBody(req);
      await sleep(delay.ms);
      const answer = await new Promise<{ status: number; headers: IncomingMessage['headers']; body: Buffer }>((resolve, reject) => {
        const out = request(
          { host: upstream.hostname, port: upstream.port, path: req.url, method: req.method, headers: { ...req.headers, host: upstream.host }, agent },
          (r) => readBody(r).then((b) => resolve({ status: r.statusCode ?? 502, headers: r.headers, body: b }), reject),
        );
        out.on('error', reject);
        out.end(body);
      });
      await sleep(delay.ms);
      const message = req.url === '/v1/offchain' ? parse(body) : undefined;
      const type = message && typeof (message as { type?: unknown }).type === 'string' ? (message as { type: string }).type : `${req.method} ${req.url}`;
      tally.record(type, 2, [message, answer.status < 300 ? parse(answer.body) : undefined]);
      const headers = { ...answer.headers };
      delete headers['transfer-encoding'];
      headers['content-length'] = String(answer.body.length);
      res.writeHead(answer.status, headers);
      res.end(answer.body);
    })().catch((err: unknown) => {
      if (!res.headersSent) res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ detail: `link: ${(err as Error).message}` }));
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        agent.destroy();
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}
