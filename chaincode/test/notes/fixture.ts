import { randomBytes } from 'node:crypto';
import { EMBEDDED_CHANNEL } from '@covenant/embedded-ledger';
import { TestNetwork, UserName, testNetwork } from '../network';
import { keyImage, sign } from '../../src/privacy/ring';
import type { RingSignature } from '../../src/privacy/ring';
import { StealthKeys, StealthOutput, createStealthOutput, generateStealthKeys, oneTimeSecretKey } from '../../src/privacy/stealth';
import { spendDigest } from '../../src/notes/spend-digest';

/**
 * Shared setup of the notes tests: users with stealth keys and registered meta-addresses, notes
 * deposited as a gateway would make them (one-time outputs to the depositor's own address), and
 * spends signed as the wallet signs them (bLSAG over spendDigest). Signing comes from the
 * chaincode's privacy modules as they are now (the signer side moves to the gateway later).
 */

/** A note a user owns: its denomination, output and one-time secret key. */
export interface OwnedNote {
  denomination: string;
  output: StealthOutput;
  secret: string;
  keyImage: string;
}

export interface NotesNetwork extends TestNetwork {
  keys: Partial<Record<UserName, StealthKeys>>;
}

/** A test network with alice, bob and dave funded (100 000 each) and their addresses registered. */
export async function notesNetwork(): Promise<NotesNetwork> {
  const net = (await testNetwork()) as NotesNetwork;
  net.keys = {};
  for (const user of ['alice', 'bob', 'dave'] as UserName[]) {
    await net.submit('bank', 'accounts:mint', net.account[user], '100000');
    await registerKeys(net, user);
  }
  return net;
}

/** Fresh stealth keys for `user`, registered with notes:registerAddress. */
export async function registerKeys(net: NotesNetwork, user: UserName): Promise<StealthKeys> {
  const keys = generateStealthKeys();
  net.keys[user] = keys;
  await net.submit(user, 'notes:registerAddress', JSON.stringify({ viewPublicKey: keys.viewPublicKey, spendPublicKey: keys.spendPublicKey }));
  return keys;
}

/** New outputs to `owner`'s address (one ephemeral key per call), with what the owner learns. */
export function outputsTo(keys: StealthKeys, denominations: (string | number | bigint)[]): { outputs: { denomination: string; output: StealthOutput }[]; notes: OwnedNote[] } {
  const r = Buffer.from(randomBytes(32));
  r[31] &= 0x0f; // below the group order
  const ephemeral = r.toString('base64url');
  const outputs = denominations.map((d, i) => ({ denomination: String(d), output: createStealthOutput(keys, i, ephemeral).output }));
  const notes = outputs.map((o) => {
    const secret = oneTimeSecretKey(keys, o.output);
    return { denomination: o.denomination, output: o.output, secret, keyImage: keyImage(secret) };
  });
  return { outputs, notes };
}

let requests = 0;

/** The deposit request of `outputs` (a fresh requestId). */
export function depositRequest(outputs: unknown[], requestId = `dep-${++requests}-${randomBytes(4).toString('hex')}`): string {
  return JSON.stringify({ requestId, outputs });
}

/** `user` deposits notes of `denominations` to its own address; returns them. */
export async function deposit(net: NotesNetwork, user: UserName, denominations: (string | number | bigint)[]): Promise<OwnedNote[]> {
  const { outputs, notes } = outputsTo(net.keys[user]!, denominations);
  await net.submit(user, 'notes:deposit', depositRequest(outputs));
  return notes;
}

/** One input of a spend to build: the note spent and the ring around it (its own key included). */
export interface InputSpec {
  note: OwnedNote;
  ring: string[];
}

export interface SpendSpec {
  inputs: InputSpec[];
  outputs: { denomination: string; output: StealthOutput; memo?: string }[];
  withdrawal?: { account: string; amount: string };
}

/** The spend request of `spec`, every input signed over its spend digest (channel `covenant`). */
export function buildSpend(spec: SpendSpec, channel = EMBEDDED_CHANNEL): { inputs: { denomination: string; ring: string[]; signature: RingSignature }[]; outputs: SpendSpec['outputs']; withdrawal?: SpendSpec['withdrawal'] } {
  const unsigned = { inputs: spec.inputs.map((i) => ({ denomination: i.note.denomination, ring: i.ring, keyImage: i.note.keyImage })), outputs: spec.outputs, withdrawal: spec.withdrawal };
  const digest = spendDigest(unsigned, channel);
  const inputs = spec.inputs.map((i) => ({
    denomination: i.note.denomination,
    ring: i.ring,
    signature: sign(digest, i.ring, i.ring.indexOf(i.note.output.oneTimePublicKey), i.note.secret),
  }));
  return { inputs, outputs: spec.outputs, ...(spec.withdrawal ? { withdrawal: spec.withdrawal } : {}) };
}

/** A ring of `size` one-time keys from `pool` (notes of one denomination) with `note`'s key at a random place. */
export function ringAround(note: OwnedNote, pool: OwnedNote[], size: number): string[] {
  const decoys = pool.filter((n) => n.output.oneTimePublicKey !== note.output.oneTimePublicKey).slice(0, size - 1).map((n) => n.output.oneTimePublicKey);
  const at = Math.floor(Math.random() * size);
  return [...decoys.slice(0, at), note.output.oneTimePublicKey, ...decoys.slice(at)];
}

/** The reserve's balance. */
export async function reserve(net: TestNetwork): Promise<bigint> {
  return BigInt((await net.evaluate('alice', 'notes:getReserve')).balance);
}

/** `user`'s spendable balance. */
export async function balanceOf(net: TestNetwork, user: UserName): Promise<bigint> {
  return BigInt((await net.evaluate(user, 'accounts:getOwnAccount')).balance);
}
