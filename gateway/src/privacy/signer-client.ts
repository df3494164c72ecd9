import type { RingSignature } from '@covenant/chaincode/dist/privacy/ring';
import type { StealthOutput } from '@covenant/chaincode/dist/privacy/stealth';
import type { ScanHit, SignerCore } from '../signer/core';
import { SignerError, isSignerErrorCode } from '../signer/errors';
import type { OwnerKeys } from '../signer/key-store';
import { openSignerCore } from '../signer/open';
import type { Attestation } from '../signer/tee';
import { freshNonce } from './attestation';

export { assertTrustedEvidence, freshNonce, UntrustedSignerError, type TrustPolicy } from './attestation';
export { SignerError } from '../signer/errors';
export type { OwnerKeys } from '../signer/key-store';
export type { ScanHit } from '../signer/core';
export type { Attestation, TeeEvidence } from '../signer/tee';

/**
 * What the gateway asks of the signer that holds its users' stealth keys (design section 2): the
 * same calls over HTTP to the signer process (HttpSigner) or in process over the same core
 * (LocalSigner: tests and the embedded `npm start`). Both refuse with SignerError (stable `code`,
 * HTTP `status`): NOT_FOUND for an unknown owner, FORBIDDEN for an output not the owner's,
 * INVALID_ARGUMENT for malformed input; the HTTP client adds UNAVAILABLE when the signer cannot be
 * reached. No call returns a secret key.
 */
export interface PrivacySigner {
  /** Signed TEE evidence echoing `nonce` (default: a fresh one); check it with assertTrustedEvidence. */
  attest(nonce?: string): Promise<Attestation>;
  /** The owner's public view and spend keys, created on the first call. */
  createKeys(owner: string): Promise<OwnerKeys>;
  /** The owner's public keys (NOT_FOUND when it has none). */
  getKeys(owner: string): Promise<OwnerKeys>;
  /** The outputs among `outputs` that are the owner's, with key images and memo shared secrets. */
  scan(owner: string, outputs: readonly StealthOutput[]): Promise<{ results: ScanHit[] }>;
  /** A bLSAG signature of `message` (e.g. the spend digest) over `ring` by the one-time key of `output`. */
  sign(owner: string, output: StealthOutput, ring: readonly string[], message: Uint8Array): Promise<{ signature: RingSignature }>;
}

/** The signer in this process, over a SignerCore (same checks and errors as the signer process). */
export class LocalSigner implements PrivacySigner {
  constructor(private readonly core: SignerCore) {}

  /** A LocalSigner over the key store in `dir` sealed by the simulated TEE (created when absent). */
  static async open(dir: string): Promise<LocalSigner> {
    return new LocalSigner(await openSignerCore(dir, 'simulated'));
  }

  attest(nonce: string = freshNonce()): Promise<Attestation> {
    return this.core.attest(nonce);
  }
  createKeys(owner: string): Promise<OwnerKeys> {
    return this.core.createKeys(owner);
  }
  async getKeys(owner: string): Promise<OwnerKeys> {
    return this.core.getKeys(owner);
  }
  async scan(owner: string, outputs: readonly StealthOutput[]): Promise<{ results: ScanHit[] }> {
    return this.core.scan(owner, outputs);
  }
  async sign(owner: string, output: StealthOutput, ring: readonly string[], message: Uint8Array): Promise<{ signature: RingSignature }> {
    return this.core.sign(owner, output, ring, message);
  }
}

export interface HttpSignerOptions {
  /** The signer's base URL, e.g. http://127.0.0.1:8091. */
  url: string;
  /** Its bearer token. */
  token: string;
  /** Milliseconds per request (default 10000). */
  timeoutMs?: number;
}

/**
 * The signer process over HTTP/1.1 JSON (gateway/src/signer/http-server.ts), with Node's fetch
 * (undici; connections are kept alive and reused). A refusal is rethrown as the SignerError the
 * signer answered; an unreachable signer, a timeout or an answer that is not the signer's JSON
 * is SignerError UNAVAILABLE.
 */
export class HttpSigner implements PrivacySigner {
  private readonly base: string;
  constructor(private readonly options: HttpSignerOptions) {
    this.base = options.url.replace(/\/+$/, '');
  }

  attest(nonce: string = freshNonce()): Promise<Attestation> {
    return this.request('GET', `/v1/attestation?nonce=${encodeURIComponent(nonce)}`);
  }
  createKeys(owner: string): Promise<OwnerKeys> {
    return this.request('POST', '/v1/keys', { owner });
  }
  getKeys(owner: string): Promise<OwnerKeys> {
    return this.request('GET', `/v1/keys/${encodeURIComponent(owner)}`);
  }
  scan(owner: string, outputs: readonly StealthOutput[]): Promise<{ results: ScanHit[] }> {
    return this.request('POST', '/v1/scan', { owner, outputs });
  }
  sign(owner: string, output: StealthOutput, ring: readonly string[], message: Uint8Array): Promise<{ signature: RingSignature }> {
    return this.request('POST', '/v1/sign', { owner, output, ring, message: Buffer.from(message).toString('base64url') });
  }

  private async request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
    let response: Response;
    try {
      response = await fetch(this.base + path, {
        method,
        headers: { authorization: `Bearer ${this.options.token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(this.options.timeoutMs ?? 10_000),
      });
    } catch (error) {
      throw new SignerError('UNAVAILABLE', `the signer at ${this.base} cannot be reached: ${(error as Error).message}`);
    }
    let answer: unknown;
    try {
      answer = await response.json();
    } catch {
      throw new SignerError('UNAVAILABLE', `the signer at ${this.base} answered ${response.status} without JSON`);
    }
    if (response.ok) return answer as T;
    const { code, message } = (answer ?? {}) as { code?: unknown; message?: unknown };
    if (isSignerErrorCode(code)) throw new SignerError(code, typeof message === 'string' ? message : code);
    throw new SignerError('UNAVAILABLE', `the signer at ${this.base} answered ${response.status}`);
  }
}
