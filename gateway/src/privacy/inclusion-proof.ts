/**
 * The JSON form of an RFC 9162 inclusion proof of a private payment in its batch, as the gateway
 * serves it and `covenant-verify-inclusion` reads it, and the checks that turn text (hex, base64,
 * JSON) into the bytes chaincode/src/privacy/merkle.ts verifies. Pure: no I/O.
 *
 * Field names follow RFC 9162's InclusionProofDataV2 (leaf_index, tree_size, inclusion_path) in
 * camelCase; hashes are SHA-256, 64 hex digits (lowercase when served).
 */
import { Type, type Static } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';
// The module itself, not the package index: the index loads every contract and fabric-contract-api,
// which a command-line verifier does not need (and which log on load).
import { HASH_LENGTH, leafHash as hashLeaf, verifyInclusion, type InclusionProof, type Verification } from '@covenant/chaincode/dist/privacy/merkle';

/** A SHA-256 hash as 64 hex digits. */
export const HashHex = Type.String({ pattern: '^[0-9a-fA-F]{64}$', description: 'SHA-256 hash, 64 hex digits (lowercase when served)' });

/** Longest audit path accepted: a tree of 2^64 leaves needs 64 hashes. */
export const MAX_PATH_LENGTH = 64;

/** A proof file: what the CLI reads; root and leaf hash may come from flags instead. */
export const InclusionProofFile = Type.Object({
  leafIndex: Type.Integer({ minimum: 0, maximum: Number.MAX_SAFE_INTEGER, description: 'zero-based index of the payment in its batch' }),
  treeSize: Type.Integer({ minimum: 1, maximum: Number.MAX_SAFE_INTEGER, description: 'number of payments in the batch (read it with the root from the ledger)' }),
  leafHash: Type.Optional(HashHex),
  inclusionPath: Type.Array(HashHex, { maxItems: MAX_PATH_LENGTH, description: 'audit path, sibling hashes from the leaf up (RFC 9162 section 2.1.3.1)' }),
  rootHash: Type.Optional(HashHex),
}, { description: 'RFC 9162 inclusion proof; other fields are ignored' });
export type InclusionProofFile = Static<typeof InclusionProofFile>;

/** The inclusion proof as served over REST: every field present. */
export const InclusionProofJson = Type.Required(InclusionProofFile, {
  additionalProperties: false,
  description: 'RFC 9162 inclusion proof of one payment in its batch',
  examples: [{
    leafIndex: 5,
    treeSize: 8,
    leafHash: '4271a26be0d8a84f0bd54c8c302e7cb3a3b5d1fa6780a40bcce2873477dab658',
    inclusionPath: [
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ],
    rootHash: '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
  }],
});
export type InclusionProofJson = Static<typeof InclusionProofJson>;

/** Input that cannot be read as a proof (not a refusal of a well-formed proof). */
export class ProofInputError extends Error {
  override name = 'ProofInputError';
}

const HEX = /^(?:[0-9a-fA-F]{2})*$/;
const BASE64 = /^(?:[A-Za-z0-9+/_-]{4})*(?:[A-Za-z0-9+/_-]{2}(?:==)?|[A-Za-z0-9+/_-]{3}=?)?$/;

/**
 * Bytes from text: `hex:` or `base64:` prefixed, or else hex when it is an even number of hex
 * digits, or else base64 (standard or URL-safe alphabet, padding optional).
 * @param text the encoded bytes ('' is the empty byte string)
 * @param what what the text is, for the error message
 * @throws ProofInputError when the text is neither
 */
export function decodeBytes(text: string, what: string): Buffer {
  const trimmed = text.trim();
  const [, prefix, body] = /^(hex:|base64:)?(.*)$/s.exec(trimmed) ?? [];
  if (prefix !== 'base64:' && HEX.test(body)) return Buffer.from(body, 'hex');
  if (prefix !== 'hex:' && BASE64.test(body)) return Buffer.from(body.replace(/-/g, '+').replace(/_/g, '/'), 'base64');
  throw new ProofInputError(`${what} is neither hex nor base64: "${text.length > 80 ? `${text.slice(0, 77)}...` : text}"`);
}

