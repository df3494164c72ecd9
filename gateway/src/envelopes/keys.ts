import { createHash, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { POINT_BYTES, SUITE } from './suite';

/**
 * Encryption key pairs of the digital envelopes (README.md, "Keys"). The public key travels as
 * base64url (no padding) of the 65-byte uncompressed P-256 point, the form the ledger stores
 * (accounts:setEncryptionKey); the private key as a JWK `{kty: "EC", crv: "P-256", x, y, d}`,
 * which @hpke/core imports as it is (kem.importKey("jwk", ...)) and which carries the public
 * point, so the kid of a private key needs no second input.
 */
export interface EncryptionPrivateKey {
  kty: 'EC';
  crv: 'P-256';
  /** base64url of the 32-byte x coordinate */
  x: string;
  /** base64url of the 32-byte y coordinate */
  y: string;
  /** base64url of the 32-byte private scalar: the secret */
  d: string;
}

export interface EncryptionKeyPair {
  /** base64url of the 65-byte uncompressed point 0x04||x||y (87 characters). */
  publicKey: string;
  privateKey: EncryptionPrivateKey;
  /** base64url of the first 16 bytes of SHA-256 of the 65-byte point (22 characters). */
  kid: string;
}

/** A fresh P-256 key pair from the operating system's random source, with its kid. */
export function generateEncryptionKeyPair(): EncryptionKeyPair {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).privateKey.export({ format: 'jwk' });
  const privateKey: EncryptionPrivateKey = { kty: 'EC', crv: 'P-256', x: jwk.x!, y: jwk.y!, d: jwk.d! };
  const point = pointOfPrivateKey(privateKey);
  return { publicKey: point.toString('base64url'), privateKey, kid: keyIdOf(point) };
}

/** The 65-byte public point a private JWK carries (0x04||x||y); throws when x or y is not 32 bytes. */
export function pointOfPrivateKey(key: EncryptionPrivateKey): Buffer {
  const x = Buffer.from(String(key.x), 'base64url');
  const y = Buffer.from(String(key.y), 'base64url');
  if (x.length !== 32 || y.length !== 32) throw new Error('not a P-256 JWK: x and y must be 32 bytes');
  const point = Buffer.concat([Buffer.from([0x04]), x, y]);
  if (point.length !== POINT_BYTES) throw new Error('not a P-256 JWK');
  return point;
}

/**
 * The 65-byte point of a base64url (no padding) public key, or undefined when it is not an
 * uncompressed point on P-256 (node:crypto imports it as a JWK from x and y, refusing points off
 * the curve). The same rule as the ledger's accounts:setEncryptionKey
 * (chaincode/src/accounts/encryption-key.ts parseP256Point; a test checks they agree).
 */
export function p256PointOf(publicKey: unknown): Buffer | undefined {
  if (typeof publicKey !== 'string' || !/^[A-Za-z0-9_-]{87}$/.test(publicKey)) return undefined;
  const point = Buffer.from(publicKey, 'base64url');
  if (point.length !== POINT_BYTES || point[0] !== 0x04 || point.toString('base64url') !== publicKey) return undefined;
  try {
    createPublicKey({ key: { kty: 'EC', crv: 'P-256', x: point.subarray(1, 33).toString('base64url'), y: point.subarray(33).toString('base64url') }, format: 'jwk' });
    return point;
  } catch {
    return undefined;
  }
}

/** The key id of a 65-byte point: base64url of the first 16 bytes of its SHA-256 (as the ledger's encryptionKeyId). */
export function keyIdOf(point: Uint8Array): string {
  return createHash('sha256').update(point).digest().subarray(0, 16).toString('base64url');
}

/** The kid of a base64url public key, or undefined when it is not a P-256 point on the curve. */
export function kidOfPublicKey(publicKey: string): string | undefined {
  const point = p256PointOf(publicKey);
  return point && keyIdOf(point);
}

type HpkeKey = Awaited<ReturnType<typeof SUITE.kem.deserializePublicKey>>;

/** How many readers' imported public keys {@link readerKeyOf} keeps (oldest evicted first). */
const READER_CACHE_SIZE = 1024;
const readers = new Map<string, { kid: string; key: Promise<HpkeKey> }>();

/**
 * A reader's public key checked (p256PointOf) and imported for @hpke/core, with its kid; undefined
 * when it is not a P-256 point on the curve. Memoised by the key text (a pure function of it):
 * a sender seals for the same few readers again and again, and the curve check and WebCrypto
 * import cost about as much as the HPKE encapsulation itself (test/bench/envelopes.ts).
 */
export function readerKeyOf(publicKey: string): { kid: string; key: Promise<HpkeKey> } | undefined {
  const cached = readers.get(publicKey);
  if (cached) return cached;
  const point = p256PointOf(publicKey);
  if (!point) return undefined;
  const entry = { kid: keyIdOf(point), key: SUITE.kem.deserializePublicKey(point) };
  entry.key.catch(() => readers.delete(publicKey));
  if (readers.size >= READER_CACHE_SIZE) readers.delete(readers.keys().next().value as string);
  readers.set(publicKey, entry);
  return entry;
}

/** Imported private keys by JWK object (a holder keeps its key object; collected with it). */
const holders = new WeakMap<EncryptionPrivateKey, { kid: string | undefined; key: Promise<HpkeKey | undefined> }>();

/**
 * The holder's private JWK imported for @hpke/core, with the kid of the public point it carries
 * (undefined, and no key, when the JWK is not a P-256 key). Memoised per JWK object, never by the
 * secret's text.
 */
export function holderKeyOf(privateKey: EncryptionPrivateKey): { kid: string | undefined; key: Promise<HpkeKey | undefined> } {
  const cached = holders.get(privateKey);
  if (cached) return cached;
  let kid: string | undefined;
  try {
    kid = keyIdOf(pointOfPrivateKey(privateKey));
  } catch {
    kid = undefined;
  }
  const jwk = { kty: privateKey.kty, crv: privateKey.crv, x: privateKey.x, y: privateKey.y, d: privateKey.d };
  const entry = { kid, key: kid === undefined ? Promise.resolve(undefined) : SUITE.kem.importKey('jwk', jwk, false).catch(() => undefined) };
  if (typeof privateKey === 'object' && privateKey !== null) holders.set(privateKey, entry);
  return entry;
}
