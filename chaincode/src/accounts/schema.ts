import { SchemaOptions, StaticDecode, Static, TSchema, Type } from '@sinclair/typebox';
import { AccountId, MspId, Timestamp, amountSchema, storedAmount } from '../shared/schema';

/**
 * The account's shapes, defined once (DESIGN.md, "Money and accounts"): the stored record
 * (`account` [id], amounts as bigints once decoded) and the view callers get (schema `$id`
 * Account in the gateway's OpenAPI document: amounts as decimal strings, no certificate).
 */
function accountFields<A extends TSchema>(amount: (options: SchemaOptions) => A) {
  return {
    id: AccountId,
    mspId: MspId,
    balance: amount({ description: 'Spendable minor units' }),
    held: amount({ description: 'Minor units held by open escrows' }),
    activeEscrows: Type.Integer({ minimum: 0, description: 'Escrows confirmed as recipient and not yet settled' }),
    subBalances: Type.Optional(SubBalanceCount),
    createdAt: Timestamp,
    updatedAt: Timestamp,
  };
}

/** Most sub-balances an account may be split into (accounts/README.md, "Hot payers"). */
export const MAX_SUB_BALANCES = 64;

/**
 * How many sub-balance keys hold part of the spendable balance; absent when the balance is on the
 * account key alone (no sub-balances).
 */
export const SubBalanceCount = Type.Integer({
  minimum: 2,
  maximum: MAX_SUB_BALANCES,
  description: 'Number of sub-balances the spendable balance is split across (absent: none); `balance` is their total with the account\'s own part',
});

/** The account as shown to callers: amounts as decimal strings, no certificate. */
export const AccountView = Type.Object(accountFields(amountSchema), { $id: 'Account' });
export type AccountView = Static<typeof AccountView>;

/**
 * The stored account: the view's fields plus the owner's identity and certificate (PEM).
 * `balance` is spendable; `held` is reserved by escrows and spendable by no one until released.
 */
export const AccountRecord = Type.Object({
  ...accountFields(storedAmount),
  identity: Type.String({ description: 'X.509 subject and issuer of the owner' }),
  certificate: Type.String({ description: 'The owner\'s X.509 certificate, PEM' }),
  subBalanceBound: Type.Optional(
    storedAmount({ description: 'With sub-balances: what the last merge spread over them, an upper bound of their sum (only the owner\'s sub-balance debits change them in between)' }),
  ),
});
export type Account = StaticDecode<typeof AccountRecord>;

/**
 * One sub-balance (`subBalance` [accountId, lane]): part of the owner's spendable balance that a
 * transfer or withdrawal naming this lane debits without reading the account key.
 */
export const SubBalanceRecord = Type.Object({
  account: AccountId,
  lane: Type.Integer({ minimum: 0, maximum: MAX_SUB_BALANCES - 1 }),
  balance: storedAmount({ description: 'Spendable minor units on this sub-balance' }),
});
export type SubBalance = StaticDecode<typeof SubBalanceRecord>;

/** The body of PUT /v1/accounts/{id}/sub-balances (accounts:setSubBalances). */
export const SubBalancesRequest = Type.Object(
  {
    count: Type.Integer({
      minimum: 0,
      maximum: MAX_SUB_BALANCES,
      description: 'Sub-balances to split the spendable balance across; 0 or 1 merges them back onto the account',
    }),
  },
  { additionalProperties: false, examples: [{ count: 32 }] },
);

/** The path parameters of a route on one account. */
export const AccountParams = Type.Object({ id: AccountId });
