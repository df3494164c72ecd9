import { TestGateway, registerAll, startTestGateway } from '../support/gateway';
import { SseEvent, openEventStream } from '../support/sse';

/** Opens the stream, runs `start`, and collects events until `until` holds or 30 s pass. */
async function collect(url: string, apiKey: string, headers: Record<string, string>, until: (events: SseEvent[]) => boolean, start: () => Promise<unknown>): Promise<SseEvent[]> {
  const stream = await openEventStream(url, apiKey, headers);
  try {
    expect(stream.status).toBe(200);
    expect(stream.contentType).toMatch(/^text\/event-stream/);
    await start();
    return await stream.until(until);
  } finally {
    stream.close();
  }
}

describe('event stream', () => {
  let gw: TestGateway;
  let id: Record<string, string>;

  beforeAll(async () => {
    gw = await startTestGateway();
    id = await registerAll(gw, ['bank', 'alice', 'bob', 'carol']);
  }, 120_000);
  afterAll(() => gw.close());

  test('a back office sees each of its commits as an event and resumes after the last one it saw', async () => {
    const bank = gw.as('bank');
    const alice = gw.as('alice');
    const url = `${gw.url}/v1/events?names=Minted,Transferred`;
    const first = await collect(url, alice.apiKey, {}, (e) => e.length >= 1, () => bank.post(`/v1/accounts/${id.alice}/mint`, { amount: '500' }));
    expect(first[0]).toMatchObject({ event: 'Minted', data: { account: id.alice, amount: '500' } });
    expect(first[0].id).toMatch(/^\d+:[0-9a-f]+$/);
    expect(first[0].data.audience).toBeUndefined();

    // While nobody listens, three more commits; the mint to bob is none of alice's business.
    await alice.post('/v1/transfers', { to: id.bob, amount: '20' });
    await bank.post(`/v1/accounts/${id.bob}/mint`, { amount: '7' });
    await bank.post(`/v1/accounts/${id.alice}/mint`, { amount: '3' });

    const resumed = await collect(url, alice.apiKey, { 'last-event-id': first[0].id }, (e) => e.length >= 2, async () => undefined);
    expect(resumed.map((e) => e.event)).toEqual(['Transferred', 'Minted']);
    expect(resumed[0].data).toMatchObject({ from: id.alice, to: id.bob, amount: '20' });
    expect(resumed[1].data).toMatchObject({ account: id.alice, amount: '3' });
  }, 90_000);

  test('each caller receives only the events of what it is a party to (organisation admins: their organisation\'s)', async () => {
    const watchers = ['alice', 'bob', 'carol', 'admin2', 'admin3', 'bank'];
    const streams = await Promise.all(watchers.map((name) => openEventStream(`${gw.as(name).url}/v1/events`, gw.as(name).apiKey)));
    try {
      // alice proposes an escrow to bob with private terms, and pays bob.
      const escrowId = `evt-${Date.now()}`;
      await gw.as('bank').post(`/v1/accounts/${id.alice}/mint`, { amount: '100' });
      const created = await gw.as('alice').post('/v1/escrows', { id: escrowId, amount: '40', recipients: [{ account: id.bob, shareBps: 10000 }], terms: 'secret terms' });
      expect(created.status).toBe(201);
      await gw.as('alice').post('/v1/transfers', { to: id.bob, amount: '1' });
      // Then a commit every watcher may see (a consortium-wide setting), as a fence.
      expect((await gw.as('admin1').patch('/v1/consortium/settings', { escrowActiveThreshold: 100 })).status).toBe(200);
      const seen: Record<string, SseEvent[]> = {};
      await Promise.all(streams.map(async (s, i) => (seen[watchers[i]] = await s.until((e) => e.some((x) => x.event === 'SettingChanged')))));
      const names = (who: string) => seen[who].map((e) => e.event);
      const escrowEvents = (who: string) => seen[who].filter((e) => e.event === 'EscrowCreated' && e.data.escrow.id === escrowId);

      // The parties and bob's organisation's admin see the escrow and the transfer.
      for (const who of ['alice', 'bob', 'admin2']) {
        expect(escrowEvents(who)).toHaveLength(1);
        expect(escrowEvents(who)[0].data.escrow.terms).toBe('secret terms');
        expect(names(who)).toContain('Transferred');
      }
      // carol, Org3's admin and the bank (an issuer may read accounts, not who paid whom) do not.
      for (const who of ['carol', 'admin3', 'bank']) {
        expect(escrowEvents(who)).toHaveLength(0);
        expect(names(who)).not.toContain('Transferred');
        expect(names(who)).not.toContain('EscrowCreated');
      }
      // The mint to alice reaches her, her organisation's administrators and issuers, not bob or carol.
      expect(names('alice')).toContain('Minted');
      expect(names('bank')).toContain('Minted');
      expect(names('bob')).not.toContain('Minted');
      expect(names('carol')).not.toContain('Minted');
      // Nobody gets the audience itself.
      for (const who of watchers) for (const e of seen[who]) expect(e.data.audience).toBeUndefined();
    } finally {
      for (const s of streams) s.close();
    }
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
