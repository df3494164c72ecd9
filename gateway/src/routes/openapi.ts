import fp from 'fastify-plugin';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import { ProblemSchema } from '../http/problem';
import { Account, Escrow } from './schemas';
import { EncryptionKeyView } from '@covenant/chaincode';
import { dbcsSchemas } from './dbcs-schemas';
import { scripSchemas } from './scrip-schemas';
import { paymentSchemas } from './payment-schemas';
import { Channel, Multiparty } from './channels';
import { documentRoutes } from './common';

export const API_VERSION = '0.1.0';

/**
 * The OpenAPI 3.1 document at /docs/json and its UI at /docs (@fastify/swagger): the shared
 * schemas (referenced by `$id`), the document's info, security scheme and tags, and the onRoute
 * check that every documented route has an operationId, a security requirement and its problem
 * responses (routes/common.ts). Register before the routes.
 */
export const openapi = fp(
  async (app) => {
    app.addSchema(ProblemSchema);
    app.addSchema(Account);
    app.addSchema(EncryptionKeyView);
    app.addSchema(Escrow);
    app.addSchema(Channel);
    app.addSchema(Multiparty);
    for (const schema of dbcsSchemas) app.addSchema(schema);
    for (const schema of scripSchemas) app.addSchema(schema);
    for (const schema of paymentSchemas) app.addSchema(schema);

    app.addHook('onRoute', documentRoutes());
    await app.register(swagger, {
      openapi: {
        openapi: '3.1.0',
        servers: [{ url: '/', description: 'This gateway (the document is served by the gateway it describes)' }],
        info: {
          title: 'Covenant gateway',
          version: API_VERSION,
          description:
            'Mutual-consent settlement for a permissioned consortium on Hyperledger Fabric. Amounts are minor units as decimal strings. Errors are RFC 9457 problem details with a stable `code`.',
        },
        components: { securitySchemes: { bearerAuth: { type: 'http', scheme: 'bearer', description: 'API key from dev-credentials.json' } } },
        tags: [
          { name: 'accounts', description: 'Accounts, mint, transfers, withdrawals' },
          { name: 'escrows', description: 'Escrow settlement (patent CN108399571A)' },
          { name: 'delegates', description: 'DBCS-SC delegate authorization: registries, sales managers, validity, challenge-response (PLOS ONE 2022)' },
          { name: 'investment-contracts', description: 'DBCS-SC financial investment contracts: publishing, signing requests, signatures, confirmation' },
          { name: 'disputes', description: 'DBCS-SC contract fraud disputes and arbitration' },
          { name: 'channels', description: 'Two-party payment channels, off-chain payments between gateways (J. Math. 2022)' },
          { name: 'multiparty', description: 'Multiparty channels: atomic multiparty transactions over bound two-party channels' },
          { name: 'scrip', description: 'Scrip payments with digital envelopes (seeds/001, SET envelopes with Millicent scrip): series, the customer\'s wallet and flows, swaps between gateways, the broker log' },
          { name: 'events', description: 'Chaincode events as Server-Sent Events' },
          { name: 'roles', description: 'Ledger roles' },
          { name: 'consortium', description: 'Consortium settings' },
          { name: 'system', description: 'Health and readiness' },
        ],
      },
      refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
    });
    await app.register(swaggerUi, { routePrefix: '/docs' });
  },
  { name: 'covenant-openapi', fastify: '5.x' },
);
