import { Type } from '@sinclair/typebox';
import { AccountId, PositiveAmount, RecordId } from './schemas';
import { Dispute, History, InvestmentContract, Movement, PageQuery, Ratio, Signing } from './dbcs-schemas';
import { problems } from './common';
import { asItems, chaincodeRoutes, created, forward } from './forward';
import { act, page, read } from './rows';
import { OptionalReason, ReasonText } from './reason';

const ContractRef = Type.Ref(InvestmentContract);
const SigningRef = Type.Ref(Signing);
const TAGS = ['investment-contracts'];
const PAPER = 'DBCS-SC (PLOS ONE 2022, seeds/004)';
const ContractParams = Type.Object({ id: RecordId });
const SigningParams = Type.Object({ id: RecordId, signingId: RecordId });

const Publish = Type.Object(
  {
    id: Type.Optional(RecordId),
    name: Type.String({ minLength: 1, maxLength: 200 }),
    content: Type.String({ minLength: 1, maxLength: 65536 }),
    contentHash: Type.Optional(Type.String({ pattern: '^[0-9a-f]{64}$', description: 'SHA-256 hex of content; computed, and checked when given' })),
    clientDeposit: PositiveAmount,
    publishDeposit: PositiveAmount,
    ratio: Ratio,
    penaltyShareBps: Type.Optional(Type.Integer({ minimum: 0, maximum: 10000, description: 'At least the ledger setting (the default)' })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        id: 'fund-a-2026',
        name: 'Fund A, 12 months',
        content: 'The client invests in Fund A for 12 months; expected return 4% a year; early exit fee 1%.',
        clientDeposit: '10000',
        publishDeposit: '1000000',
        ratio: { client: 9, delegate: 1 },
      },
    ],
  },
);

const ConfirmationResult = Type.Object({
  signing: SigningRef,
  dispute: Type.Optional(Type.Ref(Dispute)),
  movements: Type.Array(Movement, { description: 'Money moved by this step' }),
});

const SigningAction = Type.Object({ signing: SigningRef, movements: Type.Array(Movement) });

/**
 * Financial investment contracts of DBCS-SC: publishing (ContractPublishDeposit + AddContract),
 * ChangeStatus, signing requests (RequestSigning, Algorithm 1), signatures (SignedByEntity) and the
 * client's confirmation (ContractConfirmed, Algorithm 2). Chaincode contract `investment`.
 */
