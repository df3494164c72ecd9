import { KeyObject, createPrivateKey, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';

/**
 * A development certificate authority per organisation, made with @peculiar/x509 over WebCrypto:
 * ECDSA P-256 keys and X.509 certificates shaped like cryptogen's (Fabric NodeOUs: OU=client,
 * OU=admin or OU=peer in the subject), so fabric-shim's ClientIdentity reads them as it reads
 * real network identities. For the embedded ledger and tests only; a real network uses its own CA.
 */
x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

const ALGORITHM = { name: 'ECDSA', namedCurve: 'P-256', hash: 'SHA-256' } as const;
const TEN_YEARS_MS = 10 * 365 * 24 * 3600 * 1000;

export type NodeOu = 'client' | 'admin' | 'peer';

export interface OrgCa {
  mspId: string;
  domain: string;
  certificate: string;
  keys: webcrypto.CryptoKeyPair;
}

export interface IssuedIdentity {
  certificate: string;
  /** PKCS#8 PEM. */
  privateKey: string;
}

function serial(): string {
  return Buffer.from(webcrypto.getRandomValues(new Uint8Array(16))).toString('hex').replace(/^[89a-f]/, '1');
}

/** `Org1MSP` → `org1.example.com`. */
export function domainOf(mspId: string): string {
  return `${mspId.replace(/MSP$/, '').toLowerCase()}.example.com`;
}

export async function createOrgCa(mspId: string): Promise<OrgCa> {
  const domain = domainOf(mspId);
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.createSelfSigned({
    serialNumber: serial(),
    name: `CN=ca.${domain}, O=${domain}, C=US`,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + TEN_YEARS_MS),
    signingAlgorithm: ALGORITHM,
    keys,
    extensions: [
      new x509.BasicConstraintsExtension(true, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.keyCertSign | x509.KeyUsageFlags.cRLSign | x509.KeyUsageFlags.digitalSignature, true),
      await x509.SubjectKeyIdentifierExtension.create(keys.publicKey),
    ],
  });
  return { mspId, domain, certificate: cert.toString('pem'), keys };
}

/** Issues an identity `name@domain` with the given NodeOU, signed by the organisation's CA. */
export async function issueIdentity(ca: OrgCa, name: string, ou: NodeOu): Promise<IssuedIdentity> {
  const keys = (await webcrypto.subtle.generateKey(ALGORITHM, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
  const caCert = new x509.X509Certificate(ca.certificate);
  const now = Date.now();
  const cert = await x509.X509CertificateGenerator.create({
    serialNumber: serial(),
    subject: `CN=${name}@${ca.domain}, OU=${ou}, O=${ca.domain}, C=US`,
    issuer: caCert.subject,
    notBefore: new Date(now - 60_000),
    notAfter: new Date(now + TEN_YEARS_MS),
    signingAlgorithm: ALGORITHM,
    publicKey: keys.publicKey,
    signingKey: ca.keys.privateKey,
    extensions: [
      new x509.BasicConstraintsExtension(false, undefined, true),
      new x509.KeyUsagesExtension(x509.KeyUsageFlags.digitalSignature, true),
      await x509.AuthorityKeyIdentifierExtension.create(caCert, false),
    ],
  });
  const privateKey = KeyObject.from(keys.privateKey).export({ type: 'pkcs8', format: 'pem' }).toString();
  return { certificate: cert.toString('pem'), privateKey };
}

/**
 * An organisation CA from PEM files (for example cryptogen's `ca/` folder), so tests can issue
 * fresh identities that a real network's MSP accepts.
 */
export async function loadOrgCa(mspId: string, certificatePem: string, privateKeyPem: string): Promise<OrgCa> {
  const cert = new x509.X509Certificate(certificatePem);
  const pkcs8 = createPrivateKey(privateKeyPem).export({ type: 'pkcs8', format: 'der' });
  const privateKey = await webcrypto.subtle.importKey('pkcs8', pkcs8, { name: 'ECDSA', namedCurve: 'P-256' }, true, ['sign']);
  const publicKey = await cert.publicKey.export(webcrypto as unknown as Parameters<typeof cert.publicKey.export>[0]);
  const domain = /O=([^,]+)/.exec(cert.subject)?.[1] ?? domainOf(mspId);
  return { mspId, domain, certificate: certificatePem, keys: { privateKey, publicKey } };
}
