import { IdentityStore } from '../../gateway/src/identity/store';
import { FabricLedger } from '../../gateway/src/ledger/fabric/ledger';
import { loadConnectionProfile } from '../../gateway/src/ledger/fabric/profile';
import { BlockReader } from '../support/blocks';
import { TEST_LEDGER, TestGateway, registerAll, startTestGateway } from '../support/gateway';

/**
 * Each transaction is ordered once. The peer's Gateway sends a transaction to every orderer when
 * the channel has the V3_0 capability (its BFT path), and etcdraft then orders each copy; the
 * network's channel runs etcdraft with the V2_0 channel capability, so a transaction reaches one
 * orderer and a block holds it once (FABRIC-NATIVE.md, "Measured on these machines").
 * Runs only against a network (COVENANT_TEST_LEDGER=fabric, after `npm run network:up`).
 */
if (TEST_LEDGER !== 'fabric') throw new Error('test/fabric runs against a network: npm run network:up && npm run test:fabric');

describe('ordering on the real network', () => {
  let gw: TestGateway;
  let ledger: FabricLedger;
  let blocks: BlockReader;
  let id: Record<string, string>;

  beforeAll(async () => {
    gw = await startTestGateway();
    id = await registerAll(gw, ['bank', 'alice', 'bob', 'carol', 'dave']);
    const identities = await IdentityStore.load(gw.identitiesDir);
    ledger = new FabricLedger(await loadConnectionProfile(gw.identitiesDir), 'Org1MSP');
    blocks = new BlockReader(ledger.network(identities.principals.find((p) => p.name === 'admin1')!.identity));
  }, 120_000);
  afterAll(async () => {
    await ledger?.close();
    await gw?.close();
  });

  test('every committed transaction is in the blocks once, VALID (1.0 copies per transaction)', async () => {
    const start = await blocks.height();
    const payers = ['alice', 'bob', 'carol', 'dave'];
    for (const name of payers) expect((await gw.as('bank').post(`/v1/accounts/${id[name]}/mint`, { amount: '100' })).status).toBe(200);
    // Concurrent payments from distinct payers through three organisations' gateways, so blocks
    // carry several transactions (one payer's payments would conflict on its account key).
    const results = await Promise.all(payers.map((name, i) => gw.as(name).post('/v1/transfers', { to: id[payers[(i + 1) % payers.length]], amount: '1' })));
    expect(results.map((r) => r.status)).toEqual([201, 201, 201, 201]);
    const scan = await blocks.scan(start);
    console.log(`ordering: blocks ${scan.from}..${scan.to - 1n}, ${scan.envelopes} envelopes for ${scan.transactions} transactions (${scan.copiesPerTransaction.toFixed(2)} copies each), codes ${JSON.stringify(scan.codes)}`);
    expect(scan.transactions).toBeGreaterThanOrEqual(8);
    expect(scan.copiesPerTransaction).toBe(1);
    expect(scan.codes.DUPLICATE_TXID ?? 0).toBe(0);
  }, 120_000);
});
