/**
 * covenant-verify-inclusion (gateway/src/cli/verify-inclusion.ts): exit 0 and a "verified" line for
 * a good proof given by file or flags, exit 1 and one clear line for a refused or malformed one.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { inclusionProof, leafHash, rootFromLeafHashes } from '@covenant/chaincode';
import { main } from '../src/cli/verify-inclusion';
import { decodeBytes, InclusionProofJson, ProofInputError } from '../src/privacy/inclusion-proof';
import { Value } from '@sinclair/typebox/value';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const LEAVES = Array.from({ length: 11 }, (_, k) => Buffer.from(`payment ${k}`));
const HASHES = LEAVES.map(leafHash);
const ROOT = rootFromLeafHashes(HASHES);

/** The proof of leaf i as the gateway serves it. */
function served(i: number) {
  const proof = inclusionProof(HASHES, i);
  return { leafIndex: i, treeSize: HASHES.length, leafHash: hex(HASHES[i]), inclusionPath: proof.inclusionPath.map(hex), rootHash: hex(ROOT) };
}

/** Runs the CLI; returns its status and what it wrote. */
function run(...args: string[]): { status: number; out: string; err: string } {
  const out: string[] = [];
  const err: string[] = [];
  const status = main(args, { out: (l) => out.push(l), err: (l) => err.push(l) });
  return { status, out: out.join('\n'), err: err.join('\n') };
}

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(tmpdir(), 'verify-inclusion-'));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function file(name: string, content: unknown): string {
  const p = path.join(dir, name);
  writeFileSync(p, typeof content === 'string' ? content : JSON.stringify(content));
  return p;
}

describe('covenant-verify-inclusion', () => {
  it('verifies every served proof of a batch, from a file', () => {
    for (let i = 0; i < LEAVES.length; i++) {
      const p = served(i);
      expect(Value.Check(InclusionProofJson, p)).toBe(true);
      const r = run('--proof', file(`proof-${i}.json`, p));
      expect(r).toEqual({ status: 0, err: '', out: `verified: leaf ${p.leafHash} is at index ${i} of the tree of 11 leaves with root ${hex(ROOT)}` });
    }
  });

  it('verifies from flags, with the leaf itself in hex or base64 or its hash', () => {
    const p = served(7);
    const common = ['--root', hex(ROOT), '--index', '7', '--size', '11', '--path', p.inclusionPath.join(',')];
    expect(run(...common, '--leaf-hash', p.leafHash).status).toBe(0);
    expect(run(...common, '--leaf', hex(LEAVES[7])).status).toBe(0);
    expect(run(...common, '--leaf', `base64:${LEAVES[7].toString('base64')}`).status).toBe(0);
    expect(run(...common, '--leaf', LEAVES[7].toString('base64url')).status).toBe(0);
    expect(run(...common, '--leaf-hash', Buffer.from(p.leafHash, 'hex').toString('base64')).status).toBe(0);
  });

  it('verifies a one-leaf tree with an empty path', () => {
    const root = hex(rootFromLeafHashes([HASHES[0]]));
    expect(run('--root', root, '--leaf', hex(LEAVES[0]), '--index', '0', '--size', '1', '--path', '').status).toBe(0);
  });

  it('refuses, with exit 1, a path node altered, another leaf, a wrong index, size or root', () => {
    const p = served(4);
    const flippedNode = p.inclusionPath.map((h, k) => (k === 1 ? `${h.slice(0, 10)}${h[10] === '0' ? '1' : '0'}${h.slice(11)}` : h));
    const cases: Array<[string, Record<string, unknown>]> = [
      ['path', { ...p, inclusionPath: flippedNode }],
      ['leaf', { ...p, leafHash: hex(HASHES[5]) }],
      ['index', { ...p, leafIndex: 5 }],
      ['size', { ...p, treeSize: 3 }],
      ['root', { ...p, rootHash: hex(rootFromLeafHashes(HASHES.slice(0, 10))) }],
    ];
    for (const [what, body] of cases) {
      const r = run('--proof', file(`bad-${what}.json`, body));
      expect({ what, status: r.status, out: r.out }).toEqual({ what, status: 1, out: '' });
      expect(r.err).toMatch(/^NOT VERIFIED: /);
    }
    expect(run('--proof', file('bad-root.json', p), '--root', hex(rootFromLeafHashes(HASHES.slice(1)))).err).toMatch(/^NOT VERIFIED: the proof leads to root [0-9a-f]{64}, not [0-9a-f]{64}$/);
  });

  it('lets a root from the ledger replace the served one, and a leaf replace the served hash', () => {
    const p = served(2);
    const proofFile = file('served.json', { ...p, rootHash: '00'.repeat(32) });
    expect(run('--proof', proofFile).status).toBe(1);
    expect(run('--proof', proofFile, '--root', hex(ROOT)).status).toBe(0);
    expect(run('--proof', proofFile, '--root', hex(ROOT), '--leaf', hex(LEAVES[3])).status).toBe(1);
  });

  it('says what is missing or malformed, with exit 1', () => {
    const p = served(0);
    expect(run('--root', hex(ROOT), '--index', '0')).toEqual({ status: 1, out: '', err: 'error: missing: size, path, leaf or leaf hash' });
    expect(run('--proof', file('short.json', { ...p, rootHash: 'abcd' })).err).toMatch(/^error: not an inclusion proof: \/rootHash /);
    expect(run('--proof', file('text.json', 'not json')).err).toMatch(/^error: the proof file .* is not JSON/);
    expect(run('--proof', path.join(dir, 'absent.json')).err).toMatch(/^error: cannot read the proof file/);
    expect(run('--proof', file('p.json', p), '--index', '-1').err).toBe('error: the leaf index must be an integer >= 0, got "-1"');
    expect(run('--proof', file('p.json', p), '--root', 'zz!').err).toBe('error: the root is neither hex nor base64: "zz!"');
    expect(run('--proof', file('p.json', p), '--root', 'abcd').err).toBe('error: the root must be 32 bytes (64 hex digits), got 2');
    expect(run('--proof', file('p.json', p), '--leaf', hex(LEAVES[1]), '--leaf-hash', p.leafHash).err).toMatch(/^error: the leaf hashes to [0-9a-f]{64}, not the leaf hash given/);
    expect(run('--no-such-flag').status).toBe(1);
    expect(run('--help').status).toBe(0);
  });
});

describe('decodeBytes', () => {
  it('reads hex first, then base64, unless a prefix says which', () => {
    expect(decodeBytes('abcd', 'x')).toEqual(Buffer.from([0xab, 0xcd]));
    expect(decodeBytes('base64:abcd', 'x')).toEqual(Buffer.from('abcd', 'base64'));
    expect(decodeBytes('aGVsbG8=', 'x').toString()).toBe('hello');
    expect(decodeBytes('', 'x')).toEqual(Buffer.alloc(0));
    expect(() => decodeBytes('hex:aGVsbG8=', 'the leaf')).toThrow(ProofInputError);
    expect(() => decodeBytes('not base64!', 'the leaf')).toThrow('the leaf is neither hex nor base64');
  });
});
