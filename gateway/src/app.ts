import '@covenant/embedded-ledger'; // first: quiets fabric-contract-api's import-time logging before the chaincode loads
import Fastify, { FastifyInstance, FastifyServerOptions } from 'fastify';
import fp from 'fastify-plugin';
import { bearerAuth } from './http/auth';
import { idempotency } from './http/idempotency';
import { registerMetrics } from './http/metrics';
import { registerStrictJson } from './http/json-body';
import { registerStrictInput } from './http/strict-input';
import { DEFAULT_LIMITS, Limits, RateLimits } from './http/limits';
import { DEFAULT_REQUEST_TIMEOUT_MS, serverOptions } from './http/server-options';
import { openapi } from './routes/openapi';
import { shutdown } from './http/shutdown';
import { problemHandlers } from './http/error-handler';
import { ServiceOptions, services } from './services';
import { systemRoutes } from './routes/system';
import { accountRoutes } from './routes/accounts';
import { encryptionKeyRoutes } from './routes/encryption-keys';
import { transferRoutes } from './routes/transfers';
import { escrowRoutes } from './routes/escrows';
import { consortiumRoutes } from './routes/consortium';
import { delegateRoutes } from './routes/delegates';
import { investmentContractRoutes } from './routes/investment-contracts';
import { disputeRoutes } from './routes/disputes';
import { channelRoutes, multipartyRoutes, offchainRoutes } from './routes/channels';
import { eventRoutes } from './routes/events';
import { scripCustomerRoutes } from './routes/scrip-customer';
import { scripInboxRoutes, scripIssuerRoutes } from './routes/scrip-issuer';
import { privatePaymentRoutes, privateRelayRoutes } from './routes/private-payments';
import { consoleRoutes } from './http/console';

export { API_VERSION } from './routes/openapi';
export { DEFAULT_REQUEST_TIMEOUT_MS } from './http/server-options';

/** The gateway plugin's options: its services' sources and its rate limits. */
export interface GatewayOptions extends ServiceOptions {
  /** Rate limits (default DEFAULT_LIMITS, per minute). */
  limits?: Partial<Limits>;
}

export interface AppOptions extends GatewayOptions {
  logger?: FastifyServerOptions['logger'];
  /** Milliseconds to receive a whole request, headers and body (default 30 000); a slower one is cut with 408. */
  requestTimeoutMs?: number;
}

/** Off-chain channel messages are small and signed: a larger body is refused 413. */
const OFFCHAIN_BODY_LIMIT = 64 * 1024;

/**
 * The Covenant REST gateway as a Fastify plugin: OpenAPI at /docs, problem+json errors, bearer API
 * keys, idempotent value-moving POSTs, /healthz, /readyz and /metrics, and the /v1 routes over the
 * Ledger port. Its services are decorators (services.ts). Closing the app closes the ledger.
 */
export const gateway = fp<GatewayOptions>(
  async (app, options) => {
    registerStrictJson(app);
    registerStrictInput(app);
    // Before any route: a route takes the error handler in force when it is registered.
    await app.register(problemHandlers);
    await app.register(openapi);
    await app.register(shutdown);
    await app.register(services, options);

    const limits = await RateLimits.register(app, { ...DEFAULT_LIMITS, ...options.limits });
    const authenticate = bearerAuth(app.identities, limits);
    registerMetrics(app, authenticate);
    await app.register(systemRoutes);
    // The browser console (static files at /console/, not in the OpenAPI document).
    await app.register(consoleRoutes);

    await app.register(
      async (v1) => {
        v1.addHook('onRequest', authenticate);
        await v1.register(idempotency, { db: app.gatewayDb });
        await v1.register(accountRoutes);
        await v1.register(encryptionKeyRoutes);
        await v1.register(transferRoutes, { chaincode: app.chaincode });
        await v1.register(escrowRoutes);
        await v1.register(delegateRoutes);
        await v1.register(investmentContractRoutes);
        await v1.register(disputeRoutes);
        await v1.register(consortiumRoutes);
        await v1.register(channelRoutes, { chaincode: app.chaincode, channels: app.channels });
        await v1.register(eventRoutes);
        await v1.register(multipartyRoutes, { chaincode: app.chaincode, multiparty: app.multiparty, routed: app.routePayments });
        await v1.register(scripCustomerRoutes, { customer: app.scripCustomer });
        await v1.register(scripIssuerRoutes, { issuer: app.scripIssuer });
        await v1.register(privatePaymentRoutes, { wallet: app.privateWallet });
      },
      { prefix: '/v1' },
    );
    // Off-chain messages carry their sender's signature instead of an API key: a stricter per-address
    // rate limit and a smaller body limit.
    await app.register(
      async (offchain) => {
        offchain.addHook('onRoute', (route) => {
          route.bodyLimit ??= OFFCHAIN_BODY_LIMIT;
        });
        offchain.addHook('onRequest', limits.offchain);
        await offchain.register(offchainRoutes, { channels: app.channels });
        await offchain.register(scripInboxRoutes, { issuer: app.scripIssuer });
        // Signed private spends from other gateways: their ring signatures authorise them (bodyLimit of its own).
        await offchain.register(privateRelayRoutes, { wallet: app.privateWallet });
      },
      { prefix: '/v1' },
    );
  },
  { name: 'covenant-gateway', fastify: '5.x' },
);

/**
 * A Fastify instance with the gateway's server options (http/server-options.ts: validation, body
 * limit, timeouts) and the gateway plugin registered, ready to listen or inject.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const { logger, requestTimeoutMs, ...gatewayOptions } = options;
  const app: FastifyInstance = Fastify(serverOptions(logger, requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS, () => app));
  await app.register(gateway, gatewayOptions);
  return app;
}
