/**
 * fabric-contract-api and fabric-shim log every decorator and every refused transaction at
 * import and call time. In-process, the gateway logs requests itself, so their loggers are
 * limited to critical output unless the operator sets CORE_CHAINCODE_LOGGING_LEVEL.
 * Imported before the chaincode so the setting is in place when their loggers are created.
 */
process.env.CORE_CHAINCODE_LOGGING_LEVEL ??= 'CRITICAL';
