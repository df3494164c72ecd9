import { Type, Static } from '@sinclair/typebox';
import { MAX_AMOUNT } from '@covenant/chaincode';

/** Digits after the first of the largest amount (10^18 - 1: 18 digits), for the patterns below. */
const MORE_DIGITS = MAX_AMOUNT.toString().length - 1;

/**
 * TypeBox schemas shared by the routes. Amounts are minor units (cents) as decimal strings
 * (DESIGN.md, "Money and accounts"); the OpenAPI document at /docs is generated from these.
 */
export const Amount = Type.String({
  pattern: `^(0|[1-9][0-9]{0,${MORE_DIGITS}})$`,
  description: `Amount in minor units (cents) as a decimal string, at most ${MAX_AMOUNT}`,
  examples: ['1250'],
});
export const PositiveAmount = Type.String({
  pattern: `^[1-9][0-9]{0,${MORE_DIGITS}}$`,
  description: `Amount greater than zero in minor units (cents) as a decimal string, at most ${MAX_AMOUNT}`,
  examples: ['1250'],
});
export const AccountId = Type.String({
  pattern: '^[0-9a-f]{40}$',
  description: 'Account id: hex of the first 160 bits of SHA-256(mspId, X.509 identity)',
  examples: ['3f1d2c4b5a69788796a5b4c3d2e1f00112233445'],
});
export const RecordId = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
  description: 'Record id: 1-64 letters, digits, ".", "_" or "-"',
  examples: ['order-2026-0042'],
});
export const Timestamp = Type.String({ format: 'date-time', description: 'Transaction time, ISO 8601 UTC' });
export const TxId = Type.String({ description: 'Fabric transaction id' });

export const Account = Type.Object(
  {
    id: AccountId,
    mspId: Type.String({ examples: ['Org1MSP'] }),
    balance: Amount,
    held: Type.String({ description: 'Minor units held by open escrows' }),
    activeEscrows: Type.Integer({ description: 'Escrows confirmed as recipient and not yet settled' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { $id: 'Account' },
);

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
export const RulingOutcome = Type.Union([Type.Literal('COMPLETE'), Type.Literal('REFUND')], {
  description: 'COMPLETE pays the recipients by the rule, as completion; REFUND returns the amount to the initiator, as cancellation',
});

export const Escrow = Type.Object(
  {
    id: Type.String(),
    status: EscrowStatus,
    initiator: AccountId,
    amount: Amount,
    recipients: Type.Array(
      Type.Object({
        account: AccountId,
        amount: Amount,
        shareBps: Type.Optional(Type.Integer()),
        confirmed: Type.Boolean(),
        confirmedAt: Type.Optional(Timestamp),
      }),
    ),
    terms: Type.Optional(Type.String()),
    termsHash: Type.Optional(Type.String({ description: 'SHA-256 hex of the terms' })),
    cancelApprovals: Type.Array(AccountId, { description: 'Parties that approved cancellation, in order' }),
    organizations: Type.Array(Type.String(), { description: "MSP IDs whose endorsement guards this escrow: the parties' organisations (not the arbitrator's)" }),
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
  },
  { $id: 'Escrow' },
);
export type EscrowT = Static<typeof Escrow>;

export const Page = <T extends ReturnType<typeof Type.Ref>>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    bookmark: Type.String({ description: 'Pass as `bookmark` for the next page; empty on the last page' }),
  });

export const IdParams = Type.Object({ id: RecordId });

/** The querystring of every paged listing (Fabric bookmarks). */
export const PageQuery = Type.Object({
  pageSize: Type.Optional(Type.String({ pattern: '^(100|[1-9][0-9]?)$', description: '1 to 100 (a decimal string), default 20' })),
  bookmark: Type.Optional(Type.String({ maxLength: 1024, description: 'From the previous page' })),
});
export const AccountParams = Type.Object({ id: AccountId });

export const Roles = Type.Object({ accountId: AccountId, roles: Type.Array(Type.String()) });

export const ConsortiumConfig = Type.Object({
  members: Type.Array(Type.String()),
  escrowActiveThreshold: Type.Integer(),
  initializedAt: Timestamp,
  updatedAt: Timestamp,
});
