import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { FastifyBaseLogger } from 'fastify';
import type { GatewayConfig } from '../config';
import { HttpSigner, LocalSigner, assertTrustedEvidence, freshNonce, type PrivacySigner } from './signer-client';

/**
 * The signer a gateway uses for its users' private-payment keys (design section 2):
 * - with `config.signer` (COVENANT_SIGNER_URL): the signer process over HTTP with its bearer token
 *   (COVENANT_SIGNER_TOKEN, or the first line of COVENANT_SIGNER_TOKEN_FILE); its attestation is
 *   checked once at start with a fresh nonce, refusing simulated or non-isolated evidence when
 *   NODE_ENV=production (assertTrustedEvidence);
 * - otherwise an in-process LocalSigner over `<data dir>/signer` (`signer-<org>` when the gateway
 *   serves one organisation of several sharing the data dir).
 * Throws when the token is missing or the evidence is refused.
 */
export async function openPrivacySigner(config: GatewayConfig, org: string | undefined, log?: FastifyBaseLogger): Promise<PrivacySigner> {
  if (!config.signer) return LocalSigner.open(join(config.dataDir, org ? `signer-${org}` : 'signer'));
  const { url, tokenFile } = config.signer;
  const token = config.signer.token ?? (tokenFile ? (await readFile(tokenFile, 'utf8')).split('\n')[0].trim() : undefined);
  if (!token) throw new Error('COVENANT_SIGNER_URL needs COVENANT_SIGNER_TOKEN or COVENANT_SIGNER_TOKEN_FILE');
  const signer = new HttpSigner({ url, token });
  const nonce = freshNonce();
  const evidence = assertTrustedEvidence(await signer.attest(nonce), { production: process.env.NODE_ENV === 'production', nonce });
  log?.info({ signer: url, evidence: evidence.type, isolation: evidence.isolation }, `private-payment signer at ${url}: ${evidence.type} evidence${evidence.isolation ? '' : ' (no isolation)'}`);
  return signer;
}
