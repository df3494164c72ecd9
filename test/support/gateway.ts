import { copyFile, mkdir, mkdtemp, readFile, readdir, rm, writeFile, access } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { openLedger, startGateway, RunningGateway } from '../../gateway/src/start';
import { PeerDirectory } from '../../gateway/src/channels/peers';
import type { Faults } from '../../gateway/src/channels/service';
import type { Ledger } from '../../gateway/src/ledger/port';
import { DEFAULT_DATA_DIR, GatewayConfig } from '../../gateway/src/config';
import { DEV_USERS, DevCredentials, newApiKey } from '../../gateway/src/identity/dev-consortium';
import { SignerProcess, startSignerProcess } from './signer-process';
import { IdentityRecord, hashApiKey } from '../../gateway/src/identity/store';
import { OrgCa, issueIdentity, loadOrgCa } from '../../gateway/src/identity/dev-ca';

/**
 * Starts the real gateway (the composition `npm start` runs) on 127.0.0.1 with ephemeral ports and
 * gives tests an HTTP client per user.
 *
 * COVENANT_TEST_LEDGER=embedded (default): one gateway over a fresh embedded ledger in a temp dir.
 * COVENANT_TEST_LEDGER=fabric: the network that `npm run network:up` started (its files in
 * COVENANT_DATA_DIR/fabric). One gateway per organisation, each user talking to its own
 * organisation's gateway; every start issues fresh client identities from the organisations'
 * CAs, so each test file has fresh accounts on the shared ledger (the bank gets the issuer role
 * from Org1's admin over REST).
 */
export const TEST_LEDGER = (process.env.COVENANT_TEST_LEDGER ?? 'embedded') as 'embedded' | 'fabric';

export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface UserClient {
  name: string;
  /** The base URL of this user's own organisation's gateway. */
  readonly url: string;
  apiKey: string;
  mspId: string;
  get<T = any>(path: string): Promise<HttpResult<T>>;
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult<T>>;
  patch<T = any>(path: string, body?: unknown): Promise<HttpResult<T>>;
  delete<T = any>(path: string): Promise<HttpResult<T>>;
}

export interface TestGateway {
  /** Org1's gateway (the only one on the embedded ledger). */
  url: string;
  /** The data dir to pass back to startTestGateway to restart over the same state. */
  dataDir: string;
  /** Where identities.json and dev-credentials.json are. */
  identitiesDir: string;
  gateways: RunningGateway[];
  /** With `signerProcesses`: each organisation's signer process (URL and bearer token). */
  signers: Record<string, { url: string; token: string }>;
  as(name: string): UserClient;
  /** Request to Org1's gateway without credentials (or with the given headers). */
  raw(method: string, path: string, init?: { body?: string; headers?: Record<string, string> }): Promise<HttpResult>;
  /** Per-organisation mode: stops one organisation's gateway and starts it again (same data). */
  restart(mspId: string, faults?: Faults): Promise<void>;
  /** Stops the gateways, keeping the data dir. */
  stop(): Promise<void>;
  /** Stops the gateways and deletes the data dir. */
  close(): Promise<void>;
}

