import type { FastifyPluginAsync } from 'fastify';
import { ConsortiumSettingsRequest } from '@covenant/chaincode';
import { ConsortiumConfig } from './schemas';
import { problems } from './common';
import { forward, registerChaincodeRoutes } from './forward';

/** Consortium settings (chaincode contract `consortium`). */
export const consortiumRoutes: FastifyPluginAsync = async (app) => {
  registerChaincodeRoutes(app, app.chaincode, ['consortium'], [
    forward({
      method: 'GET',
      url: '/consortium',
      fn: 'consortium:getConfig',
      schema: { summary: 'Members and settings', operationId: 'getConsortiumConfig', response: { 200: ConsortiumConfig, ...problems(409) } },
      args: () => [],
    }),
    forward({
      method: 'PATCH',
      url: '/consortium/settings',
      fn: 'consortium:setEscrowActiveThreshold',
      schema: {
        summary: 'Change settings (an organisation administrator)',
        description: '`escrowActiveThreshold`: most escrows a recipient may have confirmed and not yet settled (default 100).',
        operationId: 'setConsortiumSettings',
        body: ConsortiumSettingsRequest,
        response: { 200: ConsortiumConfig, ...problems(403, 409) },
      },
      args: ({ body }) => [String(body.escrowActiveThreshold)],
    }),
  ]);
};
