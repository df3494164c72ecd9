/**
 * Merkle Tree Hash and inclusion proofs in the layout of RFC 9162 (Certificate Transparency 2.0),
 * section 2.1, the layout RFC 6962 introduced and sigstore's Rekor and Go's transparency-dev/merkle
 * verify. Private payments are committed in batches: the chaincode records each batch's root and
 * size; the gateway serves an inclusion proof (audit path) for one payment; anyone holding the
 * recorded root checks it with {@link verifyInclusion} (see MERKLE.md beside this file).
 *
 * Pure and deterministic (SHA-256 from node:crypto, no clock, no randomness), so the chaincode can
 * use it during endorsement. Hashes are 32-byte Uint8Arrays (Buffers); indexes and sizes are
 * non-negative safe integers (a batch never nears 2^53 leaves).
 */
import { createHash } from 'node:crypto';

/** Length in bytes of every hash in the tree (SHA-256). */
export const HASH_LENGTH = 32;

/** The domain-separation prefix of a leaf hash (RFC 9162 section 2.1.1). */
const LEAF_PREFIX = Uint8Array.of(0x00);
/** The domain-separation prefix of an interior node hash (RFC 9162 section 2.1.1). */
const NODE_PREFIX = Uint8Array.of(0x01);

/** A leaf's index and the size of the tree it is proved in: what an inclusion proof is about. */
export interface TreePosition {
  /** Zero-based index of the leaf, 0 <= leafIndex < treeSize. */
  leafIndex: number;
  /** Number of leaves in the tree whose root the proof leads to (>= 1). */
  treeSize: number;
}

/** An inclusion proof (RFC 9162 section 2.1.3): the audit path of one leaf in one tree. */
export interface InclusionProof extends TreePosition {
  /** Sibling hashes from the leaf up to the root, nearest the leaf first (32 bytes each). */
  inclusionPath: Uint8Array[];
}

/** The outcome of a verification: accepted, or refused with the first reason found. */
export type Verification = { ok: true } | { ok: false; reason: string };

/** SHA-256 of the concatenated byte strings. */
function sha256(...parts: Uint8Array[]): Buffer {
  const hash = createHash('sha256');
  for (const part of parts) hash.update(part);
  return hash.digest();
}

/**
 * The hash of the empty tree, MTH({}) = SHA-256() (RFC 9162 section 2.1.1).
 * @returns 32 bytes: e3b0c442...b855.
 */
export function emptyRoot(): Buffer {
  return sha256();
}

/**
 * The hash of one leaf, MTH({d(0)}) = SHA-256(0x00 || d(0)) (RFC 9162 section 2.1.1).
 * @param leaf the leaf's bytes, any length (for a payment: its canonical bytes)
 * @returns 32 bytes
 */
export function leafHash(leaf: Uint8Array): Buffer {
  return sha256(LEAF_PREFIX, leaf);
}

/**
 * The hash of an interior node, SHA-256(0x01 || left || right) (RFC 9162 section 2.1.1).
 * @param left the left child's hash (32 bytes)
 * @param right the right child's hash (32 bytes)
 * @returns 32 bytes
 */
export function nodeHash(left: Uint8Array, right: Uint8Array): Buffer {
  return sha256(NODE_PREFIX, left, right);
}

/**
 * The split point of a tree of n leaves: the largest power of two smaller than n (RFC 9162
 * section 2.1.1: "k < n <= 2k").
 * @param n number of leaves, at least 2
 * @throws RangeError when n < 2 or is not a safe integer
 */
export function splitPoint(n: number): number {
  if (!Number.isSafeInteger(n) || n < 2) throw new RangeError(`a split needs at least 2 leaves, got ${n}`);
  let k = 1;
  while (k * 2 < n) k *= 2;
  return k;
}

/** Throws unless every hash is HASH_LENGTH bytes. */
function assertHashes(hashes: readonly Uint8Array[], what: string): void {
  hashes.forEach((hash, i) => {
    if (!(hash instanceof Uint8Array) || hash.length !== HASH_LENGTH) {
      throw new RangeError(`${what}[${i}] must be ${HASH_LENGTH} bytes`);
    }
  });
}

