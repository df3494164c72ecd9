import type { FastifyInstance, FastifyPluginAsync, FastifyReply, FastifyRequest } from 'fastify';
import type { Static, TSchema } from '@sinclair/typebox';
import { principalOf } from '../http/auth';
import type { ChaincodeClient } from '../ledger/chaincode';
import { IdempotencyHeader, bearer } from './common';

/**
 * Routes that only forward to one chaincode transaction function, as tables: each row says the
 * method, URL, schema (operationId, docs, responses), the function, how the request maps to its
 * string arguments and how its result maps to the response. `registerChaincodeRoutes` registers a
 * table, so the handler, the caller's identity, submit or evaluate, `X-Transaction-Id`, 201 with
 * `Location`, and the idempotency header are written once for all of them.
 */

/** The schema of a forwarding route, without what the table fills in (tags, security, Idempotency-Key header). */
export interface ForwardSchema {
  /** Default: the table's tags. */
  tags?: string[];
  summary: string;
  description?: string;
  operationId: string;
  params?: TSchema;
  querystring?: TSchema;
  body?: TSchema;
  response: Record<number, TSchema>;
}

type StaticOf<T> = T extends TSchema ? Static<T> : undefined;

/** A request as the route's schema validated it: path parameters, querystring and body. */
export interface Input<S extends ForwardSchema> {
  params: StaticOf<S['params']>;
  query: StaticOf<S['querystring']>;
  body: StaticOf<S['body']>;
}

/** What a route answers: a status (default 200), an optional Location header, and the body. */
export interface Answer {
  status?: number;
  location?: string;
  body: unknown;
}

/** One row of a table, typed by its schema and by the chaincode function's result `R`. */
export interface ForwardDefinition<S extends ForwardSchema, R> {
  method: 'GET' | 'POST' | 'PATCH' | 'DELETE';
  /** Relative to the /v1 prefix. */
  url: string;
  schema: S;
  /** The POST honours Idempotency-Key (http/idempotency.ts); documents the header. */
  idempotent?: boolean;
  /** The transaction function, `contract:function`. */
  fn: string;
  /** Whether the function is submitted (writes) or evaluated (a query); default: evaluate for GET, submit otherwise. */
  call?: 'submit' | 'evaluate';
  /** The function's string arguments from the validated request. */
  args: (input: Input<S>) => string[];
  /** A request without a body is read as `{}` before validation. */
  emptyBodyAsObject?: boolean;
  /** The response from the function's result; default: the result itself, 200. */
  answer?: (result: R, input: Input<S>) => Answer;
}

/** A table row with its types erased, as `registerChaincodeRoutes` takes it (built by `forward`). */
export interface ChaincodeRoute {
  method: ForwardDefinition<ForwardSchema, unknown>['method'];
  url: string;
  schema: ForwardSchema;
  idempotent: boolean;
  fn: string;
  call: 'submit' | 'evaluate';
  emptyBodyAsObject: boolean;
  args: (request: FastifyRequest) => string[];
  answer: (result: unknown, request: FastifyRequest) => Answer;
}

/** A request seen through its route's schema: Fastify validated it against that schema before the handler runs. */
function inputOf<S extends ForwardSchema>(request: FastifyRequest): Input<S> {
  return { params: request.params, query: request.query, body: request.body } as Input<S>;
}

/** One table row, type-checked against its schema (`args` and `answer` see the validated request). */
export function forward<const S extends ForwardSchema, R = unknown>(definition: ForwardDefinition<S, R>): ChaincodeRoute {
  const { answer } = definition;
  return {
    method: definition.method,
    url: definition.url,
    schema: definition.schema,
    idempotent: definition.idempotent ?? false,
    fn: definition.fn,
    call: definition.call ?? (definition.method === 'GET' ? 'evaluate' : 'submit'),
    emptyBodyAsObject: definition.emptyBodyAsObject ?? false,
    args: (request) => definition.args(inputOf<S>(request)),
    answer: (result, request) => (answer ? answer(result as R, inputOf<S>(request)) : { body: result }),
  };
}

/** A page of records as the chaincode lists them (Fabric bookmarks). */
export interface ChaincodePage<T = unknown> {
  records: T[];
  bookmark: string;
}

/** A chaincode page as the REST API answers it: `{items, bookmark}`. */
export function asPage(result: ChaincodePage): Answer {
  return { body: { items: result.records, bookmark: result.bookmark } };
}

/** A history (GetHistoryForKey) as the REST API answers it: `{items}`. */
export function asItems(result: unknown[]): Answer {
  return { body: { items: result } };
}

/** 201 Created with the new record's URL. */
export function created(body: unknown, location?: string): Answer {
  return { status: 201, location, body };
}

/** The querystring of a paged listing as chaincode arguments: page size and bookmark ('' for the defaults). */
export function pageArgs(query: { pageSize?: string; bookmark?: string }): string[] {
  return [query.pageSize ?? '', query.bookmark ?? ''];
}

/** A JSON body as one chaincode argument; an absent body is `{}`. */
export function jsonArg(body: unknown): string {
  return JSON.stringify(body ?? {});
}

/** preValidation: a request without a body is validated, and handled, as `{}`. */
async function emptyBodyAsObject(request: FastifyRequest): Promise<void> {
  request.body ??= {};
}

/**
 * Registers a table of forwarding routes on `app` (inside the /v1 prefix), all with `tags` and the
 * bearer security requirement. Submits set `X-Transaction-Id` (ChaincodeClient). Errors from the
 * chaincode reach the app's error handler as problems (http/problem.ts).
 */
export function registerChaincodeRoutes(app: FastifyInstance, chaincode: ChaincodeClient, tags: string[], routes: ChaincodeRoute[]): void {
  for (const route of routes) {
    app.route({
      method: route.method,
      url: route.url,
      config: route.idempotent ? { idempotent: true } : {},
      schema: { tags, ...route.schema, security: bearer, ...(route.idempotent ? { headers: IdempotencyHeader } : {}) },
      ...(route.emptyBodyAsObject ? { preValidation: emptyBodyAsObject } : {}),
      handler: async (request: FastifyRequest, reply: FastifyReply) => {
        const principal = principalOf(request);
        const args = route.args(request);
        const result = route.call === 'submit' ? await chaincode.submit(principal, route.fn, args, reply) : await chaincode.evaluate(principal, route.fn, args);
        const { status = 200, location, body } = route.answer(result, request);
        if (location) reply.header('location', location);
        return reply.code(status).send(body);
      },
    });
  }
}

/** A route plugin that is only a table: registers `routes` with `tags`, forwarding through the app's `chaincode` decorator. */
export function chaincodeRoutes(tags: string[], routes: ChaincodeRoute[]): FastifyPluginAsync {
  return async (app) => registerChaincodeRoutes(app, app.chaincode, tags, routes);
}
