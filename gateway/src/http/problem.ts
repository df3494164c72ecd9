import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import type { ErrorCode } from '@covenant/chaincode';
import { ChaincodeError, LedgerConflictError, LedgerUnavailableError } from '../ledger/port';
import { ChannelRefusal } from '../channels/protocol';
import { PeerFailure } from '../channels/transport';

/**
 * Errors as RFC 9457 problem details (`application/problem+json`). Every problem carries a stable
 * `code`: the chaincode's codes (DESIGN.md, "Chaincode rules") plus the gateway's own
 * (UNAUTHENTICATED, IDEMPOTENCY_KEY_REUSED, LEDGER_CONFLICT, LEDGER_UNAVAILABLE, LEDGER_REJECTED,
 * INTERNAL) and the
 * HTTP layer's (REQUEST_TIMEOUT 408, PAYLOAD_TOO_LARGE 413, URI_TOO_LONG 414,
 * UNSUPPORTED_MEDIA_TYPE 415, HEADERS_TOO_LARGE 431, RATE_LIMITED 429, SHUTTING_DOWN 503).
 */
export type GatewayCode =
  | ErrorCode
  | 'UNAUTHENTICATED'
  | 'IDEMPOTENCY_KEY_REUSED'
  | 'IDEMPOTENCY_KEY_IN_USE'
  | 'LEDGER_CONFLICT'
  | 'LEDGER_UNAVAILABLE'
  | 'LEDGER_REJECTED'
  | 'INTERNAL'
  | HttpLayerCode;

/** Codes of refusals made by the HTTP layer itself, by status. */
const HTTP_LAYER_CODES = {
  408: 'REQUEST_TIMEOUT',
  413: 'PAYLOAD_TOO_LARGE',
  414: 'URI_TOO_LONG',
  415: 'UNSUPPORTED_MEDIA_TYPE',
  429: 'RATE_LIMITED',
  431: 'HEADERS_TOO_LARGE',
  503: 'SHUTTING_DOWN',
} as const;
type HttpLayerCode = (typeof HTTP_LAYER_CODES)[keyof typeof HTTP_LAYER_CODES];

export const HTTP_STATUS: Record<ErrorCode, number> = {
  INVALID_ARGUMENT: 400,
  NOT_FOUND: 404,
  ALREADY_EXISTS: 409,
  FORBIDDEN: 403,
  INSUFFICIENT_FUNDS: 422,
  FAILED_PRECONDITION: 409,
  DOUBLE_SPEND: 409,
  SCRIP_EXPIRED: 409,
};

const TITLES: Record<GatewayCode, string> = {
  INVALID_ARGUMENT: 'Invalid argument',
  NOT_FOUND: 'Not found',
  ALREADY_EXISTS: 'Already exists',
  FORBIDDEN: 'Forbidden',
  INSUFFICIENT_FUNDS: 'Insufficient funds',
  FAILED_PRECONDITION: 'Failed precondition',
  DOUBLE_SPEND: 'Scrip already spent',
  SCRIP_EXPIRED: 'Scrip expired: renew it',
  UNAUTHENTICATED: 'Unauthenticated',
  IDEMPOTENCY_KEY_REUSED: 'Idempotency key reused with a different request',
  IDEMPOTENCY_KEY_IN_USE: 'Idempotency key in use by a request in progress',
  LEDGER_CONFLICT: 'Conflict with concurrent transactions',
  LEDGER_UNAVAILABLE: 'Ledger unavailable',
  LEDGER_REJECTED: 'Transaction rejected by the ledger',
  INTERNAL: 'Internal error',
  REQUEST_TIMEOUT: 'Request timeout',
  PAYLOAD_TOO_LARGE: 'Payload too large',
  URI_TOO_LONG: 'URI too long',
  UNSUPPORTED_MEDIA_TYPE: 'Unsupported media type',
  RATE_LIMITED: 'Too many requests',
  HEADERS_TOO_LARGE: 'Request headers too large',
  SHUTTING_DOWN: 'Shutting down',
};

export const ProblemSchema = Type.Object(
  {
    type: Type.String(),
    title: Type.String(),
    status: Type.Integer(),
    code: Type.String({ description: 'Stable error code' }),
    detail: Type.Optional(Type.String()),
    instance: Type.Optional(Type.String()),
    txId: Type.Optional(Type.String({ description: 'Fabric transaction id, when one was made' })),
    fabricStatus: Type.Optional(Type.String({ description: 'Fabric status name, e.g. MVCC_READ_CONFLICT' })),
    errors: Type.Optional(Type.Array(Type.Object({ path: Type.String(), message: Type.String() }))),
  },
  { $id: 'Problem', description: 'RFC 9457 problem details' },
);

export interface Problem {
  type: string;
  title: string;
  status: number;
  code: GatewayCode;
  detail?: string;
  instance?: string;
  txId?: string;
  fabricStatus?: string;
  errors?: { path: string; message: string }[];
}

export function problem(status: number, code: GatewayCode, detail?: string, extra: Partial<Problem> = {}): Problem {
  return { type: `urn:covenant:problem:${code.toLowerCase().replace(/_/g, '-')}`, title: TITLES[code], status, code, detail, ...extra };
}

/**
 * Seconds a client should wait before sending a request again that ended in 409 LEDGER_CONFLICT
 * (its `Retry-After`): by then the blocks that held the conflicting transactions are committed.
 */
export const CONFLICT_RETRY_AFTER_SECONDS = 1;

/** An error a route throws to answer with a problem. */
export class HttpProblem extends Error {
  /**
   * @param transient the same request may succeed if simply sent again (e.g. the other gateway
   *   was busy with the same channel): such an answer is not kept for Idempotency-Key replays.
   */
  constructor(
    readonly problem: Problem,
    readonly transient = false,
  ) {
    super(problem.detail ?? problem.title);
  }
}

