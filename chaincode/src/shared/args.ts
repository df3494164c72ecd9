import { invalidArgument } from './errors';

/**
 * Parsing of transaction arguments: JSON texts, request objects, ids. Every refusal is
 * INVALID_ARGUMENT naming the argument or field.
 */

/** The JSON value a transaction argument carries (a request body, a signature list or map). */
export function parseJsonArg(raw: string, what: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    throw invalidArgument(`${what} is not valid JSON`);
  }
}

/** A request object: a JSON object (not null, not an array) at `field`. */
export function parseObject(raw: unknown, field: string): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) throw invalidArgument(`${field} must be a JSON object`);
  return raw as Record<string, unknown>;
}

/** A transaction argument that carries a JSON object (the request body). */
export function parseObjectArg(raw: string, what: string): Record<string, unknown> {
  return parseObject(parseJsonArg(raw, what), what);
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Checks a client-chosen or derived record id: 1-64 of [A-Za-z0-9._-], starting alphanumeric. */
export function parseId(raw: unknown, field: string): string {
  if (typeof raw !== 'string' || !ID.test(raw)) {
    throw invalidArgument(`${field} must be 1-64 characters of letters, digits, '.', '_' or '-'`);
  }
  return raw;
}

const ACCOUNT_ID = /^[0-9a-f]{40}$/;

/** An account id (40 lowercase hex characters, shared/identity.ts accountIdOf). */
export function parseAccountId(raw: unknown, field: string): string {
  if (typeof raw !== 'string' || !ACCOUNT_ID.test(raw)) throw invalidArgument(`${field} must be an account id (40 hex characters)`);
  return raw;
}

/** Refuses members of a request object that the transaction does not know. */
export function rejectUnknownFields(obj: Record<string, unknown>, known: string[], what: string): void {
  const unknown = Object.keys(obj).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw invalidArgument(`${what} has unknown field(s): ${unknown.sort().join(', ')}`);
}
