import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { CHALLENGE_MAX, CHALLENGE_MIN, challengeMessage } from '@covenant/chaincode';
import { principalOf } from '../http/auth';
import { HttpProblem, problem } from '../http/problem';
import { accountIdOf, signAs } from '../identity/signing';
import { AccountId, PositiveAmount } from './schemas';
import { ChallengeResponse, ChallengeVerification, Delegate, DelegateRegistry, DelegateValidity, History } from './dbcs-schemas';
import { bearer, problems } from './common';
import { asItems, created, forward, jsonArg, registerChaincodeRoutes } from './forward';
import { act, page, read } from './rows';
import { OptionalReason, ReasonText } from './reason';

const CHALLENGE_LENGTH = { min: CHALLENGE_MIN, max: CHALLENGE_MAX };

const RegistryRef = Type.Ref(DelegateRegistry);
const DelegateRef = Type.Ref(Delegate);
const IssuerParams = Type.Object({ issuer: AccountId });
const DelegateParams = Type.Object({ issuer: AccountId, manager: AccountId });
const TAGS = ['delegates'];
const PAPER = 'DBCS-SC (PLOS ONE 2022, seeds/004)';

const Validity = Type.Object(
  {
    qualification: Type.String({ minLength: 1, maxLength: 256, description: 'Delegate qualification (paper: s.delegate)' }),
    note: Type.Optional(Type.String({ maxLength: 1024, description: 'Any other information (paper: s.note)' })),
    validFrom: Type.Optional(Type.String({ description: 'ISO 8601 UTC; default: the transaction time' })),
    validUntil: Type.String({ description: 'ISO 8601 UTC, after the transaction time; valid while validFrom <= now < validUntil' }),
  },
  { additionalProperties: false, examples: [{ qualification: 'signatory', note: 'Region north, funds A and B', validFrom: '2026-01-01T00:00:00Z', validUntil: '2027-01-01T00:00:00Z' }] },
);

const Update = Type.Object(
  {
    qualification: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    note: Type.Optional(Type.String({ maxLength: 1024 })),
    validFrom: Type.Optional(Type.String({ description: 'ISO 8601 UTC' })),
    validUntil: Type.Optional(Type.String({ description: 'ISO 8601 UTC' })),
  },
  { additionalProperties: false, minProperties: 1, examples: [{ note: 'Moved to region south', validUntil: '2026-07-01T00:00:00Z' }] },
);

/**
 * Delegate authorization (DBCS-SC's delegate authorization smart contract): an issuer's registry,
 * its sales managers (request, add, update, remove, refund), ChangeStatus, validity and the
 * challenge-response check. Chaincode contract `delegates`.
 */
