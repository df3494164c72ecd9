import fc from 'fast-check';
import { linked, verify } from '@covenant/chaincode/dist/privacy/ring';
import { StealthKeys, StealthOutput, parseStealthOutput } from '@covenant/chaincode/dist/privacy/stealth';
import { generateKeyPair, generateStealthKeys } from '../src/privacy/keys';
import { keyImage, sign } from '../src/privacy/ring-sign';
import { createStealthOutput, oneTimeSecretKey, scanOutput } from '../src/privacy/stealth-wallet';

/**
 * One-time (stealth) keys (chaincode/src/privacy/stealth.ts, the wallet side gateway/src/privacy/stealth-wallet.ts): a recipient finds exactly its own
 * notes with its view key, nobody else finds any, and the one-time secret it derives spends the
 * note in a ring signature.
 */
const alice = generateStealthKeys();
const bob = generateStealthKeys();
const dave = generateStealthKeys(); // receives nothing
const scan = (keys: StealthKeys, outputs: StealthOutput[]) => outputs.map((o) => scanOutput(keys.viewSecretKey, keys.spendPublicKey, o));

describe('scanning the ledger', () => {
  // 60 notes, every third to alice, the rest to bob, in one shuffled-looking order.
  const recipients = Array.from({ length: 60 }, (_, i) => (i % 3 === 0 ? alice : bob));
  const outputs = recipients.map((recipient) => createStealthOutput(recipient).output);

  test('each recipient finds exactly its own notes; a user paid nothing finds none', () => {
    const mine = (keys: StealthKeys) => scan(keys, outputs).flatMap((result, i) => (result.status === 'mine' ? [i] : []));
    expect(mine(alice)).toEqual(recipients.flatMap((r, i) => (r === alice ? [i] : [])));
    expect(mine(bob)).toEqual(recipients.flatMap((r, i) => (r === bob ? [i] : [])));
    expect(mine(dave)).toEqual([]);
  });

  test('the view tag turns away almost every foreign note before the full check', () => {
    const results = scan(dave, outputs);
    const turnedAway = results.filter((r) => r.status === 'view-tag-mismatch').length;
    // A foreign note's tag matches by chance with probability 1/256: about 0.2 of 60.
    expect(turnedAway).toBeGreaterThanOrEqual(55);
    expect(results.every((r) => r.status !== 'mine')).toBe(true);
  });

  test('the view key alone finds notes; spending them takes the spend key too', () => {
    const { output } = createStealthOutput(alice);
    expect(scanOutput(alice.viewSecretKey, alice.spendPublicKey, output).status).toBe('mine');
    expect(() => oneTimeSecretKey({ viewSecretKey: alice.viewSecretKey, spendSecretKey: bob.spendSecretKey }, output)).toThrow('INVALID_ARGUMENT: output is not owned by these keys');
    expect(() => oneTimeSecretKey(bob, output)).toThrow('INVALID_ARGUMENT: output is not owned by these keys');
  });

  test('several notes under one ephemeral key, told apart by output index, are all found and all distinct', () => {
    const r = generateKeyPair().secretKey;
    const many = [0, 1, 2, 7].map((i) => createStealthOutput(alice, i, r).output);
    expect(new Set(many.map((o) => o.ephemeralPublicKey)).size).toBe(1);
    expect(new Set(many.map((o) => o.oneTimePublicKey)).size).toBe(4);
    expect(scan(alice, many).map((s) => s.status)).toEqual(['mine', 'mine', 'mine', 'mine']);
    // The index is bound: the same note under another index is not alice's.
    expect(scanOutput(alice.viewSecretKey, alice.spendPublicKey, { ...many[0], outputIndex: 1, viewTag: many[1].viewTag }).status).toBe('not-mine');
  });

  test('sender and recipient arrive at the same shared secret; nobody else is told it', () => {
    const { output, sharedSecret } = createStealthOutput(bob);
    const found = scanOutput(bob.viewSecretKey, bob.spendPublicKey, output);
    expect(found).toEqual({ status: 'mine', sharedSecret });
    expect(scanOutput(alice.viewSecretKey, alice.spendPublicKey, output)).not.toHaveProperty('sharedSecret');
  });

  test('property: for any recipient and output index, only the recipient finds the note', () => {
    const users = [alice, bob, dave];
    fc.assert(
      fc.property(fc.nat(2), fc.nat(0xffffffff), (who, index) => {
        const { output } = createStealthOutput(users[who], index);
        users.forEach((user, i) => expect(scanOutput(user.viewSecretKey, user.spendPublicKey, output).status === 'mine').toBe(i === who));
      }),
      { numRuns: 20 },
    );
  });
});

describe('spending a found note', () => {
  test('the one-time secret x satisfies x·G = P and signs a ring holding P; two spends of it link', () => {
    const { output } = createStealthOutput(alice, 3);
    const x = oneTimeSecretKey(alice, output);
    const decoys = Array.from({ length: 10 }, () => createStealthOutput(bob).output.oneTimePublicKey);
    const ring = [...decoys.slice(0, 6), output.oneTimePublicKey, ...decoys.slice(6)];
    const first = sign('withdraw note to account 1', ring, 6, x);
    expect(verify('withdraw note to account 1', ring, first)).toBe(true);
    expect(first.keyImage).toBe(keyImage(x));
    const again = sign('pay note to carol', [output.oneTimePublicKey, decoys[0]], 0, x);
    expect(linked(first, again)).toBe(true);
    // x·G = P: sign checks the key against the ring member and refuses any other position.
    expect(() => sign('m', ring, 5, x)).toThrow('INVALID_ARGUMENT: secretKey is not the key of ring[secretIndex]');
  });
});

describe('malformed outputs and keys are refused with INVALID_ARGUMENT', () => {
  const { output } = createStealthOutput(alice);
  test.each([
    ['a non-canonical ephemeral key', { ...output, ephemeralPublicKey: Buffer.alloc(32, 0xff).toString('base64url') }],
    ['the identity as one-time key', { ...output, oneTimePublicKey: Buffer.alloc(32).toString('base64url') }],
    ['a view tag of 256', { ...output, viewTag: 256 }],
    ['a fractional output index', { ...output, outputIndex: 1.5 }],
    ['a negative output index', { ...output, outputIndex: -1 }],
    ['an output index of 2^32', { ...output, outputIndex: 2 ** 32 }],
  ])('%s', (_name, bad) => {
    expect(() => parseStealthOutput(bad)).toThrow('INVALID_ARGUMENT');
    expect(() => scanOutput(alice.viewSecretKey, alice.spendPublicKey, bad as StealthOutput)).toThrow('INVALID_ARGUMENT');
  });
  test('a meta-address with a malformed key; a zero ephemeral secret', () => {
    expect(() => createStealthOutput({ viewPublicKey: 'x', spendPublicKey: alice.spendPublicKey })).toThrow('INVALID_ARGUMENT: viewPublicKey');
    expect(() => createStealthOutput(alice, 0, Buffer.alloc(32).toString('base64url'))).toThrow('INVALID_ARGUMENT: ephemeralSecretKey must not be zero');
  });
  test('parseStealthOutput returns exactly the four fields', () => {
    expect(parseStealthOutput({ ...output, extra: 1 })).toEqual(output);
  });
});
