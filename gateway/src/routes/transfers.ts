import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyReply } from 'fastify';
import { Static, Type } from '@sinclair/typebox';
import { SubBalancesRequest } from '@covenant/chaincode';
import { principalOf } from '../http/auth';
import type { Principal } from '../identity/store';
import type { ChaincodeClient } from '../ledger/chaincode';
import { journalContext } from '../ledger/journal';
import { SubBalanceLanes } from '../ledger/sub-balance-lanes';
import { CoalescedReads } from '../ledger/coalesced-reads';
import { Account, AccountId, AccountParams, PositiveAmount, Timestamp, TxId } from './schemas';
import { IdempotencyHeader, bearer, problems } from './common';

const TAGS = ['accounts'];
const AccountRef = Type.Ref(Account);
type AccountView = Static<typeof Account>;

const Transfer = Type.Object({
  txId: TxId,
  from: AccountId,
  to: AccountId,
  amount: PositiveAmount,
  at: Timestamp,
  account: AccountRef,
});
const Withdrawal = Type.Object({ txId: TxId, amount: PositiveAmount, at: Timestamp, account: AccountRef });

const HOT_PAYERS =
  'An account split into sub-balances (PUT /v1/accounts/{id}/sub-balances) pays from one of them, chosen by this gateway per request, so concurrent payments from one account do not conflict; a payment larger than that sub-balance takes the whole balance (same result, slower). `account` is then read right after the commit, so it may include later changes.';

/** What the chaincode answers for a transfer or withdrawal: `account` on the slow path, `subBalance` on the fast one. */
interface Payment {
  account?: AccountView;
  subBalance?: unknown;
  [field: string]: unknown;
}

/** The gateway's hot-payer state: lane leases, and the account reads after fast-path commits. */
interface Hot {
  lanes: SubBalanceLanes;
  reads: CoalescedReads<AccountView>;
}

/**
 * Submits accounts:`fn` (transfer or withdraw) for the principal, through the lane this gateway
 * leases for it (`fn`FromSubBalance) when its account is known to be split, and answers the
 * chaincode's result with `account` always the caller's account view (read after the commit when
 * the fast path answered only its lane; concurrent requests of one payer share that read). A
 * repeated idempotent request calls the function its first attempt recorded, so the journal
 * resolves that transaction. Throws the ledger's errors.
 */
async function pay<R>(chaincode: ChaincodeClient, { lanes, reads }: Hot, principal: Principal, fn: 'transfer' | 'withdraw', args: string[], reply: FastifyReply): Promise<R> {
  const payer = principal.identity.certificate;
  const fast = `accounts:${fn}FromSubBalance`;
  const recorded = journalContext.getStore()?.recorded[0]?.fn;
  const lease = recorded === undefined || recorded === fast ? lanes.lease(payer) : undefined;
  let result: Payment;
  try {
    result = lease || recorded === fast
      ? await chaincode.submit<Payment>(principal, fast, [...args, String(lease?.lane ?? 0)], reply)
      : await chaincode.submit<Payment>(principal, `accounts:${fn}`, args, reply);
  } finally {
    lease?.release();
  }
  const { subBalance: _lane, ...payment } = result;
  const account = payment.account ?? (await reads.read(payer, () => chaincode.evaluate<AccountView>(principal, 'accounts:getOwnAccount', [])));
  lanes.learn(payer, account.subBalances);
  return { ...payment, account } as R;
}

/**
 * Transfers, withdrawals and sub-balances (DESIGN.md, "Money and accounts"; hot payers:
 * chaincode/src/accounts/README.md). Chaincode contract `accounts`. One SubBalanceLanes per app.
 */
export const transferRoutes: FastifyPluginAsyncTypebox<{ chaincode: ChaincodeClient }> = async (app, { chaincode }) => {
  const hot: Hot = { lanes: new SubBalanceLanes(), reads: new CoalescedReads() };

  app.post(
    '/transfers',
    {
      config: { idempotent: true },
      schema: {
        tags: TAGS,
        summary: "Transfer money from the caller's account",
        description: `Errors: 404 unknown recipient, 400 transfer to self, 422 insufficient funds. ${HOT_PAYERS}`,
        operationId: 'transfer',
        security: bearer,
        headers: IdempotencyHeader,
        body: Type.Object({ to: AccountId, amount: PositiveAmount }, { additionalProperties: false }),
        response: { 201: Transfer, ...problems(404, 409, 422) },
      },
    },
    async (request, reply) => {
      const { to, amount } = request.body;
      return reply.code(201).send(await pay<Static<typeof Transfer>>(chaincode, hot, principalOf(request), 'transfer', [to, amount], reply));
    },
  );

  app.post(
    '/withdrawals',
    {
      config: { idempotent: true },
      schema: {
        tags: TAGS,
        summary: "Withdraw money from the caller's account out of the ledger",
        description: `Recorded as a withdrawal for the bank to pay out. Errors: 422 insufficient funds. ${HOT_PAYERS}`,
        operationId: 'withdraw',
        security: bearer,
        headers: IdempotencyHeader,
        body: Type.Object({ amount: PositiveAmount }, { additionalProperties: false }),
        response: { 201: Withdrawal, ...problems(409, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(await pay<Static<typeof Withdrawal>>(chaincode, hot, principalOf(request), 'withdraw', [request.body.amount], reply)),
  );

  app.put(
    '/accounts/:id/sub-balances',
    {
      config: { idempotent: true },
      schema: {
        tags: TAGS,
        summary: "Split the owner's spendable balance across sub-balances (hot payers)",
        description:
          'The owner splits its spendable balance evenly across `count` sub-balance keys (2..64; 0 or 1 merges them back), so that up to `count` concurrent transfers or withdrawals from this account commit side by side instead of conflicting. `balance` stays the total; `subBalances` shows the count. Any debit larger than one sub-balance (and escrow holds, channel deposits, DBCS deposits) takes the whole balance and spreads the rest again. Errors: 400 count out of range, 403 not the owner, 409 the caller has no account.',
        operationId: 'setSubBalances',
        security: bearer,
        headers: IdempotencyHeader,
        params: AccountParams,
        body: SubBalancesRequest,
        response: { 200: AccountRef, ...problems(403, 409) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const account = await chaincode.submit<AccountView>(principal, 'accounts:setSubBalances', [request.params.id, String(request.body.count)], reply);
      hot.lanes.learn(principal.identity.certificate, account.subBalances);
      return reply.send(account);
    },
  );
};
