import { invalidArgument } from './errors';

/**
 * Parses a transaction argument that carries a JSON object (the request body), refusing anything
 * else with INVALID_ARGUMENT.
 */
export function parseObjectArg(raw: string, what: string): Record<string, unknown> {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    throw invalidArgument(`${what} is not valid JSON`);
  }
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    throw invalidArgument(`${what} must be a JSON object`);
  }
  return value as Record<string, unknown>;
}

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/;

/** Checks a client-chosen or derived record id: 1-64 of [A-Za-z0-9._-], starting alphanumeric. */
export function parseId(raw: unknown, field: string): string {
  if (typeof raw !== 'string' || !ID.test(raw)) {
    throw invalidArgument(`${field} must be 1-64 characters of letters, digits, '.', '_' or '-'`);
  }
  return raw;
}

/** Refuses members of a request object that the transaction does not know. */
export function rejectUnknownFields(obj: Record<string, unknown>, known: string[], what: string): void {
  const unknown = Object.keys(obj).filter((k) => !known.includes(k));
  if (unknown.length > 0) throw invalidArgument(`${what} has unknown field(s): ${unknown.sort().join(', ')}`);
}
