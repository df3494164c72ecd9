/**
 * RFC 9162 Merkle trees (chaincode/src/privacy/merkle.ts): the reference vectors of RFC 6962's
 * tree (as certificate-transparency and transparency-dev/merkle test with them), every inclusion
 * and consistency proof verifies, any altered proof is refused.
 */
import { createHash, randomBytes } from 'node:crypto';
import * as fc from 'fast-check';
import {
  emptyRoot, inclusionPathLength, inclusionProof, leafHash, merkleRoot, nodeHash, rootFromLeafHashes, verifyInclusion,
  type InclusionProof,
} from '../src/privacy/merkle';
import { consistencyProof, verifyConsistency } from '../src/privacy/merkle-consistency';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const fromHex = (s: string): Buffer => Buffer.from(s, 'hex');

/** The 8 leaves of the RFC 6962 reference tree and its roots for sizes 0..8 (transparency-dev/merkle testonly). */
const LEAVES = ['', '00', '10', '2021', '3031', '40414243', '5051525354555657', '606162636465666768696a6b6c6d6e6f'].map(fromHex);
const ROOTS = [
  'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
  '6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d',
  'fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125',
  'aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77',
  'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
  '4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4',
  '76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef',
  'ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c',
  '5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328',
];

/** n random leaf hashes. */
const randomLeafHashes = (n: number): Buffer[] => Array.from({ length: n }, () => leafHash(randomBytes(1 + (n % 40))));

/** A copy of the proof with one byte of one path node flipped. */
function flipped(proof: InclusionProof, node: number, byte: number): InclusionProof {
  const inclusionPath = proof.inclusionPath.map((p) => Buffer.from(p));
  inclusionPath[node][byte] ^= 0x01;
  return { ...proof, inclusionPath };
}

describe('RFC 9162 Merkle Tree Hash', () => {
  it('hashes leaves with 0x00 and nodes with 0x01 before SHA-256', () => {
    const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
    expect(hex(leafHash(fromHex('2021')))).toBe(sha(fromHex('002021')));
    const [a, b] = [leafHash(fromHex('00')), leafHash(fromHex('10'))];
    expect(hex(nodeHash(a, b))).toBe(sha(Buffer.concat([Buffer.of(1), a, b])));
    expect(hex(emptyRoot())).toBe(ROOTS[0]);
  });

  it('gives the reference roots of RFC 6962 trees of 0 to 8 leaves', () => {
    for (let n = 0; n <= 8; n++) expect(hex(merkleRoot(LEAVES.slice(0, n)))).toBe(ROOTS[n]);
  });

  it('splits at the largest power of two below the size, not in halves', () => {
    const h = randomLeafHashes(7);
    const left = rootFromLeafHashes(h.slice(0, 4));
    const right = nodeHash(nodeHash(h[4], h[5]), h[6]);
    expect(rootFromLeafHashes(h)).toEqual(nodeHash(left, right));
  });

  it('refuses leaf hashes that are not 32 bytes', () => {
    expect(() => rootFromLeafHashes([Buffer.alloc(31)])).toThrow(RangeError);
    expect(() => inclusionProof([Buffer.alloc(32)], 1)).toThrow(RangeError);
  });
});

