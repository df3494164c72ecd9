import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth';
import type { ChaincodeClient } from '../ledger/chaincode';
import type { MultipartyService } from '../channels/multiparty';
import type { RoutePaymentService } from '../channels/route-payment';
import { DEFAULT_CONSENT_SECONDS, MAX_CONSENT_SECONDS } from '../channels/protocol';
import { AccountId, IdParams, PositiveAmount, RecordId, Timestamp } from './schemas';
import { IdempotencyHeader, bearer, problems } from './common';
import { MultipartyRef, PAPER } from './channel-schemas';
import { registerChaincodeRoutes } from './forward';
import { act, page, read } from './rows';
import { paymentRoutes } from './payments';

/**
 * Multiparty channels (createMPC, updateMPC, closeMPC): the caller's gateway coordinates with every
 * party's gateway (mpc-query, mpc-sign) and submits; the ledger moves every member channel or none.
 */
export const multipartyRoutes: FastifyPluginAsyncTypebox<{ chaincode: ChaincodeClient; multiparty: MultipartyService; routed: RoutePaymentService }> = async (
  app,
  { chaincode, multiparty, routed },
) => {
  // Routed payments settle as multiparty transactions: their route is registered with these.
  await app.register(paymentRoutes, { routed });
  const TAG = ['multiparty'];
  app.post(
    '/multiparty',
    {
      config: { idempotent: true },
      schema: {
        tags: TAG,
        summary: 'Open a multiparty channel over open, idle two-party channels (createMPC)',
        description: `Your request is your consent; every other party must have consented at its own gateway beforehand (POST /v1/multiparty/{id}/consent with exactly these parties and channels) or allow forwarding on each of its channels here. Every party's gateway checks that and that its member channels are as on the ledger (and checkpointed), and signs version 0; the channels are then marked busy. A party that stops answering is left after the multiparty timeout (POST /v1/multiparty/{id}/exit). Errors: 403 a party did not consent (named), 404 unknown channel, 409 a channel busy or not checkpointed. Source: ${PAPER}.`,
        operationId: 'openMultiparty', security: bearer,
        headers: IdempotencyHeader,
        body: Type.Object({ id: RecordId, parties: Type.Array(AccountId, { minItems: 2, maxItems: 50 }), channels: Type.Array(RecordId, { minItems: 2, maxItems: 100 }) }, { additionalProperties: false }),
        response: { 201: MultipartyRef, ...problems(403, 404, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await multiparty.open(principalOf(request), request.body)),
  );

  registerChaincodeRoutes(app, chaincode, TAG, [
    page({ url: '/multiparty', fn: 'channels:listMultiparties', summary: "The caller's multiparty channels, one page", operationId: 'listMultiparties', item: MultipartyRef }),
    read({ url: '/multiparty/:id', fn: 'channels:getMultiparty', summary: 'A multiparty channel (parties only)', operationId: 'getMultiparty', params: IdParams, response: MultipartyRef, statuses: [403, 404] }),
  ]);

  app.post(
    '/multiparty/:id/consent',
    {
      schema: {
        tags: TAG,
        summary: 'Consent to binding your channels into a multiparty channel another party opens',
        description: `At your own gateway, before another party opens multiparty channel {id} (POST /v1/multiparty): your gateway then signs that opening only if its parties and channels are exactly these (any order) and the consent has not expired (default ${DEFAULT_CONSENT_SECONDS} s). Without it your gateway refuses (403 naming you) and nothing is bound. Errors: 400 you are not among the parties. Source: DESIGN.md, consent.`,
        operationId: 'consentToMultiparty', security: bearer,
        params: IdParams,
        body: Type.Object(
          {
            parties: Type.Array(AccountId, { minItems: 2, maxItems: 50 }),
            channels: Type.Array(RecordId, { minItems: 2, maxItems: 100 }),
            expiresInSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_CONSENT_SECONDS })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ multiparty: RecordId, account: AccountId, parties: Type.Array(AccountId), channels: Type.Array(RecordId), expiresAt: Timestamp }),
          ...problems(),
        },
      },
    },
    async (request, reply) => reply.code(201).send(await multiparty.consentTo(principalOf(request), request.params.id, request.body)),
  );

  app.post(
    '/multiparty/:id/authorizations',
    {
      schema: {
        tags: TAG,
        summary: 'Authorize your gateway to sign one multiparty update that takes up to `amount` from you',
        description: 'A payer in a multiparty transaction proposed by another party gives its consent here, at its own gateway; the authorization is used up by the next update it signs.',
        operationId: 'authorizeMultipartyPayment', security: bearer,
        params: IdParams,
        body: Type.Object({ amount: PositiveAmount }, { additionalProperties: false }),
        response: { 201: Type.Object({ multiparty: Type.String(), account: AccountId, amount: PositiveAmount }), ...problems() },
      },
    },
    async (request, reply) => reply.code(201).send(await multiparty.authorize(principalOf(request), request.params.id, BigInt(request.body.amount))),
  );

  app.post(
    '/multiparty/:id/payments',
    {
      config: { idempotent: true },
      schema: {
        tags: TAG,
        summary: 'Settle a multiparty transaction atomically (updateMPC)',
        description: `payments e.g. the paper's mptx {(P1,P3,1),(P2,P3,1),(P4,P3,1)}: each moves its amount from the payer (from) to the payee (to), through the member channel it names (channel), or else over the member channels this gateway selects by the paper's least Σ W_ij (formula 18, Figure 1; k1 and k2 set per gateway by COVENANT_CHANNEL_WEIGHTS), which may pass through other parties without changing their total. Every party signs; every member channel moves to a new version, or none does. A payer other than the caller must have authorized its share at its own gateway. Errors: 400 no member channels join two parties, or a named channel is not between them, 403 a payer did not authorize, 422 a member channel lacks the funds. Source: ${PAPER}.`,
        operationId: 'updateMultiparty', security: bearer,
        params: IdParams,
        headers: IdempotencyHeader,
        body: Type.Object({ payments: Type.Array(Type.Object({ from: AccountId, to: AccountId, amount: PositiveAmount }, { additionalProperties: false }), { minItems: 1, maxItems: 100 }) }, { additionalProperties: false }),
        response: { 200: MultipartyRef, ...problems(403, 404, 409, 422) },
      },
    },
    async (request) => multiparty.pay(principalOf(request), request.params.id, request.body.payments),
  );

  app.post(
    '/multiparty/:id/close',
    {
      config: { idempotent: true },
      schema: { tags: TAG, summary: 'Close a multiparty channel (closeMPC): member channels are released', operationId: 'closeMultiparty', security: bearer, params: IdParams, headers: IdempotencyHeader, response: { 200: MultipartyRef, ...problems(403, 404, 409) } },
    },
    async (request) => multiparty.close(principalOf(request), request.params.id),
  );

  registerChaincodeRoutes(app, chaincode, TAG, [
    act({
      url: '/multiparty/:id/exit',
      fn: 'channels:exitMultiparty',
      summary: 'Leave a multiparty channel alone after the multiparty timeout (exitMultiparty)',
      description:
        'The way out when other parties stop answering: once `multipartyTimeoutSeconds` (GET /v1/channels/settings, default 86400) have passed since the opening or the last update, any one party closes the multiparty channel without the others. Every member channel is released at its recorded on-ledger state (busy = null) and can then be closed as a two-party channel. Errors: 403 not a party, 404 unknown, 409 not OPEN or the timeout has not passed.',
      operationId: 'exitMultiparty',
      params: IdParams,
      response: MultipartyRef,
    }),
  ]);
};
