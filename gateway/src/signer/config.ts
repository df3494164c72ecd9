import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { TeeKind } from './tee';

/**
 * The signer process's settings, from the environment:
 *
 *   COVENANT_SIGNER_PORT        listen port (default 8091; 0 for an ephemeral one)
 *   COVENANT_SIGNER_HOST        listen address (default 127.0.0.1: the signer serves its own host or pod only)
 *   COVENANT_SIGNER_TOKEN       the bearer token, or
 *   COVENANT_SIGNER_TOKEN_FILE  a file holding it (a Kubernetes secret); one of the two is required
 *   COVENANT_SIGNER_DIR         where the sealed key file and the TEE state live (default <repo>/.covenant/signer)
 *   COVENANT_SIGNER_TEE         simulated (default) | tpm
 *   COVENANT_SIGNER_BODY_LIMIT  largest request body in bytes (default 1 MiB)
 *   LOG_LEVEL                   pino level (default info)
 */
export interface SignerConfig {
  host: string;
  port: number;
  token: string;
  dir: string;
  tee: TeeKind;
  bodyLimit: number;
  logLevel: string;
}

const DEFAULT_DIR = resolve(__dirname, '..', '..', '..', '.covenant', 'signer');

function integer(raw: string | undefined, name: string, fallback: number, min: number, max: number): number {
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isSafeInteger(value) || value < min || value > max) throw new Error(`${name} must be an integer from ${min} to ${max}`);
  return value;
}

/** The signer's config from `env`. Throws Error naming the variable for a missing token or a bad value. */
export function loadSignerConfig(env: NodeJS.ProcessEnv = process.env): SignerConfig {
  const fromFile = env.COVENANT_SIGNER_TOKEN_FILE ? readFileSync(env.COVENANT_SIGNER_TOKEN_FILE, 'utf8').trim() : undefined;
  const token = env.COVENANT_SIGNER_TOKEN ?? fromFile;
  if (!token || token.length < 16) throw new Error('set COVENANT_SIGNER_TOKEN or COVENANT_SIGNER_TOKEN_FILE to a token of at least 16 characters');
  const tee = env.COVENANT_SIGNER_TEE ?? 'simulated';
  if (tee !== 'simulated' && tee !== 'tpm') throw new Error('COVENANT_SIGNER_TEE must be simulated or tpm');
  return {
    host: env.COVENANT_SIGNER_HOST ?? '127.0.0.1',
    port: integer(env.COVENANT_SIGNER_PORT, 'COVENANT_SIGNER_PORT', 8091, 0, 65535),
    token,
    dir: env.COVENANT_SIGNER_DIR ? resolve(env.COVENANT_SIGNER_DIR) : DEFAULT_DIR,
    tee,
    bodyLimit: integer(env.COVENANT_SIGNER_BODY_LIMIT, 'COVENANT_SIGNER_BODY_LIMIT', 1024 * 1024, 1024, 64 * 1024 * 1024),
    logLevel: env.LOG_LEVEL ?? 'info',
  };
}

/** Where a TEE kind keeps its state inside the signer dir. */
export function teeDir(dir: string, kind: TeeKind): string {
  return join(dir, `tee-${kind}`);
}
