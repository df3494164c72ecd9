import type { RingSignature, StealthMetaAddress, StealthOutput } from '@covenant/chaincode';

/** One output of a scan that is the owner's: its one-time key, key image and the shared secret D (opens the memo). */
export interface ScanHit {
  index: number;
  status: 'mine';
  oneTimePublicKey: string;
  keyImage: string;
  sharedSecret: string;
}

/**
 * What the wallet asks of the signer (gateway/src/privacy/signer-client.ts PrivacySigner: the
 * in-process LocalSigner or the HTTP client of the signer process): create an owner's stealth keys,
 * scan outputs for the owner's, sign a ring. The signer never returns a spend key or a one-time
 * secret key.
 */
export interface WalletSigner {
  createKeys(owner: string): Promise<StealthMetaAddress>;
  scan(owner: string, outputs: StealthOutput[]): Promise<{ results: ScanHit[] }>;
  sign(owner: string, output: StealthOutput, ring: string[], message: Uint8Array): Promise<{ signature: RingSignature }>;
}
