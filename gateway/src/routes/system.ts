import type { FastifyPluginAsync } from 'fastify';
import { Type } from '@sinclair/typebox';
import { noSecurity, problemResponse } from './common';

/** Liveness and readiness, public (no API key): /healthz answers while the process runs, /readyz once the ledger answers. */
export const systemRoutes: FastifyPluginAsync = async (app) => {
  app.get(
    '/healthz',
    { schema: { tags: ['system'], summary: 'Liveness (public)', operationId: 'getHealth', security: noSecurity, response: { 200: Type.Object({ status: Type.Literal('ok') }) } } },
    async () => ({ status: 'ok' as const }),
  );
  app.get(
    '/readyz',
    {
      schema: {
        tags: ['system'],
        summary: 'Readiness: the ledger answers (public)',
        operationId: 'getReadiness',
        security: noSecurity,
        response: { 200: Type.Object({ status: Type.Literal('ready'), ledger: Type.String() }), 503: problemResponse(503) },
      },
    },
    async () => {
      await app.ledger.ready();
      return { status: 'ready' as const, ledger: app.ledger.kind };
    },
  );
};
