import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DEFAULT_SETTINGS, benchmarkConfig, partiesFor, partyIdentities } from './benchmark-config';
import { caliperNetworkConfig } from './network-config';
// Plain CommonJS without Caliper imports, so it loads without Caliper installed.
const { prepareParties } = require('./workload/parties.js');

const PROFILE = {
  channel: 'covenant',
  chaincode: 'covenant',
  organizations: {
    Org1MSP: { peerEndpoint: '127.0.0.1:27150', hostAlias: 'peer0.org1.example.com', tlsRootCert: '-----BEGIN CERTIFICATE-----\norg1\n-----END CERTIFICATE-----\n' },
    Org2MSP: { peerEndpoint: '127.0.0.1:27160', hostAlias: 'peer0.org2.example.com', tlsRootCert: '-----BEGIN CERTIFICATE-----\norg2\n-----END CERTIFICATE-----\n' },
    Org3MSP: { peerEndpoint: '127.0.0.1:27170', hostAlias: 'peer0.org3.example.com', tlsRootCert: '-----BEGIN CERTIFICATE-----\norg3\n-----END CERTIFICATE-----\n' },
  },
};

const files = (name: string) => ({ certificatePath: `/ids/${name}/cert.pem`, privateKeyPath: `/ids/${name}/key.pem` });

describe('Caliper network configuration', () => {
  it('lists each organisation with identities with its own peer over TLS, under the channel and chaincode of the profile', () => {
    const config = caliperNetworkConfig(PROFILE, [
      { name: 'admin', mspId: 'Org1MSP', ...files('admin') },
      { name: 'w0-payer0', mspId: 'Org1MSP', ...files('w0-payer0') },
      { name: 'w0-payee0', mspId: 'Org2MSP', ...files('w0-payee0') },
    ]) as any;
    expect(config.version).toBe('2.0.0');
    expect(config.caliper).toEqual({ blockchain: 'fabric', sutOptions: { mutualTls: false } });
    expect(config.channels).toEqual([{ channelName: 'covenant', contracts: [{ id: 'covenant' }] }]);
    expect(config.organizations.map((o: any) => o.mspid)).toEqual(['Org1MSP', 'Org2MSP']);
    const [org1, org2] = config.organizations;
    expect(org1.identities.certificates.map((c: any) => c.name)).toEqual(['admin', 'w0-payer0']);
    expect(org2.identities.certificates).toEqual([{ name: 'w0-payee0', clientPrivateKey: { path: '/ids/w0-payee0/key.pem' }, clientSignedCert: { path: '/ids/w0-payee0/cert.pem' } }]);
    expect(org2.peers).toEqual([
      {
        endpoint: '127.0.0.1:27160',
        tlsCACerts: { pem: PROFILE.organizations.Org2MSP.tlsRootCert },
        grpcOptions: { 'grpc.ssl_target_name_override': 'peer0.org2.example.com', 'grpc.default_authority': 'peer0.org2.example.com' },
      },
    ]);
  });

  it('refuses an identity of an organisation the network does not have', () => {
    expect(() => caliperNetworkConfig(PROFILE, [{ name: 'x', mspId: 'Org9MSP', ...files('x') }])).toThrow(/Org9MSP/);
  });
});

describe('Caliper benchmark configuration', () => {
  const settings = { ...DEFAULT_SETTINGS, workers: 3, payersPerWorker: 4, tps: 12, queryTps: 30, durationSeconds: 7 };
  const parties = partiesFor(settings, 'Org1MSP', 'Org2MSP', 'admin');
  const config = benchmarkConfig(settings, parties) as any;

  it('runs transfer, escrow-create and own-account at the fixed rates and duration asked, with modules that exist', () => {
    expect(config.test.workers).toEqual({ number: 3 });
    expect(config.test.rounds.map((r: any) => [r.label, r.txDuration, r.rateControl])).toEqual([
      ['transfer', 7, { type: 'fixed-rate', opts: { tps: 12 } }],
      ['escrow-create', 7, { type: 'fixed-rate', opts: { tps: 12 } }],
      ['own-account', 7, { type: 'fixed-rate', opts: { tps: 30 } }],
    ]);
    for (const round of config.test.rounds) {
      expect(existsSync(join(__dirname, round.workload.module))).toBe(true);
      expect(round.workload.arguments).toEqual({ parties, mint: settings.mint });
    }
  });

  it('gives every worker its own issuer, payers and payees, each an identity to issue', () => {
    const identities = partyIdentities(parties);
    expect(identities).toHaveLength(3 * (1 + 4 + 4));
    expect(new Set(identities.map((i) => i.name)).size).toBe(identities.length);
    expect(identities.filter((i) => i.mspId === 'Org2MSP').map((i) => i.name)).toEqual(parties.workers.flatMap((w) => w.payees));
    expect(parties.workers[1].payers).toEqual(['w1-payer0', 'w1-payer1', 'w1-payer2', 'w1-payer3']);
  });
});