/** MTH over the leaf hashes hashes[from, to), to > from (RFC 9162 section 2.1.1, recursively). */
function subtreeRoot(hashes: readonly Uint8Array[], from: number, to: number): Buffer {
  const n = to - from;
  if (n === 1) return Buffer.from(hashes[from]);
  const k = splitPoint(n);
  return nodeHash(subtreeRoot(hashes, from, from + k), subtreeRoot(hashes, from + k, to));
}

/**
 * The Merkle Tree Hash of a list of leaf hashes (RFC 9162 section 2.1.1); the empty list gives
 * {@link emptyRoot}. Cost: n - 1 node hashes.
 * @param leafHashes the leaves' hashes in order, 32 bytes each (see {@link leafHash})
 * @returns the 32-byte root
 * @throws RangeError when a hash is not 32 bytes
 */
export function rootFromLeafHashes(leafHashes: readonly Uint8Array[]): Buffer {
  assertHashes(leafHashes, 'leafHashes');
  return leafHashes.length === 0 ? emptyRoot() : subtreeRoot(leafHashes, 0, leafHashes.length);
}

/**
 * The Merkle Tree Hash of a list of leaves (RFC 9162 section 2.1.1): each leaf is hashed with
 * {@link leafHash}, then the tree is built with the largest-power-of-two split.
 * @param leaves the leaves' bytes in order (for a batch: the payments' canonical bytes)
 * @returns the 32-byte root
 */
export function merkleRoot(leaves: readonly Uint8Array[]): Buffer {
  return rootFromLeafHashes(leaves.map(leafHash));
}

/** Throws unless 0 <= leafIndex < treeSize, both safe integers. */
function assertPosition(leafIndex: number, treeSize: number): void {
  if (!Number.isSafeInteger(treeSize) || treeSize < 1) throw new RangeError(`treeSize must be a positive integer, got ${treeSize}`);
  if (!Number.isSafeInteger(leafIndex) || leafIndex < 0 || leafIndex >= treeSize) {
    throw new RangeError(`leafIndex must be an integer in [0, ${treeSize}), got ${leafIndex}`);
  }
}

/** PATH(m, D[from:to]) of RFC 9162 section 2.1.3.1, appended leaf-first to `path`. */
function auditPath(hashes: readonly Uint8Array[], m: number, from: number, to: number, path: Buffer[]): void {
  const n = to - from;
  if (n === 1) return;
  const k = splitPoint(n);
  if (m < k) {
    auditPath(hashes, m, from, from + k, path);
    path.push(subtreeRoot(hashes, from + k, to));
  } else {
    auditPath(hashes, m - k, from + k, to, path);
    path.push(subtreeRoot(hashes, from, from + k));
  }
}

/**
 * The inclusion proof of leaf `leafIndex` in the tree of the given leaf hashes: the audit path
 * PATH(m, D[n]) of RFC 9162 section 2.1.3.1. Cost: about n node hashes (the sibling subtrees are
 * hashed again); for many proofs of one large batch, keep the leaf hashes and call per request.
 * @param leafHashes every leaf hash of the tree, in order (32 bytes each)
 * @param leafIndex zero-based index of the leaf to prove
 * @returns the proof: leafIndex, treeSize (= leafHashes.length) and the path, nearest the leaf first
 * @throws RangeError when the index is out of range or a hash is not 32 bytes
 */
export function inclusionProof(leafHashes: readonly Uint8Array[], leafIndex: number): InclusionProof {
  assertHashes(leafHashes, 'leafHashes');
  assertPosition(leafIndex, leafHashes.length);
  const inclusionPath: Buffer[] = [];
  auditPath(leafHashes, leafIndex, 0, leafHashes.length, inclusionPath);
  return { leafIndex, treeSize: leafHashes.length, inclusionPath };
}

/**
 * The number of hashes in the audit path of a leaf at `leafIndex` in a tree of `treeSize` leaves.
 * @throws RangeError when the position is invalid
 */
