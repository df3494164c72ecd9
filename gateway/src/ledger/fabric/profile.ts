import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';

/**
 * The connection profile `network:up` writes to `<data dir>/fabric/connection.json`:
 * `{channel, chaincode, organizations: {<mspId>: {peerEndpoint, hostAlias, tlsRootCert}}}`,
 * `tlsRootCert` being the path of the peer's TLS CA certificate (absolute or relative to the file).
 */
export interface PeerProfile {
  peerEndpoint: string;
  hostAlias: string;
  tlsRootCert: string;
}

export interface ConnectionProfile {
  channel: string;
  chaincode: string;
  organizations: Record<string, PeerProfile>;
}

export const CONNECTION_FILE = 'connection.json';

export async function loadConnectionProfile(dir: string): Promise<ConnectionProfile> {
  const file = join(dir, CONNECTION_FILE);
  const raw = JSON.parse(await readFile(file, 'utf8')) as ConnectionProfile;
  if (!raw.channel || !raw.chaincode || !raw.organizations || Object.keys(raw.organizations).length === 0) {
    throw new Error(`${file}: needs channel, chaincode and organizations`);
  }
  const organizations: Record<string, PeerProfile> = {};
  for (const [mspId, peer] of Object.entries(raw.organizations)) {
    if (!peer.peerEndpoint || !peer.hostAlias || !peer.tlsRootCert) {
      throw new Error(`${file}: organization ${mspId} needs peerEndpoint, hostAlias and tlsRootCert`);
    }
    const certPath = isAbsolute(peer.tlsRootCert) ? peer.tlsRootCert : join(dir, peer.tlsRootCert);
    organizations[mspId] = { ...peer, tlsRootCert: await readFile(certPath, 'utf8') };
  }
  return { channel: raw.channel, chaincode: raw.chaincode, organizations };
}
