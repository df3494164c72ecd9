/**
 * bLSAG ring signatures (issue 13: signing gateway/src/privacy/ring-sign.ts, verifying chaincode/src/privacy/ring.ts): sign and verify time for ring
 * sizes 2, 4, 8, 11 (the default ring), 16, 32 and 64, each beside the time of one ristretto255
 * scalar multiplication measured in the same round, with interleaved rounds:
 *
 *   npx tsx test/bench/ring-signatures.ts [rounds] [multsPerSample]   # defaults 5 16
 *
 * Each round visits the sizes in a rotated order; for each size it times `multsPerSample`
 * variable-base multiplications k·P (random k and P; their mean is that round's "one
 * multiplication"), by `Point.multiply` of chaincode/src/privacy/group.ts, the multiplication
 * signing and verifying use (libsodium's crypto_scalarmult_ristretto255), then
 * max(1, round(16/size)) signs and as many verifies of a 32-byte message
 * (their means are the sample).
 * A first round warms up and is not counted. Prints each round's figures and a table of medians
 * over rounds: sign and verify milliseconds, the multiplication, time per member, and time per
 * member in multiplications (constant across sizes when the cost is linear: bLSAG spends one hash
 * to the curve, about four multiplications (one fixed-base) and two additions per member).
 * test/bench/figures/make.ts calls {@link runRingBench} and charts the medians.
 */
import { Point, privacyReady } from '../../chaincode/src/privacy/group';
import { verify } from '../../chaincode/src/privacy/ring';
import { generateKeyPair, randomScalar } from '../../gateway/src/privacy/keys';
import { sign } from '../../gateway/src/privacy/ring-sign';
import { median, msSince } from '../support/stats';
import type { RingResult } from './figures/bench-charts';

let multsPerSample = 16;
const SIZES = [2, 4, 8, 11, 16, 32, 64];

interface Sample {
  mult: number;
  sign: number;
  verify: number;
}

/** The ring members' key pairs, drawn once libsodium is loaded. */
let keys: ReturnType<typeof generateKeyPair>[] = [];
const message = new Uint8Array(32).fill(7);

/** Mean milliseconds of one k·P (libsodium, as signing and verifying do) over `multsPerSample` random k and P. */
function oneMultiplication(): number {
  const points = Array.from({ length: multsPerSample }, () => Point.BASE.multiply(randomScalar()));
  const scalars = Array.from({ length: multsPerSample }, randomScalar);
  const started = process.hrtime.bigint();
  for (let i = 0; i < multsPerSample; i++) points[i].multiply(scalars[i]);
  return msSince(started) / multsPerSample;
}

/** Repetitions of sign and verify in a sample of `size`: enough that small rings are not timed one short call at a time. */
const repetitions = (size: number) => Math.max(1, Math.round(16 / size));

function sample(size: number): Sample {
  const mult = oneMultiplication();
  const ring = keys.slice(0, size).map((k) => k.publicKey);
  const signer = (size * 7 + 3) % size;
  const reps = repetitions(size);
  const signatures = [];
  let started = process.hrtime.bigint();
  for (let i = 0; i < reps; i++) signatures.push(sign(message, ring, signer, keys[signer].secretKey));
  const signMs = msSince(started) / reps;
  started = process.hrtime.bigint();
  for (const signature of signatures) if (!verify(message, ring, signature)) throw new Error(`ring of ${size}: signature did not verify`);
  return { mult, sign: signMs, verify: msSince(started) / reps };
}

/**
 * Runs `rounds` interleaved rounds (after a warm-up) with `mults` multiplications a sample, prints
 * every round and the table of medians, and returns the medians (milliseconds) per ring size.
 */
export async function runRingBench(rounds: number, mults: number): Promise<RingResult> {
  multsPerSample = mults;
  await privacyReady();
  keys = Array.from({ length: Math.max(...SIZES) }, generateKeyPair);
  for (const size of SIZES) sample(size); // warm-up, not counted
  const samples = new Map<number, Sample[]>(SIZES.map((size) => [size, []]));
  for (let round = 0; round < rounds; round++) {
    const order = SIZES.map((_, i) => SIZES[(i + round) % SIZES.length]);
    const line: string[] = [];
    for (const size of order) {
      const s = sample(size);
      samples.get(size)!.push(s);
      line.push(`n=${size} sign ${s.sign.toFixed(1)} verify ${s.verify.toFixed(1)} mult ${s.mult.toFixed(2)}`);
    }
    console.log(`round ${round + 1}: ${line.join(' | ')}`);
  }

  const pad = (text: string, width: number) => text.padStart(width);
  console.log(`\nbLSAG over ristretto255 (libsodium), medians of ${rounds} rounds, ${multsPerSample} multiplications a sample, Node ${process.version}:`);
  console.log(['size', 'sign ms', 'verify ms', '1 mult ms', 'sign/size', 'verify/size', 'sign/(size×mult)', 'verify/(size×mult)'].map((h, i) => pad(h, i === 0 ? 4 : h.length < 11 ? 11 : h.length)).join(' '));
  for (const size of SIZES) {
    const list = samples.get(size)!;
    const signMs = median(list.map((s) => s.sign));
    const verifyMs = median(list.map((s) => s.verify));
    const mult = median(list.map((s) => s.mult));
    const signPerMult = median(list.map((s) => s.sign / (size * s.mult)));
    const verifyPerMult = median(list.map((s) => s.verify / (size * s.mult)));
    const cells = [String(size), signMs.toFixed(1), verifyMs.toFixed(1), mult.toFixed(2), (signMs / size).toFixed(2), (verifyMs / size).toFixed(2), signPerMult.toFixed(2), verifyPerMult.toFixed(2)];
    console.log(cells.map((c, i) => pad(c, i === 0 ? 4 : [11, 11, 11, 11, 11, 16, 18][i - 1])).join(' '));
  }
  console.log('(sign/(size×mult) and verify/(size×mult): each member\'s cost in multiplications; the same at every size means linear cost.)');
  const points = SIZES.map((size) => {
    const list = samples.get(size)!;
    return { size, signMs: median(list.map((s) => s.sign)), verifyMs: median(list.map((s) => s.verify)), multMs: median(list.map((s) => s.mult)) };
  });
  return { rounds, node: process.version, points };
}

if (require.main === module) {
  runRingBench(Number(process.argv[2] ?? 5), Number(process.argv[3] ?? 16)).catch((error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  });
}
