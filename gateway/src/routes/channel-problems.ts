import type { FastifyInstance } from 'fastify';
import { HTTP_STATUS, HttpProblem, problem } from '../http/problem';
import { ChannelRefusal } from '../channels/protocol';
import { PeerFailure } from '../channels/transport';

/** The problem code a refusal by a peer gateway with HTTP status `status` becomes. */
function peerCode(status: number): 'FORBIDDEN' | 'NOT_FOUND' | 'INVALID_ARGUMENT' | 'FAILED_PRECONDITION' {
  return status === 403 ? 'FORBIDDEN' : status === 404 ? 'NOT_FOUND' : status === 400 ? 'INVALID_ARGUMENT' : 'FAILED_PRECONDITION';
}

/**
 * The HTTP answer to a failure of the off-chain channel protocol, in one place:
 * - a {@link ChannelRefusal} keeps its code, with the chaincode codes' statuses (400, 403, 404,
 *   409, 422);
 * - a {@link PeerFailure}: an unreachable peer gateway, or one failing itself (5xx), is 503
 *   LEDGER_UNAVAILABLE; a peer's refusal keeps its status and code (400, 403, 404; other 4xx
 *   FAILED_PRECONDITION), except a peer's 422, which is 409 here (the caller's own funds are not
 *   what is short).
 * A transient failure (retry) stays transient. Anything else is returned as is.
 */
export function channelProblem(error: unknown): unknown {
  if (error instanceof ChannelRefusal) return new HttpProblem(problem(HTTP_STATUS[error.code], error.code, error.detail), error.transient);
  if (error instanceof PeerFailure) {
    const peer = error.peerStatus;
    if (peer === undefined || peer >= 500) return new HttpProblem(problem(503, 'LEDGER_UNAVAILABLE', error.detail), error.transient);
    return new HttpProblem(problem(peer === 422 ? 409 : peer, peerCode(peer), error.detail), error.transient);
  }
  return error;
}

/**
 * Makes the routes of plugin `app` answer channel protocol failures as problems
 * ({@link channelProblem}): its error handler translates them and hands every error on to the
 * application's error handler.
 */
export function answerChannelFailures(app: FastifyInstance): void {
  app.setErrorHandler((error) => {
    throw channelProblem(error);
  });
}
