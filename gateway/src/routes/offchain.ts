import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import type { ChannelService } from '../channels/service';
import { ChannelMessage, MESSAGE_TYPES } from '../channels/protocol';
import { AccountId, Amount, RecordId } from './schemas';
import { noSecurity, problems } from './common';
import { ChannelRef, Hash32, Htlcs, PAPER, Pair, SignedState, TAGS } from './channel-schemas';

/** Gateway-to-gateway messages of the channel protocol: authenticated by their signatures, not API keys. */
export const offchainRoutes: FastifyPluginAsyncTypebox<{ channels: ChannelService }> = async (app, { channels }) => {
  const MpcChannelState = Type.Object({ channel: RecordId, version: Type.Integer({ minimum: 0 }), balances: Pair(Amount) }, { additionalProperties: false });
  const MpcState = Type.Object({ version: Type.Integer({ minimum: 0 }), channels: Type.Array(MpcChannelState, { maxItems: 100 }), final: Type.Boolean() }, { additionalProperties: false });
  const Signatures = (description: string) => Type.Record(Type.String({ maxLength: 64 }), Type.String({ maxLength: 200 }), { maxProperties: 50, description });
  const Message = Type.Object({
    type: Type.Union(MESSAGE_TYPES.map((t) => Type.Literal(t))),
    channel: RecordId,
    from: AccountId,
    to: AccountId,
    parties: Type.Optional(Pair(AccountId)),
    expiresAt: Type.Optional(Type.String({ maxLength: 40 })),
    state: Type.Optional(Type.Object({ version: Type.Integer({ minimum: 0 }), balances: Pair(Amount), final: Type.Boolean(), htlcs: Type.Optional(Htlcs) }, { additionalProperties: false })),
    at: Type.Optional(Type.String({ maxLength: 40 })),
    members: Type.Optional(Type.Object({ parties: Type.Array(AccountId, { maxItems: 50 }), channels: Type.Array(RecordId, { maxItems: 100 }) }, { additionalProperties: false })),
    mpcState: Type.Optional(MpcState),
    signatures: Type.Optional(Signatures("mpc-commit: every party's signature over mpcState, by account")),
    previous: Type.Optional(
      Type.Object(
        { state: MpcState, signatures: Signatures("every party's signature over state, by account") },
        { additionalProperties: false, description: "mpc-sign: the coordinator's latest all-signed multiparty state; a gateway that missed its mpc-commit verifies and stores it before deciding" },
      ),
    ),
    amount: Type.Optional(Amount),
    preimage: Type.Optional(Hash32),
    forward: Type.Optional(
      Type.Array(Type.Object({ channel: RecordId, to: AccountId, amount: Amount, expiresAt: Type.String({ maxLength: 40 }) }, { additionalProperties: false }), {
        minItems: 1,
        maxItems: 20,
        description: 'htlc-update adding an HTLC to an intermediary: the hops it forwards over, its own first',
      }),
    ),
    reason: Type.Optional(Type.String({ maxLength: 300, description: 'htlc-update failing an HTLC: why it could not be carried on' })),
    signature: Type.String({ maxLength: 200 }),
  });
  app.post(
    '/offchain',
    {
      schema: {
        tags: TAGS,
        summary: `Off-chain channel message from another gateway (${MESSAGE_TYPES.join(', ')})`,
        description: `Signed by the sending party over the state bytes the chaincode verifies (or, for tpc-propose, tpc-decline and tpc-withdraw, over a domain-separated proposal or answer); answered with this party's countersignature (tpc-agree), a receipt (tpc-noted), the latest agreed state (tpc-sync), a stored all-signed multiparty state (mpc-commit → mpc-stored), or a problem (tpc-reject). Source: ${PAPER}, off-chain messages. No API key: authenticated by the sending party's signature, verified with the certificate on its ledger account.`,
        operationId: 'receiveOffchainMessage',
        // No API key: the sending gateway is another organisation's. The message is authenticated by
        // the sending party's signature, checked against the certificate on its ledger account.
        security: noSecurity,
        body: Message,
        response: {
          200: Type.Union([
            Type.Object({ type: Type.Union([Type.Literal('tpc-agree'), Type.Literal('mpc-agree')]), signature: Type.String() }),
            Type.Object({ type: Type.Literal('tpc-state'), state: SignedState }),
            Type.Object({ type: Type.Literal('tpc-noted') }),
            Type.Object({ type: Type.Literal('mpc-stored'), version: Type.Integer({ description: 'Version of the latest all-signed multiparty state the receiving gateway now holds' }) }),
            Type.Object({ type: Type.Literal('mpc-channels'), channels: Type.Array(ChannelRef) }),
            Type.Object({ type: Type.Literal('htlc-invoice'), hash: Hash32, expiresAt: Type.String({ description: 'Until when the payee accepts HTLCs for it (ISO 8601)' }) }),
          ]),
          ...problems(403, 404, 409),
        },
      },
    },
    // The schema holds each Pair to exactly two items, which its static type (string[]) does not say.
    async (request) => channels.receive(request.body as ChannelMessage),
  );
};