async function request(url: string, method: string, apiKey: string | undefined, body: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  const h: Record<string, string> = { ...headers };
  if (apiKey) h.authorization = `Bearer ${apiKey}`;
  let payload: string | undefined;
  if (body !== undefined) {
    h['content-type'] = 'application/json';
    payload = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(url, { method, headers: h, body: payload, signal: AbortSignal.timeout(90_000) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

function client(url: () => string, u: { name: string; apiKey: string; mspId: string }): UserClient {
  return {
    ...u,
    get url() {
      return url();
    },
    get: (path) => request(url() + path, 'GET', u.apiKey, undefined),
    post: (path, body, headers) => request(url() + path, 'POST', u.apiKey, body ?? {}, headers),
    patch: (path, body) => request(url() + path, 'PATCH', u.apiKey, body ?? {}),
    delete: (path) => request(url() + path, 'DELETE', u.apiKey, undefined),
  };
}

const exists = (p: string) => access(p).then(() => true, () => false);

export interface TestGatewayOptions {
  /**
   * One gateway per organisation even on the embedded ledger (they share it in-process), each
   * knowing the others as peers: what the off-chain channel protocol needs. Always so on fabric.
   */
  perOrg?: boolean;
  /** Crash points, per organisation, for protocol tests. */
  faults?: Record<string, Faults>;
  /** Gateway settings over the defaults (rate limits, request timeout), for tests of those limits. */
  settings?: Pick<GatewayConfig, 'limits' | 'requestTimeoutMs' | 'ringSize' | 'htlcTiming'>;
  /**
   * Each organisation's gateway keeps its private-payment keys in a signer process of its own
   * (`node gateway/dist/signer/start.js`, as deployed) rather than in process.
   */
  signerProcesses?: boolean;
  /**
   * Embedded per-organisation mode: wraps the shared ledger every gateway submits through (a
   * benchmark's block clock or transaction counter, test/bench/paper/block-clock.ts).
   */
  wrapLedger?: (ledger: Ledger) => Ledger;
  /**
   * The URL the other gateways reach organisation `mspId`'s gateway at, given the URL it listens
   * on (a delaying or counting proxy in front of it, test/bench/paper/link.ts); default that URL.
   */
  peerUrl?: (mspId: string, url: string) => Promise<string>;
}

const ORGS = ['Org1MSP', 'Org2MSP', 'Org3MSP'];

export async function startTestGateway(dataDir?: string, options: TestGatewayOptions = {}): Promise<TestGateway> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'covenant-api-')));
  const perOrg = TEST_LEDGER === 'fabric' || options.perOrg === true;
  const orgs = perOrg ? ORGS : ['Org1MSP'];
  const fresh = TEST_LEDGER === 'fabric' && !(await exists(join(dir, 'fabric', 'identities.json')));
  if (fresh) await prepareFabricDir(dir);
  const signers: Record<string, SignerProcess> = {};
  if (options.signerProcesses) for (const org of orgs) signers[org] = await startSignerProcess(join(dir, `signer-process-${org}`));
  const config = (org: string) => ({
    ledger: TEST_LEDGER,
    dataDir: dir,
    host: '127.0.0.1',
    port: 0,
    org,
    logLevel: 'silent',
    ...options.settings,
    ...(signers[org] ? { signer: { url: signers[org].url, token: signers[org].token } } : {}),
  });
  // Embedded per-organisation gateways share one in-process ledger that the harness owns.
  let shared: { ledger: Ledger; identitiesDir: string } | undefined;
  if (perOrg && TEST_LEDGER === 'embedded') shared = await openLedger(config('Org1MSP'));
  if (shared && options.wrapLedger) shared = { ...shared, ledger: options.wrapLedger(shared.ledger) };
  const peers = new PeerDirectory();
  const gateways: RunningGateway[] = [];
  const start = async (org: string, faults?: Faults) => {
    const g = await startGateway(config(org), false, { shared, peers, faults });
    peers.set(org, options.peerUrl ? await options.peerUrl(org, g.url) : g.url);
    return g;
  };
  for (const org of orgs) gateways.push(await start(org, options.faults?.[org]));
  const identitiesDir = gateways[0].identitiesDir;
  const credentials = JSON.parse(await readFile(join(identitiesDir, 'dev-credentials.json'), 'utf8')) as DevCredentials;
  const urlOf = (mspId: string) => gateways[Math.max(0, orgs.indexOf(mspId))].url;
  // Clients look the URL up at call time, so they follow a restarted gateway.
  const clients = new Map(credentials.users.map((u) => [u.name, client(() => urlOf(u.mspId), u)]));
  let stopped = false;
  const stop = async () => {
    if (!stopped) {
      for (const g of gateways) await g.close();
      await shared?.ledger.close();
      for (const signer of Object.values(signers)) await signer.stop();
    }
    stopped = true;
  };
  const gw: TestGateway = {
    get url() {
      return gateways[0].url;
    },
    dataDir: dir,
    identitiesDir,
    gateways,
    signers: Object.fromEntries(Object.entries(signers).map(([org, p]) => [org, { url: p.url, token: p.token }])),
    as(name) {
      const c = clients.get(name);
      if (!c) throw new Error(`no user ${name}`);
      return c;
    },
    raw: (method, path, init = {}) => request(gateways[0].url + path, method, undefined, init.body, init.headers),
    async restart(mspId, faults) {
      const i = orgs.indexOf(mspId);
      await gateways[i].close();
      gateways[i] = await start(mspId, faults);
    },
    stop,
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
  if (fresh) await grantNetworkRoles(gw);
  return gw;
}

const networkCas = new Map<string, Promise<OrgCa>>();

/**
 * The certificate authority of organisation `mspId` of the network `npm run network:up` started
 * (its cryptogen CA key and certificate, found beside the organisation's admin identity), to
 * issue fresh client identities the peers accept.
 */
export function networkCa(mspId: string): Promise<OrgCa> {
  let ca = networkCas.get(mspId);
  if (!ca) {
    ca = (async () => {
      const networkDir = join(process.env.COVENANT_DATA_DIR ?? DEFAULT_DATA_DIR, 'fabric');
      const network = JSON.parse(await readFile(join(networkDir, 'identities.json'), 'utf8')) as { users: IdentityRecord[] };
      const admin = network.users.find((u) => u.roles.includes('admin') && u.mspId === mspId);
      if (!admin) throw new Error(`no admin of ${mspId} in the network's identities.json`);
      const orgRoot = /^(.*\/peerOrganizations\/[^/]+)\//.exec(resolve(networkDir, admin.certificatePath))![1];
      const caCertFile = (await readdir(join(orgRoot, 'ca'))).find((f) => f.endsWith('-cert.pem'))!;
      return loadOrgCa(mspId, await readFile(join(orgRoot, 'ca', caCertFile), 'utf8'), await readFile(join(orgRoot, 'ca', 'priv_sk'), 'utf8'));
    })();
    networkCas.set(mspId, ca);
  }
  return ca;
}

/**
 * Fabric mode: a temp data dir whose fabric/ folder has the network's connection profile, its
 * admins, and fresh client identities (bank, alice, bob, dave, carol, arbiter) issued by the
 * organisations' cryptogen CAs.
 */
async function prepareFabricDir(dir: string): Promise<void> {
  const networkDir = join(process.env.COVENANT_DATA_DIR ?? DEFAULT_DATA_DIR, 'fabric');
  const network = JSON.parse(await readFile(join(networkDir, 'identities.json'), 'utf8')) as { users: IdentityRecord[] };
  const target = join(dir, 'fabric');
  await mkdir(target, { recursive: true });
  await copyFile(join(networkDir, 'connection.json'), join(target, 'connection.json'));
  const records: IdentityRecord[] = [];
  const credentials: DevCredentials = { users: [] };
  const add = (record: Omit<IdentityRecord, 'apiKeySha256'>) => {
    const keyed = withApiKey(record);
    records.push(keyed.record);
    credentials.users.push(keyed.credential);
  };
  const admins = network.users.filter((u) => u.roles.includes('admin'));
  for (const admin of admins) add({ ...admin, certificatePath: resolve(networkDir, admin.certificatePath), privateKeyPath: resolve(networkDir, admin.privateKeyPath) });
  const suffix = Math.random().toString(36).slice(2, 8);
  for (const user of DEV_USERS.filter((u) => u.ou === 'client')) {
    const files = await issueClientInto(await networkCa(user.mspId), `${user.name}-${suffix}`, join(target, 'msp', user.name));
    add({ name: user.name, mspId: user.mspId, roles: user.roles, ...files });
  }
  await writeFile(join(target, 'dev-credentials.json'), JSON.stringify(credentials, null, 2), { mode: 0o600 });
  await writeFile(join(target, 'identities.json'), JSON.stringify({ users: records }, null, 2), { mode: 0o600 });
}

/**
 * Issues a fresh client identity (common name `commonName`) from `ca` into `userDir`: cert.pem,
 * and key.pem readable by the owner only. Returns the paths an identity record names.
 */
export async function issueClientInto(ca: OrgCa, commonName: string, userDir: string): Promise<{ certificatePath: string; privateKeyPath: string }> {
  const issued = await issueIdentity(ca, commonName, 'client');
  await mkdir(userDir, { recursive: true });
  await writeFile(join(userDir, 'cert.pem'), issued.certificate);
  await writeFile(join(userDir, 'key.pem'), issued.privateKey, { mode: 0o600 });
  return { certificatePath: join(userDir, 'cert.pem'), privateKeyPath: join(userDir, 'key.pem') };
}

/** An identity record with a new API key (its SHA-256 in the record) and the dev credential that holds the key. */
export function withApiKey(record: Omit<IdentityRecord, 'apiKeySha256'>): { record: IdentityRecord; credential: DevCredentials['users'][number] } {
  const apiKey = newApiKey();
  return { record: { ...record, apiKeySha256: hashApiKey(apiKey) }, credential: { name: record.name, mspId: record.mspId, roles: record.roles, apiKey } };
}

/** Fabric mode: the organisations' admins grant the fresh bank and arbiter their ledger roles. */
async function grantNetworkRoles(gw: TestGateway): Promise<void> {
  for (const [user, admin, role] of [['bank', 'admin1', 'issuer'], ['arbiter', 'admin3', 'arbitrator']]) {
    const account = await gw.as(user).post('/v1/accounts');
    const granted = await gw.as(admin).post(`/v1/accounts/${account.body.id}/roles`, { role });
    if (granted.status !== 200) throw new Error(`granting ${role} to ${user}: ${granted.status} ${JSON.stringify(granted.body)}`);
  }
}

/**
 * A test gateway (`startTestGateway` with `options`) with `users` registered and, minted by the
 * bank, `minted[name]` minor units in each named account: the usual suite set-up. Throws when a
 * mint is refused.
 */
export async function startFundedGateway(
  users: string[],
  minted: Record<string, string>,
  options?: TestGatewayOptions,
): Promise<{ gw: TestGateway; id: Record<string, string> }> {
  const gw = await startTestGateway(undefined, options);
  const id = await registerAll(gw, users);
  for (const [name, amount] of Object.entries(minted)) {
    const res = await gw.as('bank').post(`/v1/accounts/${id[name]}/mint`, { amount });
    if (res.status !== 200) throw new Error(`mint ${amount} to ${name}: ${res.status} ${JSON.stringify(res.body)}`);
  }
  return { gw, id };
}

/** Registers the named users and returns their account ids. */
export async function registerAll(gw: TestGateway, names: string[]): Promise<Record<string, string>> {
  const ids: Record<string, string> = {};
  for (const name of names) {
    const res = await gw.as(name).post('/v1/accounts');
    if (res.status !== 201 && res.status !== 200) throw new Error(`register ${name}: ${res.status} ${JSON.stringify(res.body)}`);
    ids[name] = res.body.id;
  }
  return ids;
}
