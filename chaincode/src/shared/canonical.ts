/**
 * Canonical JSON: the one way chaincode turns values into bytes (DESIGN.md, "Chaincode rules":
 * JSON written with sorted keys). Object keys are sorted by UTF-16 code unit, bigints become
 * decimal strings, `undefined` members are dropped. The same value always gives the same bytes,
 * so every endorsing peer writes identical world state.
 */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortValue(value));
}

function sortValue(value: unknown): unknown {
  if (typeof value === 'bigint') return value.toString();
  if (Array.isArray(value)) return value.map(sortValue);
  if (value !== null && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(value).sort()) {
      const member = (value as Record<string, unknown>)[key];
      if (member !== undefined) out[key] = sortValue(member);
    }
    return out;
  }
  if (typeof value === 'number' && !Number.isSafeInteger(value)) {
    throw new Error(`canonicalJson: ${value} is not a safe integer (no floats in chaincode)`);
  }
  return value;
}

/** Canonical JSON as UTF-8 bytes, ready for putState or setEvent. */
export function canonicalBytes(value: unknown): Uint8Array {
  return Buffer.from(canonicalJson(value), 'utf8');
}
