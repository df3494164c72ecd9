import { Type } from '@sinclair/typebox';
import { DelegateRegistryView, DelegateView, DisputeView, InvestmentContractView, MovementView, SigningView } from '@covenant/chaincode';
import { AccountId, Timestamp, TxId } from './schemas';

/**
 * TypeBox schemas of the DBCS-SC resources (delegate registries, delegates, investment contracts,
 * signings, disputes): "Delegate contract signing mechanism based on smart contract", PLOS ONE
 * 2022 (seeds/004). Amounts are minor units as decimal strings. Registered on the app with
 * addSchema so the OpenAPI document shows them once under components.
 */
/** The records, defined once with the chaincode that stores them (chaincode/src/dbcs/records.ts). */
export const DelegateRegistry = DelegateRegistryView;
export { DelegateStatus, Ratio, SigningStatus } from '@covenant/chaincode';
export const Delegate = DelegateView;
export const InvestmentContract = InvestmentContractView;
export const Signing = SigningView;
export const Movement = MovementView;
export const Dispute = DisputeView;

export { InvalidReason } from '@covenant/chaincode';
import { InvalidReason } from '@covenant/chaincode';

export const DelegateValidity = Type.Object({
  issuer: AccountId,
  delegate: AccountId,
  valid: Type.Boolean(),
  reasons: Type.Array(InvalidReason, { description: 'Every failed condition; empty when valid' }),
  at: Timestamp,
  registryStatus: Type.Optional(Type.String()),
  record: Type.Optional(Type.Ref(Delegate)),
});

export const ChallengeVerification = Type.Object({
  issuer: AccountId,
  delegate: AccountId,
  challenge: Type.String(),
  message: Type.String({ description: 'The exact text whose signature was verified' }),
  signatureValid: Type.Boolean({ description: "The signature verifies with the delegate's certificate on the ledger" }),
  delegateValid: Type.Boolean({ description: 'isValidDelegate at the query time' }),
  valid: Type.Boolean({ description: 'signatureValid and delegateValid' }),
  reasons: Type.Array(InvalidReason),
  at: Timestamp,
});

/** A delegate's answer to a client's challenge (seeds/004, contract signing process step 4). */
export const ChallengeResponse = Type.Object({
  issuer: AccountId,
  delegate: AccountId,
  challenge: Type.String(),
  message: Type.String({ description: 'The exact fixed-format text that was signed' }),
  encoding: Type.Union([Type.Literal('der'), Type.Literal('ieee-p1363')]),
  signature: Type.String({ description: "base64 ECDSA P-256/SHA-256 signature with the delegate's own Fabric identity key" }),
});

export { DbcsSettings } from '@covenant/chaincode';

export { PageQuery } from './schemas';

export const History = <T extends ReturnType<typeof Type.Ref>>(item: T) =>
  Type.Object({ items: Type.Array(Type.Object({ txId: TxId, timestamp: Timestamp, value: Type.Union([item, Type.Null()]) })) });

/** The schemas registered with addSchema (referenced with Type.Ref). */
export const dbcsSchemas = [DelegateRegistry, Delegate, InvestmentContract, Signing, Dispute];
