/**
 * Cross-check of Covenant's RFC 9162 proofs (chaincode/src/privacy/merkle*.ts) with a maintained
 * verifier: github.com/transparency-dev/merkle v0.0.2, which sigstore's Rekor uses, driven by the Go
 * program in test/support/merkle-go. Every proof we produce for trees of 1..70 random leaves must be
 * accepted by it, every altered one refused, and on every case it and our verifier must agree.
 * Needs the Go toolchain (the module comes through the Go module proxy or the module cache); skips
 * with a message when `go` is not installed.
 */
import { execFileSync, spawnSync } from 'node:child_process';
import { randomBytes, randomInt } from 'node:crypto';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import {
  inclusionPathLength, inclusionProof, leafHash, rootFromLeafHashes, verifyInclusion, type InclusionProof, type Verification,
} from '../../chaincode/src/privacy/merkle';
import { consistencyProof, verifyConsistency, type ConsistencyProof } from '../../chaincode/src/privacy/merkle-consistency';

const GO_DIR = path.join(__dirname, '..', 'support', 'merkle-go');
const goVersion = spawnSync('go', ['version'], { encoding: 'utf8' });
const haveGo = goVersion.status === 0;
if (!haveGo) console.warn('merkle-crosscheck: SKIPPED, the Go toolchain (`go`) is not installed; install Go to cross-check with transparency-dev/merkle');

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');

/** What a case must come to: accepted, refused, or whatever our verifier says (only agreement is checked). */
type Expectation = 'accept' | 'refuse' | 'agree';

interface Case {
  what: string;
  expect: Expectation;
  ours: Verification;
  /** The line sent to the Go program. */
  line: Record<string, unknown>;
}

function inclusionCase(what: string, expect: Expectation, proof: InclusionProof, hash: Uint8Array, root: Uint8Array): Case {
  return {
    what, expect, ours: verifyInclusion(proof, hash, root),
    line: { kind: 'inclusion', leafIndex: proof.leafIndex, treeSize: proof.treeSize, leafHash: hex(hash), inclusionPath: proof.inclusionPath.map(hex), rootHash: hex(root) },
  };
}

function consistencyCase(what: string, expect: Expectation, proof: ConsistencyProof, firstRoot: Uint8Array, secondRoot: Uint8Array): Case {
  return {
    what, expect, ours: verifyConsistency(proof, firstRoot, secondRoot),
    line: { kind: 'consistency', firstSize: proof.firstSize, secondSize: proof.secondSize, consistencyPath: proof.consistencyPath.map(hex), firstRoot: hex(firstRoot), secondRoot: hex(secondRoot) },
  };
}

/** A copy of the hashes with one random byte of hashes[k] flipped. */
function flipOne(hashes: readonly Uint8Array[], k: number): Buffer[] {
  const copy = hashes.map((h) => Buffer.from(h));
  copy[k][randomInt(32)] ^= 1 << randomInt(8);
  return copy;
}

/** Every inclusion case of one tree of n random leaves: each proof, then its alterations. */
function inclusionCases(n: number): Case[] {
  // Distinct leaves (the index first, then 0..79 random bytes): two equal leaves would make
  // "claimed as another index" verify for real (both verifiers rightly accept it), as two empty
  // leaves side by side once did.
  const hashes = Array.from({ length: n }, (_, i) => leafHash(Buffer.concat([Buffer.from(Uint32Array.of(i).buffer), randomBytes(randomInt(0, 80))])));
  const root = rootFromLeafHashes(hashes);
  const cases: Case[] = [];
  for (let i = 0; i < n; i++) {
    const proof = inclusionProof(hashes, i);
    const at = `leaf ${i} of ${n}`;
    cases.push(inclusionCase(`${at}`, 'accept', proof, hashes[i], root));
    proof.inclusionPath.forEach((_, k) => {
      cases.push(inclusionCase(`${at}, byte flipped in path node ${k}`, 'refuse', { ...proof, inclusionPath: flipOne(proof.inclusionPath, k) }, hashes[i], root));
    });
    for (const j of new Set([i - 1, i + 1, (i + Math.ceil(n / 2)) % n, n, randomInt(n)])) {
      if (j >= 0 && j !== i) cases.push(inclusionCase(`${at} claimed as index ${j}`, 'refuse', { ...proof, leafIndex: j }, hashes[i], root));
    }
    for (const size of new Set([n - 1, n + 1, 2 * n, randomInt(1, 2 * n + 2)])) {
      if (size === n || size < 1) continue;
      // An audit path does not bind the size (MERKLE.md): a size giving the same path shape may verify.
      const sameShape = i < size && inclusionPathLength(i, size) === proof.inclusionPath.length;
      cases.push(inclusionCase(`${at} claimed in a tree of ${size}`, sameShape ? 'agree' : 'refuse', { ...proof, treeSize: size }, hashes[i], root));
    }
    cases.push(inclusionCase(`${at} against a root with a byte flipped`, 'refuse', proof, hashes[i], flipOne([root], 0)[0]));
    if (n > 1) cases.push(inclusionCase(`${at} against the root of the first ${n - 1} leaves`, 'refuse', proof, hashes[i], rootFromLeafHashes(hashes.slice(0, n - 1))));
    cases.push(inclusionCase(`${at} with another leaf's hash`, 'refuse', proof, leafHash(randomBytes(8)), root));
  }
  return cases;
}

