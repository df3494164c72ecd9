import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth';
import type { ChaincodeClient } from '../ledger/chaincode';
import { ConsortiumConfig } from './schemas';
import { bearer, problems } from './common';

/** Consortium settings (chaincode contract `consortium`). */
export const consortiumRoutes: FastifyPluginAsyncTypebox<{ chaincode: ChaincodeClient }> = async (app, { chaincode }) => {
  app.get(
    '/consortium',
    { schema: { tags: ['consortium'], summary: 'Members and settings', operationId: 'getConsortiumConfig', security: bearer, response: { 200: ConsortiumConfig, ...problems(409) } } },
    async (request) => chaincode.evaluate(principalOf(request), 'consortium:getConfig', []),
  );

  app.patch(
    '/consortium/settings',
    {
      schema: {
        tags: ['consortium'],
        summary: 'Change settings (an organisation administrator)',
        description: '`escrowActiveThreshold`: most escrows a recipient may have confirmed and not yet settled (default 100).',
        operationId: 'setConsortiumSettings', security: bearer,
        body: Type.Object({ escrowActiveThreshold: Type.Integer({ minimum: 1, maximum: 1000000 }) }, { additionalProperties: false }),
        response: { 200: ConsortiumConfig, ...problems(403, 409) },
      },
    },
    async (request, reply) =>
      chaincode.submit(principalOf(request), 'consortium:setEscrowActiveThreshold', [String(request.body.escrowActiveThreshold)], reply),
  );
};
