import { TSchema, Type } from '@sinclair/typebox';
import { CreateEscrowRequest as CreateEscrow, DeclineRequest as Decline, DisputeRequest as Dispute, RulingRequest as Ruling } from '@covenant/chaincode';
import { Escrow, EscrowStatus, IdParams, PageQuery, Timestamp, TxId } from './schemas';
import { problems } from './common';
import { ChaincodeRoute, asItems, chaincodeRoutes, created, forward } from './forward';
import { act, page, read } from './rows';

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

/** An action on one escrow, a row for `action`. */
interface EscrowAction {
  /** The chaincode function is `escrow:<verb>`, the operationId `<verb>Escrow`. */
  verb: string;
  /** The URL's last segment; default: the verb. */
  path?: string;
  summary: string;
  description: string;
  /** A JSON body, passed to the function as its second argument; a POST without a body is read as `{}` (a decline's reason is optional). */
  body?: TSchema;
}

/** POST /escrows/:id/<path>: `escrow:<verb>(id[, body])`, answering the escrow. */
function action({ verb, path = verb, summary, description, body }: EscrowAction): ChaincodeRoute {
  return act({
    url: `/escrows/:id/${path}`,
    fn: `escrow:${verb}`,
    operationId: `${verb}Escrow`,
    summary,
    description,
    params: IdParams,
    body,
    emptyBodyAsObject: body !== undefined,
    response: EscrowRef,
  });
}

/**
 * Escrow settlement, patent CN108399571A: propose, confirm, complete, cancel by mutual approval;
 * and the ways out of DESIGN.md ("every locked state has a documented way out"): decline,
 * reclaim after the acceptance deadline, dispute and the named arbitrator's ruling.
 * Chaincode contract `escrow`.
 */
export const escrowRoutes = chaincodeRoutes(['escrows'], [
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
  ...[
    { verb: 'confirm', summary: 'Confirm as a recipient', description: 'The caller, a recipient, confirms, accepting the terms and the named arbitrator. When every recipient has confirmed the escrow is ACTIVE and the amount frozen. Errors: 403 not a recipient, 409 not PROPOSED, already confirmed, after acceptBy, or the recipient is at the active-escrow threshold.' },
    { verb: 'complete', summary: 'Complete (initiator)', description: 'The initiator releases an ACTIVE or DISPUTED escrow: each recipient is paid its amount. Errors: 403 not the initiator, 409 not ACTIVE or DISPUTED (e.g. a second completion).' },
    { verb: 'cancel', summary: 'Cancel, or approve cancellation', description: 'Before any recipient confirms, the initiator alone withdraws the offer. After, every party must approve (also while DISPUTED); the last approval refunds the initiator and the status becomes CANCELLED. Errors: 403 not a party, 409 already final or already approved.' },
    { verb: 'reclaim', summary: 'Reclaim after the acceptance deadline (initiator)', description: 'Once `acceptBy` has passed (ledger time) and the escrow is still PROPOSED, the initiator alone takes the amount back: status EXPIRED, every recipient that confirmed leaves its active-escrow count. Event EscrowExpired. Errors: 403 not the initiator, 409 not PROPOSED or the deadline not passed.' },
    { verb: 'decline', summary: 'Decline as a recipient', description: 'A recipient that has not confirmed refuses a PROPOSED escrow, with an optional written `reason`: status DECLINED, the initiator\'s hold returns to its balance and every recipient that confirmed leaves its active-escrow count. Event EscrowDeclined. Errors: 400, 403 not a recipient, 409 not PROPOSED or the caller already confirmed (it may ask for cancellation instead).', body: Decline },
    { verb: 'dispute', summary: 'Open a dispute (a party)', description: 'When the parties of an ACTIVE escrow deadlock, any party opens a dispute for the arbitrator the escrow names: `reason` and an optional `evidenceHash`. Status DISPUTED; the money stays held; the parties may still complete or all approve cancellation. Event EscrowDisputed. Errors: 400, 403 not a party, 409 not ACTIVE or no arbitrator named.', body: Dispute },
    { verb: 'rule', path: 'ruling', summary: "Rule a dispute (the escrow's arbitrator)", description: "The arbitrator the escrow names, while it holds the ledger arbitrator role, rules a DISPUTED escrow with written `reasons`: COMPLETE pays the recipients by the rule (status COMPLETED), REFUND returns the amount to the initiator (status REFUNDED). The ruling is kept on the escrow. On Fabric it is endorsed by the parties' organisations' peers (the escrow key's policy). Event EscrowRuled. Errors: 400, 403 not the named arbitrator or no longer an arbitrator, 409 not DISPUTED (e.g. already ruled).", body: Ruling },
  ].map(action),
  read({ url: '/escrows/:id', fn: 'escrow:get', summary: 'An escrow (its parties and its named arbitrator only)', operationId: 'getEscrow', params: IdParams, response: EscrowRef, statuses: [403, 404] }),
  page({
    url: '/escrows',
    fn: 'escrow:list',
    summary: "The caller's escrows, one page",
    description: 'Filtered by the caller role (initiator, recipient, arbitrator, any) and status; oldest (by creation) first within a status, so `role=arbitrator&status=DISPUTED` is an arbitrator\'s queue. Pages with bookmarks (opaque for role=any, which merges the role listings); a bookmark this listing did not return is 400 INVALID_ARGUMENT.',
    operationId: 'listEscrows',
    querystring: ListQuery,
    item: EscrowRef,
    filters: (query) => [query.role ?? 'any', query.status ?? ''],
  }),
  read({
    url: '/escrows/:id/history',
    fn: 'escrow:history',
    summary: 'Every committed version of an escrow, oldest first (GetHistoryForKey; its parties and its named arbitrator only)',
    operationId: 'getEscrowHistory',
    params: IdParams,
    response: History,
    statuses: [403, 404],
    answer: asItems,
  }),
]);
