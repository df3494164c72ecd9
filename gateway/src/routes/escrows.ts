import type { FastifyPluginAsync } from 'fastify';
import { TSchema, Type } from '@sinclair/typebox';
import { CreateEscrowRequest as CreateEscrow, DeclineRequest as Decline, DisputeRequest as Dispute, RulingRequest as Ruling } from '@covenant/chaincode';
import { Escrow, EscrowStatus, IdParams, Page, PageQuery, Timestamp, TxId } from './schemas';
import { problems } from './common';
import { ChaincodeRoute, asItems, asPage, created, forward, jsonArg, pageArgs, registerChaincodeRoutes } from './forward';

const EscrowRef = Type.Ref(Escrow);

// The request bodies are defined once, with the chaincode that parses them (chaincode/src/escrow/schema.ts).

const ListQuery = Type.Composite([
  Type.Object({
    role: Type.Optional(
      Type.Union([Type.Literal('initiator'), Type.Literal('recipient'), Type.Literal('arbitrator'), Type.Literal('any')], {
        default: 'any',
        description: 'arbitrator: the escrows naming the caller as arbitrator (with status=DISPUTED, its queue); any: every role',
      }),
    ),
    status: Type.Optional(EscrowStatus),
  }),
  PageQuery,
]);

const History = Type.Object({
  items: Type.Array(Type.Object({ txId: TxId, timestamp: Timestamp, escrow: Type.Union([EscrowRef, Type.Null()]) })),
});

/** A POST on one escrow without a body: `fn(id)`. */
function step(path: string, fn: string, operationId: string, summary: string, description: string, statuses: number[]): ChaincodeRoute {
  return forward({
    method: 'POST',
    url: `/escrows/:id/${path}`,
    idempotent: true,
    fn,
    schema: { summary, description, operationId, params: IdParams, response: { 200: EscrowRef, ...problems(...statuses) } },
    args: ({ params }) => [params.id],
  });
}

/**
 * A POST on one escrow with a JSON body, passed to the chaincode function as its second
 * argument. A POST without a body is read as `{}` (a decline's reason is optional).
 */
function withBody<B extends TSchema>(path: string, fn: string, operationId: string, summary: string, description: string, body: B): ChaincodeRoute {
  return forward({
    method: 'POST',
    url: `/escrows/:id/${path}`,
    idempotent: true,
    fn,
    emptyBodyAsObject: true,
    schema: { summary, description, operationId, params: IdParams, body, response: { 200: EscrowRef, ...problems(403, 404, 409) } },
    args: ({ params, body }) => [params.id, jsonArg(body)],
  });
}

/**
 * Escrow settlement, patent CN108399571A: propose, confirm, complete, cancel by mutual approval;
 * and the ways out of DESIGN.md ("every locked state has a documented way out"): decline,
 * reclaim after the acceptance deadline, dispute and the named arbitrator's ruling.
 * Chaincode contract `escrow`.
 */
