import { mkdir } from 'node:fs/promises';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { teeDir, type SignerConfig } from './config';
import { SignerCore } from './core';
import { buildSignerServer } from './http-server';
import { SimulatedTee } from './simulated-tee';
import type { TeeAdapter, TeeKind } from './tee';

/**
 * Opening the signer: its TEE adapter, its key store and core, and its HTTP server.
 */

/**
 * The TEE adapter of `kind` with its state under `dir`. Only `simulated` is built in; `tpm`
 * (swtpm + tpm2-tools) is not, and asking for it throws Error rather than falling back, so a
 * deployment never believes it has what it has not.
 */
export async function openTee(kind: TeeKind, dir: string): Promise<TeeAdapter> {
  if (kind === 'simulated') return SimulatedTee.open(teeDir(dir, kind));
  throw new Error(`the ${kind} TEE adapter is not available in this build (see gateway/src/signer/README.md)`);
}

/** The signer core over the key store in `dir`, sealed by the `kind` adapter. */
export async function openSignerCore(dir: string, kind: TeeKind = 'simulated'): Promise<SignerCore> {
  await mkdir(dir, { recursive: true, mode: 0o700 });
  return SignerCore.open(dir, await openTee(kind, dir));
}

export interface RunningSigner {
  app: FastifyInstance;
  core: SignerCore;
  /** http://host:port */
  url: string;
  close(): Promise<void>;
}

/** Opens the core and listens on `config.host`:`config.port` (0: an ephemeral port). close() stops accepting and lets in-flight requests finish. */
export async function startSigner(config: Omit<SignerConfig, 'logLevel'>, logger: FastifyServerOptions['logger'] = false): Promise<RunningSigner> {
  const core = await openSignerCore(config.dir, config.tee);
  const app = buildSignerServer({ core, token: config.token, bodyLimit: config.bodyLimit, logger });
  await app.listen({ host: config.host, port: config.port });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : config.port;
  return { app, core, url: `http://${config.host}:${port}`, close: () => app.close() };
}
