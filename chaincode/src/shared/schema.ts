import { FormatRegistry, SchemaOptions, TLiteral, TSchema, TUnion, Type } from '@sinclair/typebox';
import { DECIMAL, MAX_AMOUNT } from './amount';
import { TOTAL_BPS } from './bps';
import { HEX64 } from './hash';

/**
 * The field schemas every record and request is built from (TypeBox, i.e. JSON Schema): one
 * definition of each field's shape and limit, used by the chaincode to validate arguments and
 * decode stored records (shared/validate.ts) and by the gateway for its request and response
 * schemas and OpenAPI document. Amounts are minor units (cents) as decimal strings (DESIGN.md,
 * "Money and accounts").
 */

/** Digits after the first of the largest amount (MAX_AMOUNT = 10^18 - 1: 18 digits). */
const MORE_DIGITS = MAX_AMOUNT.toString().length - 1;

/** An amount in minor units as a decimal string, 0..MAX_AMOUNT; `options` add a description or examples. */
export function amountSchema(options: SchemaOptions = {}) {
  return Type.String({
    pattern: `^(0|[1-9][0-9]{0,${MORE_DIGITS}})$`,
    description: `Amount in minor units (cents) as a decimal string, at most ${MAX_AMOUNT}`,
    examples: ['1250'],
    ...options,
  });
}

/** An amount in minor units as a decimal string, 0..MAX_AMOUNT. */
export const Amount = amountSchema();

/** An amount greater than zero in minor units as a decimal string, 1..MAX_AMOUNT. */
export const PositiveAmount = Type.String({
  pattern: `^[1-9][0-9]{0,${MORE_DIGITS}}$`,
  description: `Amount greater than zero in minor units (cents) as a decimal string, at most ${MAX_AMOUNT}`,
  examples: ['1250'],
});

/**
 * A stored amount: a decimal string (any length: sums are checked against the ceiling where
 * they are made, shared/amount.ts) that decodes to a bigint of minor units and encodes back.
 * Chaincode-only: stored-record schemas use it so that one generic decoder yields bigints.
 */
export function storedAmount(options: SchemaOptions = {}) {
  return Type.Transform(Type.String({ pattern: DECIMAL.source, ...options }))
    .Decode((text) => BigInt(text))
    .Encode((value) => value.toString());
}

/** An account id: 40 lowercase hex characters (shared/identity.ts accountIdOf). */
export const AccountId = Type.String({
  pattern: '^[0-9a-f]{40}$',
  description: 'Account id: hex of the first 160 bits of SHA-256(mspId, X.509 identity)',
  examples: ['3f1d2c4b5a69788796a5b4c3d2e1f00112233445'],
});

/** A client-chosen or derived record id: 1-64 of [A-Za-z0-9._-], starting alphanumeric. */
export const RecordId = Type.String({
  pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$',
  description: 'Record id: 1-64 letters, digits, ".", "_" or "-"',
  examples: ['order-2026-0042'],
});

/** A Fabric MSP id (an organisation). */
export const MspId = Type.String({ minLength: 1, examples: ['Org1MSP'] });

/** An instant, ISO 8601 UTC (RFC 3339 `date-time`): every stored time is the transaction time or derived from it. */
export const Timestamp = Type.String({ format: 'date-time', description: 'Transaction time, ISO 8601 UTC' });

/** A Fabric transaction id. */
export const TxId = Type.String({ description: 'Fabric transaction id' });

/** A SHA-256 digest as 64 lowercase hex characters (terms, content and evidence hashes). */
export const Sha256Hex = Type.String({ pattern: HEX64.source, description: 'SHA-256 hex (64 lowercase characters)' });

/** A share in basis points, 1..TOTAL_BPS (10000 = the whole). */
export const ShareBps = Type.Integer({ minimum: 1, maximum: TOTAL_BPS, description: `Share in basis points; all shares sum to ${TOTAL_BPS}` });

/** The values of a union of literals (a status schema), in its order: `['OPEN', 'CLOSED']`. */
export function literalsOf<T extends TLiteral<string>[]>(union: TUnion<T>): readonly T[number]['const'][] {
  return union.anyOf.map((literal) => literal.const);
}

/** A bounded free text of 1..`max` characters. */
export function text(max: number, options: SchemaOptions = {}) {
  return Type.String({ minLength: 1, maxLength: max, ...options });
}

/** Default and largest page of a listing: the one page-size limit (shared/state.ts parsePageSize). */
export const DEFAULT_PAGE_SIZE = 20;
export const MAX_PAGE_SIZE = 100;

/** The `pageSize` argument of a listing: a decimal string 1..MAX_PAGE_SIZE (a power of ten). */
export const PageSize = Type.String({
  pattern: `^(${MAX_PAGE_SIZE}|[1-9][0-9]{0,${MAX_PAGE_SIZE.toString().length - 2}})$`,
  description: `1 to ${MAX_PAGE_SIZE} (a decimal string), default ${DEFAULT_PAGE_SIZE}`,
});

/** The querystring of every paged listing (Fabric bookmarks). */
export const PageQuery = Type.Object({
  pageSize: Type.Optional(PageSize),
  bookmark: Type.Optional(Type.String({ maxLength: 1024, description: 'From the previous page' })),
});

/** A page of `item`s and the bookmark of the next page. */
export const Page = <T extends TSchema>(item: T) =>
  Type.Object({
    items: Type.Array(item),
    bookmark: Type.String({ description: 'Pass as `bookmark` for the next page; empty on the last page' }),
  });

/**
 * RFC 3339 date-time (the JSON Schema `date-time` format), for TypeBox's Value.Check, which
 * refuses formats it does not know. Ajv (the gateway) has its own.
 */
const DATE_TIME = /^\d{4}-\d{2}-\d{2}[Tt ]\d{2}:\d{2}:\d{2}(\.\d+)?([Zz]|[+-]\d{2}:\d{2})$/;
if (!FormatRegistry.Has('date-time')) FormatRegistry.Set('date-time', (value) => DATE_TIME.test(value) && Number.isFinite(Date.parse(value)));
