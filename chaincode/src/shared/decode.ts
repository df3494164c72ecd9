import { DECIMAL } from './amount';

/**
 * Small guards for decoding stored records: a record that is not what its key promises is
 * corrupt state, so these throw plain Errors (unexpected failures), never CovenantErrors.
 */
export function asObject(raw: unknown, what: string): Record<string, unknown> {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw new Error(`corrupt ${what}: not an object`);
  }
  return raw as Record<string, unknown>;
}

export function str(obj: Record<string, unknown>, field: string, what: string): string {
  const v = obj[field];
  if (typeof v !== 'string') throw new Error(`corrupt ${what}: ${field} is not a string`);
  return v;
}

export function optStr(obj: Record<string, unknown>, field: string, what: string): string | undefined {
  return obj[field] === undefined ? undefined : str(obj, field, what);
}

export function big(obj: Record<string, unknown>, field: string, what: string): bigint {
  const v = str(obj, field, what);
  if (!DECIMAL.test(v)) throw new Error(`corrupt ${what}: ${field} is not an amount`);
  return BigInt(v);
}

export function int(obj: Record<string, unknown>, field: string, what: string): number {
  const v = obj[field];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new Error(`corrupt ${what}: ${field} is not an integer`);
  return v;
}

export function bool(obj: Record<string, unknown>, field: string, what: string): boolean {
  const v = obj[field];
  if (typeof v !== 'boolean') throw new Error(`corrupt ${what}: ${field} is not a boolean`);
  return v;
}

export function strArray(obj: Record<string, unknown>, field: string, what: string): string[] {
  const v = obj[field];
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'string')) {
    throw new Error(`corrupt ${what}: ${field} is not a list of strings`);
  }
  return v as string[];
}
