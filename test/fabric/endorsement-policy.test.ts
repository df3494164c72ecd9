import { IdentityStore } from '../../gateway/src/identity/store';
import { FabricLedger } from '../../gateway/src/ledger/fabric/ledger';
import { loadConnectionProfile } from '../../gateway/src/ledger/fabric/profile';
import { LedgerUnavailableError } from '../../gateway/src/ledger/port';
import { TEST_LEDGER, TestGateway, startFundedGateway } from '../support/gateway';

/**
 * Consent on Fabric, layer 2 (DESIGN.md): every key that holds value carries a key-level
 * endorsement policy naming the organisations it affects. On the real network, a completion
 * endorsed only by the initiator's organisation's peer (as a modified chaincode or a colluding
 * peer of that organisation would produce) is refused at validation with
 * ENDORSEMENT_POLICY_FAILURE and changes nothing, although the chaincode-level policy (any one
 * member peer) is satisfied: the refusal comes from the key-level policies.
 * Runs only against a network (COVENANT_TEST_LEDGER=fabric, after `npm run network:up`).
 */
if (TEST_LEDGER !== 'fabric') throw new Error('test/fabric runs against a network: npm run network:up && npm run test:fabric');

describe('key-level endorsement on the real network', () => {
  let gw: TestGateway;
  let ledger: FabricLedger;
  let identities: IdentityStore;
  let id: Record<string, string>;

  beforeAll(async () => {
    ({ gw, id } = await startFundedGateway(['bank', 'alice', 'bob'], { alice: '1000' }));
    ledger = new FabricLedger(await loadConnectionProfile(gw.identitiesDir), 'Org1MSP');
    identities = await IdentityStore.load(gw.identitiesDir);
  }, 120_000);
  afterAll(async () => {
    await ledger?.close();
    await gw?.close();
  });

  const identity = (name: string) => identities.principals.find((p) => p.name === name)!.identity;

  test('a completion endorsed only by the initiator organisation is ENDORSEMENT_POLICY_FAILURE and changes nothing', async () => {
    const escrow = (await gw.as('alice').post('/v1/escrows', { amount: '400', recipients: [{ account: id.bob, shareBps: 10000 }] })).body;
    expect((await gw.as('bob').post(`/v1/escrows/${escrow.id}/confirm`)).body.status).toBe('ACTIVE');
    const aliceBefore = (await gw.as('alice').get('/v1/accounts/me')).body;
    const bobBefore = (await gw.as('bob').get('/v1/accounts/me')).body;

    const attempt = ledger.submit(identity('alice'), 'escrow:complete', [escrow.id], { endorsingOrganizations: ['Org1MSP'] });
    await expect(attempt).rejects.toBeInstanceOf(LedgerUnavailableError);
    await expect(attempt).rejects.toMatchObject({ stage: 'commit', fabricStatus: 'ENDORSEMENT_POLICY_FAILURE' });

    expect((await gw.as('alice').get(`/v1/escrows/${escrow.id}`)).body.status).toBe('ACTIVE');
    expect((await gw.as('alice').get('/v1/accounts/me')).body).toMatchObject({ balance: aliceBefore.balance, held: aliceBefore.held });
    expect((await gw.as('bob').get('/v1/accounts/me')).body).toMatchObject({ balance: bobBefore.balance });

    // The same completion endorsed by every affected organisation commits.
    const done = await gw.as('alice').post(`/v1/escrows/${escrow.id}/complete`);
    expect(done.body.status).toBe('COMPLETED');
    expect((await gw.as('bob').get('/v1/accounts/me')).body.balance).toBe(String(BigInt(bobBefore.balance) + 400n));
  });

  test("a transfer endorsed only by the payer's organisation cannot credit another organisation's account", async () => {
    const bobBefore = (await gw.as('bob').get('/v1/accounts/me')).body.balance;
    const attempt = ledger.submit(identity('alice'), 'accounts:transfer', [id.bob, '10'], { endorsingOrganizations: ['Org1MSP'] });
    await expect(attempt).rejects.toMatchObject({ fabricStatus: 'ENDORSEMENT_POLICY_FAILURE' });
    expect((await gw.as('bob').get('/v1/accounts/me')).body.balance).toBe(bobBefore);
  });

  test('creating a new key needs only one member peer: the chaincode-level policy stays permissive', async () => {
    const dave = new FabricLedger(await loadConnectionProfile(gw.identitiesDir), 'Org2MSP');
    try {
      const result = await dave.submit(identity('dave'), 'accounts:register', [], { endorsingOrganizations: ['Org2MSP'] });
      expect(JSON.parse(Buffer.from(result.payload).toString()).created).toBe(true);
    } finally {
      await dave.close();
    }
  });
});
