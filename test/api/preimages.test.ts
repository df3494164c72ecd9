import { createHash, randomBytes, sign } from 'node:crypto';
import { type TpcState, tpcStateBytes } from '@covenant/chaincode';
import { IdentityStore } from '../../gateway/src/identity/store';
import { TestGateway, registerAll, startTestGateway } from '../support/gateway';

/**
 * The preimage registry over REST (POST /v1/preimages, GET /v1/preimages/{hash}): what settles
 * hash-locked conditional payments (HTLCs) of two-party channel states to their payees on the
 * ledger, as Lightning's BOLT 2/3 do. Fresh random preimages, so the test runs on either ledger.
 */
describe('HTLCs and the preimage registry over REST', () => {
  let gw: TestGateway;
  let id: Record<string, string>;
  let identities: IdentityStore;

  beforeAll(async () => {
    gw = await startTestGateway();
    id = await registerAll(gw, ['bank', 'alice', 'bob']);
    await gw.as('bank').post(`/v1/accounts/${id.alice}/mint`, { amount: '1000' });
    identities = await IdentityStore.load(gw.identitiesDir);
  }, 120_000);
  afterAll(() => gw.close());

  const identity = (name: string) => identities.principals.find((p) => p.name === name)!.identity;
  const signed = (s: TpcState) => JSON.stringify(['alice', 'bob'].map((u) => sign('sha256', tpcStateBytes(s), { key: identity(u).privateKey, dsaEncoding: 'der' }).toString('base64')));

  test('GET /v1/channels/{id} shows the pending HTLCs of the state on the ledger', async () => {
    const channel = `htlc-${Date.now().toString(36)}`;
    const ledger = gw.gateways[0].app.ledger;
    const opening: TpcState = { channel, version: 0, balances: [1000n, 0n], final: false };
    await ledger.submit(identity('alice'), 'channels:openChannel', [JSON.stringify({ id: channel, parties: [id.alice, id.bob], deposits: ['1000', '0'], signatures: JSON.parse(signed(opening)) })]);
    const htlc = { id: 'h1', hash: 'ab'.repeat(32), amount: 250n, expiresAt: '2030-01-01T00:00:00.000Z', payer: 0 as const };
    const s: TpcState = { channel, version: 1, balances: [750n, 0n], final: false, htlcs: [htlc] };
    const arg = { version: 1, balances: ['750', '0'], final: false, htlcs: [{ ...htlc, amount: '250' }] };
    await ledger.submit(identity('alice'), 'channels:checkpoint', [channel, JSON.stringify(arg), signed(s)]);
    const view = await gw.as('alice').get(`/v1/channels/${channel}`);
    expect(view.status).toBe(200);
    expect(view.body).toMatchObject({ version: 1, balances: ['750', '0'], total: '1000', htlcs: [{ ...htlc, amount: '250' }] });
  });

  test('a reveal is public and the first one wins; malformed preimages and unknown hashes are refused', async () => {
    const bytes = randomBytes(32);
    const preimage = bytes.toString('hex');
    const hash = createHash('sha256').update(bytes).digest('hex');
    expect((await gw.as('bob').get(`/v1/preimages/${hash}`)).status).toBe(404);

    const first = await gw.as('alice').post('/v1/preimages', { preimage });
    expect(first.status).toBe(200);
    expect(first.body).toEqual({ hash, preimage, revealedAt: first.body.revealedAt });
    const again = await gw.as('bob').post('/v1/preimages', { preimage });
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
    const read = await gw.as('bob').get(`/v1/preimages/${hash}`);
    expect(read.status).toBe(200);
    expect(read.body).toEqual(first.body);

    for (const body of [{ preimage: 'ABCD' }, { preimage: 'abc' }, { preimage: '' }, { preimage, more: 1 }]) {
      expect((await gw.as('alice').post('/v1/preimages', body)).status).toBe(400);
    }
    expect((await gw.as('alice').get('/v1/preimages/not-a-hash')).status).toBe(400);
  });
});
