import type { PrivacySigner, ScanHit } from './signer-client';

export type { ScanHit };

/**
 * What the wallet asks of the signer (signer-client.ts PrivacySigner: the in-process LocalSigner
 * or the HTTP client of the signer process): create an owner's stealth keys, scan outputs for the
 * owner's, sign a ring. The signer never returns a spend key or a one-time secret key.
 */
export type WalletSigner = Pick<PrivacySigner, 'createKeys' | 'scan' | 'sign'>;
