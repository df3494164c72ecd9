import { Static, Type } from '@sinclair/typebox';
import { Account, AccountId, AccountParams, PositiveAmount, Roles } from './schemas';
import { problems } from './common';
import { chaincodeRoutes, forward } from './forward';
import { read } from './rows';

const AccountRef = Type.Ref(Account);
const Role = Type.Union([Type.Literal('issuer'), Type.Literal('arbitrator'), Type.Literal('broker'), Type.Literal('vendor')]);
const ROLES = ['roles'];

/** What `accounts:register` answers: the account, and whether this call created it. */
interface Registration {
  created: boolean;
  account: Static<typeof Account>;
}

/**
 * Accounts, mint and roles (DESIGN.md, "Money and accounts"). Chaincode contract `accounts` and,
 * for roles, `consortium`. Transfers, withdrawals and sub-balances: transfers.ts.
 */
export const accountRoutes = chaincodeRoutes(['accounts'], [
  forward({
    method: 'POST',
    url: '/accounts',
    fn: 'accounts:register',
    schema: {
      summary: "Register the caller's account",
      description: 'Idempotent: 201 with the new account the first time, 200 with the existing one after. The id is derived from the MSP ID and the certificate subject and issuer.',
      operationId: 'registerAccount',
      response: { 200: AccountRef, 201: AccountRef, ...problems() },
    },
    args: () => [],
    answer: (result: Registration) => ({ status: result.created ? 201 : 200, body: result.account }),
  }),
  read({ url: '/accounts/me', fn: 'accounts:getOwnAccount', summary: "The caller's account", operationId: 'getOwnAccount', response: AccountRef, statuses: [404] }),
  read({ url: '/accounts/:id', fn: 'accounts:getAccount', summary: 'An account (its owner or an issuer)', operationId: 'getAccount', params: AccountParams, response: AccountRef, statuses: [403, 404] }),
  forward({
    method: 'POST',
    url: '/accounts/:id/mint',
    idempotent: true,
    fn: 'accounts:mint',
    schema: {
      summary: 'Mint money into an account (issuer role)',
      description: 'Creates `amount` minor units in the account; recorded for reconciliation. Errors: 403 without the issuer role, 404 unknown account.',
      operationId: 'mintToAccount',
      params: AccountParams,
      body: Type.Object({ amount: PositiveAmount }, { additionalProperties: false, examples: [{ amount: '100000' }] }),
      response: { 200: AccountRef, ...problems(403, 404) },
    },
    args: ({ params, body }) => [params.id, body.amount],
  }),
  read({ url: '/accounts/:id/roles', fn: 'consortium:getRoles', tags: ROLES, summary: "An account's ledger roles", operationId: 'getRoles', params: AccountParams, response: Roles }),
  forward({
    method: 'POST',
    url: '/accounts/:id/roles',
    fn: 'consortium:grantRole',
    schema: {
      tags: ROLES,
      summary: 'Grant a ledger role (an administrator of the account owner organisation)',
      operationId: 'grantRole',
      params: AccountParams,
      body: Type.Object({ role: Role }, { additionalProperties: false }),
      response: { 200: Roles, ...problems(403, 404) },
    },
    args: ({ params, body }) => [params.id, body.role],
  }),
  forward({
    method: 'DELETE',
    url: '/accounts/:id/roles/:role',
    fn: 'consortium:revokeRole',
    schema: {
      tags: ROLES,
      summary: 'Revoke a ledger role (an administrator of the account owner organisation)',
      operationId: 'revokeRole',
      params: Type.Object({ id: AccountId, role: Role }),
      response: { 200: Roles, ...problems(403, 404) },
    },
    args: ({ params }) => [params.id, params.role],
  }),
]);
