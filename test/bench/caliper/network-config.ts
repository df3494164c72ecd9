import type { ConnectionProfile } from '../../../gateway/src/ledger/fabric/profile';

/** A client identity Caliper signs with: its alias in the workload, organisation and PEM files. */
export interface CaliperIdentity {
  /** The alias workload modules pass as `invokerIdentity` (unique within its organisation). */
  name: string;
  mspId: string;
  certificatePath: string;
  /** PKCS#8 (or SEC1) PEM of the identity's P-256 key. */
  privateKeyPath: string;
}

/**
 * Caliper's Fabric network configuration, format "2.0.0" (Caliper 0.6 docs, "Fabric" connector,
 * "Network configuration file reference"), for the network described by `profile` (the
 * `connection.json` that `npm run network:up` writes): channel `profile.channel` with contract id
 * `profile.chaincode`; per organisation its identities by certificate and key paths, and its
 * peer by endpoint with server TLS (the peer's TLS CA certificate inline, `grpc.ssl_target_name_
 * override` set to the peer's host name, as the certificates name it). Every identity signs
 * through its own organisation's peer, as Covenant's gateway does. Organisations with no identity
 * are left out (Caliper builds a gateway per listed identity only). Mutual TLS is off: the peers
 * do not ask for client certificates, and Caliper's peer-gateway connector does not support it.
 * Pure; throws when an identity names an organisation the profile lacks.
 */
export function caliperNetworkConfig(profile: ConnectionProfile, identities: CaliperIdentity[]): object {
  const byOrg = new Map<string, CaliperIdentity[]>();
  for (const identity of identities) {
    if (!profile.organizations[identity.mspId]) throw new Error(`identity ${identity.name}: organisation ${identity.mspId} is not in the connection profile`);
    byOrg.set(identity.mspId, [...(byOrg.get(identity.mspId) ?? []), identity]);
  }
  return {
    name: 'covenant',
    version: '2.0.0',
    caliper: { blockchain: 'fabric', sutOptions: { mutualTls: false } },
    channels: [{ channelName: profile.channel, contracts: [{ id: profile.chaincode }] }],
    organizations: [...byOrg].map(([mspId, members]) => {
      const peer = profile.organizations[mspId];
      return {
        mspid: mspId,
        identities: {
          certificates: members.map((m) => ({
            name: m.name,
            clientPrivateKey: { path: m.privateKeyPath },
            clientSignedCert: { path: m.certificatePath },
          })),
        },
        peers: [
          {
            endpoint: peer.peerEndpoint,
            tlsCACerts: { pem: peer.tlsRootCert },
            grpcOptions: { 'grpc.ssl_target_name_override': peer.hostAlias, 'grpc.default_authority': peer.hostAlias },
          },
        ],
      };
    }),
  };
}
