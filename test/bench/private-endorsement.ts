/**
 * Endorsement latency of a ring-11 private payment on the real network (issue 13), beside the
 * endorsement of a plain transfer, in interleaved rounds of one run:
 *
 *   COVENANT_TEST_LEDGER=fabric npx tsx test/bench/private-endorsement.ts [rounds] [perRound] [ringSize]   # defaults 5 10 11
 *
 * Needs `npm run network:up`. Set-up: alice deposits ringSize + 1 notes of 100 to a stealth
 * meta-address this process holds (notes:deposit, submitted); one notes:spend of one of them is
 * built with a ring of `ringSize` of those notes and signed here (ring-sign.ts, stealth-wallet.ts).
 * Measured: the same signed spend endorsed again and again (fabric-gateway Proposal.endorse(),
 * never submitted, so the note stays unspent and every endorsement does the whole work: the ring
 * members' GetState, `ringSize` hashes to the curve and 4 × ringSize multiplications of
 * ring.verify, the key image read, the writes simulated) by relay1's peer (Org1), against the
 * endorsement of accounts:transfer (alice to bank, 1) by the same peer. Prints each round, the
 * medians, their ratio, and the time of one ring.verify of the same spend in this process.
 */
import { randomUUID } from 'node:crypto';
import { spendDigest, type StealthOutput } from '@covenant/chaincode';
import { verify } from '../../chaincode/src/privacy/ring';
import { generateStealthKeys } from '../../gateway/src/privacy/keys';
import { keyImage, sign } from '../../gateway/src/privacy/ring-sign';
import { createStealthOutput, oneTimeSecretKey } from '../../gateway/src/privacy/stealth-wallet';
import { IdentityStore } from '../../gateway/src/identity/store';
import { loadConnectionProfile } from '../../gateway/src/ledger/fabric/profile';
import { DirectClients } from '../support/fabric-direct';
import { TEST_LEDGER, registerAll, startTestGateway } from '../support/gateway';
import { median, msSince } from '../support/stats';

const rounds = Number(process.argv[2] ?? 5);
const perRound = Number(process.argv[3] ?? 10);
const ringSize = Number(process.argv[4] ?? 11);
const DENOMINATION = '100';

async function main(): Promise<void> {
  if (TEST_LEDGER !== 'fabric') throw new Error('this benchmark endorses on the real network: run it with COVENANT_TEST_LEDGER=fabric after npm run network:up');
  const gw = await startTestGateway();
  const profile = await loadConnectionProfile(gw.identitiesDir);
  const direct = new DirectClients(profile);
  try {
    const ids = await registerAll(gw, ['bank', 'alice']);
    const minted = await gw.as('bank').post(`/v1/accounts/${ids.alice}/mint`, { amount: '100000' });
    if (minted.status !== 200) throw new Error(`mint: ${minted.status} ${JSON.stringify(minted.body)}`);
    const identities = await IdentityStore.load(gw.identitiesDir);
    const identity = (name: string) => identities.principals.find((p) => p.name === name)!.identity;
    const alice = direct.contract(identity('alice'));
    const relayer = direct.contract(identity('relay1'));

    // Notes of 100 for a meta-address held here, deposited by alice (ringSize + 1 of them).
    const keys = generateStealthKeys();
    const outputs: StealthOutput[] = [];
    while (outputs.length < ringSize + 1) {
      const batch = Array.from({ length: Math.min(16, ringSize + 1 - outputs.length) }, () => createStealthOutput(keys).output);
      await alice.submitTransaction('notes:deposit', JSON.stringify({ requestId: randomUUID(), outputs: batch.map((output) => ({ denomination: DENOMINATION, output })) }));
      outputs.push(...batch);
    }

    // One spend of outputs[0], its ring the first ringSize notes in key order, signed here.
    const spent = outputs[0];
    const ring = outputs.slice(0, ringSize).map((o) => o.oneTimePublicKey).sort();
    const secret = oneTimeSecretKey(keys, spent);
    const payOutputs = [{ denomination: DENOMINATION, output: createStealthOutput(keys).output }];
    const unsigned = { inputs: [{ denomination: DENOMINATION, ring, keyImage: keyImage(secret) }], outputs: payOutputs };
    const digest = spendDigest(unsigned, profile.channel);
    const signature = sign(digest, ring, ring.indexOf(spent.oneTimePublicKey), secret);
    const payment = JSON.stringify({ inputs: [{ denomination: DENOMINATION, ring, signature }], outputs: payOutputs });

    const endorseSpend = () => relayer.newProposal('notes:spend', { arguments: [payment] }).endorse();
    const endorseTransfer = () => alice.newProposal('accounts:transfer', { arguments: [ids.bank, '1'] }).endorse();
    const time = async (op: () => Promise<unknown>): Promise<number[]> => {
      const samples: number[] = [];
      for (let i = 0; i < perRound; i++) {
        const started = process.hrtime.bigint();
        await op();
        samples.push(msSince(started));
      }
      return samples;
    };
    await time(endorseSpend); // warm-up, not counted
    await time(endorseTransfer);
    const spendMs: number[] = [];
    const transferMs: number[] = [];
    for (let round = 0; round < rounds; round++) {
      const order = round % 2 === 0 ? [true, false] : [false, true];
      const medians: Record<string, number> = {};
      for (const isSpend of order) {
        const samples = await time(isSpend ? endorseSpend : endorseTransfer);
        (isSpend ? spendMs : transferMs).push(...samples);
        medians[isSpend ? 'spend' : 'transfer'] = median(samples);
      }
      console.log(`round ${round + 1}: ring-${ringSize} spend endorsement ${medians.spend.toFixed(1)} ms, transfer endorsement ${medians.transfer.toFixed(1)} ms`);
    }
    const verifyMs: number[] = [];
    for (let i = 0; i < 20; i++) {
      const started = process.hrtime.bigint();
      if (!verify(digest, ring, signature)) throw new Error('the benchmark spend does not verify');
      verifyMs.push(msSince(started));
    }
    const [s, t, v] = [median(spendMs), median(transferMs), median(verifyMs)];
    console.log(`${rounds} interleaved rounds of ${perRound} endorsements each, by peer0.org1 (medians, Node ${process.version}):`);
    console.log(`  ring-${ringSize} notes:spend endorsement:  ${s.toFixed(1)} ms`);
    console.log(`  accounts:transfer endorsement:   ${t.toFixed(1)} ms`);
    console.log(`  ratio spend/transfer:            ${(s / t).toFixed(2)}; difference ${(s - t).toFixed(1)} ms`);
    console.log(`  ring.verify of the same spend in this process: ${v.toFixed(1)} ms`);
  } finally {
    direct.close();
    await gw.close();
  }
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
