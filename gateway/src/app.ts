import '@covenant/embedded-ledger'; // first: quiets fabric-contract-api's import-time logging before the chaincode loads
import Fastify, { FastifyInstance, FastifyServerOptions } from 'fastify';
import swagger from '@fastify/swagger';
import swaggerUi from '@fastify/swagger-ui';
import type { TypeBoxTypeProvider } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { Ledger } from './ledger/port';
import type { GatewayDb } from './gateway-db';
import { ChaincodeClient, LedgerFaults } from './ledger/chaincode';
import type { IdentityStore } from './identity/store';
import { bearerAuth } from './http/auth';
import { IdempotencyStore } from './http/idempotency';
import { HttpProblem, ProblemSchema, problem, rawProblemResponse, sendProblem, toProblem } from './http/problem';
import { registerMetrics } from './http/metrics';
import { registerStrictJson } from './http/json-body';
import { registerStrictInput } from './http/strict-input';
import { DEFAULT_LIMITS, Limits, RateLimits } from './http/limits';
import { logSerializers, redactQuery } from './http/logging';
import { Account, Escrow } from './routes/schemas';
import { accountRoutes } from './routes/accounts';
import { escrowRoutes } from './routes/escrows';
import { consortiumRoutes } from './routes/consortium';
import { dbcsSchemas } from './routes/dbcs-schemas';
import { delegateRoutes } from './routes/delegates';
import { investmentContractRoutes } from './routes/investment-contracts';
import { disputeRoutes } from './routes/disputes';
import { Channel, Multiparty, channelRoutes, multipartyRoutes, offchainRoutes } from './routes/channels';
import { MultipartyService } from './channels/multiparty';
import { RoutePaymentService } from './channels/route-payment';
import { eventRoutes } from './routes/events';
import { ChannelService, Faults } from './channels/service';
import { OffchainStore } from './channels/offchain-store';
import { PeerDirectory } from './channels/peers';
import { documentRoutes, noSecurity, problemResponse } from './routes/common';

