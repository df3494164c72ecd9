/**
 * @covenant/embedded-ledger: the Ledger port (how a client reaches Covenant's chaincode, whatever
 * runs it), its embedded adapter (the contracts in-process over a durable local store, as a
 * Fabric peer would run them) and a development CA issuing Fabric-shaped test identities.
 * Used by the gateway (its `embedded` ledger) and by the chaincode's own tests.
 */
import './quiet-shim';
export type { EventCheckpoint, Ledger, LedgerEvent, PreparedTransaction, SigningIdentity, SubmitOptions, SubmitResult } from './port';
export { ChaincodeError, LedgerConflictError, LedgerUnavailableError } from './port';
export { EMBEDDED_CHANNEL, EmbeddedLedger } from './ledger';
export type { CommittedTx, HistoryEntry, LevelDb, Write } from './store';
export { LedgerStore } from './store';
export type { IssuedIdentity, NodeOu, OrgCa } from './dev-ca';
export { createOrgCa, domainOf, issueIdentity, loadOrgCa } from './dev-ca';
