import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth';
import type { RoutePaymentService } from '../channels/route-payment';
import { AccountId, PositiveAmount } from './schemas';
import { IdempotencyHeader, bearer, problems } from './common';

/**
 * Payments along a route of channels (POST /v1/payments): the caller's gateway finds a route and
 * settles every hop atomically as one multiparty transaction (channels/route-payment.ts).
 */
export const paymentRoutes: FastifyPluginAsyncTypebox<{ routed: RoutePaymentService }> = async (app, { routed }) => {
  app.post(
    '/payments',
    {
      config: { idempotent: true },
      schema: {
        tags: ['channels'],
        summary: 'Pay along a route of channels',
        description:
          "The caller's gateway learns the channels around it (its own and, up to 3 hops, those its neighbours' gateways announce), picks a route with Covenant's multipath router (default) or the paper's least-W heuristic (formulas 16-18), and settles every hop atomically as one multiparty transaction over the route's channels: a multiparty channel is opened over them (on-chain), the update carrying every hop is signed by every party off-chain, and the close puts it on the ledger. Routing uses each channel's latest balances agreed off-chain; a party's gateway checkpoints a channel whose agreed state is newer than the ledger's before binding it. Only channels whose parties allow forwarding (POST /v1/channels/{id}/forwarding) are announced and bound, besides the caller's own; an intermediary's gateway signs only if its balance over the route does not fall. The route's channels must be open and idle. If the caller's gateway stops mid-route, it closes the route when it starts again: every hop paid or none; a repeat of the request with its Idempotency-Key then answers what the route did (201 with the route if it paid, the refusal it met, or 409 FAILED_PRECONDITION if it stopped before paying and nothing moved: send it again under a new key). Errors: 400 the payee is a direct counterparty (pay through the channel) or bad input, 403 a party refused, 422 no route can carry the amount.",
        operationId: 'payAlongRoute', security: bearer,
        headers: IdempotencyHeader,
        body: Type.Object(
          { to: AccountId, amount: PositiveAmount, router: Type.Optional(Type.Union([Type.Literal('multipath'), Type.Literal('weight')])) },
          { additionalProperties: false, examples: [{ to: '3333333333333333333333333333333333333333', amount: '500', router: 'multipath' }] },
        ),
        response: {
          201: Type.Object({
            to: AccountId,
            amount: PositiveAmount,
            router: Type.String(),
            multiparty: Type.String({ description: 'The multiparty channel that settled the route' }),
            parts: Type.Array(Type.Object({ amount: PositiveAmount, path: Type.Array(Type.Object({ channel: Type.String(), from: AccountId, to: AccountId })) })),
          }),
          ...problems(403, 409, 422),
        },
      },
    },
    async (request, reply) => reply.code(201).send(await routed.pay(principalOf(request), request.body.to, BigInt(request.body.amount), request.body.router ?? 'multipath')),
  );
};
