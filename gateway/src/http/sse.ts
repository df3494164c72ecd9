import { once } from 'node:events';
import type { ServerResponse } from 'node:http';

/** Milliseconds between keep-alive comments on an idle stream. */
const HEARTBEAT_MS = 15_000;

/**
 * A Server-Sent Events response (WHATWG HTML, "Server-sent events") written with backpressure:
 * each write waits for 'drain' when the socket's buffer is full, so a slow client holds the
 * producer back instead of growing the buffer. Opens with status 200, the event-stream headers
 * and the comment `: <greeting>`, then sends `: keep-alive` every 15 s while the buffer is empty.
 * Writes stop (a pending one is abandoned) once `signal` aborts: the client left or the app closes.
 */
export class EventStream {
  private readonly heartbeat: NodeJS.Timeout;

  constructor(
    private readonly out: ServerResponse,
    private readonly signal: AbortSignal,
    greeting: string,
  ) {
    out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
    out.write(`: ${greeting}\n\n`);
    this.heartbeat = setInterval(() => {
      if (!out.writableNeedDrain) out.write(': keep-alive\n\n');
    }, HEARTBEAT_MS);
  }

  /** Sends one event: `id: <id>`, `event: <name>`, `data: <data>` (one line: data must hold no newline). */
  send(id: string, name: string, data: string): Promise<void> {
    return this.write(`id: ${id}\nevent: ${name}\ndata: ${data}\n\n`);
  }

  /** Sends an event without id (such as `error`), whose data is `payload` as JSON. */
  notify(name: string, payload: unknown): Promise<void> {
    return this.write(`event: ${name}\ndata: ${JSON.stringify(payload)}\n\n`);
  }

  /** Stops the heartbeat and ends the response. */
  end(): void {
    clearInterval(this.heartbeat);
    this.out.end();
  }

  /** Writes `chunk`; when the buffer is full, resolves on 'drain', or rejects (AbortError) when the stream is stopped first. */
  private async write(chunk: string): Promise<void> {
    if (this.signal.aborted) return;
    if (!this.out.write(chunk)) await once(this.out, 'drain', { signal: this.signal });
  }
}