export const escrowRoutes: FastifyPluginAsync = async (app) => {
  registerChaincodeRoutes(app, app.chaincode, ['escrows'], [
    forward({
      method: 'POST',
      url: '/escrows',
      idempotent: true,
      fn: 'escrow:create',
      schema: {
        summary: 'Propose an escrow',
        description:
          'Locks `amount` from the caller (the initiator) for one or more recipients. The rule is either every recipient `shareBps` (summing to 10000; the rounding remainder goes to the first recipient) or every recipient `amount` (summing to the total). The amount moves from balance to held. `acceptBy` (default 7 days, at most 366 days ahead) bounds how long recipients may confirm; `arbitrator` names an account with the arbitrator role to rule disputes. Errors: 400 malformed rule, acceptBy out of bounds or the arbitrator a party, 404 unknown recipient or arbitrator, 409 id taken, a recipient at the active-escrow threshold, or the arbitrator without the arbitrator role, 422 insufficient funds.',
        operationId: 'createEscrow',
        body: CreateEscrow,
        response: { 201: EscrowRef, ...problems(404, 409, 422) },
      },
      args: ({ body }) => [JSON.stringify(body)],
      answer: (escrow: { id: string }) => created(escrow, `/v1/escrows/${encodeURIComponent(escrow.id)}`),
    }),
    step('confirm', 'escrow:confirm', 'confirmEscrow', 'Confirm as a recipient',
      'The caller, a recipient, confirms, accepting the terms and the named arbitrator. When every recipient has confirmed the escrow is ACTIVE and the amount frozen. Errors: 403 not a recipient, 409 not PROPOSED, already confirmed, after acceptBy, or the recipient is at the active-escrow threshold.',
      [403, 404, 409]),
    step('complete', 'escrow:complete', 'completeEscrow', 'Complete (initiator)',
      'The initiator releases an ACTIVE or DISPUTED escrow: each recipient is paid its amount. Errors: 403 not the initiator, 409 not ACTIVE or DISPUTED (e.g. a second completion).',
      [403, 404, 409]),
    step('cancel', 'escrow:cancel', 'cancelEscrow', 'Cancel, or approve cancellation',
      'Before any recipient confirms, the initiator alone withdraws the offer. After, every party must approve (also while DISPUTED); the last approval refunds the initiator and the status becomes CANCELLED. Errors: 403 not a party, 409 already final or already approved.',
      [403, 404, 409]),
    step('reclaim', 'escrow:reclaim', 'reclaimEscrow', 'Reclaim after the acceptance deadline (initiator)',
      'Once `acceptBy` has passed (ledger time) and the escrow is still PROPOSED, the initiator alone takes the amount back: status EXPIRED, every recipient that confirmed leaves its active-escrow count. Event EscrowExpired. Errors: 403 not the initiator, 409 not PROPOSED or the deadline not passed.',
      [403, 404, 409]),
    withBody('decline', 'escrow:decline', 'declineEscrow', 'Decline as a recipient',
      'A recipient that has not confirmed refuses a PROPOSED escrow, with an optional written `reason`: status DECLINED, the initiator\'s hold returns to its balance and every recipient that confirmed leaves its active-escrow count. Event EscrowDeclined. Errors: 400, 403 not a recipient, 409 not PROPOSED or the caller already confirmed (it may ask for cancellation instead).',
      Decline),
    withBody('dispute', 'escrow:dispute', 'disputeEscrow', 'Open a dispute (a party)',
      'When the parties of an ACTIVE escrow deadlock, any party opens a dispute for the arbitrator the escrow names: `reason` and an optional `evidenceHash`. Status DISPUTED; the money stays held; the parties may still complete or all approve cancellation. Event EscrowDisputed. Errors: 400, 403 not a party, 409 not ACTIVE or no arbitrator named.',
      Dispute),
    withBody('ruling', 'escrow:rule', 'ruleEscrow', "Rule a dispute (the escrow's arbitrator)",
      "The arbitrator the escrow names, while it holds the ledger arbitrator role, rules a DISPUTED escrow with written `reasons`: COMPLETE pays the recipients by the rule (status COMPLETED), REFUND returns the amount to the initiator (status REFUNDED). The ruling is kept on the escrow. On Fabric it is endorsed by the parties' organisations' peers (the escrow key's policy). Event EscrowRuled. Errors: 400, 403 not the named arbitrator or no longer an arbitrator, 409 not DISPUTED (e.g. already ruled).",
      Ruling),
    forward({
      method: 'GET',
      url: '/escrows/:id',
      fn: 'escrow:get',
      schema: { summary: 'An escrow (its parties and its named arbitrator only)', operationId: 'getEscrow', params: IdParams, response: { 200: EscrowRef, ...problems(403, 404) } },
      args: ({ params }) => [params.id],
    }),
    forward({
      method: 'GET',
      url: '/escrows',
      fn: 'escrow:list',
      schema: {
        summary: "The caller's escrows, one page",
        description: 'Filtered by the caller role (initiator, recipient, arbitrator, any) and status; oldest (by creation) first within a status, so `role=arbitrator&status=DISPUTED` is an arbitrator\'s queue. Pages with Fabric bookmarks.',
        operationId: 'listEscrows',
        querystring: ListQuery,
        response: { 200: Page(EscrowRef), ...problems() },
      },
      args: ({ query }) => [query.role ?? 'any', query.status ?? '', ...pageArgs(query)],
      answer: asPage,
    }),
    forward({
      method: 'GET',
      url: '/escrows/:id/history',
      fn: 'escrow:history',
      schema: {
        summary: 'Every committed version of an escrow, oldest first (GetHistoryForKey; its parties and its named arbitrator only)',
        operationId: 'getEscrowHistory',
        params: IdParams,
        response: { 200: History, ...problems(403, 404) },
      },
      args: ({ params }) => [params.id],
      answer: asItems,
    }),
  ]);
};
