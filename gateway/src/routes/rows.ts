import type { Static, TObject, TSchema, Type } from '@sinclair/typebox';
import { Page, PageQuery } from './schemas';
import { problems } from './common';
import { Answer, ChaincodePage, ChaincodeRoute, ForwardSchema, asPage, forward, jsonArg, pageArgs } from './forward';

/**
 * The common rows of the forwarding tables (forward.ts), each rule written once: reading a record
 * (or its history) by its path parameters, listing one page, and acting on a record with an
 * optional JSON body. The chaincode function's arguments are the URL's path parameters in URL
 * order, then what the row kind adds. Rows that map a request otherwise use `forward` directly.
 */

/** What every row documents: operationId, summary, optional description and tags. */
interface Documented {
  operationId: string;
  summary: string;
  description?: string;
  /** Default: the table's tags. */
  tags?: string[];
}

/** A row on one URL: the transaction function and the path parameters' schema. */
interface Located extends Documented {
  /** Relative to the /v1 prefix; `:name` segments are the path parameters. */
  url: string;
  /** The transaction function, `contract:function`. */
  fn: string;
  params?: TObject;
  /** Problem statuses documented besides 400, 429, 500 and 503 (see `problems`). */
  statuses?: number[];
}

/** The documented part of a row's schema, without keys left undefined. */
function documented({ operationId, summary, description, tags, params }: Located): Omit<ForwardSchema, 'response'> {
  return { ...(tags && { tags }), summary, ...(description !== undefined && { description }), operationId, ...(params && { params }) };
}

/** The values of `url`'s path parameters (`:name` segments), in URL order: the leading chaincode arguments. */
export function pathArgs(url: string, params: unknown): string[] {
  const values = (params ?? {}) as Record<string, string>;
  return [...url.matchAll(/:(\w+)/g)].map(([, name]) => values[name]);
}

/**
 * GET `url`: evaluates `fn` with the path parameters and answers its result, 200 `response`
 * (a record, or with `answer: asItems` its history).
 */
export function read(spec: Located & { response: TSchema; answer?: (result: never) => Answer }): ChaincodeRoute {
  return forward<ForwardSchema, never>({
    method: 'GET',
    url: spec.url,
    fn: spec.fn,
    schema: { ...documented(spec), response: { 200: spec.response, ...problems(...(spec.statuses ?? [])) } },
    args: ({ params }) => pathArgs(spec.url, params),
    answer: spec.answer,
  });
}

/**
 * GET `url`: one page (`{items, bookmark}`) of `item` records as `fn` lists them (`{records,
 * bookmark}`, Fabric bookmarks). Arguments: the path parameters, then `filters` of the query
 * (default none), then page size and bookmark. `querystring` extends PageQuery (default PageQuery).
 */
export function page<const Q extends TSchema = typeof PageQuery>(
  spec: Located & { item: ReturnType<typeof Type.Ref>; querystring?: Q; filters?: (query: Static<Q>) => string[] },
): ChaincodeRoute {
  return forward<ForwardSchema, ChaincodePage>({
    method: 'GET',
    url: spec.url,
    fn: spec.fn,
    schema: { ...documented(spec), querystring: spec.querystring ?? PageQuery, response: { 200: Page(spec.item), ...problems(...(spec.statuses ?? [])) } },
    args: ({ params, query }) => {
      const q = query as Static<Q> & { pageSize?: string; bookmark?: string };
      return [...pathArgs(spec.url, params), ...(spec.filters?.(q) ?? []), ...pageArgs(q)];
    },
    answer: asPage,
  });
}

/** What a write on a record may meet, unless its row says otherwise: 403 not the caller's to do, 404 no such record, 409 its state refuses it. */
const ACT_STATUSES = [403, 404, 409];

/**
 * A write on a record (default POST; idempotent unless a PATCH or `idempotent: false`): submits `fn` with the path parameters
 * and, when the row has a `body`, the validated body as one JSON argument (`emptyBodyAsObject`:
 * a request without a body is `{}`); answers the result, 200 `response`.
 */
export function act(
  spec: Located & { method?: 'POST' | 'PATCH'; idempotent?: boolean; body?: TSchema; emptyBodyAsObject?: boolean; response: TSchema },
): ChaincodeRoute {
  const method = spec.method ?? 'POST';
  return forward<ForwardSchema>({
    method,
    url: spec.url,
    fn: spec.fn,
    idempotent: spec.idempotent ?? method === 'POST',
    emptyBodyAsObject: spec.emptyBodyAsObject,
    schema: { ...documented(spec), ...(spec.body && { body: spec.body }), response: { 200: spec.response, ...problems(...(spec.statuses ?? ACT_STATUSES)) } },
    args: ({ params, body }) => [...pathArgs(spec.url, params), ...(spec.body ? [jsonArg(body)] : [])],
  });
}