describe('RFC 9162 inclusion proofs', () => {
  it('every proof of every leaf of trees of 1 to 70 leaves verifies against the root', () => {
    for (let n = 1; n <= 70; n++) {
      const hashes = randomLeafHashes(n);
      const root = rootFromLeafHashes(hashes);
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(hashes, i);
        expect(proof.inclusionPath).toHaveLength(inclusionPathLength(i, n));
        expect(verifyInclusion(proof, hashes[i], root)).toEqual({ ok: true });
      }
    }
  });

  it('matches the reference audit paths of the RFC 6962 tree', () => {
    // Leaf 0 of 8, leaf 5 of 8 and leaf 2 of 3, from the reference node hashes.
    const h = LEAVES.map(leafHash);
    expect(inclusionProof(h, 0).inclusionPath.map(hex)).toEqual([
      '96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7',
      '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e',
      '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4',
    ]);
    expect(inclusionProof(h, 5).inclusionPath.map(hex)).toEqual([
      'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b',
      'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0',
      'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7',
    ]);
    expect(inclusionProof(h.slice(0, 3), 2).inclusionPath.map(hex)).toEqual(['fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125']);
  });

  it('refuses a proof with any byte of any path node flipped, another leaf, a wrong index or root', () => {
    for (const n of [2, 3, 5, 8, 13, 31, 64, 70]) {
      const hashes = randomLeafHashes(n);
      const root = rootFromLeafHashes(hashes);
      for (let i = 0; i < n; i++) {
        const proof = inclusionProof(hashes, i);
        proof.inclusionPath.forEach((_, node) => {
          for (const byte of [0, 17, 31]) expect(verifyInclusion(flipped(proof, node, byte), hashes[i], root).ok).toBe(false);
        });
        expect(verifyInclusion(proof, hashes[(i + 1) % n], root).ok).toBe(false);
        for (let j = 0; j < n; j++) if (j !== i) expect(verifyInclusion({ ...proof, leafIndex: j }, hashes[i], root).ok).toBe(false);
        const wrongRoot = Buffer.from(root);
        wrongRoot[i % 32] ^= 0x80;
        expect(verifyInclusion(proof, hashes[i], wrongRoot).ok).toBe(false);
        expect(verifyInclusion({ ...proof, inclusionPath: proof.inclusionPath.slice(1) }, hashes[i], root).ok).toBe(false);
        expect(verifyInclusion({ ...proof, inclusionPath: [...proof.inclusionPath, root] }, hashes[i], root).ok).toBe(false);
      }
    }
  });

  it('refuses a wrong tree size whenever it changes the audit path, and says why', () => {
    const hashes = randomLeafHashes(21);
    const root = rootFromLeafHashes(hashes);
    for (let i = 0; i < 21; i++) {
      const proof = inclusionProof(hashes, i);
      for (let size = 1; size <= 64; size++) {
        if (size === 21 || (i < size && inclusionPathLength(i, size) === proof.inclusionPath.length)) continue;
        const result = verifyInclusion({ ...proof, treeSize: size }, hashes[i], root);
        expect(result.ok).toBe(false);
      }
    }
    expect(verifyInclusion({ ...inclusionProof(hashes, 20), treeSize: 20 }, hashes[20], root)).toEqual({ ok: false, reason: 'leaf index 20 is not below the tree size 20' });
  });

  it('any single-bit change of the leaf hash, a path node or the root is refused (property)', () => {
    fc.assert(fc.property(fc.integer({ min: 1, max: 300 }), fc.nat(), fc.nat(), fc.nat({ max: 255 }), (n, i0, target, bit) => {
      const hashes = Array.from({ length: n }, (_, k) => leafHash(Buffer.from(`payment ${k}`)));
      const i = i0 % n;
      const proof = inclusionProof(hashes, i);
      const root = rootFromLeafHashes(hashes);
      expect(verifyInclusion(proof, hashes[i], root)).toEqual({ ok: true });
      const parts = [hashes[i], ...proof.inclusionPath, root].map((b) => Buffer.from(b));
      const which = target % parts.length;
      parts[which][bit >> 3] ^= 1 << (bit & 7);
      const [leaf, ...rest] = parts;
      const altered = verifyInclusion({ ...proof, inclusionPath: rest.slice(0, -1) }, leaf, rest[rest.length - 1]);
      expect(altered.ok).toBe(false);
    }), { numRuns: 300 });
  });
});

describe('RFC 9162 consistency proofs', () => {
  it('every pair of sizes up to 40 has a proof that verifies, and altered ones fail', () => {
    const hashes = randomLeafHashes(40);
    const roots = Array.from({ length: 41 }, (_, n) => rootFromLeafHashes(hashes.slice(0, n)));
    for (let second = 1; second <= 40; second++) {
      for (let first = 0; first <= second; first++) {
        const proof = consistencyProof(hashes.slice(0, second), first);
        expect(verifyConsistency(proof, roots[first], roots[second])).toEqual({ ok: true });
        if (first === 0 || first === second) continue;
        expect(verifyConsistency(proof, roots[first - 1], roots[second]).ok).toBe(false);
        expect(verifyConsistency(proof, roots[first], roots[second - 1]).ok).toBe(false);
        proof.consistencyPath.forEach((_, k) => {
          const path = proof.consistencyPath.map((p) => Buffer.from(p));
          path[k][5] ^= 0x10;
          expect(verifyConsistency({ ...proof, consistencyPath: path }, roots[first], roots[second]).ok).toBe(false);
        });
        expect(verifyConsistency({ ...proof, consistencyPath: proof.consistencyPath.slice(0, -1) }, roots[first], roots[second]).ok).toBe(false);
      }
    }
  });

  it('matches the reference consistency proofs of the RFC 6962 tree (transparency-dev/merkle test vectors)', () => {
    const h = LEAVES.map(leafHash);
    const vectors: Array<[number, number, string[]]> = [
      [1, 8, ['96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7', '5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', '6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4']],
      [6, 8, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
      [2, 5, ['5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e', 'bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b']],
      [6, 7, ['0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a', 'b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f', 'd37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7']],
    ];
    for (const [first, second, path] of vectors) {
      expect(consistencyProof(h.slice(0, second), first).consistencyPath.map(hex)).toEqual(path);
      expect(verifyConsistency({ firstSize: first, secondSize: second, consistencyPath: path.map(fromHex) }, fromHex(ROOTS[first]), fromHex(ROOTS[second]))).toEqual({ ok: true });
    }
  });
});
