import { MemoryLevel } from 'memory-level';
import type { GatewayDb } from '../src/gateway-db';
import { RouteJournal } from '../src/channels/route-journal';

/**
 * The route journal keeps a routed payment's record after its close (a repeat of the request is
 * answered from it) and purges closed records only once they are older than the cut-off; routes
 * still open are never purged.
 */
describe('RouteJournal', () => {
  const route = { payer: 'alice', to: 'dave', amount: '3', router: 'multipath', parts: [{ amount: '3', path: [{ channel: 'ab', from: 'a', to: 'b' }] }] };

  test('a closed route keeps its outcome; pending lists only open ones; purge removes old closed records only', async () => {
    const db = new MemoryLevel({ keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as GatewayDb;
    const journal = new RouteJournal(db);
    await journal.begin('r1', route);
    await journal.begin('r2', route);
    await journal.advance('r1', 'paid');
    const closed = await journal.close('r1', 'paid');
    expect(closed).toMatchObject({ stage: 'closed', outcome: 'paid', parts: route.parts });
    await journal.close('r2', 'unpaid', { code: 'FORBIDDEN', detail: 'bob refused' });
    await journal.begin('r3', route);
    expect((await journal.pending()).map(([id]) => id)).toEqual(['r3']);
    expect((await journal.get('r2'))?.refusal).toEqual({ code: 'FORBIDDEN', detail: 'bob refused' });

    expect(await journal.purge(Date.now() - 60_000)).toBe(0);
    expect(await journal.purge(Date.now() + 1)).toBe(2);
    expect(await journal.get('r1')).toBeUndefined();
    expect((await journal.pending()).map(([id]) => id)).toEqual(['r3']);
    expect(await journal.close('missing', 'paid')).toBeUndefined();
  });
});
