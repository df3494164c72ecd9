import { Type, Static } from '@sinclair/typebox';
import { AccountView, EscrowView } from '@covenant/chaincode';

/**
 * TypeBox schemas shared by the routes. Each shape is defined once, beside its system in the
 * chaincode (a schema.ts per system under chaincode/src, and shared/schema.ts), and re-exported here under the names
 * the routes use. Amounts are minor units (cents) as decimal strings (DESIGN.md, "Money and
 * accounts"); the OpenAPI document at /docs is generated from these.
 */
export {
  Amount,
  PositiveAmount,
  AccountId,
  RecordId,
  Timestamp,
  TxId,
  EscrowStatus,
  RulingOutcome,
  PageQuery,
  AccountParams,
  Roles,
  ConsortiumConfig,
} from '@covenant/chaincode';
import { RecordId } from '@covenant/chaincode';

/** The account view, schema `$id` Account. */
export const Account = AccountView;
/** The escrow view, schema `$id` Escrow. */
export const Escrow = EscrowView;
export type EscrowT = Static<typeof Escrow>;

/** A page of `item` (a `Type.Ref` to a shared schema) and the bookmark of the next page. */
export const Page = <T extends ReturnType<typeof Type.Ref>>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    bookmark: Type.String({ description: 'Pass as `bookmark` for the next page; empty on the last page' }),
  });

export const IdParams = Type.Object({ id: RecordId });
