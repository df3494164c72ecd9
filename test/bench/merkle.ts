/**
 * RFC 9162 Merkle trees of private-payment batches (chaincode/src/privacy/merkle.ts): for batch
 * sizes 16 to 16384, the time to build the root, to produce one inclusion proof and to verify it,
 * each beside one node hash (SHA-256 of 65 bytes) measured in the same run, so the figures read as
 * "node hashes' worth" whatever the machine:
 *
 *   npx tsx test/bench/merkle.ts [rounds]   # default 7
 *
 * Expected shapes: a root costs n - 1 node hashes; a proof about n (the sibling subtrees are
 * rehashed); a verification ceil(log2 n). Prints the medians over the rounds.
 */
import { randomBytes } from 'node:crypto';
import { inclusionProof, leafHash, nodeHash, rootFromLeafHashes, verifyInclusion } from '../../chaincode/src/privacy/merkle';
import { median } from '../support/stats';

const rounds = Number(process.argv[2] ?? 7);
const SIZES = [16, 128, 1024, 4096, 16384];

/** Microseconds per call of fn, over enough calls to last about `budgetMs`. */
function microsPerCall(fn: () => unknown, budgetMs = 40): number {
  let calls = 0;
  const started = process.hrtime.bigint();
  let elapsed = 0;
  do {
    fn();
    calls++;
    elapsed = Number(process.hrtime.bigint() - started) / 1e3;
  } while (elapsed < budgetMs * 1e3);
  return elapsed / calls;
}

function main(): void {
  const a = randomBytes(32);
  const b = randomBytes(32);
  const rows = SIZES.map((n) => {
    const hashes = Array.from({ length: n }, () => leafHash(randomBytes(200)));
    const root = rootFromLeafHashes(hashes);
    const index = Math.floor(n * 0.7);
    const proof = inclusionProof(hashes, index);
    const samples = { node: [] as number[], root: [] as number[], proof: [] as number[], verify: [] as number[] };
    for (let r = 0; r < rounds; r++) {
      samples.node.push(microsPerCall(() => nodeHash(a, b), 20));
      samples.root.push(microsPerCall(() => rootFromLeafHashes(hashes)));
      samples.proof.push(microsPerCall(() => inclusionProof(hashes, index)));
      samples.verify.push(microsPerCall(() => {
        if (!verifyInclusion(proof, hashes[index], root).ok) throw new Error('proof did not verify');
      }));
    }
    const node = median(samples.node);
    return { n, node, root: median(samples.root), proof: median(samples.proof), verify: median(samples.verify), path: proof.inclusionPath.length };
  });
  console.log(`RFC 9162 Merkle trees, medians of ${rounds} rounds (us; x = in node hashes measured in the same round set)`);
  console.log('  leaves | node hash |        root (x)       |       proof (x)       | path |   verify (x)');
  for (const r of rows) {
    const cell = (us: number) => `${us.toFixed(1).padStart(10)} (${(us / r.node).toFixed(0).padStart(6)})`;
    console.log(`${String(r.n).padStart(8)} | ${r.node.toFixed(2).padStart(9)} | ${cell(r.root)} | ${cell(r.proof)} | ${String(r.path).padStart(4)} | ${cell(r.verify)}`);
  }
}

main();
