import { Type } from '@sinclair/typebox';
import { ChannelView, MultipartyView, Pair, Sha256Hex } from '@covenant/chaincode';
import { AccountId, Amount, RecordId, Timestamp } from './schemas';

/**
 * The response shapes the channel routes share (channels.ts, multiparty.ts, offchain.ts): channels,
 * multiparty channels, proposals and signed off-chain states as the API shows them.
 */

/** The channel protocol's source, cited by the routes' descriptions. */
export const PAPER = 'Research on Multiparty Payment Technology Based on Blockchain and Smart Contract Mechanism (J. Math. 2022), section 3';
export const TAGS = ['channels'];
/** The two parties' values, in the channel's party order (chaincode/src/channels/schema.ts). */
export { Pair };

/** A payment hash or preimage: 32 bytes as 64 lowercase hex characters. */
export const Hash32 = Sha256Hex;

/** The HTLCs in flight in an off-chain two-party state (protocol/htlc.ts; BOLT 2 update_add_htlc). */
export const Htlcs = Type.Array(
  Type.Object(
    {
      id: RecordId,
      hash: Hash32,
      amount: Amount,
      expiresAt: Type.String({ maxLength: 40, description: 'ISO 8601 UTC with milliseconds: the payee claims with the preimage until then, the payer takes it back after' }),
      payer: Type.Union([Type.Literal(0), Type.Literal(1)], { description: 'Index of the party whose balance funded it' }),
    },
    { additionalProperties: false },
  ),
  { maxItems: 483, description: 'Hash-locked conditional payments in flight, sorted by id; absent when none' },
);

export const SignedState = Type.Object({
  version: Type.Integer({ minimum: 0 }),
  balances: Pair(Amount),
  final: Type.Boolean(),
  htlcs: Type.Optional(Htlcs),
  signatures: Pair(Type.String({ description: 'Base64 DER ECDSA signature over tpcStateBytes' })),
});

/** The channel view, schema `$id` Channel, defined with the chaincode's channel record. */
export const Channel = ChannelView;
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

/** The multiparty channel view, schema `$id` Multiparty, defined with the chaincode's record. */
export const Multiparty = MultipartyView;
export const MultipartyRef = Type.Ref(Multiparty);
