import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { holderCommitment } from '@covenant/chaincode';

/**
 * One-time holder keys (seeds/001 s. 5: the paper's CustomerSecret / UserKey; scrip/README.md in
 * the chaincode): an ECDSA P-256 key pair the customer's gateway makes for each scrip it receives.
 * The ledger sees only the commitment to the public key; whoever signs a swap request's digest
 * with the private key spends the scrip. Pure (node:crypto only).
 */
export interface HolderKey {
  /** base64url (no padding) of the 65-byte uncompressed public point, as authorizations.holders carries it. */
  publicKey: string;
  /** The private key, PKCS#8 PEM: a secret, never logged nor returned. */
  privateKey: string;
  /** hex SHA-256(utf8 "covenant/scrip-holder/v1" || point): the scrip's `holder`. */
  commitment: string;
}

/** A fresh holder key pair from the operating system's random source. */
export function generateHolderKey(): HolderKey {
  const { publicKey, privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const point = publicKey.export({ format: 'der', type: 'spki' }).subarray(-65);
  return {
    publicKey: Buffer.from(point).toString('base64url'),
    privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    commitment: holderCommitment(point),
  };
}

/** The holder's signature over a swap request's 32-byte digest: ECDSA P-256/SHA-256, base64 DER. */
export function signAsHolder(key: Pick<HolderKey, 'privateKey'>, digest: Uint8Array): string {
  return sign('sha256', digest, createPrivateKey(key.privateKey)).toString('base64');
}