/** Every consistency case between prefixes of one tree of n random leaves. */
function consistencyCases(n: number): Case[] {
  const hashes = Array.from({ length: n }, () => leafHash(randomBytes(16)));
  const roots = Array.from({ length: n + 1 }, (_, m) => rootFromLeafHashes(hashes.slice(0, m)));
  const cases: Case[] = [];
  for (let m = 0; m <= n; m++) {
    const proof = consistencyProof(hashes, m);
    cases.push(consistencyCase(`consistency ${m} -> ${n}`, 'accept', proof, roots[m], roots[n]));
    if (m === 0 || m === n) continue;
    proof.consistencyPath.forEach((_, k) => {
      cases.push(consistencyCase(`consistency ${m} -> ${n}, byte flipped in node ${k}`, 'refuse', { ...proof, consistencyPath: flipOne(proof.consistencyPath, k) }, roots[m], roots[n]));
    });
    cases.push(consistencyCase(`consistency ${m} -> ${n} against the first root of ${m - 1}`, 'refuse', proof, roots[m - 1], roots[n]));
    cases.push(consistencyCase(`consistency ${m} -> ${n} against a second root with a byte flipped`, 'refuse', proof, roots[m], flipOne([roots[n]], 0)[0]));
  }
  return cases;
}

(haveGo ? describe : describe.skip)('RFC 9162 proofs cross-checked with transparency-dev/merkle (Rekor\'s verifier)', () => {
  let dir: string;
  let binary: string;

  beforeAll(() => {
    dir = mkdtempSync(path.join(tmpdir(), 'merkle-go-'));
    binary = path.join(dir, 'merkle-go');
    execFileSync('go', ['build', '-o', binary, '.'], { cwd: GO_DIR, env: { ...process.env, GOFLAGS: '-mod=mod' }, stdio: ['ignore', 'ignore', 'pipe'] });
  }, 180_000);

  afterAll(() => {
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  /** Runs every case through the Go verifier; returns its answers in order. */
  function goVerdicts(cases: Case[]): Array<{ ok: boolean; error?: string }> {
    const stdout = execFileSync(binary, [], { input: cases.map((c) => JSON.stringify(c.line)).join('\n'), maxBuffer: 256 << 20, encoding: 'utf8' });
    return stdout.trim().split('\n').map((line) => JSON.parse(line) as { ok: boolean; error?: string });
  }

  /** The cases where an expectation or the agreement of the two verifiers fails, described. */
  function mismatches(cases: Case[]): string[] {
    const verdicts = goVerdicts(cases);
    expect(verdicts).toHaveLength(cases.length);
    return cases.flatMap((c, k) => {
      const go = verdicts[k];
      const wanted = c.expect === 'accept' ? true : c.expect === 'refuse' ? false : c.ours.ok;
      return go.ok === wanted && c.ours.ok === wanted ? [] : [`${c.what}: expected ${c.expect}, ours ${c.ours.ok ? 'accepted' : 'refused'}, Go ${go.ok ? 'accepted' : `refused (${go.error})`}`];
    });
  }

  it('accepts every inclusion proof of trees of 1 to 70 leaves and refuses every altered one, as ours does', () => {
    const cases = Array.from({ length: 70 }, (_, k) => inclusionCases(k + 1)).flat();
    expect(cases.filter((c) => c.expect === 'accept')).toHaveLength((70 * 71) / 2);
    expect(mismatches(cases)).toEqual([]);
    // The same-shape wrong sizes are where the size is not bound: both verifiers accept some of them.
    const unbound = cases.filter((c) => c.expect === 'agree');
    expect(unbound.length).toBeGreaterThan(0);
  });

  it('accepts every consistency proof between prefixes of trees up to 40 leaves and refuses every altered one', () => {
    const cases = Array.from({ length: 40 }, (_, k) => consistencyCases(k + 1)).flat();
    expect(mismatches(cases)).toEqual([]);
  });

  it('refuses the Go verifier\'s own way when a proof is tampered, so the harness can fail', () => {
    const hashes = [leafHash(Buffer.from('a')), leafHash(Buffer.from('b')), leafHash(Buffer.from('c'))];
    const proof = inclusionProof(hashes, 1);
    const [good, bad] = goVerdicts([
      inclusionCase('good', 'accept', proof, hashes[1], rootFromLeafHashes(hashes)),
      inclusionCase('bad', 'refuse', { ...proof, inclusionPath: flipOne(proof.inclusionPath, 0) }, hashes[1], rootFromLeafHashes(hashes)),
    ]);
    expect(good).toEqual({ ok: true });
    expect(bad.ok).toBe(false);
    expect(bad.error).toMatch(/root/i);
  });
});
