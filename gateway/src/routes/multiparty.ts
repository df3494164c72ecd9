import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth';
import type { ChaincodeClient } from '../ledger/chaincode';
import type { MultipartyService } from '../channels/multiparty';
import type { RoutePaymentService } from '../channels/route-payment';
import { DEFAULT_CONSENT_SECONDS, MAX_CONSENT_SECONDS } from '../channels/protocol';
import { AccountId, IdParams, Page, PageQuery, PositiveAmount, RecordId, Timestamp } from './schemas';
import { IdempotencyHeader, bearer, problems } from './common';
import { MultipartyRef, PAPER } from './channel-schemas';
import { registerChaincodeRoutes } from './forward';
import { act } from './rows';
import { paymentRoutes } from './payments';

/**
 * Multiparty channels (createMPC, updateMPC, closeMPC, unilateral close): the caller's gateway
 * coordinates with every party's gateway (mpc-query, mpc-sign, mpc-commit); the opening and the
 * close are submitted (the ledger moves every member channel or none), the updates stay off-chain.
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
        description: `Your request is your consent; every other party must have consented at its own gateway beforehand (POST /v1/multiparty/{id}/consent with exactly these parties and channels) or allow forwarding on each of its channels here. Every party's gateway checks that and that its member channels are as on the ledger (and checkpointed), and signs version 0; the channels are then marked busy. A party that stops answering is closed out unilaterally (POST /v1/multiparty/{id}/unilateral-close), or after the multiparty timeout (POST /v1/multiparty/{id}/exit). Errors: 403 a party did not consent (named), 404 unknown channel, 409 a channel busy or not checkpointed. Source: ${PAPER}.`,
        operationId: 'openMultiparty', security: bearer,
        headers: IdempotencyHeader,
        body: Type.Object({ id: RecordId, parties: Type.Array(AccountId, { minItems: 2, maxItems: 50 }), channels: Type.Array(RecordId, { minItems: 2, maxItems: 100 }) }, { additionalProperties: false }),
        response: { 201: MultipartyRef, ...problems(403, 404, 409) },
      },
    },
    async (request, reply) => reply.code(201).send(await multiparty.open(principalOf(request), request.body)),
  );

  app.get(
    '/multiparty',
    {
      schema: {
        tags: TAG,
        summary: "The caller's multiparty channels, one page, each with the latest off-chain state your gateway holds",
        description:
          'The ledger\'s records of the multiparty channels you are a party to, oldest first; for each one your gateway holds an off-chain state for (OPEN or CLOSING), `version` and `states` are those of the latest state every party signed off-chain, and `ledgerVersion` the version recorded on the ledger, as GET /v1/multiparty/{id} shows them.',
        operationId: 'listMultiparties', security: bearer,
        querystring: PageQuery,
        response: { 200: Page(MultipartyRef), ...problems() },
      },
    },
    async (request) => multiparty.list(principalOf(request), request.query.pageSize ?? '', request.query.bookmark ?? ''),
  );

  app.get(
    '/multiparty/:id',
    {
      schema: {
        tags: TAG,
        summary: 'A multiparty channel (parties only), with the latest off-chain state your gateway holds',
        description:
          'The ledger\'s record of the multiparty channel; while it is OPEN or CLOSING, `version` and `states` are those of the latest state every party signed off-chain that your gateway holds (multiparty payments do not go on the ledger), and `ledgerVersion` is the version recorded on the ledger. Errors: 403 not a party, 404 unknown.',
        operationId: 'getMultiparty', security: bearer,
        params: IdParams,
        response: { 200: MultipartyRef, ...problems(403, 404) },
      },
    },
    async (request) => multiparty.view(principalOf(request), request.params.id),
  );

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
        summary: 'Settle a multiparty transaction atomically, off-chain (updateMPC)',
        description: `payments e.g. the paper's mptx {(P1,P3,1),(P2,P3,1),(P4,P3,1)}: each moves its amount from the payer (from) to the payee (to), through the member channel it names (channel), or else over the member channels this gateway selects by the paper's least Σ W_ij (formula 18, Figure 1; k1 and k2 set per gateway by COVENANT_CHANNEL_WEIGHTS), which may pass through other parties without changing their total. Your gateway builds the next multiparty state (version + 1, every member channel's next version and balances) over the latest one every party signed, every party's gateway signs it (in parallel; a gateway that missed the previous state's commit is shown it with every signature and stores it first) and stores it durably before the answer; every member channel moves, or none does. Nothing goes on the ledger: the answer's \`version\` and \`states\` are the new off-chain state, \`ledgerVersion\` the recorded one. A party's gateway signs at most one state per version. A payer other than the caller must have authorized its share at its own gateway. Errors: 400 no member channels join two parties, or a named channel is not between them, 403 a payer did not authorize, 409 not OPEN, or a party's gateway already signed another state of this version or the final state, 422 a member channel lacks the funds. Source: ${PAPER}.`,
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
      schema: {
        tags: TAG,
        summary: 'Close a multiparty channel cooperatively (closeMPC): member channels are released',
        description: 'Every party\'s gateway signs the latest state every party signed off-chain (the one your gateway holds, else the recorded one) as final, shown that state with every signature (a gateway that missed it stores it first); the ledger applies it to every member channel (its balances and versions) and releases them (busy = null): they continue as two-party channels from there. Also ends a unilateral close in its challenge period. A close never undoes an update a party\'s gateway holds. Errors: 403 not a party, 404 unknown, 409 CLOSED, or a party\'s gateway holds a newer all-signed state (FAILED_PRECONDITION, its detail \"this gateway holds the all-signed version N\").',
        operationId: 'closeMultiparty', security: bearer, params: IdParams, headers: IdempotencyHeader, response: { 200: MultipartyRef, ...problems(403, 404, 409) },
      },
    },
    async (request) => multiparty.close(principalOf(request), request.params.id),
  );

  for (const [url, summary, operationId, description] of [
    [
      '/multiparty/:id/unilateral-close',
      'Start closing a multiparty channel alone with the latest all-signed state your gateway holds (registerMultipartyState)',
      'startMultipartyClose',
      'When other parties stop answering: your gateway registers on the ledger the latest multiparty state every party signed that it holds (or the recorded one). The channel becomes CLOSING until `closing.deadline` (now + `challengePeriodSeconds`, GET /v1/channels/settings); meanwhile any party may register a newer all-signed state (POST /v1/multiparty/{id}/challenge); after it anyone settles (POST /v1/multiparty/{id}/settle). Errors: 403 not a party, 404 unknown, 409 not OPEN, or the state is older than the recorded one.',
    ],
    [
      '/multiparty/:id/challenge',
      'Answer a unilateral close with the newer all-signed state your gateway holds (registerMultipartyState)',
      'challengeMultipartyClose',
      'While the multiparty channel is CLOSING and before `closing.deadline`, your gateway registers the latest multiparty state every party signed that it holds; it replaces the registered one if its version is higher (the deadline stays). Gateways do this on their own when they see an older state registered. Errors: 403 not a party, 404 unknown, 409 not CLOSING, the challenge period has ended, or your state is not newer.',
    ],
  ] as const) {
    app.post(
      url,
      {
        config: { idempotent: true },
        schema: { tags: TAG, summary, description, operationId, security: bearer, params: IdParams, headers: IdempotencyHeader, response: { 200: MultipartyRef, ...problems(403, 404, 409) } },
      },
      async (request) => multiparty.register(principalOf(request), request.params.id),
    );
  }

  registerChaincodeRoutes(app, chaincode, TAG, [
    act({
      url: '/multiparty/:id/exit',
      fn: 'channels:exitMultiparty',
      summary: 'Leave a multiparty channel alone after the multiparty timeout (exitMultiparty)',
      description:
        'The way out when other parties stop answering, without any off-chain state: once `multipartyTimeoutSeconds` (GET /v1/channels/settings, default 86400) have passed since the opening or the last change on the ledger, any one party starts a unilateral close with the state recorded on the ledger: CLOSING until `closing.deadline`, during which any party holding a newer all-signed off-chain state registers it (POST /v1/multiparty/{id}/challenge; gateways do so on their own), then anyone settles (POST /v1/multiparty/{id}/settle). Releasing at once at the recorded state would undo the off-chain payments since. Errors: 403 not a party, 404 unknown, 409 not OPEN or the timeout has not passed.',
      operationId: 'exitMultiparty',
      params: IdParams,
      response: MultipartyRef,
    }),
    act({
      url: '/multiparty/:id/settle',
      fn: 'channels:settleMultiparty',
      summary: 'Settle a unilateral close of a multiparty channel after its challenge period (settleMultiparty)',
      description:
        'Anyone, once `closing.deadline` has passed: every member channel takes its registered balances and version and is released (busy = null, OPEN: it continues as a two-party channel); the multiparty channel is CLOSED. Errors: 404 unknown, 409 not CLOSING or still in the challenge period.',
      operationId: 'settleMultiparty',
      params: IdParams,
      response: MultipartyRef,
    }),
  ]);
};
