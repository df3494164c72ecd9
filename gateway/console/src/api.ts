import { apiKey } from './session';

/** An RFC 9457 problem answered by the gateway: `status`, stable `code` and `detail`. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    detail: string,
  ) {
    super(detail);
  }
}

/** One page of a listing route: `{items, bookmark}` (empty bookmark on the last page). */
export interface Page<T> {
  items: T[];
  bookmark: string;
}

/**
 * Calls the gateway's REST API (same origin, `/v1...`) as the signed-in user: the key goes in
 * `Authorization: Bearer` only. JSON in and out; a non-2xx answer throws ApiError with the
 * problem's code and detail. `idempotencyKey` is sent as `Idempotency-Key` so a repeated click
 * or a retry applies a ruling once.
 */
export async function api<T = unknown>(path: string, init: { method?: string; body?: unknown; idempotencyKey?: string; key?: string } = {}): Promise<T> {
  const headers: Record<string, string> = { accept: 'application/json' };
  const key = init.key ?? apiKey();
  if (key) headers.authorization = `Bearer ${key}`;
  if (init.body !== undefined) headers['content-type'] = 'application/json';
  if (init.idempotencyKey) headers['idempotency-key'] = init.idempotencyKey;
  const res = await fetch(path, { method: init.method ?? 'GET', headers, body: init.body === undefined ? undefined : JSON.stringify(init.body), credentials: 'omit', cache: 'no-store' });
  const text = await res.text();
  const body = text ? JSON.parse(text) : undefined;
  if (!res.ok) throw new ApiError(res.status, body?.code ?? 'HTTP_' + res.status, body?.detail ?? body?.title ?? res.statusText);
  return body as T;
}

/** Every item of a paged listing (`path` with its query), following bookmarks up to `maxPages`. */
export async function all<T>(path: string, maxPages = 20): Promise<T[]> {
  const out: T[] = [];
  let bookmark = '';
  for (let i = 0; i < maxPages; i++) {
    const sep = path.includes('?') ? '&' : '?';
    const page = await api<Page<T>>(`${path}${sep}pageSize=100${bookmark ? `&bookmark=${encodeURIComponent(bookmark)}` : ''}`);
    out.push(...page.items);
    if (!page.bookmark || page.items.length === 0) break;
    bookmark = page.bookmark;
  }
  return out;
}

/** A fresh idempotency key for one user action (a ruling form kept open reuses its key). */
export function newIdempotencyKey(): string {
  return `console-${crypto.randomUUID()}`;
}
