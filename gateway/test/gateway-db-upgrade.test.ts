import { MemoryLevel } from 'memory-level';
import type { GatewayDb } from '../src/gateway-db';
import { upgradeGatewayDb } from '../src/gateway-db-upgrade';
import { OffchainStore } from '../src/channels/offchain-store';
import { MultipartyConsents } from '../src/channels/multiparty-consents';

/**
 * A gateway upgraded from the release that kept its stores under hand-made key prefixes still
 * knows its channels' agreed states, its users' consents and authorizations: the records move
 * into the stores' sublevels at start, once.
 */
describe('gateway database upgrade', () => {
  const alice = 'a'.repeat(40);
  const bytes = (v: unknown) => new TextEncoder().encode(typeof v === 'string' ? v : JSON.stringify(v));

  test('legacy records are read through the stores after the upgrade, and the upgrade runs once', async () => {
    const db = new MemoryLevel({ keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as GatewayDb;
    const channel = { id: 'ch-1', parties: [alice, 'b'.repeat(40)], self: 0, latest: { version: 7 } };
    await db.put(`chan!ch-1!${alice}`, bytes(channel));
    await db.put(`chanprop!${alice}!ch-2`, bytes({ id: 'ch-2', parties: [alice, 'c'.repeat(40)], self: 0, status: 'PROPOSED' }));
    await db.put(`chanfwd!${alice}!ch-1`, bytes({ cap: '500' }));
    await db.put(`mpc-consent!mpc-1!${alice}`, bytes({ parties: [alice], channels: ['ch-1'], expiresAt: '2030-01-01T00:00:00.000Z' }));
    await db.put(`mpc-auth!mpc-1!${alice}`, bytes('250'));
    await db.put(`mpc-basis!mpc-1!${alice}`, bytes('consent'));
    await db.put('idem!' + 'f'.repeat(64), bytes({ fingerprint: 'x', storedAt: 1, statusCode: 201, headers: {}, body: '{}' }));

    expect(await upgradeGatewayDb(db)).toBe(7);

    const channels = new OffchainStore(db);
    expect(await channels.get('ch-1', alice)).toMatchObject({ id: 'ch-1', latest: { version: 7 } });
    expect(await channels.proposal('ch-2', alice)).toMatchObject({ id: 'ch-2', status: 'PROPOSED' });
    expect(await channels.forwarding('ch-1', alice)).toEqual({ cap: '500' });
    const consents = new MultipartyConsents(db);
    expect(await consents.consent('mpc-1', alice)).toMatchObject({ channels: ['ch-1'] });
    expect(await consents.authorized('mpc-1', alice)).toBe(250n);
    expect(await consents.basis('mpc-1', alice)).toBe('consent');
    const idempotency = db.sublevel<string, unknown>('idempotency', { valueEncoding: 'json' });
    expect(await idempotency.get('f'.repeat(64))).toEqual({ fingerprint: 'x', storedAt: 1, transactions: [], response: { statusCode: 201, headers: {}, body: '{}' } });

    // Nothing is left under the old prefixes, and a second start moves nothing.
    const legacy: string[] = [];
    for await (const key of db.keys()) if (!key.startsWith('!')) legacy.push(key);
    expect(legacy).toEqual([]);
    expect(await upgradeGatewayDb(db)).toBe(0);
    await db.close();
  });
});
