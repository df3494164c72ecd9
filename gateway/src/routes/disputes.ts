import { Type } from '@sinclair/typebox';
import { DbcsSettingsRequest } from '@covenant/chaincode';
import { RecordId } from './schemas';
import { DbcsSettings, Dispute } from './dbcs-schemas';
import { chaincodeRoutes } from './forward';
import { act, page, read } from './rows';

const DisputeRef = Type.Ref(Dispute);
const PAPER = 'DBCS-SC (PLOS ONE 2022, seeds/004)';
const DisputeParams = Type.Object({ id: RecordId });

/**
 * Contract fraud disputes of DBCS-SC (Algorithm 3) and the arbitration institution's work: the
 * queue of open disputes, evidence, escalation (a party after the deadline, an arbitrator at any
 * time, referring the case to the panel), and DisputeArbitration with Penalty (fraud) or
 * Settlement (no fraud). Chaincode contract `investment`.
 */
export const disputeRoutes = chaincodeRoutes(['disputes'], [
  page({
    url: '/disputes',
    fn: 'investment:listOpenDisputes',
    summary: 'Open disputes, oldest first (arbitrators)',
    description: 'The arbitration queue: every OPEN or ESCALATED dispute, oldest report first, paged with Fabric bookmarks. Errors: 403 without the arbitrator role.',
    operationId: 'listOpenDisputes',
    item: DisputeRef,
    statuses: [403],
  }),
  read({
    url: '/disputes/:id',
    fn: 'investment:getDispute',
    summary: 'A dispute with its evidence and ruling (parties and arbitrators)',
    description: 'The dispute id is the signing id. Errors: 403 neither a party nor an arbitrator, 404.',
    operationId: 'getDispute',
    params: DisputeParams,
    response: DisputeRef,
    statuses: [403, 404],
  }),
  act({
    url: '/disputes/:id/evidence',
    fn: 'investment:submitEvidence',
    summary: 'Submit evidence (client, issuer or delegate)',
    description: 'Beyond the paper: while a dispute is OPEN or ESCALATED, each side adds evidence: `text` (up to 4096 characters) or `documentHash` (SHA-256 hex of a document kept off the ledger) with an optional `description`. Exactly one of text and documentHash. Errors: 400, 403 not a party, 404, 409 ruled or 100 items reached.',
    operationId: 'submitEvidence',
    params: DisputeParams,
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
    response: DisputeRef,
  }),
  act({
    url: '/disputes/:id/ruling',
    fn: 'investment:disputeArbitration',
    summary: 'DisputeArbitration: rule FRAUD (Penalty) or NO_FRAUD (Settlement) (arbitrators only)',
    description: `${PAPER}, Algorithm 3 "Contract fraud dispute resolution" (function DisputeArbitration). FRAUD -> Penalty: the contract's penalty share of the issuer's publishing deposit moves to the client, the client's deposit and invested amount and the delegate's invested amount are refunded, the contract is deactivated; signing PENALIZED. NO_FRAUD -> Settlement: the client's signing deposit is forfeited to the issuer; a signed contract completes (invested amounts paid to the issuer), otherwise committed amounts are refunded; signing SETTLED. The written reason and every movement are kept on the dispute. OPEN and ESCALATED disputes can be ruled, once. Errors: 400, 403 not an arbitrator or a party to the dispute, 404, 409 already ruled.`,
    operationId: 'disputeArbitration',
    params: DisputeParams,
    body: Type.Object(
      { ruling: Type.Union([Type.Literal('FRAUD'), Type.Literal('NO_FRAUD')]), reason: Type.String({ minLength: 1, maxLength: 4096 }) },
      { additionalProperties: false, examples: [{ ruling: 'FRAUD', reason: 'The brochure (evidence 1) promises a guaranteed return the contract does not contain.' }] },
    ),
    response: DisputeRef,
  }),
  act({
    url: '/disputes/:id/escalate',
    fn: 'investment:escalateDispute',
    summary: 'Escalate a dispute: a party after its deadline, or an arbitrator referring it to the panel',
    description:
      'Beyond the paper: marks an OPEN dispute ESCALATED (`escalatedBy`, `escalatedAt`, `escalationReason`); it stays in the arbitrators’ queue and can still be ruled. Two callers may: a party (client, issuer or delegate) once the deadline has passed (ledger time), with an optional `reason` of up to 1024 characters; or an arbitrator that is not a party, at any time, referring the case to the arbitration institution’s panel with a written `reason` (required, 1 to 4096 characters). Errors: 400 (reason missing for an arbitrator, too long), 403 neither a party nor an arbitrator, 404, 409 not OPEN (already escalated or ruled) or, for a party, deadline not reached.',
    operationId: 'escalateDispute',
    params: DisputeParams,
    body: Type.Object(
      { reason: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'Why: optional for a party (up to 1024 characters), required for an arbitrator' })) },
      { additionalProperties: false, examples: [{ reason: 'no ruling after 7 days' }, { reason: 'The evidence conflicts on the promised return; referred to the three-member panel.' }] },
    ),
    response: DisputeRef,
  }),
  read({ url: '/dbcs/settings', fn: 'investment:getSettings', summary: 'Dispute window and least penalty share in force', operationId: 'getDbcsSettings', response: DbcsSettings }),
  act({
    method: 'PATCH',
    url: '/dbcs/settings',
    fn: 'investment:setSettings',
    summary: 'Change the dispute window or the least penalty share (an organisation administrator)',
    description: '`disputeWindowSeconds` (1 to 31622400): time from a fraud report to the dispute deadline. `penaltyShareBps` (0 to 10000): least share of a publishing deposit a FRAUD ruling pays the client; fixed on each contract when published. Errors: 400, 403 not an administrator of a member.',
    operationId: 'setDbcsSettings',
    body: DbcsSettingsRequest,
    response: DbcsSettings,
    statuses: [403, 409],
  }),
]);