export interface AppOptions {
  ledger: Ledger;
  identities: IdentityStore;
  /** Durable store for idempotency records. */
  gatewayDb: GatewayDb;
  logger?: FastifyServerOptions['logger'];
  /** The other organisations' gateways, for off-chain channel messages. */
  peers?: PeerDirectory;
  /** Crash points for tests of the channel protocol and of the submit path. */
  faults?: Faults & LedgerFaults;
  /** Whether closing the app closes the ledger (false when gateways share one in-process ledger). */
  ownsLedger?: boolean;
  /** Rate limits (default DEFAULT_LIMITS, per minute). */
  limits?: Partial<Limits>;
  /** Milliseconds to receive a whole request, headers and body (default 30 000); a slower one is cut with 408. */
  requestTimeoutMs?: number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
/** An idle connection (nothing sent either way; event streams send a heartbeat every 15 s) is closed after this. */
const CONNECTION_TIMEOUT_MS = 120_000;
const KEEP_ALIVE_TIMEOUT_MS = 72_000;
/** Off-chain channel messages are small and signed: a larger body is refused 413. */
const OFFCHAIN_BODY_LIMIT = 64 * 1024;

/** Fastify's logger option with the request serializer that keeps query values out of the log. */
function withLogRedaction(logger: FastifyServerOptions['logger']): FastifyServerOptions['logger'] {
  if (!logger) return false;
  const base = logger === true ? {} : logger;
  return { ...base, serializers: { ...(base as { serializers?: object }).serializers, ...logSerializers } } as FastifyServerOptions['logger'];
}

/** Node's clientError codes the gateway answers, by status (others are 400). */
const CLIENT_ERROR_STATUS: Record<string, number> = { ERR_HTTP_REQUEST_TIMEOUT: 408, HPE_HEADER_OVERFLOW: 431 };

export const API_VERSION = '0.1.0';

/**
 * The Covenant REST gateway as a Fastify instance: OpenAPI at /docs, problem+json errors,
 * bearer API keys, idempotent value-moving POSTs, /healthz, /readyz and /metrics, and the /v1
 * routes over the Ledger port. Closing the app closes the ledger.
 */
export async function buildApp(options: AppOptions): Promise<FastifyInstance> {
  const requestTimeout = options.requestTimeoutMs ?? DEFAULT_REQUEST_TIMEOUT_MS;
  const app = Fastify({
    logger: withLogRedaction(options.logger ?? false),
    // Unknown properties are refused (registerStrictInput), never silently dropped.
    ajv: { customOptions: { coerceTypes: false, removeAdditional: false, allErrors: false } },
    bodyLimit: 256 * 1024,
    // A request (headers and body) must arrive within requestTimeout: a slow body is cut (408).
    requestTimeout,
    connectionTimeout: CONNECTION_TIMEOUT_MS,
    keepAliveTimeout: KEEP_ALIVE_TIMEOUT_MS,
    http: { headersTimeout: Math.min(requestTimeout, 20_000), connectionsCheckingInterval: Math.min(5_000, Math.max(50, Math.floor(requestTimeout / 4))) },
    // Requests during shutdown are answered by the hook below, as problem+json.
    return503OnClosing: false,
    // Fastify's own refusals before routing (bad URL, 414 too long a path parameter) as problem+json.
    frameworkErrors: (error, request, reply) => {
      const p = toProblem(error);
      app.countProblem(p.code);
      return sendProblem(request, reply, p);
    },
    // Errors on the socket before a request exists (408 timeout, 431 headers too large, 400 bad request).
    clientErrorHandler: (error, socket) => {
      const code = (error as NodeJS.ErrnoException).code ?? '';
      if (code === 'ECONNRESET' || !socket.writable) return socket.destroy();
      const status = CLIENT_ERROR_STATUS[code] ?? 400;
      socket.end(rawProblemResponse(status, status === 408 ? `the request did not arrive within ${requestTimeout} ms` : 'the request could not be read'));
    },
  }).withTypeProvider<TypeBoxTypeProvider>();
  registerStrictJson(app);
  registerStrictInput(app);

  app.addSchema(ProblemSchema);
  app.addSchema(Account);
  app.addSchema(Escrow);
  app.addSchema(Channel);
  app.addSchema(Multiparty);
  for (const schema of dbcsSchemas) app.addSchema(schema);

  // Every documented route: an operationId, a declared security, and the problems its rules imply.
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
        { name: 'events', description: 'Chaincode events as Server-Sent Events' },
        { name: 'roles', description: 'Ledger roles' },
        { name: 'consortium', description: 'Consortium settings' },
        { name: 'system', description: 'Health and readiness' },
      ],
    },
    refResolver: { buildLocalReference: (json, _baseUri, _fragment, i) => String(json.$id ?? `def-${i}`) },
  });
  await app.register(swaggerUi, { routePrefix: '/docs' });

  // Ends open event streams when the app closes, so graceful shutdown does not wait on them; a
  // request that arrives while closing is answered 503 SHUTTING_DOWN.
  const closing = new AbortController();
  app.addHook('preClose', async () => closing.abort());
  app.addHook('onRequest', async (_request, reply) => {
    if (!closing.signal.aborted) return;
    reply.header('connection', 'close');
    throw new HttpProblem(problem(503, 'SHUTTING_DOWN', 'the gateway is shutting down: retry on another gateway or later'), true);
  });

  const limits = await RateLimits.register(app, { ...DEFAULT_LIMITS, ...options.limits });
  const authenticate = bearerAuth(options.identities, limits);
  registerMetrics(app, authenticate);
  const idempotency = new IdempotencyStore(options.gatewayDb);

  app.setErrorHandler((error, request, reply) => {
    const p = toProblem(error);
    if (error instanceof HttpProblem && error.transient) request.transientFailure = true;
    if (p.status >= 500) request.log.error({ err: error }, 'request failed');
    else request.log.info({ code: p.code, detail: p.detail }, 'request refused');
    app.countProblem(p.code);
    return sendProblem(request, reply, p);
  });
  app.setNotFoundHandler((request, reply) => sendProblem(request, reply, problem(404, 'NOT_FOUND', `no route ${request.method} ${redactQuery(request.url)}`)));

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
      await options.ledger.ready();
      return { status: 'ready' as const, ledger: options.ledger.kind };
    },
  );

  const chaincode = new ChaincodeClient(options.ledger, options.faults);
  const channels = new ChannelService(chaincode, options.identities, new OffchainStore(options.gatewayDb), options.peers ?? new PeerDirectory(), options.faults);
  const multiparty = new MultipartyService(chaincode, channels, options.gatewayDb);
  app.decorate('channels', channels);
  app.decorate('ledger', options.ledger);
  await app.register(
    async (v1) => {
      v1.addHook('onRequest', authenticate);
      v1.addHook('preHandler', idempotency.preHandler);
      v1.addHook('preHandler', idempotency.bind);
      v1.addHook('onSend', idempotency.onSend);
      v1.addHook('onResponse', idempotency.onResponse);
      await v1.register(accountRoutes, { chaincode });
      await v1.register(escrowRoutes, { chaincode });
      await v1.register(delegateRoutes, { chaincode });
      await v1.register(investmentContractRoutes, { chaincode });
      await v1.register(disputeRoutes, { chaincode });
      await v1.register(consortiumRoutes, { chaincode });
      await v1.register(channelRoutes, { chaincode, channels });
      await v1.register(eventRoutes, { ledger: options.ledger, closing: closing.signal });
      await v1.register(multipartyRoutes, { chaincode, multiparty, routed: new RoutePaymentService(multiparty, (p) => channels.accountIdOf(p)) });
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
      await offchain.register(offchainRoutes, { channels });
    },
    { prefix: '/v1' },
  );

  app.addHook('onClose', async () => {
    if (options.ownsLedger !== false) await options.ledger.close();
    await options.gatewayDb.close();
  });
  return app;
}

declare module 'fastify' {
  interface FastifyInstance {
    channels: ChannelService;
    ledger: Ledger;
  }
}
