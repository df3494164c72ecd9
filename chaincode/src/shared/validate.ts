import type { StaticDecode, TSchema } from '@sinclair/typebox';
import { Value, ValueError, ValueErrorType } from '@sinclair/typebox/value';
import { invalidArgument } from './errors';

/** Decodes a parsed JSON record into a typed one, throwing when it is not of the expected shape. */
export type Decoder<T> = (raw: unknown) => T;

/**
 * Checking values against the schemas of shared/schema.ts and the systems' schema.ts files, with
 * TypeBox's interpreted Value.* functions (no code generation: chaincode stays deterministic and
 * simple). One schema serves both ends: a request that fails it is INVALID_ARGUMENT naming the
 * field; a stored record that fails it is corrupt state, a plain Error (never a refusal).
 */

/** A JSON Pointer (`/recipients/0/account`) as a field name (`recipients[0].account`); `what` for the root. */
export function fieldName(pointer: string, what: string): string {
  if (pointer === '') return what;
  return pointer
    .slice(1)
    .split('/')
    .map((part) => part.replace(/~1/g, '/').replace(/~0/g, '~'))
    .reduce((name, part, i) => (/^\d+$/.test(part) ? `${name}[${part}]` : i === 0 ? part : `${name}.${part}`), '');
}

/** One sentence for the first problem TypeBox found: the field, then what it must be. */
export function describeError(error: ValueError, what: string): string {
  if (error.type === ValueErrorType.ObjectAdditionalProperties) {
    const parent = error.path.slice(0, error.path.lastIndexOf('/'));
    return `${fieldName(parent, what)} has unknown field(s): ${fieldName(error.path.slice(parent.length), what)}`;
  }
  const field = fieldName(error.path, what);
  if (error.type === ValueErrorType.ObjectRequiredProperty) return `${field} is required`;
  const description = typeof error.schema.description === 'string' ? `: ${error.schema.description}` : '';
  return `${field} is invalid (${error.message.replace(/^Expected/, 'expected')})${description}`;
}

/** The first problem of `value` against `schema` as a sentence, or undefined when it conforms. */
export function firstError(schema: TSchema, value: unknown, what: string): string | undefined {
  const error = Value.Errors(schema, value).First();
  return error ? describeError(error, what) : undefined;
}

/**
 * A request (a parsed JSON argument) checked against `schema` and decoded (transforms applied).
 * INVALID_ARGUMENT naming the first field that does not conform; `what` names the request.
 */
export function parseRequest<S extends TSchema>(schema: S, value: unknown, what: string): StaticDecode<S> {
  const problem = firstError(schema, value, what);
  if (problem) throw invalidArgument(problem);
  return Value.Decode(schema, value);
}

/**
 * The decoder of a stored record from its schema: checks the parsed JSON and decodes it
 * (stored amounts become bigints). A record that does not conform is corrupt state: a plain
 * Error `corrupt <what>: ...`. `upgrade` fills what older records lack.
 */
export function decoderOf<S extends TSchema, T = StaticDecode<S>>(schema: S, what: string, upgrade?: (record: StaticDecode<S>) => T): Decoder<T> {
  return (raw) => {
    const problem = firstError(schema, raw, what);
    if (problem) throw new Error(`corrupt ${what}: ${problem}`);
    const record = Value.Decode(schema, raw);
    return upgrade ? upgrade(record) : (record as unknown as T);
  };
}
