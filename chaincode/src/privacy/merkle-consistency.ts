/**
 * Consistency proofs of RFC 9162 section 2.1.4: that the tree of the first `first` leaves of a
 * batch log is a prefix of the tree of `second` leaves, i.e. an append-only history of roots. A
 * single batch needs none; they serve a log of batch roots that grows, and an auditor who kept an
 * older root. Pure and deterministic, like merkle.ts beside it.
 */
import { HASH_LENGTH, nodeHash, rootFromLeafHashes, splitPoint, type Verification } from './merkle';

/** A consistency proof between two sizes of one append-only tree (RFC 9162 section 2.1.4). */
export interface ConsistencyProof {
  /** Size of the older tree (>= 0). */
  firstSize: number;
  /** Size of the newer tree (>= firstSize). */
  secondSize: number;
  /** The proof's hashes, in the order of RFC 9162 section 2.1.4.1 (32 bytes each). */
  consistencyPath: Uint8Array[];
}

/** SUBPROOF(m, D[from:to], b) of RFC 9162 section 2.1.4.1, appended to `path`. */
function subproof(hashes: readonly Uint8Array[], m: number, from: number, to: number, complete: boolean, path: Buffer[]): void {
  const n = to - from;
  if (m === n) {
    if (!complete) path.push(rootFromLeafHashes(hashes.slice(from, to)));
    return;
  }
  const k = splitPoint(n);
  if (m <= k) {
    subproof(hashes, m, from, from + k, complete, path);
    path.push(rootFromLeafHashes(hashes.slice(from + k, to)));
  } else {
    subproof(hashes, m - k, from + k, to, false, path);
    path.push(rootFromLeafHashes(hashes.slice(from, from + k)));
  }
}

/**
 * The consistency proof PROOF(m, D[n]) between the tree of the first `firstSize` leaf hashes and
 * the tree of all of them (RFC 9162 section 2.1.4.1). Empty when firstSize is 0 or equals n.
 * @param leafHashes every leaf hash of the newer tree, in order (32 bytes each)
 * @param firstSize size of the older tree, 0 <= firstSize <= leafHashes.length
 * @throws RangeError when firstSize is out of range
 */
export function consistencyProof(leafHashes: readonly Uint8Array[], firstSize: number): ConsistencyProof {
  const n = leafHashes.length;
  if (!Number.isSafeInteger(firstSize) || firstSize < 0 || firstSize > n) {
    throw new RangeError(`firstSize must be an integer in [0, ${n}], got ${firstSize}`);
  }
  const consistencyPath: Buffer[] = [];
  if (firstSize > 0 && firstSize < n) subproof(leafHashes, firstSize, 0, n, true, consistencyPath);
  return { firstSize, secondSize: n, consistencyPath };
}

/** Whether a positive integer is a power of two. */
function isPowerOfTwo(n: bigint): boolean {
  return n > 0n && (n & (n - 1n)) === 0n;
}

/**
 * Verifies a consistency proof between two trusted roots (RFC 9162 section 2.1.4.2). As
 * transparency-dev/merkle does, equal sizes need an empty proof and equal roots, and the empty
 * tree (firstSize 0) is consistent with every tree given an empty proof.
 * @param proof the two sizes and the proof's hashes
 * @param firstRoot the trusted root of the older tree (32 bytes)
 * @param secondRoot the trusted root of the newer tree (32 bytes)
 * @returns `{ ok: true }`, or `{ ok: false, reason }` saying why it fails
 */
export function verifyConsistency(proof: ConsistencyProof, firstRoot: Uint8Array, secondRoot: Uint8Array): Verification {
  const { firstSize, secondSize, consistencyPath } = proof;
  if (!Number.isSafeInteger(firstSize) || !Number.isSafeInteger(secondSize) || firstSize < 0 || secondSize < firstSize) {
    return { ok: false, reason: `sizes must be integers with 0 <= first <= second, got ${firstSize} and ${secondSize}` };
  }
  for (const [name, hash] of [['first root', firstRoot], ['second root', secondRoot], ...consistencyPath.map((p, i) => [`consistency path node ${i}`, p] as const)] as const) {
    if (!(hash instanceof Uint8Array) || hash.length !== HASH_LENGTH) return { ok: false, reason: `the ${name} must be ${HASH_LENGTH} bytes` };
  }
  if (firstSize === 0 || firstSize === secondSize) {
    if (consistencyPath.length > 0) return { ok: false, reason: 'the consistency path must be empty when the first tree is empty or both sizes are equal' };
    if (firstSize === secondSize && !Buffer.from(firstRoot).equals(secondRoot)) return { ok: false, reason: 'two trees of the same size have different roots' };
    return { ok: true };
  }
  // Step 1.
  if (consistencyPath.length === 0) return { ok: false, reason: 'the consistency path is empty' };
  // Step 2: when first is a power of two, its root is itself a node of the second tree.
  const path = isPowerOfTwo(BigInt(firstSize)) ? [firstRoot, ...consistencyPath] : consistencyPath;
  // Steps 3 and 4.
  let fn = BigInt(firstSize - 1);
  let sn = BigInt(secondSize - 1);
  while ((fn & 1n) === 1n) {
    fn >>= 1n;
    sn >>= 1n;
  }
  // Step 5.
  let fr = Buffer.from(path[0]);
  let sr = Buffer.from(path[0]);
  // Step 6.
  for (const c of path.slice(1)) {
    if (sn === 0n) return { ok: false, reason: `the consistency path is longer than sizes ${firstSize} and ${secondSize} allow` };
    if ((fn & 1n) === 1n || fn === sn) {
      fr = nodeHash(c, fr);
      sr = nodeHash(c, sr);
      while ((fn & 1n) === 0n && fn !== 0n) {
        fn >>= 1n;
        sn >>= 1n;
      }
    } else {
      sr = nodeHash(sr, c);
    }
    fn >>= 1n;
    sn >>= 1n;
  }
  // Step 7.
  if (sn !== 0n) return { ok: false, reason: `the consistency path is shorter than sizes ${firstSize} and ${secondSize} need` };
  if (!fr.equals(firstRoot)) return { ok: false, reason: `the proof leads to first root ${fr.toString('hex')}, not the one given` };
  if (!sr.equals(secondRoot)) return { ok: false, reason: `the proof leads to second root ${sr.toString('hex')}, not the one given` };
  return { ok: true };
}
