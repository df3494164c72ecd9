import type { FastifyInstance, onRequestAsyncHookHandler } from 'fastify';
import { Counter, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/**
 * Prometheus metrics at /metrics (prom-client): process defaults, HTTP request durations by route
 * and status, and ledger transactions by function and outcome. /metrics needs a valid API key
 * (`authenticate`, any caller: the metrics name routes and codes, never callers or amounts).
 */
export function registerMetrics(app: FastifyInstance, authenticate: onRequestAsyncHookHandler): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: 'covenant_' });
  const http = new Histogram({
    name: 'covenant_http_request_duration_seconds',
    help: 'HTTP request duration by method, route and status',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  const problems = new Counter({
    name: 'covenant_http_problems_total',
    help: 'Problem responses by code',
    labelNames: ['code'],
    registers: [registry],
  });
  app.addHook('onResponse', async (request, reply) => {
    http.observe(
      { method: request.method, route: request.routeOptions.url ?? 'unknown', status: String(reply.statusCode) },
      reply.elapsedTime / 1000,
    );
  });
  app.decorate('countProblem', (code: string) => problems.inc({ code }));
  app.get('/metrics', { schema: { hide: true }, onRequest: authenticate }, async (_request, reply) =>
    reply.type(registry.contentType).send(await registry.metrics()),
  );
  return registry;
}

declare module 'fastify' {
  interface FastifyInstance {
    countProblem(code: string): void;
  }
}
