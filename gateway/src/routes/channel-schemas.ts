import { TString, Type } from '@sinclair/typebox';
import { AccountId, Amount, RecordId, Timestamp } from './schemas';

/**
 * The response shapes the channel routes share (channels.ts, multiparty.ts, offchain.ts): channels,
 * multiparty channels, proposals and signed off-chain states as the API shows them.
 */

/** The channel protocol's source, cited by the routes' descriptions. */
export const PAPER = 'Research on Multiparty Payment Technology Based on Blockchain and Smart Contract Mechanism (J. Math. 2022), section 3';
export const TAGS = ['channels'];
/**
 * The two parties' values, in the channel's party order: exactly two items. An array with
 * minItems/maxItems rather than Type.Tuple, whose draft-07 `items: [...]` is not valid in
 * OpenAPI 3.1 (JSON Schema 2020-12) and which Ajv's draft-07 mode would not read as prefixItems.
 */
export const Pair = (t: TString) => Type.Array(t, { minItems: 2, maxItems: 2 });

export const SignedState = Type.Object({
  version: Type.Integer({ minimum: 0 }),
  balances: Pair(Amount),
  final: Type.Boolean(),
  signatures: Pair(Type.String({ description: 'Base64 DER ECDSA signature over tpcStateBytes' })),
});

export const Channel = Type.Object(
  {
    id: Type.String(),
    parties: Pair(AccountId),
    deposits: Pair(Amount),
    balances: Pair(Amount),
    version: Type.Integer({ description: 'Version of the state last put on the ledger' }),
    total: Amount,
    status: Type.Union([Type.Literal('OPEN'), Type.Literal('CLOSING'), Type.Literal('CLOSED')]),
    busy: Type.Union([Type.String(), Type.Null()], { description: 'Multiparty channel holding this channel, or null' }),
    closing: Type.Optional(Type.Object({ version: Type.Integer(), balances: Pair(Amount), deadline: Timestamp, registeredBy: AccountId })),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    closedAt: Type.Optional(Timestamp),
  },
  { $id: 'Channel' },
);
export const ChannelRef = Type.Ref(Channel);

export const ChannelProposal = Type.Object(
  {
    id: RecordId,
    status: Type.Union([Type.Literal('PROPOSED'), Type.Literal('ACCEPTED'), Type.Literal('DECLINED'), Type.Literal('WITHDRAWN'), Type.Literal('EXPIRED')], {
      description: 'PROPOSED until the counterparty accepts or declines, the opener withdraws, or expiresAt passes (EXPIRED)',
    }),
    role: Type.Union([Type.Literal('opener'), Type.Literal('counterparty')], { description: "The caller's role" }),
    parties: Pair(AccountId),
    deposits: Pair(Amount),
    expiresAt: Timestamp,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { description: 'A channel opening that takes a deposit from the counterparty, waiting for its answer' },
);


export const Multiparty = Type.Object(
  {
    id: Type.String(),
    parties: Type.Array(AccountId),
    channels: Type.Array(Type.String()),
    version: Type.Integer(),
    status: Type.Union([Type.Literal('OPEN'), Type.Literal('CLOSED')]),
    states: Type.Array(Type.Object({ channel: Type.String(), version: Type.Integer(), balances: Pair(Amount) }), { description: "Member channels' current states" }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    closedAt: Type.Optional(Timestamp),
    exitedBy: Type.Optional(AccountId),
  },
  { $id: 'Multiparty' },
);
export const MultipartyRef = Type.Ref(Multiparty);
