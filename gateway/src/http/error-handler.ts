import fp from 'fastify-plugin';
import { problem, sendProblem, toProblem } from './problem';
import { redactQuery } from './logging';

/**
 * Every error and every unknown route answered as RFC 9457 problem+json (http/problem.ts):
 * 5xx logged as errors with their cause, refusals logged at info with their code, and each
 * problem counted by code (`app.countProblem`, which http/metrics.ts decorates).
 */
export const problemHandlers = fp(
  async (app) => {
    app.setErrorHandler((error, request, reply) => {
      const p = toProblem(error);
      if (p.status >= 500) request.log.error({ err: error }, 'request failed');
      else request.log.info({ code: p.code, detail: p.detail }, 'request refused');
      app.countProblem(p.code);
      return sendProblem(request, reply, p);
    });
    app.setNotFoundHandler((request, reply) => sendProblem(request, reply, problem(404, 'NOT_FOUND', `no route ${request.method} ${redactQuery(request.url)}`)));
  },
  { name: 'covenant-problems', fastify: '5.x' },
);
