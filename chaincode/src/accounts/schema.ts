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
    createdAt: Timestamp,
    updatedAt: Timestamp,
  };
}

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
});
export type Account = StaticDecode<typeof AccountRecord>;

/** The path parameters of a route on one account. */
export const AccountParams = Type.Object({ id: AccountId });
