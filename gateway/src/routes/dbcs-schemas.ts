import { Type } from '@sinclair/typebox';
import { AccountId, Amount, RecordId, Timestamp, TxId } from './schemas';

/**
 * TypeBox schemas of the DBCS-SC resources (delegate registries, delegates, investment contracts,
 * signings, disputes): "Delegate contract signing mechanism based on smart contract", PLOS ONE
 * 2022 (seeds/004). Amounts are minor units as decimal strings. Registered on the app with
 * addSchema so the OpenAPI document shows them once under components.
 */
const Msp = Type.String({ examples: ['Org1MSP'] });
const Sha256 = Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 as 64 lowercase hex characters' });
const Organizations = Type.Array(Msp, { description: 'MSP IDs whose endorsement guards this record (key-level policy)' });

export const DelegateRegistry = Type.Object(
  {
    issuer: AccountId,
    issuerMspId: Msp,
    name: Type.Optional(Type.String()),
    status: Type.Union([Type.Literal('ACTIVE'), Type.Literal('INACTIVE')], { description: 'INACTIVE refuses new delegate requests and signings' }),
    delegateDeposit: Type.String({ description: 'Deposit a sales manager holds with RequestDelegate (minor units)', examples: ['50000'] }),
    statusReason: Type.Optional(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'DelegateRegistry', description: "An issuer's delegate authorization registry (the paper's delegate authorization smart contract)" },
);

export const DelegateStatus = Type.Union(
  [Type.Literal('REQUESTED'), Type.Literal('AUTHORIZED'), Type.Literal('REVOKED'), Type.Literal('REFUNDED')],
  { description: 'REQUESTED (deposit paid) -> AUTHORIZED (AddSalesManager) -> REVOKED (RemoveSalesManager); REFUNDED after SalesManagerRefund' },
);

export const Delegate = Type.Object(
  {
    issuer: AccountId,
    manager: AccountId,
    managerMspId: Msp,
    status: DelegateStatus,
    deposit: Type.String({ description: 'Delegate deposit (minor units)' }),
    depositHeld: Type.Boolean({ description: "Whether the deposit is still held on the manager's account" }),
    depositTxId: TxId,
    requestMessage: Type.Optional(Type.String()),
    qualification: Type.Optional(Type.String({ description: 'Delegate qualification (paper: s.delegate)', examples: ['signatory'] })),
    note: Type.Optional(Type.String({ description: 'Note (paper: s.note)' })),
    validFrom: Type.Optional(Timestamp),
    validUntil: Type.Optional(Timestamp),
    revision: Type.Integer({ description: 'Number of issuer updates since authorization' }),
    openSignings: Type.Integer({ description: 'Unfinished signings naming this delegate' }),
    organizations: Organizations,
    requestedAt: Timestamp,
    authorizedAt: Type.Optional(Timestamp),
    revokedAt: Type.Optional(Timestamp),
    revokeReason: Type.Optional(Type.String()),
    refundedAt: Type.Optional(Timestamp),
    updatedAt: Timestamp,
  },
  { $id: 'Delegate', description: 'A sales manager in an issuer’s delegate registry (public, with its whole history)' },
);

export const InvalidReason = Type.Union(
  ['REGISTRY_NOT_FOUND', 'REGISTRY_INACTIVE', 'ISSUER_ROLE_MISSING', 'NOT_REGISTERED', 'NOT_AUTHORIZED', 'REVOKED', 'REFUNDED', 'NOT_YET_VALID', 'EXPIRED'].map((r) =>
    Type.Literal(r),
  ),
);

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

export const Ratio = Type.Object(
  {
    client: Type.Integer({ minimum: 1, maximum: 1000000, description: 'Client parts' }),
    delegate: Type.Integer({ minimum: 1, maximum: 1000000, description: 'Delegate parts' }),
  },
  { additionalProperties: false, description: 'Agreed investment proportion client:delegate, e.g. 9:1', examples: [{ client: 9, delegate: 1 }] },
);

export const InvestmentContract = Type.Object(
  {
    id: RecordId,
    issuer: AccountId,
    issuerMspId: Msp,
    name: Type.String(),
    content: Type.String(),
    contentHash: Sha256,
    clientDeposit: Amount,
    publishDeposit: Amount,
    publishDepositHeld: Type.String({ description: 'What is still held of the publishing deposit (reduced by penalties, 0 once CLOSED)' }),
    ratio: Ratio,
    penaltyShareBps: Type.Integer({ description: 'Share of the publishing deposit a FRAUD ruling pays the client, basis points' }),
    status: Type.Union([Type.Literal('ACTIVE'), Type.Literal('INACTIVE'), Type.Literal('CLOSED')]),
    statusReason: Type.Optional(Type.String()),
    openSignings: Type.Integer(),
    completedSignings: Type.Integer(),
    fraudRulings: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    closedAt: Type.Optional(Timestamp),
  },
  { $id: 'InvestmentContract', description: 'A financial investment contract (the paper’s financial investment smart contract)' },
);

export const SigningStatus = Type.Union(
  ['REQUESTED', 'SIGNED', 'COMPLETED', 'DISPUTED', 'SETTLED', 'PENALIZED', 'CANCELLED'].map((s) => Type.Literal(s)),
  { description: 'REQUESTED (deposit paid) -> SIGNED (both committed) -> COMPLETED, or DISPUTED -> SETTLED (no fraud) / PENALIZED (fraud); CANCELLED before signing' },
);

export const Signing = Type.Object(
  {
    id: RecordId,
    contractId: RecordId,
    issuer: AccountId,
    delegate: AccountId,
    client: AccountId,
    status: SigningStatus,
    deposit: Type.String({ description: "Client deposit held on the client's account while open" }),
    clientAmount: Type.Optional(Type.String({ description: 'Invested amount the client committed (held)' })),
    delegateAmount: Type.Optional(Type.String({ description: 'Invested amount the delegate committed (held)' })),
    clientSignedAt: Type.Optional(Timestamp),
    delegateSignedAt: Type.Optional(Timestamp),
    signedAt: Type.Optional(Timestamp),
    disputeId: Type.Optional(RecordId),
    completedAt: Type.Optional(Timestamp),
    cancelledAt: Type.Optional(Timestamp),
    cancelledBy: Type.Optional(AccountId),
    cancelReason: Type.Optional(Type.String()),
    organizations: Organizations,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Signing', description: 'One client’s signing of an investment contract with a delegate' },
);

export const Movement = Type.Object({
  kind: Type.String({ examples: ['penalty', 'forfeitedDeposit', 'investment', 'clientDepositRefund'] }),
  from: AccountId,
  to: AccountId,
  amount: Amount,
});

export const Dispute = Type.Object(
  {
    id: RecordId,
    signingId: RecordId,
    contractId: RecordId,
    issuer: AccountId,
    delegate: AccountId,
    client: AccountId,
    status: Type.Union([Type.Literal('OPEN'), Type.Literal('ESCALATED'), Type.Literal('RULED')]),
    reportedFrom: Type.Union([Type.Literal('REQUESTED'), Type.Literal('SIGNED')], { description: 'Signing status when fraud was reported' }),
    statement: Type.Optional(Type.String()),
    openedAt: Timestamp,
    deadline: Timestamp,
    escalatedAt: Type.Optional(Timestamp),
    escalatedBy: Type.Optional(AccountId),
    escalationReason: Type.Optional(Type.String()),
    evidence: Type.Array(
      Type.Object({
        by: AccountId,
        role: Type.Union([Type.Literal('client'), Type.Literal('issuer'), Type.Literal('delegate')]),
        kind: Type.Union([Type.Literal('text'), Type.Literal('document')]),
        text: Type.Optional(Type.String()),
        documentHash: Type.Optional(Sha256),
        description: Type.Optional(Type.String()),
        at: Timestamp,
        txId: TxId,
      }),
    ),
    evidenceCount: Type.Integer(),
    ruling: Type.Optional(
      Type.Object({
        ruling: Type.Union([Type.Literal('FRAUD'), Type.Literal('NO_FRAUD')]),
        outcome: Type.Union([Type.Literal('PENALTY'), Type.Literal('SETTLEMENT')], { description: "The paper's Penalty (fraud) or Settlement (no fraud)" }),
        reason: Type.String(),
        arbitrator: AccountId,
        at: Timestamp,
        txId: TxId,
        movements: Type.Array(Movement, { description: 'Every money movement the ruling made' }),
      }),
    ),
    organizations: Organizations,
    updatedAt: Timestamp,
  },
  { $id: 'Dispute', description: 'A contract fraud dispute (Algorithm 3) with evidence and ruling' },
);

/** The DBCS-SC settings, defined with the chaincode's settings record (chaincode/src/dbcs/schema.ts). */
export { DbcsSettings } from '@covenant/chaincode';

export { PageQuery } from './schemas';

export const History = <T extends ReturnType<typeof Type.Ref>>(item: T) =>
  Type.Object({ items: Type.Array(Type.Object({ txId: TxId, timestamp: Timestamp, value: Type.Union([item, Type.Null()]) })) });

/** The schemas registered with addSchema (referenced with Type.Ref). */
export const dbcsSchemas = [DelegateRegistry, Delegate, InvestmentContract, Signing, Dispute];
