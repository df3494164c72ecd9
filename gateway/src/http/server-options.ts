import type { Server } from 'node:http';
import type { FastifyHttpOptions, FastifyInstance, FastifyServerOptions } from 'fastify';
import { rawProblemResponse, sendProblem, toProblem } from './problem';
import { logSerializers } from './logging';

/** Milliseconds to receive a whole request, headers and body, by default. */
export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** An idle connection (nothing sent either way; event streams send a heartbeat every 15 s) is closed after this. */
const CONNECTION_TIMEOUT_MS = 120_000;
const KEEP_ALIVE_TIMEOUT_MS = 72_000;
/** The largest request body (bytes); routes may set less (off-chain messages). */
const BODY_LIMIT = 256 * 1024;

/** Node's clientError codes the gateway answers, by status (others are 400). */
const CLIENT_ERROR_STATUS: Record<string, number> = { ERR_HTTP_REQUEST_TIMEOUT: 408, HPE_HEADER_OVERFLOW: 431 };

/** Fastify's logger option with the request serializer that keeps query values out of the log. */
function withLogRedaction(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false;
  const base = logger === true ? {} : logger;
  return { ...base, serializers: { ...(base as { serializers?: object }).serializers, ...logSerializers } } as FastifyServerOptions['logger'];
}

/**
 * The gateway's Fastify server options: strict validation (no coercion, no silently dropped
 * properties), the body limit, the HTTP server's timeouts (a whole request within
 * `requestTimeoutMs`, headers within min(requestTimeoutMs, 20 s), idle connections 120 s,
 * keep-alive 72 s) and problem+json answers for the refusals Fastify and Node make before a route
 * runs (bad URL, 414, 408, 431). `app` is read when such a refusal is counted, after the instance exists.
 */
export function serverOptions(logger: FastifyServerOptions['logger'], requestTimeout: number, app: () => FastifyInstance): FastifyHttpOptions<Server> {
  return {
    logger: withLogRedaction(logger ?? false),
    // Unknown properties are refused (registerStrictInput), never silently dropped.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    bodyLimit: BODY_LIMIT,
    // A request (headers and body) must arrive within requestTimeout: a slow body is cut (408).
    requestTimeout,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    http: { headersTimeout: Math.min(requestTimeout, 20_000), connectionsCheckingInterval: Math.min(5_000, Math.max(50, Math.floor(requestTimeout / 4))) },
    // Requests during shutdown are answered by http/shutdown.ts, as problem+json.
    return503OnClosing: false,
    // Fastify's own refusals before routing (bad URL, 414 too long a path parameter) as problem+json.
    frameworkErrors: (error, request, reply) => {
      const p = toProblem(error);
      app().countProblem(p.code);
      return sendProblem(request, reply, p);
    },
    // Errors on the socket before a request exists (408 timeout, 431 headers too large, 400 bad request).
    clientErrorHandler: (error, socket) => {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code === 'ECONNRESET' || !socket.writable) return socket.destroy();
      const status = CLIENT_ERROR_STATUS[code] ?? 400;
      socket.end(rawProblemResponse(status, status === 408 ? `the request did not arrive within ${requestTimeout} ms` : 'the request could not be read'));
    },
  };
}
