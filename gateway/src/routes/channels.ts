import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { TString, Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth';
import { HttpProblem, problem } from '../http/problem';
import type { ChaincodeClient } from '../ledger/chaincode';
import type { ChannelMessage, ChannelService } from '../channels/service';
import type { MultipartyService } from '../channels/multiparty';
import type { RoutePaymentService } from '../channels/route-payment';
import { AccountId, Amount, IdParams, Page, PageQuery, PositiveAmount, RecordId, Timestamp } from './schemas';
import { IdempotencyHeader, bearer, noSecurity, problems } from './common';
import { DEFAULT_CONSENT_SECONDS, DEFAULT_PROPOSAL_SECONDS, MAX_CONSENT_SECONDS, MAX_PROPOSAL_SECONDS } from '../channels/consent';

const PAPER = 'Research on Multiparty Payment Technology Based on Blockchain and Smart Contract Mechanism (J. Math. 2022), section 3';
const TAGS = ['channels'];
/**
 * The two parties' values, in the channel's party order: exactly two items. An array with
 * minItems/maxItems rather than Type.Tuple, whose draft-07 `items: [...]` is not valid in
 * OpenAPI 3.1 (JSON Schema 2020-12) and which Ajv's draft-07 mode would not read as prefixItems.
 */
const Pair = (t: TString) => Type.Array(t, { minItems: 2, maxItems: 2 });

export const SignedState = Type.Object({
  version: Type.Integer({ minimum: 0 }),
  balances: Pair(Amount),
  final: Type.Boolean(),
  signatures: Pair(Type.String({ description: 'Base64 DER ECDSA signature over tpcStateBytes' })),
});

export const Channel = Type.Object(
  {
    id: Type.String(),
    parties: Pair(AccountId),
    deposits: Pair(Amount),
    balances: Pair(Amount),
    version: Type.Integer({ description: 'Version of the state last put on the ledger' }),
    total: Amount,
    status: Type.Union([Type.Literal('OPEN'), Type.Literal('CLOSING'), Type.Literal('CLOSED')]),
    busy: Type.Union([Type.String(), Type.Null()], { description: 'Multiparty channel holding this channel, or null' }),
    closing: Type.Optional(Type.Object({ version: Type.Integer(), balances: Pair(Amount), deadline: Timestamp, registeredBy: AccountId })),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    closedAt: Type.Optional(Timestamp),
  },
  { $id: 'Channel' },
);
const ChannelRef = Type.Ref(Channel);

const ChannelSettings = Type.Object({
  challengePeriodSeconds: Type.Integer({ description: 'Unilateral-close challenge period, transaction time' }),
  multipartyTimeoutSeconds: Type.Integer({ description: 'Time without a multiparty update after which any one party may exit a multiparty channel alone (POST /v1/multiparty/{id}/exit)' }),
  updatedAt: Type.Optional(Timestamp),
  updatedBy: Type.Optional(AccountId),
});

const OpenChannel = Type.Object(
  {
    id: RecordId,
    counterparty: AccountId,
    deposit: Amount,
    counterpartyDeposit: Amount,
    expiresInSeconds: Type.Optional(
      Type.Integer({ minimum: 1, maximum: MAX_PROPOSAL_SECONDS, description: `With counterpartyDeposit > 0: how long the counterparty may accept the proposal (default ${DEFAULT_PROPOSAL_SECONDS})` }),
    ),
  },
  { additionalProperties: false, examples: [{ id: 'alice-bob-1', counterparty: '2222222222222222222222222222222222222222', deposit: '10000', counterpartyDeposit: '5000' }] },
);

export const ChannelProposal = Type.Object(
  {
    id: RecordId,
    status: Type.Union([Type.Literal('PROPOSED'), Type.Literal('ACCEPTED'), Type.Literal('DECLINED'), Type.Literal('WITHDRAWN'), Type.Literal('EXPIRED')], {
      description: 'PROPOSED until the counterparty accepts or declines, the opener withdraws, or expiresAt passes (EXPIRED)',
    }),
    role: Type.Union([Type.Literal('opener'), Type.Literal('counterparty')], { description: "The caller's role" }),
    parties: Pair(AccountId),
    deposits: Pair(Amount),
    expiresAt: Timestamp,
    createdAt: Timestamp,
    updatedAt: Timestamp,
  },
  { description: 'A channel opening that takes a deposit from the counterparty, waiting for its answer' },
);

const Payment = Type.Object({
  channel: Type.String(),
  version: Type.Integer(),
  balances: Pair(Amount),
  amount: PositiveAmount,
});

/**
 * Two-party payment channels: open (both gateways sign version 0, then openChannel on-chain),
 * pay off-chain (each payment a new version both sign), checkpoint, cooperative close, unilateral
 * close with a challenge period, settle. The off-chain messages between gateways arrive at
 * POST /v1/offchain (see channels/service.ts).
 */
export const channelRoutes: FastifyPluginAsyncTypebox<{ chaincode: ChaincodeClient; channels: ChannelService }> = async (app, { chaincode, channels }) => {
  app.post(
    '/channels',
    {
      config: { idempotent: true },
      schema: {
        tags: TAGS,
        summary: 'Open a two-party channel (createTPC), or propose one that takes a deposit from the counterparty',
        description: `With counterpartyDeposit "0" the opening takes nothing from the counterparty: both gateways sign the opening state (version 0, balances = deposits) at once and the deposit moves into the channel on-chain (201, the channel). With counterpartyDeposit > 0 nothing moves (202, a proposal): the counterparty accepts it at its own gateway (POST /v1/channels/{id}/accept) or declines it before expiresAt (DESIGN.md: money leaves a party only by its own act). Errors: 403 a signature does not verify, 404 unknown counterparty, 409 id taken, 422 insufficient funds, 503 the counterparty gateway is unreachable. Source: ${PAPER}.`,
        operationId: 'openChannel', security: bearer,
        headers: IdempotencyHeader,
        body: OpenChannel,
        response: { 201: ChannelRef, 202: ChannelProposal, ...problems(403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      const opened = await channels.open(principalOf(request), request.body);
      return reply.code(opened.status).send(opened.body as never);
    },
  );

  app.get(
    '/channels/proposals',
    {
      schema: {
        tags: TAGS,
        summary: "The caller's channel proposals, incoming (role counterparty) and outgoing (role opener), one page",
        description: 'As this gateway holds them; a PROPOSED one past expiresAt shows EXPIRED.',
        operationId: 'listChannelProposals', security: bearer,
        querystring: PageQuery,
        response: { 200: Type.Object({ items: Type.Array(ChannelProposal), bookmark: Type.String({ description: 'Pass as `bookmark` for the next page; empty on the last page' }) }), ...problems() },
      },
    },
    async (request) => channels.proposals(principalOf(request), Math.min(100, Number(request.query.pageSize ?? 20)), request.query.bookmark ?? ''),
  );

  app.post(
    '/channels/:id/accept',
    {
      config: { idempotent: true },
      schema: {
        tags: TAGS,
        summary: 'Accept a channel proposal as its counterparty: the channel opens with both deposits',
        description: `At the counterparty's own gateway: it signs the opening state, the opener's gateway countersigns only while the proposal is PROPOSED and unexpired, then openChannel moves both deposits into the channel. A repeat after a failed submission (e.g. 422) submits again. Errors: 403 the caller is the opener, 404 no such proposal for the caller, 409 declined, withdrawn or expired, 422 a party lacks the funds, 503 the opener's gateway is unreachable. Source: ${PAPER}.`,
        operationId: 'acceptChannelProposal', security: bearer,
        params: IdParams,
        headers: IdempotencyHeader,
        response: { 201: ChannelRef, ...problems(403, 404, 409, 422) },
      },
    },
    async (request, reply) => reply.code(201).send((await channels.accept(principalOf(request), request.params.id)) as never),
  );

  app.post(
    '/channels/:id/decline',
    {
      config: { idempotent: true },
      schema: {
        tags: TAGS,
        summary: 'Decline a channel proposal as its counterparty',
        description: "Nothing moves; the proposal becomes DECLINED at both gateways (the opener's is told; if it is unreachable its copy expires). Errors: 403 the caller is the opener, 404 no such proposal, 409 already accepted or withdrawn.",
        operationId: 'declineChannelProposal', security: bearer,
        params: IdParams,
        headers: IdempotencyHeader,
        response: { 200: ChannelProposal, ...problems(403, 404, 409) },
      },
    },
    async (request) => channels.decline(principalOf(request), request.params.id),
  );

  app.post(
    '/channels/:id/withdraw',
    {
      config: { idempotent: true },
      schema: {
        tags: TAGS,
        summary: 'Withdraw your channel proposal as its opener',
        description: "The proposal becomes WITHDRAWN at both gateways; an acceptance arriving afterwards is refused. Errors: 403 the caller is the counterparty, 404 no such proposal, 409 already accepted or declined.",
        operationId: 'withdrawChannelProposal', security: bearer,
        params: IdParams,
        headers: IdempotencyHeader,
        response: { 200: ChannelProposal, ...problems(403, 404, 409) },
      },
    },
    async (request) => channels.withdraw(principalOf(request), request.params.id),
  );

  app.get(
    '/channels',
    {
      schema: {
        tags: TAGS,
        summary: "The caller's channels, one page",
        operationId: 'listChannels', security: bearer,
        querystring: PageQuery,
        response: { 200: Page(ChannelRef), ...problems() },
      },
    },
    async (request) => {
      const page = await chaincode.evaluate<{ records: never[]; bookmark: string }>(principalOf(request), 'channels:listChannels', [request.query.pageSize ?? '', request.query.bookmark ?? '']);
      return { items: page.records, bookmark: page.bookmark };
    },
  );

  app.get(
    '/channels/settings',
    { schema: { tags: TAGS, summary: 'Channel settings (challenge period)', operationId: 'getChannelSettings', security: bearer, response: { 200: ChannelSettings, ...problems() } } },
    async (request) => chaincode.evaluate(principalOf(request), 'channels:getSettings', []),
  );

  app.patch(
    '/channels/settings',
    {
      schema: {
        tags: TAGS,
        summary: 'Set the challenge period and/or the multiparty timeout (an organisation administrator)',
        description:
          '`challengePeriodSeconds`: the unilateral-close challenge period (default 3600), applies to closes started afterwards. `multipartyTimeoutSeconds`: how long a multiparty channel may go without an update before any one party may exit it alone (default 86400), applies at once. Both 1..2592000 s of transaction time. Errors: 400 neither setting given, 403 not an administrator of a consortium member.',
        operationId: 'setChannelSettings', security: bearer,
        body: Type.Object(
          {
            challengePeriodSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 2592000 })),
            multipartyTimeoutSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: 2592000 })),
          },
          { additionalProperties: false, minProperties: 1 },
        ),
        response: { 200: ChannelSettings, ...problems(403) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const { challengePeriodSeconds, multipartyTimeoutSeconds } = request.body;
      if (challengePeriodSeconds === undefined && multipartyTimeoutSeconds === undefined) {
        throw new HttpProblem(problem(400, 'INVALID_ARGUMENT', 'give challengePeriodSeconds and/or multipartyTimeoutSeconds'));
      }
      let settings: unknown;
      if (challengePeriodSeconds !== undefined) settings = await chaincode.submit(principal, 'channels:setChallengePeriod', [String(challengePeriodSeconds)], reply);
      if (multipartyTimeoutSeconds !== undefined) settings = await chaincode.submit(principal, 'channels:setMultipartyTimeout', [String(multipartyTimeoutSeconds)], reply);
      return settings as never;
    },
  );

  app.get(
    '/channels/:id',
    { schema: { tags: TAGS, summary: 'A channel as the ledger holds it (parties only)', operationId: 'getChannel', security: bearer, params: IdParams, response: { 200: ChannelRef, ...problems(403, 404) } } },
    async (request) => chaincode.evaluate(principalOf(request), 'channels:getChannel', [request.params.id]),
  );

  app.post(
    '/channels/:id/forwarding',
    {
      schema: {
        tags: TAGS,
        summary: "Allow or forbid routing others' payments through your channel (standing consent)",
        description:
          "At your own gateway. With `allow: true` your gateway binds this channel into the multiparty channel of a routed payment (POST /v1/payments) coordinated by another party, and announces it to other gateways for routing; it still signs an update only if your balance over the route does not fall, and none that moves more than `cap` (minor units, optional) through this channel. `allow: false` withdraws the permission. Errors: 403 not a party, 404 unknown channel.",
        operationId: 'setChannelForwarding', security: bearer,
        params: IdParams,
        body: Type.Object({ allow: Type.Boolean(), cap: Type.Optional(PositiveAmount) }, { additionalProperties: false, examples: [{ allow: true, cap: '500' }] }),
        response: { 200: Type.Object({ channel: RecordId, account: AccountId, allow: Type.Boolean(), cap: Type.Optional(PositiveAmount) }), ...problems(403, 404) },
      },
    },
    async (request) => channels.setForwarding(principalOf(request), request.params.id, request.body.allow, request.body.cap),
  );

  app.get(
    '/channels/:id/state',
    {
      schema: {
        tags: TAGS,
        summary: 'The latest off-chain state both parties signed, as this gateway holds it',
        operationId: 'getChannelState', security: bearer,
        params: IdParams,
        response: { 200: SignedState, ...problems(404) },
      },
    },
    async (request) => channels.latest(principalOf(request), request.params.id),
  );

  app.post(
    '/channels/:id/payments',
    {
      config: { idempotent: true },
      schema: {
        tags: TAGS,
        summary: 'Pay the other party off-chain (updateTPC off-chain)',
        description: `A new version with the amount moved to the other party, signed by both gateways; nothing is written on the ledger. Errors: 404 not the caller's channel, 409 the other gateway refused, 422 the caller's channel balance is too low, 503 the other gateway is unreachable (the payment stays pending and is resolved with it at the next request). Source: ${PAPER}.`,
        operationId: 'payInChannel', security: bearer,
        params: IdParams,
        headers: IdempotencyHeader,
        body: Type.Object({ amount: PositiveAmount }, { additionalProperties: false, examples: [{ amount: '250' }] }),
        response: { 201: Payment, ...problems(403, 404, 409, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(await channels.pay(principalOf(request), request.params.id, BigInt(request.body.amount))),
  );

  const onChain = (path: string, operationId: string, summary: string, description: string, run: (principal: ReturnType<typeof principalOf>, id: string) => Promise<unknown>) =>
    app.post(
      `/channels/:id/${path}`,
      {
        config: { idempotent: true },
        schema: { tags: TAGS, summary, description, operationId, security: bearer, params: IdParams, headers: IdempotencyHeader, response: { 200: ChannelRef, ...problems(403, 404, 409) } },
      },
      async (request, reply) => reply.send((await run(principalOf(request), request.params.id)) as never),
    );

  onChain('checkpoint', 'checkpointChannel', 'Checkpoint the latest state on-chain (updateTPC)', `Submits the latest state both signed; the ledger refuses an older version, a non-conserving state or a bad signature. Source: ${PAPER}.`, (p, id) => channels.onChain(p, id, 'checkpoint'));
  onChain('close', 'closeChannel', 'Close cooperatively (closeTPC)', `Both sign a final state with the agreed balances; the balances return to the accounts. Source: ${PAPER}.`, (p, id) => channels.close(p, id));
  onChain('unilateral-close', 'startClose', 'Start a unilateral close', 'Registers the latest state both signed; the other party may answer with a newer one until the challenge period ends (Lightning/Perun-style dispute).', (p, id) => channels.onChain(p, id, 'startClose'));
  onChain('challenge', 'challengeClose', 'Challenge a unilateral close with the newer state', 'During the challenge period, replaces a registered older state with the latest state both signed.', (p, id) => channels.onChain(p, id, 'challengeClose'));
  onChain('settle', 'settleChannel', 'Settle a unilateral close after the challenge period', 'Pays out the newest registered state; anyone may settle once the period is over.', (p, id) => chaincode.submit(p, 'channels:settle', [id]));
};

/** Gateway-to-gateway messages of the channel protocol: authenticated by their signatures, not API keys. */
export const offchainRoutes: FastifyPluginAsyncTypebox<{ channels: ChannelService }> = async (app, { channels }) => {
  const MpcChannelState = Type.Object({ channel: RecordId, version: Type.Integer({ minimum: 0 }), balances: Pair(Amount) }, { additionalProperties: false });
  const Message = Type.Object({
    type: Type.Union([
      Type.Literal('tpc-create'),
      Type.Literal('tpc-propose'),
      Type.Literal('tpc-accept'),
      Type.Literal('tpc-decline'),
      Type.Literal('tpc-withdraw'),
      Type.Literal('tpc-update'),
      Type.Literal('tpc-close'),
      Type.Literal('tpc-sync'),
      Type.Literal('mpc-query'),
      Type.Literal('mpc-sign'),
    ]),
    channel: RecordId,
    from: AccountId,
    to: AccountId,
    parties: Type.Optional(Pair(AccountId)),
    expiresAt: Type.Optional(Type.String({ maxLength: 40 })),
    state: Type.Optional(Type.Object({ version: Type.Integer({ minimum: 0 }), balances: Pair(Amount), final: Type.Boolean() }, { additionalProperties: false })),
    at: Type.Optional(Type.String({ maxLength: 40 })),
    members: Type.Optional(Type.Object({ parties: Type.Array(AccountId, { maxItems: 50 }), channels: Type.Array(RecordId, { maxItems: 100 }) }, { additionalProperties: false })),
    mpcState: Type.Optional(Type.Object({ version: Type.Integer({ minimum: 0 }), channels: Type.Array(MpcChannelState, { maxItems: 100 }), final: Type.Boolean() }, { additionalProperties: false })),
    signature: Type.String({ maxLength: 200 }),
  });
  app.post(
    '/offchain',
    {
      schema: {
        tags: TAGS,
        summary: 'Off-chain channel message from another gateway (tpc-create, tpc-propose, tpc-accept, tpc-decline, tpc-withdraw, tpc-update, tpc-close, tpc-sync, mpc-query, mpc-sign)',
        description: `Signed by the sending party over the state bytes the chaincode verifies (or, for tpc-propose, tpc-decline and tpc-withdraw, over a domain-separated proposal or answer); answered with this party's countersignature (tpc-agree), a receipt (tpc-noted), the latest agreed state (tpc-sync), or a problem (tpc-reject). Source: ${PAPER}, off-chain messages. No API key: authenticated by the sending party's signature, verified with the certificate on its ledger account.`,
        operationId: 'receiveOffchainMessage',
        // No API key: the sending gateway is another organisation's. The message is authenticated by
        // the sending party's signature, checked against the certificate on its ledger account.
        security: noSecurity,
        body: Message,
        response: {
          200: Type.Union([
            Type.Object({ type: Type.Union([Type.Literal('tpc-agree'), Type.Literal('mpc-agree')]), signature: Type.String() }),
            Type.Object({ type: Type.Literal('tpc-state'), state: SignedState }),
            Type.Object({ type: Type.Literal('tpc-noted') }),
            Type.Object({ type: Type.Literal('mpc-channels'), channels: Type.Array(ChannelRef) }),
          ]),
          ...problems(403, 404, 409),
        },
      },
    },
    // The schema holds each Pair to exactly two items, which its static type (string[]) does not say.
    async (request) => (await channels.receive(request.body as ChannelMessage)) as never,
  );
};

export const Multiparty = Type.Object(
  {
    id: Type.String(),
    parties: Type.Array(AccountId),
    channels: Type.Array(Type.String()),
    version: Type.Integer(),
    status: Type.Union([Type.Literal('OPEN'), Type.Literal('CLOSED')]),
    states: Type.Array(Type.Object({ channel: Type.String(), version: Type.Integer(), balances: Pair(Amount) }), { description: "Member channels' current states" }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    closedAt: Type.Optional(Timestamp),
    exitedBy: Type.Optional(AccountId),
  },
  { $id: 'Multiparty' },
);
const MultipartyRef = Type.Ref(Multiparty);

/**
 * Multiparty channels (createMPC, updateMPC, closeMPC): the caller's gateway coordinates with every
 * party's gateway (mpc-query, mpc-sign) and submits; the ledger moves every member channel or none.
 */
export const multipartyRoutes: FastifyPluginAsyncTypebox<{ chaincode: ChaincodeClient; multiparty: MultipartyService; routed: RoutePaymentService }> = async (
  app,
  { chaincode, multiparty, routed },
) => {
  const TAG = ['multiparty'];
  app.post(
    '/payments',
    {
      config: { idempotent: true },
      schema: {
        tags: ['channels'],
        summary: 'Pay along a route of channels',
        description:
          "The caller's gateway learns the channels around it (its own and, up to 3 hops, those its neighbours' gateways announce), picks a route with Covenant's multipath router (default) or the paper's least-W heuristic (formulas 16-18), and settles every hop atomically as one multiparty transaction over the route's channels (open, update, close). Only channels whose parties allow forwarding (POST /v1/channels/{id}/forwarding) are announced and bound, besides the caller's own; an intermediary's gateway signs only if its balance over the route does not fall. The route's channels must be open, idle and checkpointed. Errors: 400 the payee is a direct counterparty (pay through the channel) or bad input, 403 a party refused, 422 no route can carry the amount.",
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

  app.post(
    '/multiparty',
    {
      config: { idempotent: true },
      schema: {
        tags: TAG,
        summary: 'Open a multiparty channel over open, idle two-party channels (createMPC)',
        description: `Your request is your consent; every other party must have consented at its own gateway beforehand (POST /v1/multiparty/{id}/consent with exactly these parties and channels) or allow forwarding on each of its channels here. Every party's gateway checks that and that its member channels are as on the ledger (and checkpointed), and signs version 0; the channels are then marked busy. A party that stops answering is left after the multiparty timeout (POST /v1/multiparty/{id}/exit). Errors: 403 a party did not consent (named), 404 unknown channel, 409 a channel busy or not checkpointed. Source: ${PAPER}.`,
        operationId: 'openMultiparty', security: bearer,
        headers: IdempotencyHeader,
        body: Type.Object({ id: RecordId, parties: Type.Array(AccountId, { minItems: 2, maxItems: 50 }), channels: Type.Array(RecordId, { minItems: 2, maxItems: 100 }) }, { additionalProperties: false }),
        response: { 201: MultipartyRef, ...problems(403, 404, 409) },
      },
    },
    async (request, reply) => reply.code(201).send((await multiparty.open(principalOf(request), request.body)) as never),
  );

  app.get(
    '/multiparty',
    {
      schema: {
        tags: TAG,
        summary: "The caller's multiparty channels, one page",
        operationId: 'listMultiparties', security: bearer,
        querystring: PageQuery,
        response: { 200: Page(MultipartyRef), ...problems() },
      },
    },
    async (request) => {
      const page = await chaincode.evaluate<{ records: never[]; bookmark: string }>(principalOf(request), 'channels:listMultiparties', [request.query.pageSize ?? '', request.query.bookmark ?? '']);
      return { items: page.records, bookmark: page.bookmark };
    },
  );

  app.get(
    '/multiparty/:id',
    { schema: { tags: TAG, summary: 'A multiparty channel (parties only)', operationId: 'getMultiparty', security: bearer, params: IdParams, response: { 200: MultipartyRef, ...problems(403, 404) } } },
    async (request) => chaincode.evaluate(principalOf(request), 'channels:getMultiparty', [request.params.id]),
  );

  app.post(
    '/multiparty/:id/consent',
    {
      schema: {
        tags: TAG,
        summary: 'Consent to binding your channels into a multiparty channel another party opens',
        description: `At your own gateway, before another party opens multiparty channel {id} (POST /v1/multiparty): your gateway then signs that opening only if its parties and channels are exactly these (any order) and the consent has not expired (default ${DEFAULT_CONSENT_SECONDS} s). Without it your gateway refuses (403 naming you) and nothing is bound. Errors: 400 you are not among the parties. Source: DESIGN.md, consent.`,
        operationId: 'consentToMultiparty', security: bearer,
        params: IdParams,
        body: Type.Object(
          {
            parties: Type.Array(AccountId, { minItems: 2, maxItems: 50 }),
            channels: Type.Array(RecordId, { minItems: 2, maxItems: 100 }),
            expiresInSeconds: Type.Optional(Type.Integer({ minimum: 1, maximum: MAX_CONSENT_SECONDS })),
          },
          { additionalProperties: false },
        ),
        response: {
          201: Type.Object({ multiparty: RecordId, account: AccountId, parties: Type.Array(AccountId), channels: Type.Array(RecordId), expiresAt: Timestamp }),
          ...problems(),
        },
      },
    },
    async (request, reply) => reply.code(201).send(await multiparty.consentTo(principalOf(request), request.params.id, request.body)),
  );

  app.post(
    '/multiparty/:id/authorizations',
    {
      schema: {
        tags: TAG,
        summary: 'Authorize your gateway to sign one multiparty update that takes up to `amount` from you',
        description: 'A payer in a multiparty transaction proposed by another party gives its consent here, at its own gateway; the authorization is used up by the next update it signs.',
        operationId: 'authorizeMultipartyPayment', security: bearer,
        params: IdParams,
        body: Type.Object({ amount: PositiveAmount }, { additionalProperties: false }),
        response: { 201: Type.Object({ multiparty: Type.String(), account: AccountId, amount: PositiveAmount }), ...problems() },
      },
    },
    async (request, reply) => reply.code(201).send(await multiparty.authorize(principalOf(request), request.params.id, BigInt(request.body.amount))),
  );

  app.post(
    '/multiparty/:id/payments',
    {
      config: { idempotent: true },
      schema: {
        tags: TAG,
        summary: 'Settle a multiparty transaction atomically (updateMPC)',
        description: `payments e.g. the paper's mptx {(P1,P3,1),(P2,P3,1),(P4,P3,1)}: each moves an amount between the two parties of a member channel. Every party signs; every member channel moves to a new version, or none does. A payer other than the caller must have authorized its share at its own gateway. Errors: 400 no member channel between two parties, 403 a payer did not authorize, 422 a member channel lacks the funds. Source: ${PAPER}.`,
        operationId: 'updateMultiparty', security: bearer,
        params: IdParams,
        headers: IdempotencyHeader,
        body: Type.Object({ payments: Type.Array(Type.Object({ from: AccountId, to: AccountId, amount: PositiveAmount }, { additionalProperties: false }), { minItems: 1, maxItems: 100 }) }, { additionalProperties: false }),
        response: { 200: MultipartyRef, ...problems(403, 404, 409, 422) },
      },
    },
    async (request) => (await multiparty.pay(principalOf(request), request.params.id, request.body.payments)) as never,
  );

  app.post(
    '/multiparty/:id/close',
    {
      config: { idempotent: true },
      schema: { tags: TAG, summary: 'Close a multiparty channel (closeMPC): member channels are released', operationId: 'closeMultiparty', security: bearer, params: IdParams, headers: IdempotencyHeader, response: { 200: MultipartyRef, ...problems(403, 404, 409) } },
    },
    async (request) => (await multiparty.close(principalOf(request), request.params.id)) as never,
  );

  app.post(
    '/multiparty/:id/exit',
    {
      config: { idempotent: true },
      schema: {
        tags: TAG,
        summary: 'Leave a multiparty channel alone after the multiparty timeout (exitMultiparty)',
        description:
          'The way out when other parties stop answering: once `multipartyTimeoutSeconds` (GET /v1/channels/settings, default 86400) have passed since the opening or the last update, any one party closes the multiparty channel without the others. Every member channel is released at its recorded on-ledger state (busy = null) and can then be closed as a two-party channel. Errors: 403 not a party, 404 unknown, 409 not OPEN or the timeout has not passed.',
        operationId: 'exitMultiparty', security: bearer,
        params: IdParams,
        headers: IdempotencyHeader,
        response: { 200: MultipartyRef, ...problems(403, 404, 409) },
      },
    },
    async (request, reply) => chaincode.submit(principalOf(request), 'channels:exitMultiparty', [request.params.id], reply) as never,
  );
};
