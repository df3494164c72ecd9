import { randomInt } from 'node:crypto';
import { decompose, spendDigest, type StealthMetaAddress } from '@covenant/chaincode';
import { HttpProblem, problem } from '../http/problem';
import { sealMemo } from './memo';
import { createStealthOutput } from './stealth-wallet';
import type { NoteOutput, SignedSpend, Withdrawal } from './spend-types';
import type { WalletSigner } from './wallet-signer';
import type { OwnedNote } from './note-store';

/**
 * Builds a private spend (issue 13; patent CN113393225A, seeds/002: the payer signs with its
 * one-time key hidden in a ring, the payee is a fresh one-time key): new notes for the recipient
 * (the amount decomposed into 1-2-5 denominations) and change notes back to the payer, each a
 * one-time output (CryptoNote s. 4.3 via stealth-wallet.ts), the memo sealed to the recipient's
 * first note (memo.ts); the digest is the chaincode's own spendDigest (so the endorsing peers
 * verify exactly these bytes), and the signer signs it once per input, as a bLSAG over the input's
 * ring ("Zero to Monero" 2nd ed. s. 3.4).
 */

/** Most notes one deposit or spend creates (the chaincode's limit on outputs). */
export const MAX_OUTPUTS = 16;

/**
 * `amount` in 1-2-5 denominations, largest first (the chaincode's decompose), when that takes at
 * most MAX_OUTPUTS notes; else an HttpProblem with `status` (400 for a deposit, 409 for a spend).
 */
export function denominationsOf(amount: bigint, status: 400 | 409): bigint[] {
  try {
    return decompose(amount, MAX_OUTPUTS);
  } catch {
    throw new HttpProblem(problem(status, status === 400 ? 'INVALID_ARGUMENT' : 'FAILED_PRECONDITION', `${amount} takes more than ${MAX_OUTPUTS} notes of the 1-2-5 series: move it in several parts`));
  }
}

/** A note to create: its owner's meta-address, amount, and the memo to seal to it. */
interface Payee {
  address: StealthMetaAddress;
  amount: bigint;
  memo?: string;
}

/**
 * The notes paying each payee its amount (decompose: 1-2-5 series, largest first), in a random
 * order so the position of the change says nothing; a payee's memo is sealed to its first note.
 */
export function buildOutputs(payees: Payee[]): NoteOutput[] {
  const outputs: NoteOutput[] = [];
  for (const payee of payees) {
    if (payee.amount === 0n) continue;
    denominationsOf(payee.amount, 409).forEach((denomination, i) => {
      const { output, sharedSecret } = createStealthOutput(payee.address);
      outputs.push({ denomination: denomination.toString(), output, ...(i === 0 && payee.memo !== undefined ? { memo: sealMemo(sharedSecret, output, payee.memo) } : {}) });
    });
  }
  for (let i = outputs.length - 1; i > 0; i--) {
    const j = randomInt(i + 1);
    [outputs[i], outputs[j]] = [outputs[j], outputs[i]];
  }
  return outputs;
}

/**
 * Signs a spend of `notes` (each with its ring) into `outputs` (and `withdrawal`) on `channel`:
 * the digest covers every input's denomination, ring and key image, the outputs and the
 * withdrawal; the owner's signer signs it for each input. Returns what a relayer submits.
 */
export async function signSpend(
  signer: WalletSigner,
  owner: string,
  channel: string,
  inputs: { note: OwnedNote; ring: string[] }[],
  outputs: NoteOutput[],
  withdrawal?: Withdrawal,
): Promise<SignedSpend> {
  const unsigned = { inputs: inputs.map(({ note, ring }) => ({ denomination: note.denomination, ring, keyImage: note.keyImage })), outputs, ...(withdrawal ? { withdrawal } : {}) };
  const digest = spendDigest(unsigned, channel);
  const signed: SignedSpend['inputs'] = [];
  for (const { note, ring } of inputs) {
    const { signature } = await signer.sign(owner, note.output, ring, digest);
    signed.push({ denomination: note.denomination, ring, signature });
  }
  return { inputs: signed, outputs, ...(withdrawal ? { withdrawal } : {}) };
}
