/**
 * Live updates: reads the gateway's Server-Sent Events (`GET /v1/events`, the ledger events the
 * caller may see) with fetch, because EventSource cannot send the `Authorization` header and the
 * key must not go in the URL. Calls `onEvent(name, id)` per event; after a break it reconnects
 * with `Last-Event-ID` (the last id seen) after a pause growing to 30 s. `stop()` ends it.
 */
export function followEvents(apiKey: string, onEvent: (name: string, id: string) => void, onState: (live: boolean) => void): { stop(): void } {
  const abort = new AbortController();
  let lastId = '';
  let pause = 1000;

  async function once() {
    const headers: Record<string, string> = { authorization: `Bearer ${apiKey}`, accept: 'text/event-stream' };
    if (lastId) headers['last-event-id'] = lastId;
    const res = await fetch('/v1/events?from=now', { headers, signal: abort.signal, cache: 'no-store', credentials: 'omit' });
    if (!res.ok || !res.body) throw new Error(`events: HTTP ${res.status}`);
    onState(true);
    pause = 1000;
    const reader = res.body.pipeThrough(new TextDecoderStream()).getReader();
    let buffer = '';
    for (;;) {
      const { value, done } = await reader.read();
      if (done) return;
      buffer += value;
      let end: number;
      while ((end = buffer.indexOf('\n\n')) >= 0) {
        const message = buffer.slice(0, end);
        buffer = buffer.slice(end + 2);
        let name = 'message';
        let id = '';
        for (const line of message.split('\n')) {
          if (line.startsWith('event:')) name = line.slice(6).trim();
          else if (line.startsWith('id:')) id = line.slice(3).trim();
        }
        if (id) lastId = id;
        if (id || name !== 'message') onEvent(name, id);
      }
    }
  }

  void (async () => {
    while (!abort.signal.aborted) {
      try {
        await once();
      } catch {
        /* broken or refused: reconnect below */
      }
      onState(false);
      if (abort.signal.aborted) return;
      await new Promise((r) => setTimeout(r, pause));
      pause = Math.min(pause * 2, 30_000);
    }
  })();
  return { stop: () => abort.abort() };
}
