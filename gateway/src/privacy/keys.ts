import { randomBytes } from 'node:crypto';
import { bytesToNumberLE } from '@noble/curves/utils.js';
import { Point, encodePoint, encodeScalar } from '@covenant/chaincode/dist/privacy/group';
import type { StealthKeys } from '@covenant/chaincode/dist/privacy/stealth';

/**
 * Secret keys of the private payments (issue 13): random scalars, ring key pairs and stealth key
 * pairs on ristretto255. Off-chain only (they draw randomness from the platform CSPRNG): the
 * chaincode keeps the deterministic half (chaincode/src/privacy/group.ts). Encodings: base64url of
 * 32 bytes, scalars little-endian below ℓ (chaincode/src/privacy/README.md).
 */

/**
 * A uniformly random non-zero scalar: 64 bytes from the platform CSPRNG reduced mod ℓ (bias below
 * 2^-259).
 */
export function randomScalar(): bigint {
  for (;;) {
    const scalar = Point.Fn.create(bytesToNumberLE(randomBytes(64)));
    if (scalar !== 0n) return scalar;
  }
}

/** A fresh key pair: a random non-zero secret scalar x and its public key x·G, both base64url. */
export function generateKeyPair(): { secretKey: string; publicKey: string } {
  const x = randomScalar();
  return { secretKey: encodeScalar(x), publicKey: encodePoint(Point.BASE.multiply(x)) };
}

/** Fresh stealth view (a, A = a·G) and spend (b, B = b·G) key pairs, base64url. */
export function generateStealthKeys(): StealthKeys {
  const a = randomScalar();
  const b = randomScalar();
  return { viewSecretKey: encodeScalar(a), viewPublicKey: encodePoint(Point.BASE.multiply(a)), spendSecretKey: encodeScalar(b), spendPublicKey: encodePoint(Point.BASE.multiply(b)) };
}
