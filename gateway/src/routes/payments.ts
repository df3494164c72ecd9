import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { DEFAULT_PAGE_SIZE } from '@covenant/chaincode';
import { principalOf } from '../http/auth';
import type { RoutePaymentService } from '../channels/route-payment';
import { IdParams, Page, PageQuery } from './schemas';
import { refuse } from '../channels/protocol';
import { IdempotencyHeader, bearer, problems } from './common';
import { PaymentBody, PendingPaymentRef, PendingStatusSchema, RoutedPaymentSchema, SPIDER } from './payment-schemas';

/**
 * Payments along a route of channels (POST /v1/payments): the caller's gateway finds a route and
 * settles it off-chain by HTLCs hop by hop (channels/htlc-payments.ts, the default) or every hop
 * atomically as one multiparty transaction (channels/route-payment.ts). With
 * `waitSeconds`, a payment no route carries now waits (channels/pending-payments.ts), and its
 * payer reads (GET /v1/payments/{id}, GET /v1/payments) or cancels it (POST
 * /v1/payments/{id}/cancel). The waiting payments' service is the app's `pendingPayments`.
 */
export const paymentRoutes: FastifyPluginAsyncTypebox<{ routed: RoutePaymentService }> = async (app, { routed }) => {
  const waiting = app.pendingPayments;
  app.post(
    '/payments',
    {
      config: { idempotent: true },
      schema: {
        tags: ['channels'],
        summary: 'Pay along a route of channels, now or (with waitSeconds) once a route can carry it',
        description:
          "The caller's gateway learns the channels around it (its own and, up to 3 hops, those its neighbours' gateways announce: only channels whose parties allow forwarding, POST /v1/channels/{id}/forwarding) and picks a route with Covenant's multipath router (default) or the paper's least-W heuristic (formulas 16-18), over each channel's latest balances agreed off-chain. " +
          "`settlement: htlc` (default without waitSeconds; Lightning BOLT 2 and 4 over the paper's two-party channels): the payee's gateway gives a payment hash, and each hop is a hash-locked conditional update of its two-party channel, added by the payer's gateway on the first channel and by each intermediary's gateway only with the incoming one agreed, within its user's forwarding permission and cap, for no more than it receives, expiring at least half the HTLC delta (--htlc-delta) earlier; the payee claims with the preimage once every part arrived, and the claims run back hop by hop. Nothing goes on the ledger. The answer carries `hash` and `preimage` (proof of payment). Either the payee is paid in full or every HTLC goes back to its payer; a gateway that stops finishes its part when it starts again (its watch also fails what expired, and reveals a preimage on the ledger before the expiry when a claim is not countersigned). While the HTLCs are still in flight after 30 s the answer is 503: the same request (same Idempotency-Key) answers the outcome. " +
          "`settlement: multiparty`: every hop settles atomically as one multiparty transaction: a multiparty channel is opened over the route's channels (on-chain), the update carrying every hop is signed by every party off-chain, and the close puts it on the ledger; an intermediary's gateway signs only if its balance over the route does not fall; the route's channels must be open and idle. If the caller's gateway stops mid-route, it closes the route when it starts again: every hop paid or none; a repeat of the request with its Idempotency-Key then answers what the route did (201 with the route if it paid, the refusal it met, or 409 FAILED_PRECONDITION if it stopped before paying and nothing moved: send it again under a new key). " +
          `With \`waitSeconds\` (${SPIDER}; settlement multiparty): when a route carries the amount now it is paid as above (201); when none does, the payment is kept by your gateway as PENDING and answered 202 with \`Location: /v1/payments/{id}\`. Nothing is locked or moved while it waits; your gateway retries it (smallest pending amount first, each attempt a fresh routed payment as above) when one of your channels changes and every few seconds, until it is PAID or its deadline passes (EXPIRED, nothing moved); you may cancel it meanwhile. A repeat with the same Idempotency-Key answers the same payment, never a second one. ` +
          'Errors: 400 the payee is a direct counterparty (pay through the channel), bad input, or settlement htlc with waitSeconds; 403 a party refused; 422 no route can carry the amount (without waitSeconds), or a hop could not carry it and every HTLC went back; 503 HTLCs still in flight (repeat for the outcome).',
        operationId: 'payAlongRoute', security: bearer,
        headers: IdempotencyHeader,
        body: PaymentBody,
        response: {
          201: RoutedPaymentSchema,
          202: { ...PendingPaymentRef, description: 'With waitSeconds, no route carries it now: kept as PENDING (`Location: /v1/payments/{id}`)' },
          ...problems(403, 409, 422, 503),
        },
      },
    },
    async (request, reply) => {
      const { to, amount, router = 'multipath', waitSeconds, settlement = waitSeconds === undefined ? 'htlc' : 'multiparty' } = request.body;
      const principal = principalOf(request);
      if (settlement === 'htlc') {
        if (waitSeconds !== undefined) throw refuse('INVALID_ARGUMENT', 'a payment with waitSeconds settles by multiparty: leave settlement out or set it to multiparty');
        return reply.code(201).send(await app.htlcPayments.pay(principal, to, BigInt(amount), router));
      }
      if (waitSeconds === undefined) return reply.code(201).send(await routed.pay(principal, to, BigInt(amount), router));
      const answer = await waiting.pay(principal, to, BigInt(amount), router, waitSeconds);
      if ('paid' in answer) return reply.code(201).send(answer.paid);
      return reply.code(202).header('location', `/v1/payments/${answer.pending.id}`).send(answer.pending);
    },
  );

  app.get(
    '/payments',
    {
      schema: {
        tags: ['channels'],
        summary: 'Your waiting payments (sent with waitSeconds), newest first',
        description:
          'The routed payments you sent with `waitSeconds` that waited (were answered 202), newest first, with `status` if given; kept 24 hours after they leave PENDING. Only your own, at your own gateway. A page may hold fewer than `pageSize` items with a non-empty bookmark when many of your payments have another status: go on with the bookmark.',
        operationId: 'listPendingPayments', security: bearer,
        querystring: Type.Composite([PageQuery, Type.Object({ status: Type.Optional(PendingStatusSchema) })], { additionalProperties: false }),
        response: { 200: Page(PendingPaymentRef), ...problems() },
      },
    },
    async (request) => waiting.list(principalOf(request), request.query.status, Number(request.query.pageSize ?? DEFAULT_PAGE_SIZE), request.query.bookmark ?? ''),
  );

  app.get(
    '/payments/:id',
    {
      schema: {
        tags: ['channels'],
        summary: 'A waiting payment (its payer only)',
        description: 'A payment you sent with `waitSeconds` that waited: PENDING (with its deadline and, if an attempt did not pay, `lastRefusal`), PAID (with its route), EXPIRED or CANCELLED. A PENDING payment past its deadline is answered EXPIRED. Errors: 404 unknown, or not yours (another\'s payment is never revealed).',
        operationId: 'getPendingPayment', security: bearer,
        params: IdParams,
        response: { 200: PendingPaymentRef, ...problems(404) },
      },
    },
    async (request) => waiting.get(principalOf(request), request.params.id),
  );

  app.post(
    '/payments/:id/cancel',
    {
      schema: {
        tags: ['channels'],
        summary: 'Cancel a waiting payment (its payer only)',
        description:
          'A PENDING payment becomes CANCELLED: it is no longer retried and nothing moved. Never during an attempt: the cancel waits for an attempt in progress, and if that attempt paid, the payment is PAID and the cancel is refused. Cancelling a CANCELLED payment answers it as it is. Errors: 404 unknown or not yours; 409 FAILED_PRECONDITION already PAID or EXPIRED.',
        operationId: 'cancelPendingPayment', security: bearer,
        params: IdParams,
        response: { 200: PendingPaymentRef, ...problems(404, 409) },
      },
    },
    async (request) => waiting.cancel(principalOf(request), request.params.id),
  );
};
