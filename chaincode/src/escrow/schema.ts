import { SchemaOptions, Static, StaticDecode, TSchema, Type } from '@sinclair/typebox';
import { AccountId, MspId, PositiveAmount, RecordId, Sha256Hex, ShareBps, Timestamp, amountSchema, storedAmount, text } from '../shared/schema';

/**
 * The escrow's shapes, defined once (patent CN108399571A, DESIGN.md "Consent, exactly-once,
 * visibility"): its statuses, the stored record (amounts as bigints once decoded), the view
 * callers get (schema `$id` Escrow in the gateway's OpenAPI document) and the transactions'
 * JSON requests (creation, decline, dispute, ruling).
 */

export const EscrowStatus = Type.Union(
  [
    Type.Literal('PROPOSED'),
    Type.Literal('ACTIVE'),
    Type.Literal('DISPUTED'),
    Type.Literal('COMPLETED'),
    Type.Literal('CANCELLED'),
    Type.Literal('DECLINED'),
    Type.Literal('EXPIRED'),
    Type.Literal('REFUNDED'),
  ],
  {
    description:
      'PROPOSED until every recipient confirms (ACTIVE), a recipient declines (DECLINED), or acceptBy passes and the initiator reclaims (EXPIRED). ACTIVE (frozen) until the initiator completes (COMPLETED), every party approves cancellation (CANCELLED), or a party opens a dispute (DISPUTED). DISPUTED until the arbitrator rules COMPLETE (COMPLETED) or REFUND (REFUNDED), or the parties settle it themselves. COMPLETED pays the recipients; CANCELLED, DECLINED, EXPIRED and REFUNDED refund the initiator.',
  },
);
export type EscrowStatus = Static<typeof EscrowStatus>;

export const RulingOutcome = Type.Union([Type.Literal('COMPLETE'), Type.Literal('REFUND')], {
  description: 'COMPLETE pays the recipients by the rule, as completion; REFUND returns the amount to the initiator, as cancellation',
});
export type RulingOutcome = Static<typeof RulingOutcome>;

/** Longest terms text, in characters. */
export const MAX_TERMS_LENGTH = 4096;
/** Longest decline reason, dispute reason and ruling reasons, in characters. */
export const MAX_REASON_LENGTH = 4096;
/** Most recipients of one escrow. */
export const MAX_RECIPIENTS = 50;

/** The escrow's fields, with `amount` building each amount (a decimal string, or a stored bigint). */
function escrowFields<A extends TSchema>(amount: (options: SchemaOptions) => A) {
  return {
    id: Type.String(),
    status: EscrowStatus,
    initiator: AccountId,
    amount: amount({}),
    recipients: Type.Array(
      Type.Object({
        account: AccountId,
        amount: amount({ description: "This recipient's part of the escrow amount" }),
        shareBps: Type.Optional(Type.Integer({ description: 'The share in basis points when the rule was given as shares' })),
        confirmed: Type.Boolean(),
        confirmedAt: Type.Optional(Timestamp),
      }),
    ),
    terms: Type.Optional(Type.String()),
    termsHash: Type.Optional(Type.String({ description: 'SHA-256 hex of the terms' })),
    cancelApprovals: Type.Array(AccountId, { description: 'Parties that approved cancellation, in order' }),
    organizations: Type.Array(MspId, { description: "MSP IDs whose endorsement guards this escrow: the parties' organisations (not the arbitrator's)" }),
    acceptBy: Type.String({ format: 'date-time', description: 'Confirmations are accepted until this time (ISO 8601 UTC); after it the initiator may reclaim a PROPOSED escrow' }),
    arbitrator: Type.Optional(AccountId),
    decline: Type.Optional(Type.Object({ by: AccountId, reason: Type.Optional(Type.String()), at: Timestamp }, { description: 'The recipient that declined' })),
    dispute: Type.Optional(
      Type.Object(
        { by: AccountId, reason: Type.String(), evidenceHash: Type.Optional(Type.String({ description: 'SHA-256 hex of a document kept off the ledger' })), at: Timestamp },
        { description: 'The party that opened the dispute' },
      ),
    ),
    ruling: Type.Optional(Type.Object({ outcome: RulingOutcome, reasons: Type.String(), arbitrator: AccountId, at: Timestamp }, { description: "The arbitrator's ruling" })),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    completedAt: Type.Optional(Timestamp),
    cancelledAt: Type.Optional(Timestamp),
    expiredAt: Type.Optional(Timestamp),
  };
}

