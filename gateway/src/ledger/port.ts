/**
 * The Ledger port, defined in @covenant/embedded-ledger (beside its embedded adapter, so that the
 * chaincode's tests use it without the gateway) and re-exported here for the gateway's modules.
 */
export type { EventCheckpoint, Ledger, LedgerEvent, PreparedTransaction, SigningIdentity, SubmitOptions, SubmitResult } from '@covenant/embedded-ledger';
export { ChaincodeError, LedgerConflictError, LedgerUnavailableError } from '@covenant/embedded-ledger';