/**
 * True for a failure the same request may overcome if simply sent again: a transient HttpProblem
 * (the other gateway busy with the same channel) or a LedgerConflictError. Such an answer is not
 * kept for Idempotency-Key replays.
 */
export function isTransient(error: unknown): boolean {
  if (error instanceof HttpProblem || error instanceof ChannelRefusal || error instanceof PeerFailure) return error.transient;
  return error instanceof LedgerConflictError;
}

/** The problem code a refusal by a peer gateway with HTTP status `status` becomes. */
function peerCode(status: number): 'FORBIDDEN' | 'NOT_FOUND' | 'INVALID_ARGUMENT' | 'FAILED_PRECONDITION' {
  return status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : status === 400 ? 'INVALID_ARGUMENT' : 'FAILED_PRECONDITION';
}

/** Maps any error thrown while handling a request to the problem the client sees. */
export function toProblem(error: unknown): Problem {
  if (error instanceof HttpProblem) return error.problem;
  // The off-chain channel protocol: a refusal keeps its code, with the chaincode codes' statuses.
  if (error instanceof ChannelRefusal) return problem(HTTP_STATUS[error.code], error.code, error.detail);
  // The other party's gateway: unreachable or failing itself (5xx) is 503 LEDGER_UNAVAILABLE; its
  // refusal keeps its status and code (400, 403, 404; other 4xx FAILED_PRECONDITION), except its
  // 422, which is 409 here (the caller's own funds are not what is short), and except a code the
  // caller passed through (PeerFailure.code).
  if (error instanceof PeerFailure) {
    const peer = error.peerStatus;
    if (peer === undefined || peer >= 500) return problem(503, 'LEDGER_UNAVAILABLE', error.detail);
    // A peer code passed through (the scrip protocol) is kept when it is a chaincode code with that status.
    const code = error.code as ErrorCode | 'LEDGER_CONFLICT' | undefined;
    if (code === 'LEDGER_CONFLICT' && peer === 409) return problem(409, code, error.detail);
    if (code !== undefined && code !== 'LEDGER_CONFLICT' && Object.hasOwn(HTTP_STATUS, code) && HTTP_STATUS[code] === peer) return problem(peer, code, error.detail);
    return problem(peer === 422 ? 409 : peer, peerCode(peer), error.detail);
  }
  if (error instanceof LedgerConflictError) {
    // A conflict is not an outage: 409 with Retry-After (sendProblem), the same request may be
    // sent again with the same Idempotency-Key.
    return problem(409, 'LEDGER_CONFLICT', `${error.message}: nothing was applied; retry after ${CONFLICT_RETRY_AFTER_SECONDS} s with the same Idempotency-Key`, {
      txId: error.txId,
      fabricStatus: error.fabricStatus,
    });
  }
  if (error instanceof ChaincodeError) {
    return problem(HTTP_STATUS[error.code], error.code, error.detail, error.txId ? { txId: error.txId } : {});
  }
  if (error instanceof LedgerUnavailableError) {
    const extra = { txId: error.txId, fabricStatus: error.fabricStatus };
    return error.retryable
      ? problem(503, 'LEDGER_UNAVAILABLE', error.message, extra)
      : problem(502, 'LEDGER_REJECTED', error.message, extra);
  }
  const fe = error as FastifyError;
  if (fe && Array.isArray(fe.validation)) {
    const errors = fe.validation.map((v) => {
      const unknown = (v.params as { additionalProperty?: string } | undefined)?.additionalProperty;
      return {
        path: `${fe.validationContext ?? 'body'}${v.instancePath || ''}${unknown === undefined ? '' : `/${unknown}`}`,
        message: unknown === undefined ? (v.message ?? 'is invalid') : 'is not a known property',
      };
    });
    return problem(400, 'INVALID_ARGUMENT', errors.map((e) => `${e.path} ${e.message}`).join('; '), { errors });
  }
  if (fe && typeof fe.statusCode === 'number' && fe.statusCode >= 400 && fe.statusCode < 500) {
    return problem(fe.statusCode, httpLayerCode(fe.statusCode), fe.message);
  }
  return problem(500, 'INTERNAL', 'the gateway failed to handle the request');
}

/** The stable code of a 4xx (or 503) the HTTP layer answers: 404 NOT_FOUND, 413 PAYLOAD_TOO_LARGE, ...; INVALID_ARGUMENT otherwise. */
export function httpLayerCode(status: number): GatewayCode {
  if (status === 404) return 'NOT_FOUND';
  return (HTTP_LAYER_CODES as Record<number, HttpLayerCode>)[status] ?? 'INVALID_ARGUMENT';
}

/**
 * The bytes of a problem written straight to a socket or raw response, where no Fastify reply
 * exists (client errors before routing, such as a request timeout or oversized headers).
 */
export function rawProblemResponse(status: number, detail: string): string {
  const body = JSON.stringify(problem(status, httpLayerCode(status), detail));
  return `HTTP/1.1 ${status} ${TITLES[httpLayerCode(status)]}\r\nContent-Type: application/problem+json\r\nContent-Length: ${Buffer.byteLength(body)}\r\nConnection: close\r\n\r\n${body}`;
}

export function sendProblem(request: FastifyRequest, reply: FastifyReply, p: Problem): FastifyReply {
  if (p.status === 401) reply.header('www-authenticate', 'Bearer');
  if (p.code === 'LEDGER_CONFLICT') reply.header('retry-after', String(CONFLICT_RETRY_AFTER_SECONDS));
  return reply
    .code(p.status)
    .type('application/problem+json')
    .send({ ...p, instance: p.instance ?? request.url });
}
