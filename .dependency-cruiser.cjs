/**
 * Layer rules for Covenant (issue 10), checked by dependency-cruiser: `npm run depcruise`, run in
 * CI (.ci/run) right after `npm test`. An `error` fails the run; a `warn` is reported only.
 *
 * Layers: HTTP routes (gateway/src/routes) → services (the gateway's orchestrators) → ports
 * (gateway/src/ledger: the Ledger port, its adapters, the chaincode client and journal). Routes may
 * import services and ports; nothing below the routes imports a route. Domain modules (the
 * chaincode, the gateway's pure off-chain modules) import neither Fastify nor a Fabric SDK.
 * The chaincode never imports the gateway. No circular dependencies.
 */
const path = require('node:path');

/** Path patterns (dependency-cruiser matches them against paths relative to the repository). */
const LAYER = {
  fastify: '^node_modules/(fastify|@fastify/[^/]+|fastify-plugin)/',
  fabricSdk: '^node_modules/(@hyperledger/fabric-gateway|@grpc/grpc-js)/',
  /** The Ledger port, its adapters (embedded, Fabric), the chaincode client and the journal. */
  ledger: '^(gateway/src/ledger/|chaincode/embedded-ledger/src/)',
  /** The HTTP layer: routes and their plugins, hooks and problem answers. */
  http: '^gateway/src/(routes|http)/',
  /** The gateway's services: the channel orchestrators (messages, stores, transport); gateway/src/services.ts only registers them with Fastify. */
  services: '^gateway/src/channels/(?!(protocol|routing)/)',
  /** The pure domain modules of the gateway: the off-chain protocol rules and the channel router. */
  pureChannels: '^gateway/src/channels/(protocol|routing)/',
};

/** The forbidden dependencies, one a line: [name, severity, from, to, why]. */
const RULES = [
  ['no-circular', 'error', {}, { circular: true }, 'Modules must not depend on each other in a cycle: split the shared part out, or invert one edge through a port.'],
  ['routes-are-the-top-layer', 'error', { path: '^gateway/src/', pathNot: ['^gateway/src/routes/', '^gateway/src/app[.]ts$'] }, { path: '^gateway/src/routes/' }, 'Routes → services → ports: only the app (which registers them) and other routes may import a route.'],
  ['ports-do-not-import-services', 'error', { path: LAYER.ledger }, { path: [LAYER.services, LAYER.http] }, 'The ledger port and its adapters sit below the services and the HTTP layer: they import neither.'],
  ['ledger-without-fastify', 'error', { path: LAYER.ledger }, { path: LAYER.fastify }, 'Nothing under ledger/ (the port, its adapters, the chaincode client) imports Fastify: HTTP stays in routes and http/.'],
  ['domain-without-fastify-or-fabric-sdk', 'error', { path: ['^chaincode/src/', LAYER.pureChannels] }, { path: [LAYER.fastify, LAYER.fabricSdk] }, 'Domain modules (chaincode/src, the off-chain protocol and the router under gateway/src/channels) import neither Fastify nor a Fabric client SDK.'],
  ['services-without-http', 'error', { path: LAYER.services }, { path: [LAYER.http, LAYER.fastify] }, 'Services know nothing of HTTP: they return typed results and refusals; routes and http/ turn them into answers.'],
  ['domain-without-http', 'error', { path: LAYER.pureChannels }, { path: LAYER.http }, 'The off-chain protocol returns typed refusals; their HTTP mapping (HttpProblem) lives at the HTTP edge, not in the rules.'],
  ['chaincode-never-imports-the-gateway', 'error', { path: '^chaincode/' }, { path: '^gateway/' }, 'The chaincode, its tests and the embedded ledger are below the gateway: they never import gateway/.'],
  ['not-to-unresolvable', 'error', { pathNot: '^test/bench/caliper/workload/' }, { couldNotResolve: true, pathNot: '[.]generated/' }, 'Every import resolves (a missing package or a mistyped path); the typed OpenAPI client is generated later in CI; the Caliper workload resolves Caliper from its own package, installed only by npm run bench:caliper.'],
];

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: RULES.map(([name, severity, from, to, comment]) => ({ name, severity, from, to, comment })),
  options: {
    doNotFollow: { path: 'node_modules' },
    // Build output and generated files of the repository (not node_modules, whose entry points may live in dist/).
    exclude: { path: ['^(chaincode|chaincode/embedded-ledger|gateway)/dist/', '^test/openapi/[.]generated/'] },
    // The paths of test/tsconfig.json map the @covenant/* workspace packages to their sources.
    tsConfig: { fileName: path.join(__dirname, 'test', 'tsconfig.json') },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
