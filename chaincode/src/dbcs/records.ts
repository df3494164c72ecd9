import { SchemaOptions, Static, StaticDecode, TProperties, TSchema, Type } from '@sinclair/typebox';
import { AccountId, MspId, RecordId, Sha256Hex, Timestamp, TxId, amountSchema, storedAmount } from '../shared/schema';

/**
 * The DBCS-SC records, defined once ("Delegate contract signing mechanism based on smart
 * contract", PLOS ONE 2022, seeds/004): delegate registries, delegates, investment contracts,
 * signings and disputes, each as stored (amounts as bigints once decoded) and as shown to callers
 * (schema `$id`s in the gateway's OpenAPI document). Each `*Fields` function takes the amount
 * schema to use (a decimal string for the view, a stored bigint for the record).
 */
type AmountOf<A extends TSchema> = (options: SchemaOptions) => A;

const Organizations = Type.Array(MspId, { description: 'MSP IDs whose endorsement guards this record (key-level policy)' });

export const RegistryStatus = Type.Union([Type.Literal('ACTIVE'), Type.Literal('INACTIVE')], { description: 'INACTIVE refuses new delegate requests and signings' });
export type RegistryStatus = Static<typeof RegistryStatus>;

function registryFields<A extends TSchema>(amount: AmountOf<A>) {
  return {
    issuer: AccountId,
    issuerMspId: MspId,
    name: Type.Optional(Type.String()),
    status: RegistryStatus,
    delegateDeposit: amount({ description: 'Deposit a sales manager holds with RequestDelegate (minor units)', examples: ['50000'] }),
    statusReason: Type.Optional(Type.String()),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  };
}
export const DelegateRegistryView = Type.Object(registryFields(amountSchema), {
  $id: 'DelegateRegistry',
  description: "An issuer's delegate authorization registry (the paper's delegate authorization smart contract)",
});
export const DelegateRegistryRecord = Type.Object(registryFields(storedAmount));
export type DelegateRegistry = StaticDecode<typeof DelegateRegistryRecord>;
export type DelegateRegistryView = Static<typeof DelegateRegistryView>;

export const DelegateStatus = Type.Union([Type.Literal('REQUESTED'), Type.Literal('AUTHORIZED'), Type.Literal('REVOKED'), Type.Literal('REFUNDED')], {
  description: 'REQUESTED (deposit paid) -> AUTHORIZED (AddSalesManager) -> REVOKED (RemoveSalesManager); REFUNDED after SalesManagerRefund',
});
export type DelegateStatus = Static<typeof DelegateStatus>;

/** `afterDeposit`: members the view adds next to the deposit. */
function delegateFields<A extends TSchema, E extends TProperties>(amount: AmountOf<A>, afterDeposit: E) {
  return {
    issuer: AccountId,
    manager: AccountId,
    managerMspId: MspId,
    status: DelegateStatus,
    deposit: amount({ description: 'Delegate deposit (minor units)' }),
    ...afterDeposit,
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
  };
}
export const DelegateView = Type.Object(
  delegateFields(amountSchema, { depositHeld: Type.Boolean({ description: "Whether the deposit is still held on the manager's account" }) }),
  { $id: 'Delegate', description: 'A sales manager in an issuer’s delegate registry (public, with its whole history)' },
);
export const DelegateRecord = Type.Object(delegateFields(storedAmount, {}));
export type Delegate = StaticDecode<typeof DelegateRecord>;
export type DelegateView = Static<typeof DelegateView>;

/** Why a delegate is not valid (isValidDelegate): every failed condition. */
export const INVALID_REASONS = ['REGISTRY_NOT_FOUND', 'REGISTRY_INACTIVE', 'ISSUER_ROLE_MISSING', 'NOT_REGISTERED', 'NOT_AUTHORIZED', 'REVOKED', 'REFUNDED', 'NOT_YET_VALID', 'EXPIRED'] as const;
export const InvalidReason = Type.Union(INVALID_REASONS.map((reason) => Type.Literal(reason)));
export type InvalidReason = (typeof INVALID_REASONS)[number];

export const ContractStatus = Type.Union([Type.Literal('ACTIVE'), Type.Literal('INACTIVE'), Type.Literal('CLOSED')]);
export type ContractStatus = Static<typeof ContractStatus>;

/** Most parts of either side of an investment ratio. */
export const MAX_RATIO_PART = 1_000_000;
const RatioPart = (description: string) => Type.Integer({ minimum: 1, maximum: MAX_RATIO_PART, description });
export const Ratio = Type.Object(
  { client: RatioPart('Client parts'), delegate: RatioPart('Delegate parts') },
  { additionalProperties: false, description: 'Agreed investment proportion client:delegate, e.g. 9:1', examples: [{ client: 9, delegate: 1 }] },
);
export type Ratio = Static<typeof Ratio>;

function contractFields<A extends TSchema>(amount: AmountOf<A>) {
  return {
    id: RecordId,
    issuer: AccountId,
    issuerMspId: MspId,
    name: Type.String(),
    content: Type.String(),
    contentHash: Sha256Hex,
    clientDeposit: amount({ description: 'Deposit a client pays (holds) with RequestSigning' }),
    publishDeposit: amount({ description: 'Publishing deposit the issuer paid with ContractPublishDeposit' }),
    publishDepositHeld: amount({ description: 'What is still held of the publishing deposit (reduced by penalties, 0 once CLOSED)' }),
    ratio: Ratio,
    penaltyShareBps: Type.Integer({ description: 'Share of the publishing deposit a FRAUD ruling pays the client, basis points' }),
    status: ContractStatus,
    statusReason: Type.Optional(Type.String()),
    openSignings: Type.Integer({ description: 'Signings in REQUESTED, SIGNED or DISPUTED' }),
    completedSignings: Type.Integer(),
    fraudRulings: Type.Integer(),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    closedAt: Type.Optional(Timestamp),
  };
}
export const InvestmentContractView = Type.Object(contractFields(amountSchema), {
  $id: 'InvestmentContract',
  description: 'A financial investment contract (the paper’s financial investment smart contract)',
});
export const InvestmentContractRecord = Type.Object(contractFields(storedAmount));
export type InvestmentContract = StaticDecode<typeof InvestmentContractRecord>;
export type InvestmentContractView = Static<typeof InvestmentContractView>;

