import { forbidden, insufficientFunds, invalidArgument } from '../shared/errors';
import { parseSignature, verifyWithCertificate } from '../shared/signature';

/**
 * Parsing of the off-chain material a channel transaction carries (states and the parties'
 * signatures over them) and the signature check against the certificates on the parties'
 * accounts. Pure: the contract loads the certificates and passes them in.
 *
 * Codes: a malformed state or signature list is INVALID_ARGUMENT; a signature that is absent
 * (missing entry, null or "") or does not verify over the exact state bytes is FORBIDDEN.
 */
export type Signature = ReturnType<typeof parseSignature>;

/** Largest balance accepted in a state, in digits (as shared/amount.ts). */
const MAX_DIGITS = 30;
/** A balance in a signed state: a decimal integer; negative values parse so they can be refused as lacking funds. */
const BALANCE = /^(0|-?[1-9][0-9]*)$/;

/** A state version: a JSON integer 0..2^53-1. */
export function parseVersion(raw: unknown, field: string): number {
  if (typeof raw !== 'number' || !Number.isSafeInteger(raw) || raw < 0) {
    throw invalidArgument(`${field} must be a non-negative integer`);
  }
  return raw;
}

/** The two balances of a channel state, as decimal strings (`["700", "300"]`). */
export function parseBalances(raw: unknown, field: string): [bigint, bigint] {
  if (!Array.isArray(raw) || raw.length !== 2) throw invalidArgument(`${field} must list exactly two balances`);
  return raw.map((b, i) => {
    if (typeof b !== 'string' || !BALANCE.test(b) || b.replace('-', '').length > MAX_DIGITS) {
      throw invalidArgument(`${field}[${i}] must be a decimal string of minor units, such as "1250"`);
    }
    return BigInt(b);
  }) as [bigint, bigint];
}

export function parseFinal(raw: unknown, field: string): boolean {
  if (typeof raw !== 'boolean') throw invalidArgument(`${field} must be true or false`);
  return raw;
}

/**
 * A state's balances must conserve the channel's total (b1 + b2 = b1⁰ + b2⁰, INVALID_ARGUMENT)
 * and none may be negative (INSUFFICIENT_FUNDS: the paying party lacks funds in the channel).
 */
export function checkBalances(channel: string, total: bigint, balances: [bigint, bigint]): void {
  const sum = balances[0] + balances[1];
  if (sum !== total) {
    throw invalidArgument(`channel ${channel}: balances ${balances[0]} + ${balances[1]} = ${sum} do not conserve the channel total ${total}`);
  }
  const short = balances.findIndex((b) => b < 0n);
  if (short >= 0) {
    throw insufficientFunds(`channel ${channel}: party ${short + 1} would have a balance of ${balances[short]}: the channel lacks funds`);
  }
}

/** One signature entry: undefined when absent (missing, null or ""), INVALID_ARGUMENT when malformed. */
function parseEntry(raw: unknown, field: string): Signature | undefined {
  if (raw === undefined || raw === null || raw === '') return undefined;
  if (typeof raw !== 'string') throw invalidArgument(`${field} must be a base64 signature string`);
  try {
    return parseSignature(raw);
  } catch {
    throw invalidArgument(`${field} must be base64 of a DER or raw (r||s) ECDSA P-256 signature`);
  }
}

/** A two-party signature list `[sigA, sigB]` in the order of the channel's parties. */
export function parsePairSignatures(raw: unknown, field: string): [Signature | undefined, Signature | undefined] {
  if (!Array.isArray(raw) || raw.length > 2) throw invalidArgument(`${field} must be a list of the two parties' signatures [sigA, sigB]`);
  return [parseEntry(raw[0], `${field}[0]`), parseEntry(raw[1], `${field}[1]`)];
}

/**
 * A multiparty signature map `{accountId: sig}`: every key must be one of `parties`
 * (INVALID_ARGUMENT otherwise); returns the entries in the order of `parties`.
 */
export function parseSignatureMap(raw: unknown, parties: readonly string[], field: string): (Signature | undefined)[] {
  if (raw === null || typeof raw !== 'object' || Array.isArray(raw)) {
    throw invalidArgument(`${field} must be an object {accountId: signature}`);
  }
  const map = raw as Record<string, unknown>;
  const strangers = Object.keys(map).filter((k) => !parties.includes(k));
  if (strangers.length > 0) throw invalidArgument(`${field} has signatures of non-parties: ${strangers.sort().join(', ')}`);
  return parties.map((p) => parseEntry(Object.prototype.hasOwnProperty.call(map, p) ? map[p] : undefined, `${field}.${p}`));
}

export interface Signer {
  account: string;
  certificate: string;
}

/**
 * FORBIDDEN unless every signer's signature is present and verifies over `message` with the key
 * of the certificate on the signer's account.
 */
export function requireSignatures(message: Uint8Array, signers: Signer[], signatures: (Signature | undefined)[], what: string): void {
  signers.forEach((signer, i) => {
    const signature = signatures[i];
    if (!signature) throw forbidden(`the signature of ${signer.account} on ${what} is missing`);
    if (!verifyWithCertificate(signer.certificate, message, signature)) {
      throw forbidden(`the signature of ${signer.account} on ${what} does not verify with the certificate on its account`);
    }
  });
}

/** True when no signature is given at all. */
export function noneGiven(signatures: (Signature | undefined)[]): boolean {
  return signatures.every((s) => s === undefined);
}
