import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth';
import type { ChaincodeClient } from '../ledger/chaincode';
import { Account, AccountId, AccountParams, PositiveAmount, Roles, Timestamp, TxId } from './schemas';
import { IdempotencyHeader, bearer, problems } from './common';

const AccountRef = Type.Ref(Account);
const Transfer = Type.Object({
  txId: TxId,
  from: AccountId,
  to: AccountId,
  amount: PositiveAmount,
  at: Timestamp,
  account: AccountRef,
});
const Withdrawal = Type.Object({ txId: TxId, amount: PositiveAmount, at: Timestamp, account: AccountRef });

/**
 * Accounts, money movements and roles (DESIGN.md, "Money and accounts"). Chaincode contract
 * `accounts` and, for roles, `consortium`.
 */
export const accountRoutes: FastifyPluginAsyncTypebox<{ chaincode: ChaincodeClient }> = async (app, { chaincode }) => {
  app.post(
    '/accounts',
    {
      schema: {
        tags: ['accounts'],
        summary: "Register the caller's account",
        description: 'Idempotent: 201 with the new account the first time, 200 with the existing one after. The id is derived from the MSP ID and the certificate subject and issuer.',
        operationId: 'registerAccount', security: bearer,
        response: { 200: AccountRef, 201: AccountRef, ...problems() },
      },
    },
    async (request, reply) => {
      const result = await chaincode.submit<{ created: boolean; account: unknown }>(principalOf(request), 'accounts:register', [], reply);
      return reply.code(result.created ? 201 : 200).send(result.account as never);
    },
  );

  app.get(
    '/accounts/me',
    {
      schema: {
        tags: ['accounts'],
        summary: "The caller's account",
        operationId: 'getOwnAccount', security: bearer,
        response: { 200: AccountRef, ...problems(404) },
      },
    },
    async (request) => chaincode.evaluate(principalOf(request), 'accounts:getOwnAccount', []),
  );

  app.get(
    '/accounts/:id',
    {
      schema: {
        tags: ['accounts'],
        summary: 'An account (its owner or an issuer)',
        operationId: 'getAccount', security: bearer,
        params: AccountParams,
        response: { 200: AccountRef, ...problems(403, 404) },
      },
    },
    async (request) => chaincode.evaluate(principalOf(request), 'accounts:getAccount', [request.params.id]),
  );

  app.post(
    '/accounts/:id/mint',
    {
      config: { idempotent: true },
      schema: {
        tags: ['accounts'],
        summary: 'Mint money into an account (issuer role)',
        description: 'Creates `amount` minor units in the account; recorded for reconciliation. Errors: 403 without the issuer role, 404 unknown account.',
        operationId: 'mintToAccount', security: bearer,
        params: AccountParams,
        headers: IdempotencyHeader,
        body: Type.Object({ amount: PositiveAmount }, { additionalProperties: false, examples: [{ amount: '100000' }] }),
        response: { 200: AccountRef, ...problems(403, 404) },
      },
    },
    async (request, reply) =>
      chaincode.submit(principalOf(request), 'accounts:mint', [request.params.id, request.body.amount], reply),
  );

  app.post(
    '/transfers',
    {
      config: { idempotent: true },
      schema: {
        tags: ['accounts'],
        summary: "Transfer money from the caller's account",
        description: 'Errors: 404 unknown recipient, 400 transfer to self, 422 insufficient funds.',
        operationId: 'transfer', security: bearer,
        headers: IdempotencyHeader,
        body: Type.Object({ to: AccountId, amount: PositiveAmount }, { additionalProperties: false }),
        response: { 201: Transfer, ...problems(404, 409, 422) },
      },
    },
    async (request, reply) => {
      const result = await chaincode.submit(principalOf(request), 'accounts:transfer', [request.body.to, request.body.amount], reply);
      return reply.code(201).send(result as never);
    },
  );

  app.post(
    '/withdrawals',
    {
      config: { idempotent: true },
      schema: {
        tags: ['accounts'],
        summary: "Withdraw money from the caller's account out of the ledger",
        description: 'Recorded as a withdrawal for the bank to pay out. Errors: 422 insufficient funds.',
        operationId: 'withdraw', security: bearer,
        headers: IdempotencyHeader,
        body: Type.Object({ amount: PositiveAmount }, { additionalProperties: false }),
        response: { 201: Withdrawal, ...problems(409, 422) },
      },
    },
    async (request, reply) => {
      const result = await chaincode.submit(principalOf(request), 'accounts:withdraw', [request.body.amount], reply);
      return reply.code(201).send(result as never);
    },
  );

  app.get(
    '/accounts/:id/roles',
    {
      schema: { tags: ['roles'], summary: "An account's ledger roles", operationId: 'getRoles', security: bearer, params: AccountParams, response: { 200: Roles, ...problems() } },
    },
    async (request) => chaincode.evaluate(principalOf(request), 'consortium:getRoles', [request.params.id]),
  );

  app.post(
    '/accounts/:id/roles',
    {
      schema: {
        tags: ['roles'],
        summary: 'Grant a ledger role (an administrator of the account owner organisation)',
        operationId: 'grantRole', security: bearer,
        params: AccountParams,
        body: Type.Object({ role: Type.Union([Type.Literal('issuer'), Type.Literal('arbitrator')]) }, { additionalProperties: false }),
        response: { 200: Roles, ...problems(403, 404) },
      },
    },
    async (request, reply) => chaincode.submit(principalOf(request), 'consortium:grantRole', [request.params.id, request.body.role], reply),
  );

  app.delete(
    '/accounts/:id/roles/:role',
    {
      schema: {
        tags: ['roles'],
        summary: 'Revoke a ledger role (an administrator of the account owner organisation)',
        operationId: 'revokeRole', security: bearer,
        params: Type.Object({ id: AccountId, role: Type.Union([Type.Literal('issuer'), Type.Literal('arbitrator')]) }),
        response: { 200: Roles, ...problems(403, 404) },
      },
    },
    async (request, reply) => chaincode.submit(principalOf(request), 'consortium:revokeRole', [request.params.id, request.params.role], reply),
  );
};
