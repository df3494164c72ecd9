/**
 * The off-chain channel protocol as pure rules (no I/O, no HTTP, no clock of its own): its
 * messages and signed bytes, what a gateway countersigns for its user on two-party and multiparty
 * channels, signature checks shared with the chaincode, and typed refusals.
 */
export * from './refusal';
export * from './amounts';
export * from './messages';
export * from './signature';
export * from './two-party';
export * from './multiparty';
export * from './multiparty-offchain';
export * from './htlc';
