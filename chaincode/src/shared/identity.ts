import { sha256Hex } from './hash';
import { ClientIdentity } from 'fabric-shim';
import { invalidArgument } from './errors';

/** Who submitted the transaction, as the chaincode sees it. */
export interface Caller {
  mspId: string;
  /** Fabric's unique identity string `x509::<subject DN>::<issuer DN>` (ClientIdentity.getID). */
  identity: string;
  /** The account id derived from mspId and identity: see accountIdOf. */
  accountId: string;
  /** The creator's certificate, PEM. */
  certificate: string;
  /** True when the certificate carries the NodeOU `OU=admin` (an organisation administrator). */
  isAdmin: boolean;
}

/**
 * The account id of a Fabric identity: the first 160 bits, hex, of
 * SHA-256(mspId || "\n" || x509 identity). Stable across certificate renewals that keep the
 * subject and issuer (DESIGN.md, "Money and accounts").
 */
export function accountIdOf(mspId: string, identity: string): string {
  return sha256Hex(`${mspId}\n${identity}`).slice(0, 40);
}

/** True when the subject DN of a Fabric identity string includes `OU=admin` (Fabric NodeOUs). */
export function isAdminIdentity(identity: string): boolean {
  const subject = identity.split('::')[1] ?? '';
  return subject.split('/').some((part) => part === 'OU=admin');
}

export function callerOf(clientIdentity: ClientIdentity): Caller {
  const mspId = clientIdentity.getMSPID();
  const identity = clientIdentity.getID();
  return {
    mspId,
    identity,
    accountId: accountIdOf(mspId, identity),
    certificate: Buffer.from(clientIdentity.getIDBytes()).toString('utf8'),
    isAdmin: isAdminIdentity(identity),
  };
}

/**
 * The Caller a PEM certificate of `mspId` would be, computed with fabric-shim's own ClientIdentity
 * so ids match what peers derive for the same certificate. Used by init to seed roles.
 */
export function callerOfCertificate(mspId: string, certificate: string): Caller {
  const creator = { mspid: mspId, idBytes: Buffer.from(certificate, 'utf8') };
  const view = { getChannelID: () => '', getTxID: () => '', getCreator: () => creator };
  try {
    return callerOf(new ClientIdentity(view as never));
  } catch (err) {
    throw invalidArgument(`certificate for ${mspId} is not a valid X.509 PEM certificate`);
  }
}

/** The account id of the identity a PEM certificate of `mspId` stands for. */
export function accountOfCertificate(mspId: string, certificate: string): string {
  return callerOfCertificate(mspId, certificate).accountId;
}
