/**
 * The development CA, defined in @covenant/embedded-ledger (the chaincode's tests issue their
 * identities with it too) and re-exported here for the gateway's modules.
 */
export type { IssuedIdentity, NodeOu, OrgCa } from '@covenant/embedded-ledger';
export { createOrgCa, domainOf, issueIdentity, loadOrgCa } from '@covenant/embedded-ledger';
