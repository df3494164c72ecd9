import fp from 'fastify-plugin';
import { HttpProblem, problem } from './problem';

/**
 * Graceful shutdown inside the app: when the app starts closing, `app.closing` aborts (open event
 * streams end on it, so closing does not wait on them) and a request that arrives meanwhile is
 * answered 503 SHUTTING_DOWN with `Connection: close`, as problem+json (Fastify's own
 * return503OnClosing is off in app.ts).
 */
export const shutdown = fp(
  async (app) => {
    const closing = new AbortController();
    app.decorate('closing', closing.signal);
    app.addHook('preClose', async () => closing.abort());
    app.addHook('onRequest', async (_request, reply) => {
      if (!closing.signal.aborted) return;
      reply.header('connection', 'close');
      throw new HttpProblem(problem(503, 'SHUTTING_DOWN', 'the gateway is shutting down: retry on another gateway or later'), true);
    });
  },
  { name: 'covenant-shutdown', fastify: '5.x' },
);

declare module 'fastify' {
  interface FastifyInstance {
    /** Aborted when the app starts closing. */
    closing: AbortSignal;
  }
}
