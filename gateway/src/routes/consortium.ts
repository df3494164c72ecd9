import { ConsortiumSettingsRequest } from '@covenant/chaincode';
import { ConsortiumConfig } from './schemas';
import { problems } from './common';
import { chaincodeRoutes, forward } from './forward';
import { read } from './rows';

/** Consortium settings (chaincode contract `consortium`). */
export const consortiumRoutes = chaincodeRoutes(['consortium'], [
  read({ url: '/consortium', fn: 'consortium:getConfig', summary: 'Members and settings', operationId: 'getConsortiumConfig', response: ConsortiumConfig, statuses: [409] }),
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