export function inclusionPathLength(leafIndex: number, treeSize: number): number {
  assertPosition(leafIndex, treeSize);
  let length = 0;
  for (let m = leafIndex, n = treeSize; n > 1; length++) {
    const k = splitPoint(n);
    if (m < k) n = k;
    else [m, n] = [m - k, n - k];
  }
  return length;
}

/**
 * The root an inclusion proof leads to, by the algorithm of RFC 9162 section 2.1.3.2 (steps 1-5
 * without the final comparison).
 * @param proof leaf index, tree size and audit path
 * @param hash the leaf's hash (32 bytes, see {@link leafHash})
 * @returns the computed 32-byte root, or a refusal when the proof cannot be consumed (index not
 *   below the size, path too long or too short, a hash not 32 bytes)
 */
export function rootFromInclusionProof(proof: InclusionProof, hash: Uint8Array): { ok: true; root: Buffer } | { ok: false; reason: string } {
  const { leafIndex, treeSize, inclusionPath } = proof;
  if (!Number.isSafeInteger(treeSize) || treeSize < 1) return { ok: false, reason: `tree size must be a positive integer, got ${treeSize}` };
  if (!Number.isSafeInteger(leafIndex) || leafIndex < 0) return { ok: false, reason: `leaf index must be a non-negative integer, got ${leafIndex}` };
  if (leafIndex >= treeSize) return { ok: false, reason: `leaf index ${leafIndex} is not below the tree size ${treeSize}` };
  if (!(hash instanceof Uint8Array) || hash.length !== HASH_LENGTH) return { ok: false, reason: `the leaf hash must be ${HASH_LENGTH} bytes` };
  const badNode = inclusionPath.findIndex((p) => !(p instanceof Uint8Array) || p.length !== HASH_LENGTH);
  if (badNode >= 0) return { ok: false, reason: `inclusion path node ${badNode} must be ${HASH_LENGTH} bytes` };
  // Step 2: fn and sn as bigints, since the right shifts of JavaScript numbers are 32-bit.
  let fn = BigInt(leafIndex);
  let sn = BigInt(treeSize - 1);
  let r: Buffer = Buffer.from(hash);
  for (const p of inclusionPath) {
    if (sn === 0n) return { ok: false, reason: `the inclusion path is longer than a tree of ${treeSize} leaves allows` };
    if ((fn & 1n) === 1n || fn === sn) {
      r = nodeHash(p, r);
      if ((fn & 1n) === 0n) {
        while ((fn & 1n) === 0n && fn !== 0n) {
          fn >>= 1n;
          sn >>= 1n;
        }
      }
    } else {
      r = nodeHash(r, p);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  if (sn !== 0n) return { ok: false, reason: `the inclusion path is shorter than leaf ${leafIndex} of a tree of ${treeSize} leaves needs` };
  return { ok: true, root: r };
}

/**
 * Verifies an inclusion proof against a trusted root (RFC 9162 section 2.1.3.2). The tree size
 * must come with the root from the same trusted record (the batch on the ledger): an audit path
 * does not by itself bind the size, so some proofs also verify under a different claimed size.
 * @param proof leaf index, tree size and audit path
 * @param hash the leaf's hash (32 bytes, see {@link leafHash})
 * @param root the trusted root (32 bytes)
 * @returns `{ ok: true }`, or `{ ok: false, reason }` saying why it fails
 */
export function verifyInclusion(proof: InclusionProof, hash: Uint8Array, root: Uint8Array): Verification {
  if (!(root instanceof Uint8Array) || root.length !== HASH_LENGTH) return { ok: false, reason: `the root must be ${HASH_LENGTH} bytes` };
  const computed = rootFromInclusionProof(proof, hash);
  if (!computed.ok) return computed;
  if (!computed.root.equals(root)) {
    return { ok: false, reason: `the proof leads to root ${computed.root.toString('hex')}, not ${Buffer.from(root).toString('hex')}` };
  }
  return { ok: true };
}