export const delegateRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const base = '/issuers/:issuer/delegates';

  registerChaincodeRoutes(app, app.chaincode, TAGS, [
    forward({
      method: 'POST',
      url: `${base}/registry`,
      idempotent: true,
      fn: 'delegates:createRegistry',
      schema: {
        summary: 'Create the delegate registry (issuer)',
        description: `The issuer deploys its delegate authorization contract (${PAPER}, "Initialization"). \`issuer\` is the caller's own account, which needs the ledger issuer role. \`delegateDeposit\` is what each sales manager pays with RequestDelegate. Errors: 403 not the caller or no issuer role, 409 already exists.`,
        operationId: 'createDelegateRegistry',
        params: IssuerParams,
        body: Type.Object(
          { delegateDeposit: PositiveAmount, name: Type.Optional(Type.String({ minLength: 1, maxLength: 200 })) },
          { additionalProperties: false, examples: [{ delegateDeposit: '50000', name: 'Acme Funds signatories' }] },
        ),
        response: { 201: RegistryRef, ...problems(403, 404, 409) },
      },
      args: ({ params, body }) => [params.issuer, JSON.stringify(body)],
      answer: (registry, { params }) => created(registry, `/v1/issuers/${params.issuer}/delegates/registry`),
    }),
    read({ url: `${base}/registry`, fn: 'delegates:getRegistry', summary: "An issuer's delegate registry (public)", operationId: 'getDelegateRegistry', params: IssuerParams, response: RegistryRef, statuses: [404] }),
    act({
      url: `${base}/registry/status`,
      fn: 'delegates:changeRegistryStatus',
      summary: 'ChangeStatus: deactivate or reactivate the registry (issuer)',
      description: `${PAPER}, delegate authorization function ChangeStatus. An INACTIVE registry refuses new delegate requests, and its delegates are not valid, so no new signing request or signature goes through. Errors: 403 not the issuer, 409 already in that status.`,
      operationId: 'changeRegistryStatus',
      params: IssuerParams,
      body: Type.Object(
        { status: Type.Union([Type.Literal('ACTIVE'), Type.Literal('INACTIVE')]), reason: Type.Optional(ReasonText) },
        { additionalProperties: false, examples: [{ status: 'INACTIVE', reason: 'annual review' }] },
      ),
      response: RegistryRef,
    }),
    forward({
      method: 'POST',
      url: base,
      idempotent: true,
      fn: 'delegates:requestDelegate',
      schema: {
        summary: 'RequestDelegate: ask to become a delegate, paying the deposit (sales manager)',
        description: `${PAPER}, delegate authorization function RequestDelegate. The caller (a sales manager) pays the registry's delegate deposit: it moves from its balance to its hold and is recorded on the delegate record (status REQUESTED). A manager whose earlier deposit was refunded may request again. Errors: 400 the issuer itself, 404 no registry, 409 registry inactive or already requested/authorized/revoked, 422 insufficient funds.`,
        operationId: 'requestDelegate',
        params: IssuerParams,
        body: Type.Object({ message: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })) }, { additionalProperties: false, examples: [{ message: 'Licensed advisor, 8 years with retail funds' }] }),
        response: { 201: DelegateRef, ...problems(404, 409, 422) },
      },
      args: ({ params, body }) => [params.issuer, jsonArg(body)],
      answer: (delegate: { manager: string }, { params }) => created(delegate, `/v1/issuers/${params.issuer}/delegates/${delegate.manager}`),
    }),
    page({
      url: base,
      fn: 'delegates:listDelegates',
      summary: "An issuer's delegates, one page (public)",
      description: 'Every status, in manager account order; pages with Fabric bookmarks.',
      operationId: 'listDelegates',
      params: IssuerParams,
      item: DelegateRef,
    }),
    read({ url: `${base}/:manager`, fn: 'delegates:getDelegate', summary: 'A delegate (public)', operationId: 'getDelegate', params: DelegateParams, response: DelegateRef, statuses: [404] }),
    read({
      url: `${base}/:manager/history`,
      fn: 'delegates:delegateHistory',
      summary: "Every version of a delegate's record, oldest first (GetHistoryForKey)",
      description: 'Requests, authorizations, updates, revocations and refunds: the paper’s transparency property.',
      operationId: 'getDelegateHistory',
      params: DelegateParams,
      response: History(DelegateRef),
      statuses: [404],
      answer: asItems,
    }),
    act({
      url: `${base}/:manager/authorize`,
      fn: 'delegates:addSalesManager',
      summary: 'AddSalesManager: authorize a requesting sales manager (issuer)',
      description: `${PAPER}, delegate authorization function AddSalesManager(s.EOA, s.delegate, s.note) with a validity period. The manager must have requested (paid its deposit). Errors: 400 malformed or past period, 403 not the issuer, 404 no such request, 409 not REQUESTED.`,
      operationId: 'addSalesManager',
      params: DelegateParams,
      body: Validity,
      response: DelegateRef,
    }),
    act({
      method: 'PATCH',
      url: `${base}/:manager`,
      fn: 'delegates:updateDelegate',
      summary: "Update an authorized delegate's information (issuer)",
      description: `${PAPER}, "Management": the issuer modifies qualification, note or validity period; \`revision\` counts updates and every version stays in the history. Shortening validUntil into the past expires the delegate. Errors: 400 malformed, 403 not the issuer, 404, 409 not AUTHORIZED.`,
      operationId: 'updateDelegate',
      params: DelegateParams,
      body: Update,
      response: DelegateRef,
    }),
    act({
      url: `${base}/:manager/revoke`,
      fn: 'delegates:removeSalesManager',
      summary: 'RemoveSalesManager: revoke a delegate at once (issuer)',
      description: `${PAPER}, delegate authorization function RemoveSalesManager(s.EOA). Effective immediately; the record stays with status REVOKED, revokedAt and the reason. The deposit stays held until the manager asks for its refund. Errors: 403 not the issuer, 404, 409 already revoked or refunded.`,
      operationId: 'removeSalesManager',
      params: DelegateParams,
      body: OptionalReason('left the company'),
      response: DelegateRef,
    }),
    act({
      url: `${base}/:manager/refund`,
      fn: 'delegates:salesManagerRefund',
      summary: 'SalesManagerRefund: give up the authorization and get the deposit back (the manager)',
      description: `${PAPER}, delegate authorization function SalesManagerRefund. The caller must be \`manager\`; its deposit hold is released to its balance and the status becomes REFUNDED (no longer a delegate). Refused while a signing naming it is unfinished. Errors: 403 not the manager, 404, 409 already refunded or open signings.`,
      operationId: 'salesManagerRefund',
      params: DelegateParams,
      response: DelegateRef,
    }),
    read({
      url: `${base}/:manager/validity`,
      fn: 'delegates:isValidDelegate',
      summary: 'isValidDelegate: is this sales manager a valid delegate of the issuer now?',
      description: `${PAPER}, "Model for DBCS" and "Information Check". Valid iff the registry exists and is ACTIVE, the issuer holds the issuer role, the delegate is AUTHORIZED (not revoked or refunded) and validFrom <= now < validUntil (ledger time). \`reasons\` lists every failed condition.`,
      operationId: 'isValidDelegate',
      params: DelegateParams,
      response: DelegateValidity,
    }),
    forward({
      method: 'POST',
      url: `${base}/:manager/challenge-verifications`,
      fn: 'delegates:verifyDelegateSignature',
      call: 'evaluate',
      schema: {
        summary: 'Challenge-response: verify the delegate signed your challenge (a query)',
        description: `${PAPER}, contract signing process steps 3-5 (Challenge, Response, ResponseVerify). The client picks a random challenge; the delegate signs, with its Fabric identity's private key (ECDSA P-256, SHA-256), the UTF-8 text \`"Covenant DBCS-SC delegate challenge\\nissuer:<issuer>\\ndelegate:<manager>\\nchallenge:<challenge>"\`; send the signature as base64 of its DER or raw r||s form. The chaincode verifies it with the certificate on the delegate's account record and checks the delegate's validity. Nothing is written. Errors: 400 malformed challenge or signature, 404 unknown account.`,
        operationId: 'verifyDelegateSignature',
        params: DelegateParams,
        body: Type.Object(
          {
            challenge: Type.String({ minLength: CHALLENGE_LENGTH.min, maxLength: CHALLENGE_LENGTH.max, description: 'Random text chosen by the client' }),
            signature: Type.String({ minLength: 1, maxLength: 200, description: 'base64 (DER or raw r||s) ECDSA P-256/SHA-256 signature' }),
          },
          { additionalProperties: false, examples: [{ challenge: 'c4b1f0e2-5d8a-4c3e-9a77-1e2f3d4c5b6a', signature: 'MEUCIQD1...base64...' }] },
        ),
        response: { 200: ChallengeVerification, ...problems(404) },
      },
      args: ({ params, body }) => [params.issuer, params.manager, body.challenge, body.signature],
    }),
  ]);

  app.post(
    `${base}/:manager/challenge-responses`,
    {
      schema: {
        tags: TAGS,
        summary: "Challenge-response: the delegate answers a client's challenge (signed with its own identity)",
        description: `${PAPER}, contract signing process step 4 (Response: Sig = Sign(s.EPK, s.EOA, m)). The caller must be the sales manager \`manager\` itself: its gateway signs, with the caller's own Fabric identity key (ECDSA P-256, SHA-256), the fixed-format UTF-8 text \`"Covenant DBCS-SC delegate challenge\\nissuer:<issuer>\\ndelegate:<manager>\\nchallenge:<challenge>"\` and nothing else: the prefix is fixed, so the signature can never stand for a Fabric proposal, a channel state or any other message. Hand the signature to the client, who checks it with challenge-verifications. Nothing is written. Errors: 400 malformed challenge, 403 the caller is not \`manager\`.`,
        operationId: 'answerDelegateChallenge', security: bearer,
        params: DelegateParams,
        body: Type.Object(
          {
            challenge: Type.String({ minLength: CHALLENGE_LENGTH.min, maxLength: CHALLENGE_LENGTH.max, description: 'The text the client chose' }),
            encoding: Type.Optional(Type.Union([Type.Literal('der'), Type.Literal('ieee-p1363')], { default: 'der', description: 'Signature encoding: DER (default) or raw r||s' })),
          },
          { additionalProperties: false, examples: [{ challenge: 'c4b1f0e2-5d8a-4c3e-9a77-1e2f3d4c5b6a' }] },
        ),
        response: { 200: ChallengeResponse, ...problems(403) },
      },
    },
    async (request) => {
      const principal = principalOf(request);
      const { issuer, manager } = request.params;
      if (accountIdOf(principal) !== manager) {
        throw new HttpProblem(problem(403, 'FORBIDDEN', `only sales manager ${manager} may answer a challenge as itself`));
      }
      const { challenge, encoding = 'der' } = request.body;
      const message = challengeMessage(issuer, manager, challenge);
      return { issuer, delegate: manager, challenge, message, encoding, signature: signAs(principal, Buffer.from(message, 'utf8'), encoding) };
    },
  );
};
