// Jest setup: keep fabric-contract-api's decorator logging out of test output.
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
