// network first: it loads fabric-contract-api, which installs the reflect-metadata polyfill dev-ca needs.
import { TestNetwork, testNetwork } from './network';
import { closeAfterEach, submitWithEvent } from './helpers';

/**
 * Every chaincode event names its audience (shared/audience.ts): the same identities that may
 * read the object it is about. The gateway's event stream filters by it.
 */
let net: TestNetwork;
closeAfterEach(() => net);

describe('event audience', () => {
  test('a transfer reaches its two parties and their organisations only; a mint the account and issuers', async () => {
    net = await testNetwork();
    const mint = await submitWithEvent(net, 'bank', 'accounts:mint', net.account.alice, '100');
    expect(mint.event.audience).toEqual({ accounts: [net.account.alice], organizations: ['Org1MSP'], roles: ['issuer'], everyone: false });
    const transfer = await submitWithEvent(net, 'alice', 'accounts:transfer', net.account.carol, '10');
    expect(transfer.event.audience).toEqual({ accounts: [net.account.alice, net.account.carol].sort(), organizations: ['Org1MSP', 'Org3MSP'], roles: [], everyone: false });
  });

  test('an escrow event reaches its parties; a consortium setting everyone', async () => {
    net = await testNetwork();
    await net.submit('bank', 'accounts:mint', net.account.alice, '100');
    const created = await submitWithEvent(net, 'alice', 'escrow:create', JSON.stringify({ amount: '50', recipients: [{ account: net.account.bob, shareBps: 10000 }] }));
    expect(created.event.audience).toEqual({ accounts: [net.account.alice, net.account.bob].sort(), organizations: ['Org1MSP', 'Org2MSP'], roles: [], everyone: false });
    const setting = await submitWithEvent(net, 'admin2', 'consortium:setEscrowActiveThreshold', '7');
    expect(setting.event.audience).toEqual({ accounts: [], organizations: [], roles: [], everyone: true });
  });
});