export const investmentContractRoutes = chaincodeRoutes(TAGS, [
  forward({
    method: 'POST',
    url: '/investment-contracts',
    idempotent: true,
    fn: 'investment:publishContract',
    schema: {
      summary: 'ContractPublishDeposit + AddContract: publish an investment contract (issuer)',
      description: `${PAPER}, financial investment functions ContractPublishDeposit and AddContract(o.EOA, o.contractName, o.contractContent), in one transaction. The publishing deposit moves from the issuer's balance to its hold until the contract is CLOSED (a FRAUD ruling pays a share of it to the client). \`clientDeposit\` is what each client pays to request signing; \`ratio\` the client:delegate investment proportion. Errors: 400 malformed or content hash mismatch, 403 no issuer role, 409 id taken, 422 insufficient funds.`,
      operationId: 'publishContract',
      body: Publish,
      response: { 201: ContractRef, ...problems(403, 409, 422) },
    },
    args: ({ body }) => [JSON.stringify(body)],
    answer: (contract: { id: string }) => created(contract, `/v1/investment-contracts/${encodeURIComponent(contract.id)}`),
  }),
  page({
    url: '/investment-contracts',
    fn: 'investment:listContracts',
    summary: 'Investment contracts, one page (public)',
    description: "With `issuer`: that issuer's contracts, oldest first; without: all contracts in id order.",
    operationId: 'listContracts',
    querystring: Type.Composite([PageQuery, Type.Object({ issuer: Type.Optional(AccountId) })]),
    item: ContractRef,
    filters: (query) => [query.issuer ?? ''],
  }),
  read({
    url: '/investment-contracts/:id',
    fn: 'investment:getContract',
    summary: 'An investment contract with its content (public)',
    description: `${PAPER}: any entity may access and view the contract content; compare \`contentHash\` with the SHA-256 of the content you were shown.`,
    operationId: 'getContract',
    params: ContractParams,
    response: ContractRef,
    statuses: [404],
  }),
  read({
    url: '/investment-contracts/:id/history',
    fn: 'investment:contractHistory',
    summary: 'Every version of a contract, oldest first (GetHistoryForKey)',
    operationId: 'getContractHistory',
    params: ContractParams,
    response: History(ContractRef),
    statuses: [404],
    answer: asItems,
  }),
  act({
    url: '/investment-contracts/:id/status',
    fn: 'investment:changeContractStatus',
    summary: 'ChangeStatus: deactivate, reactivate or close a contract (issuer)',
    description: `${PAPER}, financial investment function ChangeStatus. INACTIVE refuses new signing requests and signatures (open signings can still be confirmed, disputed or cancelled). CLOSED is final, needs no open signing, and releases the rest of the publishing deposit to the issuer. A contract ruled fraudulent cannot be reactivated. Errors: 403 not the issuer, 404, 409 refused transition.`,
    operationId: 'changeContractStatus',
    params: ContractParams,
    body: Type.Object(
      { status: Type.Union([Type.Literal('ACTIVE'), Type.Literal('INACTIVE'), Type.Literal('CLOSED')]), reason: Type.Optional(ReasonText) },
      { additionalProperties: false, examples: [{ status: 'INACTIVE', reason: 'fund closed to new investors' }] },
    ),
    response: ContractRef,
  }),
  forward({
    method: 'POST',
    url: '/investment-contracts/:id/signings',
    idempotent: true,
    fn: 'investment:requestSigning',
    schema: {
      summary: 'RequestSigning: request to sign, paying the client deposit (client)',
      description: `${PAPER}, Algorithm 1 "Request contract signing" (function RequestSigning). The caller (the client) names the delegate offering it the contract and pays the contract's client deposit (balance -> hold); \`deposit\`, when sent, must equal it (the paper's msg.value = cDeposit). The contract must be ACTIVE and the delegate valid (see the validity route). Errors: 400 client is the issuer or the delegate, wrong deposit; 404; 409 contract inactive, delegate not valid (revoked, expired, registry inactive...), id taken; 422 insufficient funds.`,
      operationId: 'requestSigning',
      params: ContractParams,
      body: Type.Object(
        { id: Type.Optional(RecordId), delegate: AccountId, deposit: Type.Optional(PositiveAmount) },
        { additionalProperties: false, examples: [{ id: 'sign-0001', delegate: '3f1d2c4b5a69788796a5b4c3d2e1f00112233445', deposit: '10000' }] },
      ),
      response: { 201: SigningRef, ...problems(404, 409, 422) },
    },
    args: ({ params, body }) => [params.id, JSON.stringify(body)],
    answer: (signing: { id: string }, { params }) =>
      created(signing, `/v1/investment-contracts/${encodeURIComponent(params.id)}/signings/${encodeURIComponent(signing.id)}`),
  }),
  read({
    url: '/investment-contracts/:id/signings/:signingId',
    fn: 'investment:getSigning',
    summary: 'A signing (its client, delegate, issuer, or an arbitrator)',
    operationId: 'getSigning',
    params: SigningParams,
    response: SigningRef,
    statuses: [403, 404],
  }),
  forward({
    method: 'POST',
    url: '/investment-contracts/:id/signings/:signingId/signatures',
    idempotent: true,
    fn: 'investment:signedByEntity',
    schema: {
      summary: 'SignedByEntity: commit your invested amount (delegate or client)',
      description: `${PAPER}, financial investment function SignedByEntity(s.EOA, c.EOA, f.EOA, s.amount/c.amount). The amount is held on the caller's account. Amounts are k x ratio.client and k x ratio.delegate for one k: with ratio 9:1 a delegate committing 10000 fixes the client's at 90000. When both have signed the status is SIGNED. The contract must be ACTIVE and the delegate still valid. Errors: 400 off the ratio, 403 neither party, 404, 409 not REQUESTED / already signed / contract inactive / delegate no longer valid, 422 insufficient funds.`,
      operationId: 'signedByEntity',
      params: SigningParams,
      body: Type.Object({ amount: PositiveAmount }, { additionalProperties: false, examples: [{ amount: '90000' }] }),
      response: { 200: SigningRef, ...problems(403, 404, 409, 422) },
    },
    args: ({ params, body }) => [params.id, params.signingId, body.amount],
  }),
  act({
    url: '/investment-contracts/:id/signings/:signingId/confirmation',
    fn: 'investment:contractConfirmed',
    summary: 'ContractConfirmed: 1 satisfied (completes) or 2 report fraud (opens a dispute) (client)',
    description: `${PAPER}, Algorithm 2 "Successful contract signing" (function ContractConfirmed). decision 1 (needs SIGNED): COMPLETED; both invested amounts are paid to the issuer as the investment and the client deposit is refunded. decision 2 (REQUESTED or SIGNED): DISPUTED; a dispute with the signing's id opens for the arbitrators (Algorithm 3), deadline = now + the ledger's dispute window (default 7 days); money stays held. Errors: 400, 403 not the client, 404, 409 wrong state.`,
    operationId: 'contractConfirmed',
    params: SigningParams,
    body: Type.Object(
      {
        decision: Type.Union([Type.Literal(1), Type.Literal(2)], { description: '1 satisfied, 2 report fraud' }),
        statement: Type.Optional(Type.String({ minLength: 1, maxLength: 4096, description: 'With decision 2: what was misrepresented' })),
      },
      { additionalProperties: false, examples: [{ decision: 1 }, { decision: 2, statement: 'The delegate promised a guaranteed 12% return not in the contract' }] },
    ),
    response: ConfirmationResult,
  }),
  act({
    url: '/investment-contracts/:id/signings/:signingId/cancel',
    fn: 'investment:cancelSigning',
    summary: 'Withdraw a signing before both parties signed (client or delegate)',
    description: 'Not in the paper: lets a client leave a signing whose delegate was revoked or expired meanwhile. The client deposit and any committed amount are refunded; status CANCELLED. Errors: 403 neither party, 404, 409 not REQUESTED.',
    operationId: 'cancelSigning',
    params: SigningParams,
    body: OptionalReason('delegate no longer authorized'),
    response: SigningAction,
  }),
  page({ url: '/signings', fn: 'investment:listSignings', summary: "The caller's signings (as client, delegate or issuer), oldest first", operationId: 'listSignings', item: SigningRef }),
]);