/**
 * A 32-byte hash from hex or base64 text (see {@link decodeBytes}).
 * @throws ProofInputError when the text is not 32 bytes of hex or base64
 */
export function decodeHash(text: string, what: string): Buffer {
  const bytes = decodeBytes(text, what);
  if (bytes.length !== HASH_LENGTH) throw new ProofInputError(`${what} must be ${HASH_LENGTH} bytes (64 hex digits), got ${bytes.length}`);
  return bytes;
}

/**
 * An audit path from comma-separated hashes ('' is the empty path of a one-leaf tree).
 * @throws ProofInputError when a hash is malformed or the path is longer than 64
 */
export function decodePath(text: string): Buffer[] {
  const parts = text.split(',').map((p) => p.trim()).filter((p) => p !== '');
  if (parts.length > MAX_PATH_LENGTH) throw new ProofInputError(`the inclusion path has ${parts.length} hashes, more than ${MAX_PATH_LENGTH}`);
  return parts.map((p, i) => decodeHash(p, `inclusion path node ${i}`));
}

/**
 * Checks a parsed JSON value against {@link InclusionProofFile}.
 * @throws ProofInputError naming the first offending field
 */
export function parseProofFile(value: unknown): InclusionProofFile {
  if (Value.Check(InclusionProofFile, value)) return value;
  const first = Value.Errors(InclusionProofFile, value).First();
  throw new ProofInputError(`not an inclusion proof: ${first ? `${first.path || '/'} ${first.message}` : 'wrong shape'}`);
}

/** Everything needed to check one inclusion proof, decoded. */
export interface InclusionClaim {
  proof: InclusionProof;
  /** The leaf's hash: given, or SHA-256(0x00 || leaf) of the given leaf. */
  leafHash: Buffer;
  /** The trusted root, read with the tree size from the ledger. */
  rootHash: Buffer;
}

/** Text inputs of a claim (CLI flags over a proof file); each may be missing. */
export interface ClaimText {
  root?: string;
  leaf?: string;
  leafHash?: string;
  index?: string | number;
  size?: string | number;
  path?: string | string[];
}

/** A non-negative safe integer from text or a number. */
function integer(value: string | number, what: string, min: number): number {
  const n = typeof value === 'number' ? value : /^\s*\d+\s*$/.test(value) ? Number(value) : NaN;
  if (!Number.isSafeInteger(n) || n < min) throw new ProofInputError(`${what} must be an integer >= ${min}, got "${value}"`);
  return n;
}

/**
 * Decodes a claim from text. `leaf` (the payment's bytes) and `leafHash` are alternatives: giving
 * both is refused unless they agree.
 * @throws ProofInputError naming what is missing or malformed
 */
export function decodeClaim(text: ClaimText): InclusionClaim {
  const missing: string[] = (['root', 'index', 'size', 'path'] as const).filter((k) => text[k] === undefined);
  if (text.leaf === undefined && text.leafHash === undefined) missing.push('leaf or leaf hash');
  if (missing.length > 0) throw new ProofInputError(`missing: ${missing.join(', ')}`);
  const fromLeaf = text.leaf === undefined ? undefined : hashLeaf(decodeBytes(text.leaf, 'the leaf'));
  const given = text.leafHash === undefined ? undefined : decodeHash(text.leafHash, 'the leaf hash');
  if (fromLeaf && given && !fromLeaf.equals(given)) {
    throw new ProofInputError(`the leaf hashes to ${fromLeaf.toString('hex')}, not the leaf hash given (${given.toString('hex')})`);
  }
  const path = Array.isArray(text.path) ? decodePath(text.path.join(',')) : decodePath(text.path as string);
  return {
    proof: { leafIndex: integer(text.index!, 'the leaf index', 0), treeSize: integer(text.size!, 'the tree size', 1), inclusionPath: path },
    leafHash: (fromLeaf ?? given)!,
    rootHash: decodeHash(text.root!, 'the root'),
  };
}

/**
 * Verifies a decoded claim (RFC 9162 section 2.1.3.2).
 * @returns `{ ok: true }` or `{ ok: false, reason }`
 */
export function verifyClaim(claim: InclusionClaim): Verification {
  return verifyInclusion(claim.proof, claim.leafHash, claim.rootHash);
}