/** The escrow as shown to callers: amounts as decimal strings. */
export const EscrowView = Type.Object(escrowFields(amountSchema), { $id: 'Escrow' });
export type EscrowView = Static<typeof EscrowView>;

/**
 * The stored escrow (`escrow` [id]). Records stored before acceptance deadlines existed have no
 * `acceptBy`; they read as 7 days after `createdAt` (escrow/record.ts decodeEscrow).
 */
export const EscrowRecord = Type.Object({ ...escrowFields(storedAmount), acceptBy: Type.Optional(Timestamp) });
export type StoredEscrow = StaticDecode<typeof EscrowRecord>;
export type Escrow = StoredEscrow & { acceptBy: string };

/** Array items that each give property `has` and not `lacks` (one branch of the recipients rule, for OpenAPI). */
function exclusively(has: 'shareBps' | 'amount', lacks: 'shareBps' | 'amount', title: string) {
  const field = (name: string) => (name === 'shareBps' ? Type.Integer() : Type.String());
  return { title, items: Type.Object({ account: AccountId, [has]: field(has) }, { not: Type.Object({ [lacks]: field(lacks) }) }) };
}

/**
 * The body of an escrow creation. The distribution rule (every recipient gives shareBps, or every
 * one gives amount; none gives both) is the `oneOf` for OpenAPI and Ajv, and escrow/requests.ts
 * for the chaincode (TypeBox's Value.Check reads TypeBox kinds, not a raw `oneOf`).
 */
export const CreateEscrowRequest = Type.Object(
  {
    id: Type.Optional(RecordId),
    amount: PositiveAmount,
    recipients: Type.Array(
      Type.Object(
        { account: AccountId, shareBps: Type.Optional(ShareBps), amount: Type.Optional(PositiveAmount) },
        { additionalProperties: false, description: 'Exactly one of shareBps and amount' },
      ),
      { minItems: 1, maxItems: MAX_RECIPIENTS, oneOf: [exclusively('shareBps', 'amount', 'By shares'), exclusively('amount', 'shareBps', 'By amounts')] },
    ),
    terms: Type.Optional(text(MAX_TERMS_LENGTH)),
    termsHash: Type.Optional(Sha256Hex),
    acceptBy: Type.Optional(
      Type.String({
        format: 'date-time',
        description: 'Acceptance deadline, ISO 8601 UTC ("2026-12-01T00:00:00Z"): after the transaction time and at most 366 days after it; default 7 days. Confirmations after it are refused; then the initiator may reclaim a PROPOSED escrow.',
      }),
    ),
    arbitrator: Type.Optional(AccountId),
  },
  {
    additionalProperties: false,
    examples: [
      {
        amount: '100000',
        recipients: [
          { account: '1111111111111111111111111111111111111111', shareBps: 6000 },
          { account: '2222222222222222222222222222222222222222', shareBps: 4000 },
        ],
        terms: 'Delivery of 40 pallets by 2026-12-01',
        acceptBy: '2026-11-15T00:00:00Z',
        arbitrator: '3333333333333333333333333333333333333333',
      },
    ],
  },
);

const reason = (description: string) => text(MAX_REASON_LENGTH, { description });

/** The body of a decline: `{reason?}`. */
export const DeclineRequest = Type.Object(
  { reason: Type.Optional(reason(`Why the recipient declines, up to ${MAX_REASON_LENGTH} characters`)) },
  { additionalProperties: false, examples: [{ reason: 'We never agreed to this price' }] },
);

/** The body of a dispute: `{reason, evidenceHash?}`. */
export const DisputeRequest = Type.Object(
  {
    reason: reason(`What the parties disagree on, up to ${MAX_REASON_LENGTH} characters`),
    evidenceHash: Type.Optional(Type.String({ pattern: Sha256Hex.pattern, description: 'SHA-256 hex of a document kept off the ledger' })),
  },
  { additionalProperties: false, examples: [{ reason: 'Goods delivered on 2026-11-20; payment not released', evidenceHash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08' }] },
);

/** The body of a ruling: `{outcome, reasons}`. */
export const RulingRequest = Type.Object(
  { outcome: RulingOutcome, reasons: reason(`The arbitrator's written reasons, up to ${MAX_REASON_LENGTH} characters`) },
  { additionalProperties: false, examples: [{ outcome: 'REFUND', reasons: 'The carrier record shows the goods were never shipped.' }] },
);
