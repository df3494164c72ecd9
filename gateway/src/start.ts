import '@covenant/embedded-ledger'; // first: quiets fabric-contract-api's import-time logging before the chaincode loads
import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import { ClassicLevel } from 'classic-level';
import type { FastifyInstance, FastifyServerOptions } from 'fastify';
import { buildApp } from './app';
import type { GatewayConfig } from './config';
import { EmbeddedLedger } from '@covenant/embedded-ledger';
import type { LevelDb } from '@covenant/embedded-ledger';
import { upgradeGatewayDb } from './gateway-db-upgrade';
import type { Ledger } from './ledger/port';
import { IdentityStore } from './identity/store';
import { DEV_CREDENTIALS_FILE, ensureDevConsortium } from './identity/dev-consortium';
import { PeerDirectory } from './channels/peers';
import type { Faults } from './channels/service';
import type { LedgerFaults } from './ledger/chaincode';
import { openPrivacySigner } from './privacy/open-signer';

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

/**
 * Opens the ledger a config names: Fabric through `<data dir>/fabric/connection.json`, or the
 * embedded ledger in `<data dir>/ledger` (creating the dev consortium on its first start).
 */
export async function openLedger(config: GatewayConfig): Promise<{ ledger: Ledger; identitiesDir: string; created: boolean }> {
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
export interface GatewayExtras {
  /** A ledger opened by the caller and shared by several gateways in one process (tests). */
  shared?: { ledger: Ledger; identitiesDir: string };
  /** The other gateways (default: from config.peers). */
  peers?: PeerDirectory;
  /** Crash points for protocol tests and for the submit path. */
  faults?: Faults & LedgerFaults;
}

export async function startGateway(config: GatewayConfig, logger: FastifyServerOptions['logger'] = false, extras: GatewayExtras = {}): Promise<RunningGateway> {
  const { shared } = extras;
  await mkdir(config.dataDir, { recursive: true, mode: 0o700 });
  const { ledger, identitiesDir, created } = shared ? { ...shared, created: false } : await openLedger(config);
  // A fabric gateway, or one of several sharing a ledger, serves its own organisation's members.
  const serveOrg = config.ledger === 'fabric' || shared ? config.org : undefined;
  let app: FastifyInstance;
  try {
    const identities = await IdentityStore.load(identitiesDir, serveOrg);
    const gatewayDb = await openStore(join(config.dataDir, serveOrg ? `gateway-${serveOrg}` : 'gateway'), 'gateway store');
    await upgradeGatewayDb(gatewayDb);
    const peers = extras.peers ?? PeerDirectory.parse(config.peers);
    const privacySigner = await openPrivacySigner(config, serveOrg);
    app = await buildApp({
      ledger,
      identities,
      gatewayDb,
      logger,
      peers,
      faults: extras.faults,
      ownsLedger: !shared,
      limits: config.limits,
      requestTimeoutMs: config.requestTimeoutMs,
      privacySigner,
      ringSize: config.ringSize,
      channelWeights: config.channelWeights,
      htlcTiming: config.htlcTiming,
    });
  } catch (err) {
    if (!shared) await ledger.close();
    throw err;
  }
  const url = await app.listen({ host: config.host, port: config.port });
  app.log.info(
    { ledger: ledger.kind, credentials: join(identitiesDir, DEV_CREDENTIALS_FILE), created },
    `Covenant gateway on ${url} (ledger ${ledger.kind}); API keys in ${join(identitiesDir, DEV_CREDENTIALS_FILE)}; OpenAPI at ${url}/docs`,
  );
  // Proposals sent before a crash are resolved with the other gateways once they answer.
  void app.channels.recover().catch((err) => app.log.warn({ err }, 'channel recovery failed'));
  return { app, url, identitiesDir, close: () => app.close() };
}
