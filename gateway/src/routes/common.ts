import type { RouteOptions } from 'fastify';
import { TSchema, Type } from '@sinclair/typebox';
import type { Problem } from '../http/problem';

/** What each documented problem status means (the codes of http/problem.ts). */
const PROBLEM_DESCRIPTIONS: Record<number, string> = {
  400: 'INVALID_ARGUMENT: malformed input (see `errors`)',
  401: 'UNAUTHENTICATED: missing or unknown API key (`WWW-Authenticate: Bearer`)',
  403: 'FORBIDDEN: the caller may not do this',
  404: 'NOT_FOUND',
  409: 'ALREADY_EXISTS or FAILED_PRECONDITION (the state does not allow it), DOUBLE_SPEND (a scrip serial already spent), SCRIP_EXPIRED (a scrip past its spend-by date: renew it), or LEDGER_CONFLICT (concurrent transactions kept conflicting: nothing applied; retry after `Retry-After` seconds with the same Idempotency-Key)',
  413: 'PAYLOAD_TOO_LARGE: the request body is over the gateway\'s limit (256 KiB)',
  414: 'URI_TOO_LONG: a path parameter is over the router\'s limit (100 characters)',
  415: 'UNSUPPORTED_MEDIA_TYPE: the body is not application/json',
  422: 'INSUFFICIENT_FUNDS',
  429: 'RATE_LIMITED: too many requests: retry after `Retry-After` seconds',
  500: 'INTERNAL: the gateway failed (no details are given)',
  502: 'LEDGER_REJECTED: the ledger refused the transaction at validation (`txId`, `fabricStatus`)',
  503: 'LEDGER_UNAVAILABLE (or the other gateway is unreachable), or SHUTTING_DOWN: retry, with the same Idempotency-Key',
};

/**
 * A problem response: RFC 9457 `application/problem+json` with the Problem schema (http/problem.ts
 * sends every error so). A Fastify response schema keyed by media type, so the serializer and the
 * OpenAPI document both say problem+json.
 */
export function problemResponse(status: number, description = PROBLEM_DESCRIPTIONS[status] ?? 'Problem details') {
  return Type.Unsafe<Problem>({ description, content: { 'application/problem+json': { schema: Type.Ref('Problem') } } });
}

/**
 * Problem responses a route documents besides its success response: 400, 429, 500 and 503 on
 * every route, plus `statuses`. 401 (routes with a security requirement), 409/422 (idempotent
 * routes) and 502 (routes that submit) are added by `documentRoutes`, each rule in one place.
 */
export function problems(...statuses: number[]): Record<number, ReturnType<typeof problemResponse>> {
  const out: Record<number, ReturnType<typeof problemResponse>> = {};
  for (const s of [400, ...statuses, 429, 500, 503]) out[s] = problemResponse(s);
  return out;
}

/** Idempotency-Key, as http/idempotency.ts accepts it: 1-255 visible ASCII characters. */
export const IdempotencyHeader = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({
      minLength: 1,
      maxLength: 255,
      pattern: '^[\\x21-\\x7e]{1,255}$',
      description:
        'Makes this POST safe to retry: a repeat (same caller, key and request) returns the first response with `Idempotent-Replayed: true`. The same key with another request: 422 IDEMPOTENCY_KEY_REUSED; a repeat while the first is in progress waits for it, 409 IDEMPOTENCY_KEY_IN_USE after 60 s. Kept 24 hours.',
      examples: ['b6f1c3e8-3a4e-4e2a-9d1e-1a2b3c4d5e6f'],
    }),
  ),
});

/** The security requirement of every /v1 route that takes an API key. */
export const bearer = [{ bearerAuth: [] }];
/** No API key: public routes, and gateway-to-gateway messages authenticated by their signatures. */
export const noSecurity: { [scheme: string]: string[] }[] = [];

interface DocumentedSchema {
  hide?: boolean;
  operationId?: string;
  security?: unknown[];
  response?: Record<string, TSchema>;
}

/**
 * An onRoute hook that keeps the OpenAPI document equal to the server, in one place:
 * - refuses to build the app when a documented route lacks an `operationId` (or repeats one) or
 *   declares no `security` (use `bearer`, or `noSecurity` and say why);
 * - routes with a security requirement document 401 UNAUTHENTICATED;
 * - idempotent routes (`config.idempotent`, http/idempotency.ts) document 409
 *   IDEMPOTENCY_KEY_IN_USE and 422 IDEMPOTENCY_KEY_REUSED;
 * - routes with a body document 413 (over the body limit, 256 KiB in app.ts) and 415 (not JSON);
 * - routes with path parameters document 414 (a parameter over the router's length limit);
 * - routes other than GET submit transactions and document 502 LEDGER_REJECTED.
 * Hidden routes (`schema.hide`: /metrics, the /docs UI) and HEAD twins are not checked.
 */
export function documentRoutes(): (route: RouteOptions) => void {
  const seen = new Map<string, string>();
  return (route) => {
    const schema = route.schema as DocumentedSchema | undefined;
    const methods = Array.isArray(route.method) ? route.method : [route.method];
    if (schema?.hide || methods.every((m) => m === 'HEAD')) return;
    const where = `${methods.join(',')} ${route.url}`;
    if (!schema?.operationId) throw new Error(`route ${where} has no operationId: every documented operation needs a stable one`);
    const other = seen.get(schema.operationId);
    if (other) throw new Error(`route ${where} repeats operationId ${schema.operationId} of ${other}`);
    seen.set(schema.operationId, where);
    if (!schema.security) throw new Error(`route ${where} declares no security: use bearer, or noSecurity for a public route`);
    const response = (schema.response ??= {});
    const add = (status: number, description?: string) => {
      response[status] ??= problemResponse(status, description);
    };
    if (schema.security.length > 0) add(401);
    if (route.config?.idempotent) {
      const conflict = response[409] ? `${PROBLEM_DESCRIPTIONS[409]}; IDEMPOTENCY_KEY_IN_USE` : undefined;
      const unprocessable = response[422] ? `${PROBLEM_DESCRIPTIONS[422]}, or IDEMPOTENCY_KEY_REUSED` : undefined;
      response[409] = problemResponse(409, conflict ?? 'IDEMPOTENCY_KEY_IN_USE: a request with this Idempotency-Key is still in progress');
      response[422] = problemResponse(422, unprocessable ?? 'IDEMPOTENCY_KEY_REUSED: this Idempotency-Key was used with a different request');
    }
    if ((schema as { body?: unknown }).body) {
      add(413);
      add(415);
    }
    if (route.url.includes(':')) add(414);
    if (methods.some((m) => m !== 'GET')) add(502);
  };
}
