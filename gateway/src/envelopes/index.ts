/**
 * Digital envelopes (issue 12; README.md beside this file): HPKE (RFC 9180) base mode,
 * DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM, bound to a {type, ref, from, to} context.
 * Pure: no Fastify, no ledger.
 */
export { seal, open, sealFor, MAX_ENVELOPE_LENGTH, MAX_PLAINTEXT_BYTES } from './envelope';
export type { EnvelopeReader } from './envelope';
export { generateEncryptionKeyPair, kidOfPublicKey, keyIdOf, p256PointOf, pointOfPrivateKey } from './keys';
export type { EncryptionKeyPair, EncryptionPrivateKey } from './keys';
export { EnvelopeContext, INFO_PREFIX, bindingOf } from './context';
export { EnvelopeError } from './errors';
export type { EnvelopeErrorCode } from './errors';
export { SUITE, SUITE_IDS } from './suite';
