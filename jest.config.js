/** One Jest run for every package: chaincode unit tests, gateway tests, cross-package API tests. */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/chaincode/test', '<rootDir>/gateway/test', '<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: '<rootDir>/tsconfig.json' }],
  },
  moduleNameMapper: {
    '^@covenant/chaincode$': '<rootDir>/chaincode/src/index.ts',
  },
  testTimeout: 30000,
};
