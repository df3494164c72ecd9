/** A Server-Sent Event as received: its id, name and JSON data. */
export interface SseEvent {
  id: string;
  event: string;
  data: any;
}

export interface EventStream {
  /** The HTTP status and content type the stream was answered with. */
  status: number;
  contentType: string | null;
  /** Every event received so far, in order. */
  readonly events: SseEvent[];
  /** Waits until `done(events)` holds or `ms` pass; returns the events received by then. */
  until(done: (events: SseEvent[]) => boolean, ms?: number): Promise<SseEvent[]>;
  close(): void;
}

/**
 * Opens `GET /v1/events` (or any SSE URL) and collects its events in the background. Resolves once
 * the opening comment has arrived, i.e. once the stream is subscribed.
 */
export async function openEventStream(url: string, apiKey: string, headers: Record<string, string> = {}): Promise<EventStream> {
  const abort = new AbortController();
  const res = await fetch(url, { headers: { authorization: `Bearer ${apiKey}`, ...headers }, signal: abort.signal });
  const events: SseEvent[] = [];
  const stream: EventStream = {
    status: res.status,
    contentType: res.headers.get('content-type'),
    events,
    async until(done, ms = 30_000) {
      const deadline = Date.now() + ms;
      while (!done(events) && Date.now() < deadline) await new Promise((r) => setTimeout(r, 50));
      return [...events];
    },
    close: () => abort.abort(),
  };
  if (res.status !== 200 || !res.body) return stream;
  const reader = res.body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  /** Appends a chunk and parses every complete message in the buffer (comment lines are skipped). */
  const take = (chunk: Uint8Array) => {
    buffer += decoder.decode(chunk, { stream: true });
    let cut: number;
    while ((cut = buffer.indexOf('\n\n')) >= 0) {
      const block = buffer.slice(0, cut);
      buffer = buffer.slice(cut + 2);
      const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
      if (fields.event) events.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) });
    }
  };
  // The first chunk holds the opening comment, and may already hold replayed events after it.
  const first = await reader.read();
  if (first.value) take(first.value);
  void (async () => {
    for (;;) {
      const chunk = await reader.read().catch(() => undefined);
      if (!chunk || chunk.done) return;
      take(chunk.value);
    }
  })();
  return stream;
}
