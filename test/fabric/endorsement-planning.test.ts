import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { IdentityStore } from '../../gateway/src/identity/store';
import { FabricLedger } from '../../gateway/src/ledger/fabric/ledger';
import { loadConnectionProfile } from '../../gateway/src/ledger/fabric/profile';
import { BlockReader } from '../support/blocks';
import { TEST_LEDGER, TestGateway, startFundedGateway } from '../support/gateway';

/**
 * Endorsement planned per transaction (issue 11): the peer's Gateway endorses at the caller's own
 * organisation's peer first and adds only the organisations that the key-level policies of the
 * keys written name. A transfer between two Org1 accounts is endorsed by Org1 alone and keeps
 * working while Org2's peer is stopped; a transfer to an Org2 account needs Org2 and waits for it.
 * (The key-level forgery test, endorsement-policy.test.ts, shows that a plan leaving out an
 * organisation whose key is written still fails validation.)
 * Runs only against a network (COVENANT_TEST_LEDGER=fabric, after `npm run network:up`); it stops
 * and starts peer0.org2 with `network.sh stop|start`.
 */
if (TEST_LEDGER !== 'fabric') throw new Error('test/fabric runs against a network: npm run network:up && npm run test:fabric');

const run = promisify(execFile);
const network = (...args: string[]) => run('bash', ['network/network.sh', ...args], { timeout: 120_000 });

describe('endorsement planned per transaction on the real network', () => {
  let gw: TestGateway;
  let ledger: FabricLedger;
  let blocks: BlockReader;
  let id: Record<string, string>;

  beforeAll(async () => {
    ({ gw, id } = await startFundedGateway(['bank', 'alice', 'bob'], { alice: '1000' }));
    const identities = await IdentityStore.load(gw.identitiesDir);
    ledger = new FabricLedger(await loadConnectionProfile(gw.identitiesDir), 'Org1MSP');
    blocks = new BlockReader(ledger.network(identities.principals.find((p) => p.name === 'admin1')!.identity));
  }, 120_000);
  afterAll(async () => {
    await network('start', 'peer0.org2').catch(() => undefined);
    await ledger?.close();
    await gw?.close();
  }, 120_000);

  test('each transfer is endorsed by the organisations of the accounts it writes, no others', async () => {
    const inOrg = await gw.as('alice').post('/v1/transfers', { to: id.bank, amount: '5' });
    const crossOrg = await gw.as('alice').post('/v1/transfers', { to: id.bob, amount: '5' });
    expect([inOrg.status, crossOrg.status]).toEqual([201, 201]);
    expect(await blocks.endorsers(inOrg.body.txId)).toEqual({ mspIds: ['Org1MSP'], code: 'VALID' });
    expect(await blocks.endorsers(crossOrg.body.txId)).toEqual({ mspIds: ['Org1MSP', 'Org2MSP'], code: 'VALID' });
  }, 60_000);

  test("with Org2's peer stopped, Org1-only transfers succeed and a transfer to Org2 fails without changing anything", async () => {
    const before = (await gw.as('alice').get('/v1/accounts/me')).body;
    await network('stop', 'peer0.org2');
    try {
      const results = [];
      for (let i = 0; i < 5; i++) results.push(await gw.as('alice').post('/v1/transfers', { to: id.bank, amount: '1' }));
      expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201, 201]);
      const toOrg2 = await gw.as('alice').post('/v1/transfers', { to: id.bob, amount: '7' });
      expect(toOrg2.status).toBe(503);
      expect(toOrg2.body.code).toBe('LEDGER_UNAVAILABLE');
      expect((await gw.as('alice').get('/v1/accounts/me')).body.balance).toBe(String(BigInt(before.balance) - 5n));
    } finally {
      await network('start', 'peer0.org2');
    }
    // Org2 back: the same transfer goes through once its peer has caught up on the blocks it
    // missed and discovery lists it again (gossip membership, seconds), retried as a client would:
    // the same Idempotency-Key until an answer that is not 503.
    let retried = await gw.as('alice').post('/v1/transfers', { to: id.bob, amount: '7' }, { 'idempotency-key': 'after-org2-restart' });
    for (let i = 0; i < 30 && retried.status === 503; i++) {
      await new Promise((resolve) => setTimeout(resolve, 1_000));
      retried = await gw.as('alice').post('/v1/transfers', { to: id.bob, amount: '7' }, { 'idempotency-key': 'after-org2-restart' });
    }
    expect(retried.status).toBe(201);
    expect((await gw.as('alice').get('/v1/accounts/me')).body.balance).toBe(String(BigInt(before.balance) - 12n));
  }, 180_000);
});
