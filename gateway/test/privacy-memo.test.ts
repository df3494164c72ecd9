import { generateStealthKeys } from '../src/privacy/keys';
import { createStealthOutput, scanOutput } from '../src/privacy/stealth-wallet';
import { MEMO_MAX_BYTES, openMemo, sealMemo } from '../src/privacy/memo';

/**
 * Memos of private payments (gateway/src/privacy/memo.ts): sealed by the sender under the stealth
 * shared secret, opened by the recipient after its scan, by nobody else and beside no other note.
 */
const alice = generateStealthKeys();
const bob = generateStealthKeys();

test('the recipient opens the memo with the shared secret its scan found', () => {
  const { output, sharedSecret } = createStealthOutput(alice, 2);
  const sealed = sealMemo(sharedSecret, output, '{"denomination":"100","reference":"invoice 7"}');
  const found = scanOutput(alice.viewSecretKey, alice.spendPublicKey, output);
  if (found.status !== 'mine') throw new Error('alice should find her note');
  expect(openMemo(found.sharedSecret, output, sealed)?.toString('utf8')).toBe('{"denomination":"100","reference":"invoice 7"}');
  expect(sealMemo(sharedSecret, output, 'same')).not.toBe(sealMemo(sharedSecret, output, 'same')); // fresh nonce each time
});

test('another user\'s secret, another note, or an altered memo opens nothing', () => {
  const { output, sharedSecret } = createStealthOutput(alice);
  const sealed = sealMemo(sharedSecret, output, 'reference 42');
  const other = createStealthOutput(bob); // bob's shared secret with the same sender
  expect(openMemo(other.sharedSecret, output, sealed)).toBeNull();
  expect(openMemo(sharedSecret, other.output, sealed)).toBeNull();
  expect(openMemo(sharedSecret, { ...output, outputIndex: 1 }, sealed)).toBeNull();
  const bytes = Buffer.from(sealed, 'base64url');
  for (const at of [0, 12, bytes.length - 1]) {
    const altered = Buffer.from(bytes);
    altered[at] ^= 1;
    expect(openMemo(sharedSecret, output, altered.toString('base64url'))).toBeNull();
  }
  expect(openMemo(sharedSecret, output, bytes.subarray(0, 20).toString('base64url'))).toBeNull();
  expect(openMemo(sharedSecret, output, `${sealed}=`)).toBeNull();
  expect(openMemo('short', output, sealed)).toBeNull();
  expect(openMemo(sharedSecret, output, sealed)?.toString('utf8')).toBe('reference 42');
});

test('memos longer than the limit are refused; empty memos round-trip', () => {
  const { output, sharedSecret } = createStealthOutput(alice);
  expect(() => sealMemo(sharedSecret, output, Buffer.alloc(MEMO_MAX_BYTES + 1))).toThrow(RangeError);
  expect(openMemo(sharedSecret, output, sealMemo(sharedSecret, output, ''))?.length).toBe(0);
});
