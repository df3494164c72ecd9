import { createPrivateKey } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import { Contract, Gateway, connect, hash, signers } from '@hyperledger/fabric-gateway';
import type { ConnectionProfile } from '../../gateway/src/ledger/fabric/profile';
import type { SigningIdentity } from '../../gateway/src/ledger/port';

/**
 * Plain @hyperledger/fabric-gateway clients, as an application without Covenant's REST gateway
 * would write them (fabric-samples' asset-transfer-basic application-gateway-typescript): one gRPC
 * connection per organisation's peer, one Gateway per identity, `submitTransaction` (endorse,
 * submit, wait for the commit status at the client's own peer), no retries. Benchmarks compare
 * the REST gateway with these.
 */
export class DirectClients {
  private readonly clients = new Map<string, grpc.Client>();
  private readonly gateways: Gateway[] = [];

  constructor(private readonly profile: ConnectionProfile) {
    for (const [mspId, peer] of Object.entries(profile.organizations)) {
      const credentials = grpc.credentials.createSsl(Buffer.from(peer.tlsRootCert));
      this.clients.set(mspId, new grpc.Client(peer.peerEndpoint, credentials, { 'grpc.ssl_target_name_override': peer.hostAlias }));
    }
  }

  /** The chaincode as `identity` sees it through its own organisation's peer. */
  contract(identity: Pick<SigningIdentity, 'mspId' | 'certificate' | 'privateKey'>): Contract {
    const gateway = connect({
      client: this.clients.get(identity.mspId)!,
      identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificate) },
      signer: signers.newPrivateKeySigner(createPrivateKey(identity.privateKey)),
      hash: hash.sha256,
      evaluateOptions: () => ({ deadline: Date.now() + 10_000 }),
      endorseOptions: () => ({ deadline: Date.now() + 30_000 }),
      submitOptions: () => ({ deadline: Date.now() + 10_000 }),
      commitStatusOptions: () => ({ deadline: Date.now() + 60_000 }),
    });
    this.gateways.push(gateway);
    return gateway.getNetwork(this.profile.channel).getContract(this.profile.chaincode);
  }

  close(): void {
    for (const g of this.gateways) g.close();
    for (const c of this.clients.values()) c.close();
  }
}
