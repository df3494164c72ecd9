import { TestGateway, registerAll, startTestGateway } from '../support/gateway';

/** Chaincode events as Server-Sent Events, resumed with Last-Event-ID. */
interface SseEvent {
  id: string;
  event: string;
  data: any;
}

/** Opens the stream and collects events until `until` is satisfied or 30 s pass. */
async function collect(url: string, apiKey: string, headers: Record<string, string>, until: (events: SseEvent[]) => boolean, start: () => Promise<unknown>): Promise<SseEvent[]> {
  const abort = new AbortController();
  const timer = setTimeout(() => abort.abort(), 30_000);
  const events: SseEvent[] = [];
  try {
    const res = await fetch(url, { headers: { authorization: `Bearer ${apiKey}`, ...headers }, signal: abort.signal });
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^text\/event-stream/);
    const reader = res.body!.getReader();
    const decoder = new TextDecoder();
    let buffer = '';
    await start();
    while (!until(events)) {
      const { value, done } = await reader.read();
      if (done) break;
      buffer += decoder.decode(value, { stream: true });
      let cut: number;
      while ((cut = buffer.indexOf('\n\n')) >= 0) {
        const block = buffer.slice(0, cut);
        buffer = buffer.slice(cut + 2);
        const fields = Object.fromEntries(block.split('\n').filter((l) => !l.startsWith(':')).map((l) => [l.slice(0, l.indexOf(':')), l.slice(l.indexOf(':') + 2)]));
        if (fields.event) events.push({ id: fields.id, event: fields.event, data: JSON.parse(fields.data) });
      }
    }
    return events;
  } finally {
    clearTimeout(timer);
    abort.abort();
  }
}

describe('event stream', () => {
  let gw: TestGateway;
  let id: Record<string, string>;

  beforeAll(async () => {
    gw = await startTestGateway();
    id = await registerAll(gw, ['bank', 'alice', 'bob']);
  }, 120_000);
  afterAll(() => gw.close());

  test('a back office sees each commit as an event and resumes after the last one it saw', async () => {
    const bank = gw.as('bank');
    const url = `${gw.url}/v1/events?names=Minted,Transferred`;
    const first = await collect(url, bank.apiKey, {}, (e) => e.length >= 1, () => bank.post(`/v1/accounts/${id.alice}/mint`, { amount: '500' }));
    expect(first[0]).toMatchObject({ event: 'Minted', data: { account: id.alice, amount: '500' } });
    expect(first[0].id).toMatch(/^\d+:[0-9a-f]+$/);

    // While nobody listens, two more commits.
    await gw.as('alice').post('/v1/transfers', { to: id.bob, amount: '20' });
    await bank.post(`/v1/accounts/${id.bob}/mint`, { amount: '7' });

    const resumed = await collect(url, bank.apiKey, { 'last-event-id': first[0].id }, (e) => e.length >= 2, async () => undefined);
    expect(resumed.map((e) => e.event)).toEqual(['Transferred', 'Minted']);
    expect(resumed[0].data).toMatchObject({ from: id.alice, to: id.bob, amount: '20' });
    expect(resumed[1].data).toMatchObject({ account: id.bob, amount: '7' });
  }, 90_000);

  test('a malformed Last-Event-ID is refused', async () => {
    const res = await fetch(`${gw.url}/v1/events`, { headers: { authorization: `Bearer ${gw.as('bank').apiKey}`, 'last-event-id': 'yesterday' } });
    expect(res.status).toBe(400);
    expect(((await res.json()) as { code: string }).code).toBe('INVALID_ARGUMENT');
  });

  test('closing the gateway ends open streams instead of waiting on them', async () => {
    const other = await startTestGateway();
    const res = await fetch(`${other.url}/v1/events`, { headers: { authorization: `Bearer ${other.as('bank').apiKey}` } });
    expect(res.status).toBe(200);
    const reader = res.body!.getReader();
    await reader.read(); // the opening comment
    const started = Date.now();
    await other.close();
    expect(Date.now() - started).toBeLessThan(5_000);
    // The stream ended cleanly.
    let done = false;
    for (let i = 0; i < 10 && !done; i++) done = (await reader.read()).done;
    expect(done).toBe(true);
  }, 30_000);
});
