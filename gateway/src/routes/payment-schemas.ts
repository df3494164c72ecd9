import { Type } from '@sinclair/typebox';
import { MAX_WAIT_SECONDS, MIN_WAIT_SECONDS, RETRY_INTERVAL_MS } from '../channels/pending-payments';
import { AccountId, PositiveAmount, RecordId, Timestamp } from './schemas';

/**
 * The shapes of the routed payment routes (payments.ts): the body of POST /v1/payments, a route as
 * answered (201), and a waiting payment (schema `$id` PendingPayment, 202 and the GET routes).
 */

/** Where waiting comes from, cited by the routes' descriptions. */
export const SPIDER = 'Spider (Sivaraman et al., High Throughput Cryptocurrency Routing in Payment Channel Networks, NSDI 2020) over the routing of seeds/003';

export const RouterChoice = Type.Union([Type.Literal('multipath'), Type.Literal('weight')], {
  description: "Covenant's multipath router (default) or the paper's least-W heuristic (formulas 16-18)",
});

export const SettlementChoice = Type.Union([Type.Literal('htlc'), Type.Literal('multiparty')], {
  description:
    "How the route settles. `htlc` (default without waitSeconds): hash-locked conditional updates hop by hop between the parties' gateways (Lightning BOLT 2), nothing on the ledger. `multiparty`: one multiparty channel over the route's channels, opened and closed on the ledger (2 transactions). Payments with waitSeconds settle by `multiparty`.",
});

export const WaitSeconds = Type.Integer({
  minimum: MIN_WAIT_SECONDS,
  maximum: MAX_WAIT_SECONDS,
  description: `Optional, seconds (${MIN_WAIT_SECONDS} to ${MAX_WAIT_SECONDS}). When no route can carry the amount now, the payment waits instead of being refused 422: it is kept as PENDING (202) until now + waitSeconds and retried, smallest pending amount first, whenever one of your channels changes at your gateway and every ${RETRY_INTERVAL_MS / 1000} s; it is paid when a route carries it (PAID), or EXPIRED at the deadline with nothing moved. Without it a payment no route carries is refused at once.`,
  examples: [600],
});

export const PaymentBody = Type.Object(
  { to: AccountId, amount: PositiveAmount, router: Type.Optional(RouterChoice), settlement: Type.Optional(SettlementChoice), waitSeconds: Type.Optional(WaitSeconds) },
  { additionalProperties: false, examples: [{ to: '3333333333333333333333333333333333333333', amount: '500', router: 'multipath' }, { to: '3333333333333333333333333333333333333333', amount: '500', waitSeconds: 600 }] },
);

const Hop = Type.Object({ channel: Type.String(), from: AccountId, to: AccountId });
export const RouteParts = Type.Array(Type.Object({ amount: PositiveAmount, path: Type.Array(Hop) }), { description: 'The route: minor units along each path of channel hops' });

export const RoutedPaymentSchema = Type.Object({
  to: AccountId,
  amount: PositiveAmount,
  router: Type.String(),
  settlement: SettlementChoice,
  multiparty: Type.Optional(Type.String({ description: 'settlement multiparty: the multiparty channel that settled the route' })),
  id: Type.Optional(RecordId),
  hash: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$', description: "settlement htlc: the payment hash the payee's gateway gave" })),
  preimage: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$', description: 'settlement htlc: the preimage of `hash`, released by the payee when paid in full: the proof of payment' })),
  parts: RouteParts,
});

export const PendingStatusSchema = Type.Union([Type.Literal('PENDING'), Type.Literal('PAID'), Type.Literal('EXPIRED'), Type.Literal('CANCELLED')], {
  description: 'PENDING: kept and retried until `deadline`; PAID: a route carried it (every hop moved); EXPIRED: the deadline passed, nothing moved; CANCELLED: its payer cancelled it, nothing moved',
});

export const PendingPayment = Type.Object(
  {
    id: RecordId,
    status: PendingStatusSchema,
    to: AccountId,
    amount: PositiveAmount,
    router: RouterChoice,
    createdAt: Timestamp,
    deadline: Type.String({ format: 'date-time', description: 'ISO 8601 UTC: no attempt begins after it; a PENDING payment past it is EXPIRED' }),
    multiparty: Type.Optional(Type.String({ description: 'PAID: the multiparty channel that settled the route' })),
    parts: Type.Optional(RouteParts),
    paidAt: Type.Optional(Timestamp),
    finishedAt: Type.Optional(Type.String({ format: 'date-time', description: 'ISO 8601 UTC: when it left PENDING' })),
    lastRefusal: Type.Optional(
      Type.Object({ code: Type.String(), detail: Type.String() }, { description: 'Why the latest attempt over a route that seemed to fit did not pay (a party refused, a channel was busy); the payment still waits' }),
    ),
  },
  {
    $id: 'PendingPayment',
    description: `A routed payment that waits for liquidity (${SPIDER}), as its payer reads it`,
    examples: [
      {
        id: 'pay-5f0c2a9e41d7b3c8a6e2f104',
        status: 'PENDING',
        to: '3333333333333333333333333333333333333333',
        amount: '500',
        router: 'multipath',
        createdAt: '2026-11-30T12:00:00.000Z',
        deadline: '2026-11-30T12:10:00.000Z',
      },
    ],
  },
);
export const PendingPaymentRef = Type.Ref(PendingPayment);

/** The shared schemas to register by `$id` (routes/openapi.ts). */
export const paymentSchemas = [PendingPayment];
