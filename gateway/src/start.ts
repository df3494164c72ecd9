import './ledger/embedded/quiet-shim';
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { buildApp } from './app';
import type { GatewayConfig } from './config';
import { EmbeddedLedger } from './ledger/embedded/ledger';
import type { LevelDb } from './ledger/embedded/store';
import type { Ledger } from './ledger/port';
import { IdentityStore } from './identity/store';
import { DEV_CREDENTIALS_FILE, ensureDevConsortium } from './identity/dev-consortium';

export interface RunningGateway {
  app: FastifyInstance;
  /** http://host:port */
  url: string;
  /** Directory holding identities.json and dev-credentials.json. */
  identitiesDir: string;
  close(): Promise<void>;
}

function openLevel(path: string): LevelDb {
  return new ClassicLevel<string, Uint8Array>(path, { keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as LevelDb;
}

async function openStore(path: string, what: string): Promise<LevelDb> {
  const db = openLevel(path);
  try {
    await db.open();
  } catch (err) {
    const cause = (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
    throw new Error(`cannot open the ${what} at ${path} (is another gateway using this data dir?): ${cause}`);
  }
  return db;
}

async function openLedger(config: GatewayConfig): Promise<{ ledger: Ledger; identitiesDir: string; created: boolean }> {
  if (config.ledger === 'fabric') {
    const { openFabricLedger } = await import('./ledger/fabric/open');
    const identitiesDir = join(config.dataDir, 'fabric');
    return { ledger: await openFabricLedger(identitiesDir, config.org), identitiesDir, created: false };
  }
  const ledger = await new EmbeddedLedger(await openStore(join(config.dataDir, 'ledger'), 'embedded ledger')).open();
  try {
    const created = await ensureDevConsortium(config.dataDir, ledger);
    return { ledger, identitiesDir: config.dataDir, created };
  } catch (err) {
    await ledger.close();
    throw err;
  }
}

/**
 * Opens the ledger named by the config (creating the dev consortium on the embedded ledger's
 * first start), builds the app and listens. The returned close() stops accepting requests, lets
 * in-flight ones finish, then closes the ledger and stores.
 */
export async function startGateway(config: GatewayConfig, logger: FastifyServerOptions['logger'] = false): Promise<RunningGateway> {
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const { ledger, identitiesDir, created } = await openLedger(config);
  let app: FastifyInstance;
  try {
    const identities = await IdentityStore.load(identitiesDir, config.ledger === 'fabric' ? config.org : undefined);
    const gatewayDb = await openStore(join(config.dataDir, config.ledger === 'fabric' ? `gateway-${config.org}` : 'gateway'), 'gateway store');
    app = await buildApp({ ledger, identities, gatewayDb, logger });
  } catch (err) {
    await ledger.close();
    throw err;
  }
  const url = await app.listen({ host: config.host, port: config.port });
  app.log.info(
    { ledger: ledger.kind, credentials: join(identitiesDir, DEV_CREDENTIALS_FILE), created },
    `Covenant gateway on ${url} (ledger ${ledger.kind}); API keys in ${join(identitiesDir, DEV_CREDENTIALS_FILE)}; OpenAPI at ${url}/docs`,
  );
  return { app, url, identitiesDir, close: () => app.close() };
}