export const SigningStatus = Type.Union(
  [Type.Literal('REQUESTED'), Type.Literal('SIGNED'), Type.Literal('COMPLETED'), Type.Literal('DISPUTED'), Type.Literal('SETTLED'), Type.Literal('PENALIZED'), Type.Literal('CANCELLED')],
  { description: 'REQUESTED (deposit paid) -> SIGNED (both committed) -> COMPLETED, or DISPUTED -> SETTLED (no fraud) / PENALIZED (fraud); CANCELLED before signing' },
);
export type SigningStatus = Static<typeof SigningStatus>;

function signingFields<A extends TSchema>(amount: AmountOf<A>) {
  return {
    id: RecordId,
    contractId: RecordId,
    issuer: AccountId,
    delegate: AccountId,
    client: AccountId,
    status: SigningStatus,
    deposit: amount({ description: "Client deposit held on the client's account while open" }),
    clientAmount: Type.Optional(amount({ description: 'Invested amount the client committed (held)' })),
    delegateAmount: Type.Optional(amount({ description: 'Invested amount the delegate committed (held)' })),
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
  };
}
export const SigningView = Type.Object(signingFields(amountSchema), { $id: 'Signing', description: 'One client’s signing of an investment contract with a delegate' });
export const SigningRecord = Type.Object(signingFields(storedAmount));
export type Signing = StaticDecode<typeof SigningRecord>;
export type SigningView = Static<typeof SigningView>;

/** One money movement a DBCS-SC transaction made, recorded on the record that caused it. */
function movementFields<A extends TSchema>(amount: AmountOf<A>) {
  return {
    kind: Type.String({ description: 'What the movement is', examples: ['penalty', 'forfeitedDeposit', 'investment', 'clientDepositRefund'] }),
    from: AccountId,
    to: AccountId,
    amount: amount({}),
  };
}
export const MovementView = Type.Object(movementFields(amountSchema));
export const MovementRecord = Type.Object(movementFields(storedAmount));
export type Movement = StaticDecode<typeof MovementRecord>;

export const DisputeStatus = Type.Union([Type.Literal('OPEN'), Type.Literal('ESCALATED'), Type.Literal('RULED')]);
export type DisputeStatus = Static<typeof DisputeStatus>;
export const Ruling = Type.Union([Type.Literal('FRAUD'), Type.Literal('NO_FRAUD')]);
export type Ruling = Static<typeof Ruling>;
export const PartyRole = Type.Union([Type.Literal('client'), Type.Literal('issuer'), Type.Literal('delegate')]);
export type PartyRole = Static<typeof PartyRole>;

export const Evidence = Type.Object({
  by: AccountId,
  role: PartyRole,
  kind: Type.Union([Type.Literal('text'), Type.Literal('document')]),
  text: Type.Optional(Type.String()),
  documentHash: Type.Optional(Sha256Hex),
  description: Type.Optional(Type.String()),
  at: Timestamp,
  txId: TxId,
});
export type Evidence = Static<typeof Evidence>;

function disputeFields<M extends TSchema>(movement: M) {
  return {
    id: RecordId,
    signingId: RecordId,
    contractId: RecordId,
    issuer: AccountId,
    delegate: AccountId,
    client: AccountId,
    status: DisputeStatus,
    reportedFrom: Type.Union([Type.Literal('REQUESTED'), Type.Literal('SIGNED')], { description: 'Signing status when fraud was reported' }),
    statement: Type.Optional(Type.String()),
    openedAt: Timestamp,
    deadline: Timestamp,
    escalatedAt: Type.Optional(Timestamp),
    escalatedBy: Type.Optional(AccountId),
    escalationReason: Type.Optional(Type.String()),
    evidence: Type.Array(Evidence),
    ruling: Type.Optional(
      Type.Object({
        ruling: Ruling,
        outcome: Type.Union([Type.Literal('PENALTY'), Type.Literal('SETTLEMENT')], { description: "The paper's Penalty (fraud) or Settlement (no fraud)" }),
        reason: Type.String(),
        arbitrator: AccountId,
        at: Timestamp,
        txId: TxId,
        movements: Type.Array(movement, { description: 'Every money movement the ruling made' }),
      }),
    ),
    organizations: Organizations,
    updatedAt: Timestamp,
  };
}
const { evidence, ruling, organizations, updatedAt, ...disputeHead } = disputeFields(MovementView);
export const DisputeView = Type.Object(
  { ...disputeHead, evidence, evidenceCount: Type.Integer(), ruling, organizations, updatedAt },
  { $id: 'Dispute', description: 'A contract fraud dispute (Algorithm 3) with evidence and ruling' },
);
export const DisputeRecord = Type.Object(disputeFields(MovementRecord));
export type Dispute = StaticDecode<typeof DisputeRecord>;
export type DisputeRuling = NonNullable<Dispute['ruling']>;
export type DisputeView = Static<typeof DisputeView>;
