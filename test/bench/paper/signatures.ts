/**
 * Finding the parties' signatures in what the gateways exchange and submit, to count them: an
 * off-chain message or answer (JSON) or a transaction's arguments (strings, some of them JSON).
 * A signature is any string that is a base64 DER ECDSA P-256 signature (a SEQUENCE of two
 * INTEGERs, 68 to 72 bytes: base64 "ME..." of 92 to 96 characters; the channel protocol signs
 * with P-256, channels/protocol/signature.ts) or the string value of a field named `signature` /
 * an item of a field named `signatures`, wherever it sits.
 */

const DER_P256 = /^ME[A-Za-z0-9+/]{86,94}={0,2}$/;

/** Adds every signature found in `value` (parsed JSON, or a string that may hold JSON) to `into`. */
export function collectSignatures(value: unknown, into: Set<string>, named = false): void {
  if (typeof value === 'string') {
    if (named || DER_P256.test(value)) into.add(value);
    else if (value.startsWith('{') || value.startsWith('[')) {
      try {
        collectSignatures(JSON.parse(value), into);
      } catch {
        /* not JSON */
      }
    }
  } else if (Array.isArray(value)) {
    for (const v of value) collectSignatures(v, into, named);
  } else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) collectSignatures(v, into, named || k === 'signature' || k === 'signatures');
  }
}
