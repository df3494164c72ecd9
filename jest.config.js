/** One Jest run for every package: chaincode unit tests, gateway tests, cross-package API tests. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/chaincode/test', '<rootDir>/gateway/test', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  // test/fabric needs a running network (`npm run network:up`, then `npm run test:fabric`).
  testPathIgnorePatterns: process.env.COVENANT_TEST_LEDGER === 'fabric' ? ['/node_modules/'] : ['/node_modules/', '/test/fabric/'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
    // content-disposition 3 (used by @fastify/swagger-ui's static files), cookie 1 (used by
    // light-my-request, Fastify's inject) and @noble/curves and @noble/hashes 2 (used by
    // @hyperledger/fabric-gateway 1.12) ship only ES modules; Node loads them with require(esm),
    // Jest's module runtime does not, so Jest compiles them.
    'node_modules/(content-disposition|cookie|@noble/curves|@noble/hashes)/.+\\.js$': ['ts-jest', { tsconfig: { allowJs: true, module: 'commonjs', target: 'ES2022', isolatedModules: true } }],
  },
  transformIgnorePatterns: ['/node_modules/(?!(content-disposition|cookie|@noble/curves|@noble/hashes)/)'],
  moduleNameMapper: {
    '^@covenant/chaincode$': '<rootDir>/chaincode/src/index.ts',
    // A module of the chaincode package without its index (and so without fabric-contract-api).
    '^@covenant/chaincode/dist/(.*)$': '<rootDir>/chaincode/src/$1',
    '^@covenant/embedded-ledger$': '<rootDir>/chaincode/embedded-ledger/src/index.ts',
  },
  setupFiles: ['<rootDir>/test/support/quiet.ts'],
  // libsodium (chaincode/src/privacy/sodium.ts) is loaded before each test file is.
  setupFilesAfterEnv: ['<rootDir>/test/support/privacy-ready.ts'],
  // On the real network every submit waits for endorsement, ordering and commit (~0.25-0.6 s),
  // so a test of a dozen commits on a loaded machine needs more than the embedded ledger does.
  testTimeout: process.env.COVENANT_TEST_LEDGER === 'fabric' ? 120000 : 30000,
};
