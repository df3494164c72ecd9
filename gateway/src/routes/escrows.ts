import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth';
import type { ChaincodeClient } from '../ledger/chaincode';
import { AccountId, Escrow, EscrowStatus, IdParams, Page, PageQuery, PositiveAmount, RecordId, Timestamp, TxId } from './schemas';
import { IdempotencyHeader, bearer, problems } from './common';

const EscrowRef = Type.Ref(Escrow);

const CreateEscrow = Type.Object(
  {
    id: Type.Optional(RecordId),
    amount: PositiveAmount,
    recipients: Type.Array(
      Type.Object(
        {
          account: AccountId,
          shareBps: Type.Optional(Type.Integer({ minimum: 1, maximum: 10000, description: 'Share in basis points; all shares sum to 10000' })),
          amount: Type.Optional(PositiveAmount),
        },
        { additionalProperties: false },
      ),
      { minItems: 1, maxItems: 50 },
    ),
    terms: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
    termsHash: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
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
      },
    ],
  },
);

const ListQuery = Type.Composite([
  Type.Object({
    role: Type.Optional(Type.Union([Type.Literal('initiator'), Type.Literal('recipient'), Type.Literal('any')], { default: 'any' })),
    status: Type.Optional(EscrowStatus),
  }),
  PageQuery,
]);

const History = Type.Object({
  items: Type.Array(Type.Object({ txId: TxId, timestamp: Timestamp, escrow: Type.Union([EscrowRef, Type.Null()]) })),
});

/**
 * Escrow settlement, patent CN108399571A: propose, confirm, complete, cancel by mutual approval.
 * Chaincode contract `escrow`.
 */
export const escrowRoutes: FastifyPluginAsyncTypebox<{ chaincode: ChaincodeClient }> = async (app, { chaincode }) => {
  app.post(
    '/escrows',
    {
      config: { idempotent: true },
      schema: {
        tags: ['escrows'],
        summary: 'Propose an escrow',
        description:
          'Locks `amount` from the caller (the initiator) for one or more recipients. The rule is either every recipient `shareBps` (summing to 10000; the rounding remainder goes to the first recipient) or every recipient `amount` (summing to the total). The amount moves from balance to held. Errors: 400 malformed rule, 404 unknown recipient, 409 id taken or a recipient at the active-escrow threshold, 422 insufficient funds.',
        security: bearer,
        headers: IdempotencyHeader,
        body: CreateEscrow,
        response: { 201: EscrowRef, ...problems(404, 409, 422) },
      },
    },
    async (request, reply) => {
      const escrow = await chaincode.submit<{ id: string }>(principalOf(request), 'escrow:create', [JSON.stringify(request.body)], reply);
      return reply.code(201).header('location', `/v1/escrows/${encodeURIComponent(escrow.id)}`).send(escrow as never);
    },
  );

  const step = (path: string, fn: string, summary: string, description: string, statuses: number[]) =>
    app.post(
      `/escrows/:id/${path}`,
      {
        config: { idempotent: true },
        schema: { tags: ['escrows'], summary, description, security: bearer, params: IdParams, headers: IdempotencyHeader, response: { 200: EscrowRef, ...problems(...statuses) } },
      },
      async (request, reply) => chaincode.submit(principalOf(request), fn, [request.params.id], reply),
    );

  step('confirm', 'escrow:confirm', 'Confirm as a recipient',
    'The caller, a recipient, confirms. When every recipient has confirmed the escrow is ACTIVE and the amount frozen. Errors: 403 not a recipient, 409 not PROPOSED, already confirmed, or the recipient is at the active-escrow threshold.',
    [403, 404, 409]);
  step('complete', 'escrow:complete', 'Complete (initiator)',
    'The initiator releases an ACTIVE escrow: each recipient is paid its amount. Errors: 403 not the initiator, 409 not ACTIVE (e.g. a second completion).',
    [403, 404, 409]);
  step('cancel', 'escrow:cancel', 'Cancel, or approve cancellation',
    'Before any recipient confirms, the initiator alone withdraws the offer. After, every party must approve; the last approval refunds the initiator and the status becomes CANCELLED. Errors: 403 not a party, 409 already settled or already approved.',
    [403, 404, 409]);

  app.get(
    '/escrows/:id',
    { schema: { tags: ['escrows'], summary: 'An escrow (its parties only)', security: bearer, params: IdParams, response: { 200: EscrowRef, ...problems(403, 404) } } },
    async (request) => chaincode.evaluate(principalOf(request), 'escrow:get', [request.params.id]),
  );

  app.get(
    '/escrows',
    {
      schema: {
        tags: ['escrows'],
        summary: "The caller's escrows, one page",
        description: 'Filtered by the caller role and status; oldest first within a status. Pages with Fabric bookmarks.',
        security: bearer,
        querystring: ListQuery,
        response: { 200: Page(EscrowRef), ...problems() },
      },
    },
    async (request) => {
      const q = request.query;
      const page = await chaincode.evaluate<{ records: unknown[]; bookmark: string }>(principalOf(request), 'escrow:list', [
        q.role ?? 'any',
        q.status ?? '',
        q.pageSize ?? '',
        q.bookmark ?? '',
      ]);
      return { items: page.records as never[], bookmark: page.bookmark };
    },
  );

  app.get(
    '/escrows/:id/history',
    {
      schema: {
        tags: ['escrows'],
        summary: 'Every committed version of an escrow, oldest first (GetHistoryForKey)',
        security: bearer,
        params: IdParams,
        response: { 200: History, ...problems(403, 404) },
      },
    },
    async (request) => ({ items: await chaincode.evaluate<never[]>(principalOf(request), 'escrow:history', [request.params.id]) }),
  );
};
