import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth';
import type { ChaincodeClient } from '../ledger/chaincode';
import { Page, RecordId } from './schemas';
import { DbcsSettings, Dispute, PageQuery } from './dbcs-schemas';
import { IdempotencyHeader, bearer, problems } from './common';

const DisputeRef = Type.Ref(Dispute);
const TAGS = ['disputes'];
const PAPER = 'DBCS-SC (PLOS ONE 2022, seeds/004)';
const DisputeParams = Type.Object({ id: RecordId });

/**
 * Contract fraud disputes of DBCS-SC (Algorithm 3) and the arbitration institution's work: the
 * queue of open disputes, evidence, escalation after the deadline, and DisputeArbitration with
 * Penalty (fraud) or Settlement (no fraud). Chaincode contract `investment`.
 */
export const disputeRoutes: FastifyPluginAsyncTypebox<{ chaincode: ChaincodeClient }> = async (app, { chaincode }) => {
  app.get(
    '/disputes',
    {
      schema: {
        tags: TAGS,
        summary: 'Open disputes, oldest first (arbitrators)',
        description: 'The arbitration queue: every OPEN or ESCALATED dispute, oldest report first, paged with Fabric bookmarks. Errors: 403 without the arbitrator role.',
        operationId: 'listOpenDisputes', security: bearer,
        querystring: PageQuery,
        response: { 200: Page(DisputeRef), ...problems(403) },
      },
    },
    async (request) => {
      const page = await chaincode.evaluate<{ records: never[]; bookmark: string }>(principalOf(request), 'investment:listOpenDisputes', [
        request.query.pageSize ?? '',
        request.query.bookmark ?? '',
      ]);
      return { items: page.records, bookmark: page.bookmark };
    },
  );

  app.get(
    '/disputes/:id',
    {
      schema: {
        tags: TAGS,
        summary: 'A dispute with its evidence and ruling (parties and arbitrators)',
        description: 'The dispute id is the signing id. Errors: 403 neither a party nor an arbitrator, 404.',
        operationId: 'getDispute', security: bearer,
        params: DisputeParams,
        response: { 200: DisputeRef, ...problems(403, 404) },
      },
    },
    async (request) => chaincode.evaluate(principalOf(request), 'investment:getDispute', [request.params.id]),
  );

  app.post(
    '/disputes/:id/evidence',
    {
      config: { idempotent: true },
      schema: {
        tags: TAGS,
        summary: 'Submit evidence (client, issuer or delegate)',
        description: 'Beyond the paper: while a dispute is OPEN or ESCALATED, each side adds evidence: `text` (up to 4096 characters) or `documentHash` (SHA-256 hex of a document kept off the ledger) with an optional `description`. Exactly one of text and documentHash. Errors: 400, 403 not a party, 404, 409 ruled or 100 items reached.',
        operationId: 'submitEvidence', security: bearer,
        params: DisputeParams,
        headers: IdempotencyHeader,
        body: Type.Object(
          {
            text: Type.Optional(Type.String({ minLength: 1, maxLength: 4096 })),
            documentHash: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$' })),
            description: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
          },
          {
            additionalProperties: false,
            examples: [
              { text: 'Recorded call of 2026-03-02: the delegate promised a guaranteed 12% return.' },
              { documentHash: '9f86d081884c7d659a2feaa0c55ad015a3bf4f1b2b0b822cd15d6c15b0f00a08', description: 'signed brochure, PDF' },
            ],
          },
        ),
        response: { 200: DisputeRef, ...problems(403, 404, 409) },
      },
    },
    async (request, reply) => chaincode.submit(principalOf(request), 'investment:submitEvidence', [request.params.id, JSON.stringify(request.body)], reply),
  );

  app.post(
    '/disputes/:id/ruling',
    {
      config: { idempotent: true },
      schema: {
        tags: TAGS,
        summary: 'DisputeArbitration: rule FRAUD (Penalty) or NO_FRAUD (Settlement) (arbitrators only)',
        description: `${PAPER}, Algorithm 3 "Contract fraud dispute resolution" (function DisputeArbitration). FRAUD -> Penalty: the contract's penalty share of the issuer's publishing deposit moves to the client, the client's deposit and invested amount and the delegate's invested amount are refunded, the contract is deactivated; signing PENALIZED. NO_FRAUD -> Settlement: the client's signing deposit is forfeited to the issuer; a signed contract completes (invested amounts paid to the issuer), otherwise committed amounts are refunded; signing SETTLED. The written reason and every movement are kept on the dispute. OPEN and ESCALATED disputes can be ruled, once. Errors: 400, 403 not an arbitrator or a party to the dispute, 404, 409 already ruled.`,
        operationId: 'disputeArbitration', security: bearer,
        params: DisputeParams,
        headers: IdempotencyHeader,
        body: Type.Object(
          { ruling: Type.Union([Type.Literal('FRAUD'), Type.Literal('NO_FRAUD')]), reason: Type.String({ minLength: 1, maxLength: 4096 }) },
          { additionalProperties: false, examples: [{ ruling: 'FRAUD', reason: 'The brochure (evidence 1) promises a guaranteed return the contract does not contain.' }] },
        ),
        response: { 200: DisputeRef, ...problems(403, 404, 409) },
      },
    },
    async (request, reply) => chaincode.submit(principalOf(request), 'investment:disputeArbitration', [request.params.id, JSON.stringify(request.body)], reply),
  );

  app.post(
    '/disputes/:id/escalate',
    {
      config: { idempotent: true },
      schema: {
        tags: TAGS,
        summary: 'Escalate a dispute not ruled by its deadline (client, issuer or delegate)',
        description: 'Beyond the paper: once the deadline has passed (ledger time), a party marks an OPEN dispute ESCALATED; it stays in the arbitrators’ queue and can still be ruled. Errors: 403 not a party, 404, 409 not OPEN or deadline not reached.',
        operationId: 'escalateDispute', security: bearer,
        params: DisputeParams,
        headers: IdempotencyHeader,
        body: Type.Object({ reason: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })) }, { additionalProperties: false, examples: [{ reason: 'no ruling after 7 days' }] }),
        response: { 200: DisputeRef, ...problems(403, 404, 409) },
      },
    },
    async (request, reply) => chaincode.submit(principalOf(request), 'investment:escalateDispute', [request.params.id, JSON.stringify(request.body ?? {})], reply),
  );

  app.get(
    '/dbcs/settings',
    { schema: { tags: TAGS, summary: 'Dispute window and least penalty share in force', operationId: 'getDbcsSettings', security: bearer, response: { 200: DbcsSettings, ...problems() } } },
    async (request) => chaincode.evaluate(principalOf(request), 'investment:getSettings', []),
  );

  app.patch(
    '/dbcs/settings',
    {
      schema: {
        tags: TAGS,
        summary: 'Change the dispute window or the least penalty share (an organisation administrator)',
        description: '`disputeWindowSeconds` (1 to 31622400): time from a fraud report to the dispute deadline. `penaltyShareBps` (0 to 10000): least share of a publishing deposit a FRAUD ruling pays the client; fixed on each contract when published. Errors: 400, 403 not an administrator of a member.',
        operationId: 'setDbcsSettings', security: bearer,
        body: Type.Object(
          {
            disputeWindowSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 31622400 })),
            penaltyShareBps: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000 })),
          },
          { additionalProperties: false, minProperties: 1, examples: [{ disputeWindowSeconds: 604800, penaltyShareBps: 5000 }] },
        ),
        response: { 200: DbcsSettings, ...problems(403, 409) },
      },
    },
    async (request, reply) => chaincode.submit(principalOf(request), 'investment:setSettings', [JSON.stringify(request.body)], reply),
  );
};
