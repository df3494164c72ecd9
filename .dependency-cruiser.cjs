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
const FASTIFY = '^node_modules/(fastify|@fastify/[^/]+|fastify-plugin)/';
const FABRIC_SDK = '^node_modules/(@hyperledger/fabric-gateway|@grpc/grpc-js)/';
/** The Ledger port, its adapters (embedded, Fabric), the chaincode client and the journal. */
const LEDGER = '^(gateway/src/ledger/|chaincode/embedded-ledger/src/)';
/** The HTTP layer: routes and their plugins, hooks and problem answers. */
const HTTP = '^gateway/src/(routes|http)/';
/** The gateway's orchestrators (channel and multiparty services), beside the off-chain modules. */
const SERVICES = '^gateway/src/(channels/(service|multiparty|route-payment)|services/)';
/** The off-chain protocol's pure modules: every module under channels/ but the services. */
const PURE_CHANNELS = '^gateway/src/channels/(?!(service|multiparty|route-payment)[.]ts$)';

/** @type {import('dependency-cruiser').IConfiguration} */
module.exports = {
  forbidden: [
    {
      name: 'no-circular',
      comment: 'Modules must not depend on each other in a cycle: split the shared part out, or invert one edge through a port.',
      severity: 'error',
      from: {},
      to: { circular: true },
    },
    {
      name: 'routes-are-the-top-layer',
      comment: 'Routes → services → ports: only the app (which registers them) and other routes may import a route.',
      severity: 'error',
      from: { path: '^gateway/src/', pathNot: ['^gateway/src/routes/', '^gateway/src/app[.]ts$'] },
      to: { path: '^gateway/src/routes/' },
    },
    {
      name: 'ports-do-not-import-services',
      comment: 'The ledger port and its adapters sit below the services and the HTTP layer: they import neither.',
      severity: 'error',
      from: { path: LEDGER },
      to: { path: [SERVICES, HTTP] },
    },
    {
      name: 'ledger-without-fastify',
      comment: 'Nothing under ledger/ (the port, its adapters, the chaincode client) imports Fastify: HTTP stays in routes and http/.',
      // warn until issue 10's Fastify slice lands (ledger/chaincode.ts still imports FastifyReply); then error.
      severity: 'warn',
      from: { path: LEDGER },
      to: { path: FASTIFY },
    },
    {
      name: 'domain-without-fastify-or-fabric-sdk',
      comment: 'Domain modules (chaincode/src, the off-chain protocol under gateway/src/channels) import neither Fastify nor a Fabric client SDK.',
      severity: 'error',
      from: { path: ['^chaincode/src/', PURE_CHANNELS] },
      to: { path: [FASTIFY, FABRIC_SDK] },
    },
    {
      name: 'domain-without-http',
      comment: 'The off-chain protocol returns typed refusals; their HTTP mapping (HttpProblem) lives at the HTTP edge, not in the rules.',
      // warn until issue 10's off-chain slice lands (channels/consent.ts still throws HttpProblem); then error.
      severity: 'warn',
      from: { path: PURE_CHANNELS },
      to: { path: HTTP },
    },
    {
      name: 'chaincode-never-imports-the-gateway',
      comment: 'The chaincode, its tests and the embedded ledger are below the gateway: they never import gateway/.',
      severity: 'error',
      from: { path: '^chaincode/' },
      to: { path: '^gateway/' },
    },
    {
      name: 'not-to-unresolvable',
      comment: 'Every import resolves (a missing package or a mistyped path); the typed OpenAPI client is generated later in CI.',
      severity: 'error',
      from: {},
      to: { couldNotResolve: true, pathNot: '[.]generated/' },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    // Build output and generated files of the repository (not node_modules, whose entry points may live in dist/).
    exclude: { path: ['^(chaincode|chaincode/embedded-ledger|gateway)/dist/', '^test/openapi/[.]generated/'] },
    // The paths of test/tsconfig.json map @covenant/* workspace packages to their sources.
    tsConfig: { fileName: require('node:path').join(__dirname, 'test', 'tsconfig.json') },
    tsPreCompilationDeps: true,
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
