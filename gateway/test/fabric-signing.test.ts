import { createHash, generateKeyPairSync } from 'node:crypto';
import { p256 } from '@noble/curves/nist.js';
import { hash } from '@hyperledger/fabric-gateway';
import { signingScheme } from '../src/ledger/fabric/signing';

/**
 * The Fabric adapter signs in OpenSSL instead of fabric-gateway's JavaScript ECDSA; its signatures
 * must be what Fabric's MSP accepts: DER, low S, over SHA-256 of the message.
 */
describe('native P-256 signing for fabric-gateway', () => {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const pem = privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
  const jwk = publicKey.export({ format: 'jwk' });
  const coordinate = (b64: string) => BigInt(`0x${Buffer.from(b64, 'base64url').toString('hex')}`);
  const point = p256.Point.fromAffine({ x: coordinate(jwk.x!), y: coordinate(jwk.y!) }).toBytes();

  test('P-256 keys sign the message itself (hash.none) with low-S DER signatures that verify over its SHA-256', async () => {
    const scheme = signingScheme(pem);
    expect(scheme.hash).toBe(hash.none);
    for (let i = 0; i < 200; i++) {
      const message = Buffer.from(`proposal ${i}`);
      const signature = await scheme.signer(message);
      const digest = createHash('sha256').update(message).digest();
      // lowS: true rejects a high S: over 200 signatures about half come out of OpenSSL high.
      expect(p256.verify(signature, digest, point, { format: 'der', lowS: true, prehash: false })).toBe(true);
    }
  });

  test("other key types keep fabric-gateway's signer over a SHA-256 digest", () => {
    const p384 = generateKeyPairSync('ec', { namedCurve: 'P-384' }).privateKey.export({ format: 'pem', type: 'pkcs8' }).toString();
    expect(signingScheme(p384).hash).toBe(hash.sha256);
  });
});
