import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth';
import { HttpProblem, problem } from '../http/problem';
import { ChannelSettings, type ChannelView } from '@covenant/chaincode';
import type { ChaincodeClient } from '../ledger/chaincode';
import type { ChannelService, ProposalView } from '../channels/service';
import type { Principal } from '../identity/store';
import { DEFAULT_PROPOSAL_SECONDS, MAX_PROPOSAL_SECONDS } from '../channels/protocol';
import { AccountId, Amount, IdParams, PageQuery, PositiveAmount, RecordId } from './schemas';
import { IdempotencyHeader, bearer, problems } from './common';
import { ChannelProposal, ChannelRef, PAPER, Pair, SignedState, TAGS } from './channel-schemas';
import { registerChaincodeRoutes } from './forward';
import { preimageRoutes } from './preimages';
import { page, read } from './rows';

export { Channel, ChannelProposal, Multiparty, SignedState } from './channel-schemas';
export { multipartyRoutes } from './multiparty';
export { offchainRoutes } from './offchain';
export { paymentRoutes } from './payments';

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
 * POST /v1/offchain (offchain.ts; the protocol: channels/protocol/).
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
      return opened.status === 201 ? reply.code(201).send(opened.body) : reply.code(202).send(opened.body);
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
    async (request, reply) => reply.code(201).send(await channels.accept(principalOf(request), request.params.id)),
  );

  /** A proposal's answer by one of its parties at its own gateway: nothing moves, the proposal ends at both gateways. */
  const endProposal = (path: string, operationId: string, summary: string, description: string, run: (principal: Principal, id: string) => Promise<ProposalView>) =>
    app.post(
      `/channels/:id/${path}`,
      {
        config: { idempotent: true },
        schema: { tags: TAGS, summary, description, operationId, security: bearer, params: IdParams, headers: IdempotencyHeader, response: { 200: ChannelProposal, ...problems(403, 404, 409) } },
      },
      async (request) => run(principalOf(request), request.params.id),
    );

  endProposal(
    'decline',
    'declineChannelProposal',
    'Decline a channel proposal as its counterparty',
    "Nothing moves; the proposal becomes DECLINED at both gateways (the opener's is told; if it is unreachable its copy expires). Errors: 403 the caller is the opener, 404 no such proposal, 409 already accepted or withdrawn.",
    (p, id) => channels.decline(p, id),
  );
  endProposal(
    'withdraw',
    'withdrawChannelProposal',
    'Withdraw your channel proposal as its opener',
    'The proposal becomes WITHDRAWN at both gateways; an acceptance arriving afterwards is refused. Errors: 403 the caller is the counterparty, 404 no such proposal, 409 already accepted or declined.',
    (p, id) => channels.withdraw(p, id),
  );

  registerChaincodeRoutes(app, chaincode, TAGS, [
    page({ url: '/channels', fn: 'channels:listChannels', summary: "The caller's channels, one page", operationId: 'listChannels', item: ChannelRef }),
    read({ url: '/channels/settings', fn: 'channels:getSettings', summary: 'Channel settings (challenge period)', operationId: 'getChannelSettings', response: ChannelSettings }),
  ]);

  app.patch(
    '/channels/settings',
    {
      schema: {
        tags: TAGS,
        summary: 'Set the challenge period and/or the multiparty timeout (an organisation administrator)',
        description:
          '`challengePeriodSeconds`: the unilateral-close challenge period of two-party and multiparty channels (default 3600), applies to closes started afterwards. `multipartyTimeoutSeconds`: how long a multiparty channel may go without an on-ledger change before any one party may start its unilateral close alone with the recorded state (POST /v1/multiparty/{id}/exit; default 86400), applies at once. Both 1..2592000 s of transaction time. Errors: 400 neither setting given, 403 not an administrator of a consortium member.',
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
      let settings: ChannelSettings | undefined;
      if (challengePeriodSeconds !== undefined) settings = await chaincode.submit<ChannelSettings>(principal, 'channels:setChallengePeriod', [String(challengePeriodSeconds)], reply);
      if (multipartyTimeoutSeconds !== undefined) settings = await chaincode.submit<ChannelSettings>(principal, 'channels:setMultipartyTimeout', [String(multipartyTimeoutSeconds)], reply);
      return settings!;
    },
  );

  registerChaincodeRoutes(app, chaincode, TAGS, [
    read({ url: '/channels/:id', fn: 'channels:getChannel', summary: 'A channel as the ledger holds it (parties only)', operationId: 'getChannel', params: IdParams, response: ChannelRef, statuses: [403, 404] }),
    ...preimageRoutes,
  ]);

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
        description: `A new version with the amount moved to the other party, signed by both gateways and stored durably by both before the answer; nothing is written on the ledger. Payments by the same payer on the same channel made while an earlier one is in progress are agreed together in one new version (netted, in arrival order): each is answered on its own with that version's \`version\` and \`balances\` and its own \`amount\`. Errors: 404 not the caller's channel, 409 the other gateway refused, 422 the caller's channel balance is too low, 503 the other gateway is unreachable (the payment stays pending and is resolved with it at the next request). Source: ${PAPER}.`,
        operationId: 'payInChannel', security: bearer,
        params: IdParams,
        headers: IdempotencyHeader,
        body: Type.Object({ amount: PositiveAmount }, { additionalProperties: false, examples: [{ amount: '250' }] }),
        response: { 201: Payment, ...problems(403, 404, 409, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(await channels.pay(principalOf(request), request.params.id, BigInt(request.body.amount))),
  );

  const onChain = (path: string, operationId: string, summary: string, description: string, run: (principal: Principal, id: string) => Promise<ChannelView>) =>
    app.post(
      `/channels/:id/${path}`,
      {
        config: { idempotent: true },
        schema: { tags: TAGS, summary, description, operationId, security: bearer, params: IdParams, headers: IdempotencyHeader, response: { 200: ChannelRef, ...problems(403, 404, 409) } },
      },
      async (request, reply) => reply.send(await run(principalOf(request), request.params.id)),
    );

  onChain('checkpoint', 'checkpointChannel', 'Checkpoint the latest state on-chain (updateTPC)', `Submits the latest state both signed; the ledger refuses an older version, a non-conserving state or a bad signature. Source: ${PAPER}.`, (p, id) => channels.onChain(p, id, 'checkpoint'));
  onChain('close', 'closeChannel', 'Close cooperatively (closeTPC)', `Both sign a final state with the agreed balances; the balances return to the accounts. Source: ${PAPER}.`, (p, id) => channels.close(p, id));
  onChain('unilateral-close', 'startClose', 'Start a unilateral close', 'Registers the latest state both signed; the other party may answer with a newer one until the challenge period ends (Lightning/Perun-style dispute).', (p, id) => channels.onChain(p, id, 'startClose'));
  onChain('challenge', 'challengeClose', 'Challenge a unilateral close with the newer state', 'During the challenge period, replaces a registered older state with the latest state both signed.', (p, id) => channels.onChain(p, id, 'challengeClose'));
  onChain('settle', 'settleChannel', 'Settle a unilateral close after the challenge period', 'Pays out the newest registered state; anyone may settle once the period is over.', (p, id) => chaincode.submit<ChannelView>(p, 'channels:settle', [id]));
};
