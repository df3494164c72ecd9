import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway, RunningGateway } from '../../gateway/src/start';
import type { DevCredentials } from '../../gateway/src/identity/dev-consortium';

/**
 * Starts the real gateway (the same composition `npm start` runs) on 127.0.0.1 with an ephemeral
 * port over a temporary data dir, and gives tests an HTTP client per dev user.
 */
export interface HttpResult<T = any> {
  status: number;
  body: T;
  headers: Headers;
}

export interface UserClient {
  name: string;
  apiKey: string;
  mspId: string;
  get<T = any>(path: string): Promise<HttpResult<T>>;
  post<T = any>(path: string, body?: unknown, headers?: Record<string, string>): Promise<HttpResult<T>>;
  patch<T = any>(path: string, body?: unknown): Promise<HttpResult<T>>;
  delete<T = any>(path: string): Promise<HttpResult<T>>;
}

export interface TestGateway {
  url: string;
  dataDir: string;
  gateway: RunningGateway;
  as(name: string): UserClient;
  /** Request without credentials (or with the given headers). */
  raw(method: string, path: string, init?: { body?: string; headers?: Record<string, string> }): Promise<HttpResult>;
  /** Stops the gateway, keeping the data dir. */
  stop(): Promise<void>;
  /** Stops the gateway and deletes the data dir. */
  close(): Promise<void>;
}

async function request(url: string, method: string, apiKey: string | undefined, body: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  const init: RequestInit = { method, headers: { ...headers } };
  if (apiKey) (init.headers as Record<string, string>).authorization = `Bearer ${apiKey}`;
  if (body !== undefined) {
    (init.headers as Record<string, string>)['content-type'] = 'application/json';
    init.body = typeof body === 'string' ? body : JSON.stringify(body);
  }
  const res = await fetch(url, { ...init, signal: AbortSignal.timeout(20_000) });
  const text = await res.text();
  let parsed: unknown = text;
  try {
    parsed = text ? JSON.parse(text) : undefined;
  } catch {
    /* not JSON: keep the text */
  }
  return { status: res.status, body: parsed, headers: res.headers };
}

export async function startTestGateway(dataDir?: string): Promise<TestGateway> {
  const dir = dataDir ?? (await mkdtemp(join(tmpdir(), 'covenant-api-')));
  const gateway = await startGateway({ ledger: 'embedded', dataDir: dir, host: '127.0.0.1', port: 0, org: 'Org1MSP', logLevel: 'silent' });
  const credentials = JSON.parse(await readFile(join(gateway.identitiesDir, 'dev-credentials.json'), 'utf8')) as DevCredentials;
  const url = gateway.url;
  const clients = new Map<string, UserClient>();
  for (const u of credentials.users) {
    clients.set(u.name, {
      name: u.name,
      apiKey: u.apiKey,
      mspId: u.mspId,
      get: (path) => request(url + path, 'GET', u.apiKey, undefined),
      post: (path, body, headers) => request(url + path, 'POST', u.apiKey, body ?? {}, headers),
      patch: (path, body) => request(url + path, 'PATCH', u.apiKey, body ?? {}),
      delete: (path) => request(url + path, 'DELETE', u.apiKey, undefined),
    });
  }
  let stopped = false;
  const stop = async () => {
    if (!stopped) await gateway.close();
    stopped = true;
  };
  return {
    url,
    dataDir: dir,
    gateway,
    as(name) {
      const c = clients.get(name);
      if (!c) throw new Error(`no dev user ${name}`);
      return c;
    },
    raw: (method, path, init = {}) => request(url + path, method, undefined, init.body, init.headers),
    stop,
    async close() {
      await stop();
      await rm(dir, { recursive: true, force: true });
    },
  };
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
