/**
 * Digital envelopes (issue 12): seal+open per second through gateway/src/envelopes against raw
 * @hpke/core seal+open of the same suite, side by side in one process with interleaved rounds:
 *
 *   npx tsx test/bench/envelopes.ts [rounds] [opsPerRound] [plaintextBytes]   # defaults 7 400 256
 *
 * Each round runs `opsPerRound` sequential seal-then-open pairs of a `plaintextBytes` message for
 * one reader, once through the module (key and context checks, canonical context JSON, key
 * imports from the base64url point and the JWK, the v1.<kid>.<enc>.<ct> string and its parsing)
 * and once raw (CryptoKeys imported once beforehand, fixed info and aad bytes, no string
 * encoding); the order of the two alternates per round. Prints each round, the medians of
 * pairs per second and the ratio module/raw (what the envelope format and checks cost).
 */
import { SUITE, generateEncryptionKeyPair, open, seal } from '../../gateway/src/envelopes';
import { median } from '../support/stats';

const rounds = Number(process.argv[2] ?? 7);
const perRound = Number(process.argv[3] ?? 400);
const size = Number(process.argv[4] ?? 256);

async function main(): Promise<void> {
  const reader = generateEncryptionKeyPair();
  const context = { type: 'covenant.scrip.order/v1', ref: 'bench-nonce-0001', from: 'a'.repeat(40), to: 'b'.repeat(40) };
  const plaintext = Buffer.alloc(size, 0x61);

  const recipientPublicKey = await SUITE.kem.deserializePublicKey(Buffer.from(reader.publicKey, 'base64url'));
  const recipientKey = await SUITE.kem.importKey('jwk', reader.privateKey, false);
  const info = Buffer.from(`covenant/envelope/v1|${JSON.stringify(context)}`);
  const aad = Buffer.from(JSON.stringify(context));

  const viaModule = async () => {
    const envelope = await seal(reader.publicKey, reader.kid, context, plaintext);
    const pt = await open(reader.privateKey, reader.kid, context, envelope);
    if (pt.length !== size) throw new Error('module round trip lost bytes');
  };
  const raw = async () => {
    const { enc, ct } = await SUITE.seal({ recipientPublicKey, info }, plaintext, aad);
    const pt = await SUITE.open({ recipientKey, enc, info }, ct, aad);
    if (pt.byteLength !== size) throw new Error('raw round trip lost bytes');
  };
  const perSecond = async (pair: () => Promise<void>) => {
    const started = process.hrtime.bigint();
    for (let i = 0; i < perRound; i++) await pair();
    return perRound / (Number(process.hrtime.bigint() - started) / 1e9);
  };

  await perSecond(viaModule); // warm-up, not counted
  await perSecond(raw);
  const moduleRates: number[] = [];
  const rawRates: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const order = round % 2 === 0 ? (['module', 'raw'] as const) : (['raw', 'module'] as const);
    for (const which of order) (which === 'module' ? moduleRates : rawRates).push(await perSecond(which === 'module' ? viaModule : raw));
    console.log(`round ${round + 1}: module ${moduleRates[round].toFixed(0)}/s, raw ${rawRates[round].toFixed(0)}/s`);
  }
  const m = median(moduleRates);
  const r = median(rawRates);
  console.log(`seal+open pairs per second, ${size}-byte plaintext, ${rounds} rounds of ${perRound} (medians, Node ${process.version}):`);
  console.log(`  envelopes module: ${m.toFixed(0)}/s`);
  console.log(`  raw @hpke/core:   ${r.toFixed(0)}/s`);
  console.log(`  ratio module/raw: ${(m / r).toFixed(2)}`);
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