/** A fake Caliper connector: answers `handle(request)` as a TxStatus, recording each request. */
function fakeSut(handle: (req: any) => unknown) {
  const sent: any[] = [];
  return {
    sent,
    async sendRequests(req: any) {
      sent.push(req);
      let result: unknown;
      let ok = true;
      try {
        result = handle(req);
      } catch {
        ok = false;
      }
      return { GetStatus: () => (ok ? 'success' : 'failed'), GetResult: () => Buffer.from(ok ? JSON.stringify(result) : '') };
    },
  };
}

describe('workload set-up (prepareParties)', () => {
  const parties = partiesFor({ ...DEFAULT_SETTINGS, workers: 2, payersPerWorker: 2 }, 'Org1MSP', 'Org2MSP', 'admin');
  const idOf = (name: string) => `id-${name}`;

  it('registers the worker’s parties, grants the issuer role when missing and mints only to payers below half the amount', async () => {
    const balances: Record<string, string> = { 'w1-payer0': '0', 'w1-payer1': '600' };
    const sut = fakeSut((req) => {
      switch (req.contractFunction) {
        case 'accounts:register':
          return { created: true, account: { id: idOf(req.invokerIdentity) } };
        case 'consortium:getRoles':
          return { accountId: req.contractArguments[0], roles: [] };
        case 'accounts:getOwnAccount':
          return { balance: balances[req.invokerIdentity] };
        default:
          return {};
      }
    });
    const ready = await prepareParties(sut, parties, 1, '1000');
    expect(ready.payers).toEqual([{ name: 'w1-payer0', id: 'id-w1-payer0' }, { name: 'w1-payer1', id: 'id-w1-payer1' }]);
    expect(ready.payees.map((p: any) => p.id)).toEqual(['id-w1-payee0', 'id-w1-payee1']);
    const calls = sut.sent.map((r) => [r.invokerMspId, r.invokerIdentity, r.contractFunction, r.contractArguments.join(','), r.readOnly]);
    expect(calls.filter((c) => c[2] === 'accounts:register').map((c) => `${c[0]}/${c[1]}`).sort()).toEqual(
      ['Org1MSP/w1-issuer', 'Org1MSP/w1-payer0', 'Org1MSP/w1-payer1', 'Org2MSP/w1-payee0', 'Org2MSP/w1-payee1'].sort(),
    );
    expect(calls).toContainEqual(['Org1MSP', 'admin', 'consortium:getRoles', 'id-w1-issuer', true]);
    expect(calls).toContainEqual(['Org1MSP', 'admin', 'consortium:grantRole', 'id-w1-issuer,issuer', false]);
    expect(calls.filter((c) => c[2] === 'accounts:mint')).toEqual([['Org1MSP', 'w1-issuer', 'accounts:mint', 'id-w1-payer0,1000', false]]);
  });

  it('without an amount to mint, only registers: no role granted, nothing minted', async () => {
    const sut = fakeSut((req) => ({ created: false, account: { id: idOf(req.invokerIdentity) } }));
    await prepareParties(sut, parties, 0, undefined);
    expect(new Set(sut.sent.map((r) => r.contractFunction))).toEqual(new Set(['accounts:register']));
    expect(sut.sent.map((r) => r.invokerIdentity)).not.toContain('w0-issuer');
  });

  it('retries a failed set-up call, then stops the round when it keeps failing', async () => {
    let failures = 1;
    const flaky = fakeSut((req) => {
      if (req.invokerIdentity === 'w0-payee1' && failures-- > 0) throw new Error('ABORTED');
      return { created: true, account: { id: idOf(req.invokerIdentity) } };
    });
    await expect(prepareParties(flaky, parties, 0, undefined)).resolves.toMatchObject({ payees: [{ id: 'id-w0-payee0' }, { id: 'id-w0-payee1' }] });
    const broken = fakeSut((req) => {
      if (req.invokerIdentity === 'w0-payer1') throw new Error('refused');
      return { created: true, account: { id: idOf(req.invokerIdentity) } };
    });
    await expect(prepareParties(broken, parties, 0, undefined)).rejects.toThrow(/accounts:register as w0-payer1 \(Org1MSP\) failed 3 times/);
    expect(broken.sent.filter((r) => r.invokerIdentity === 'w0-payer1')).toHaveLength(3);
  });

  it('refuses a worker the configuration has no parties for', async () => {
    await expect(prepareParties(fakeSut(() => ({})), parties, 2, undefined)).rejects.toThrow(/no parties for worker 2/);
  });
});
