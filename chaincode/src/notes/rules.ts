import { invalidArgument } from '../shared/errors';
import { parseAmount } from '../shared/amount';
import { parseStealthOutput } from '../privacy/stealth';
import { RING_SIZE_MAX } from '../privacy/ring';
import { parseDenomination } from './denominations';
import type { NoteOutput, SpendRequest } from './schema';

/**
 * The pure rules of deposits and spends (issue 13; privacy design section 1), judged before any
 * ledger read beyond the settings: outputs well-formed and distinct, rings within the size limits
 * and without repeats, key images distinct, and conservation: Σ inputs = Σ outputs + withdrawal.
 * Every refusal is INVALID_ARGUMENT naming the field. Deterministic.
 */

/** Checked outputs: their denominations as bigints, and their sum. */
export interface CheckedOutputs {
  denominations: bigint[];
  total: bigint;
}

/**
 * Each output's denomination is one of DENOMINATIONS, its stealth output parses (canonical
 * non-identity points, stealth.ts parseStealthOutput) and no one-time key appears twice.
 */
export function checkOutputs(outputs: readonly NoteOutput[], field = 'outputs'): CheckedOutputs {
  const keys = new Set<string>();
  const denominations = outputs.map((o, i) => {
    const value = parseDenomination(o.denomination, `${field}[${i}].denomination`);
    try {
      parseStealthOutput(o.output);
    } catch (error) {
      throw invalidArgument(`${field}[${i}].output: ${(error as Error).message.replace(/^INVALID_ARGUMENT: /, '')}`);
    }
    if (keys.has(o.output.oneTimePublicKey)) throw invalidArgument(`${field}[${i}].output.oneTimePublicKey appears twice`);
    keys.add(o.output.oneTimePublicKey);
    return value;
  });
  return { denominations, total: denominations.reduce((s, v) => s + v, 0n) };
}

/** What a spend moves, once its rules hold. */
export interface SpendPlan {
  inputDenominations: bigint[];
  outputs: CheckedOutputs;
  /** Money leaving the notes for an account (0 without withdrawal). */
  withdrawn: bigint;
  keyImages: string[];
}

/**
 * The rules of notes:spend that need no ledger: each ring of `minRingSize`..64 distinct members,
 * with one response per member; key images distinct within the spend; a payment without
 * withdrawal has an output; Σ input denominations = Σ output denominations + withdrawal.amount.
 */
export function planSpend(spend: SpendRequest, minRingSize: number): SpendPlan {
  const inputDenominations = spend.inputs.map((input, i) => {
    const field = `inputs[${i}]`;
    const value = parseDenomination(input.denomination, `${field}.denomination`);
    if (input.ring.length < minRingSize || input.ring.length > RING_SIZE_MAX) throw invalidArgument(`${field}.ring must have ${minRingSize} to ${RING_SIZE_MAX} members (ledger setting minRingSize)`);
    if (new Set(input.ring).size !== input.ring.length) throw invalidArgument(`${field}.ring names a note twice`);
    if (input.signature.responses.length !== input.ring.length) throw invalidArgument(`${field}.signature must have one response per ring member`);
    return value;
  });
  const keyImages = spend.inputs.map((input) => input.signature.keyImage);
  if (new Set(keyImages).size !== keyImages.length) throw invalidArgument('two inputs carry the same key image (one note spent twice)');
  if (spend.withdrawal === undefined && spend.outputs.length === 0) throw invalidArgument('a payment needs at least one output');
  const outputs = checkOutputs(spend.outputs);
  const withdrawn = spend.withdrawal ? parseAmount(spend.withdrawal.amount, 'withdrawal.amount') : 0n;
  const spent = inputDenominations.reduce((s, v) => s + v, 0n);
  if (spent !== outputs.total + withdrawn) {
    throw invalidArgument(`inputs sum to ${spent} minor units but outputs and withdrawal to ${outputs.total + withdrawn}: a spend creates and destroys nothing`);
  }
  return { inputDenominations, outputs, withdrawn, keyImages };
}
