import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify } from '@covenant/chaincode/dist/privacy/ring';
import { generateStealthKeys } from '../src/privacy/keys';
import { LocalSigner, SignerError } from '../src/privacy/signer-client';
import { createStealthOutput } from '../src/privacy/stealth-wallet';
import { KEY_FILE } from '../src/signer/key-store';

/**
 * The signer core (gateway/src/signer), through the in-process LocalSigner: keys survive a
 * restart through the sealed key file, a tampered file stops the signer, a scan finds exactly the
 * owner's outputs, and the signatures it makes are what the chaincode accepts.
 */
let dir: string;
beforeEach(async () => {
  dir = await mkdtemp(join(tmpdir(), 'covenant-signer-core-'));
});
afterEach(() => rm(dir, { recursive: true, force: true }));

const decoys = (n: number) => Array.from({ length: n }, () => createStealthOutput(generateStealthKeys()).output.oneTimePublicKey);

test('keys persist across a restart through the sealed key file, which holds no key in the clear', async () => {
  const first = await LocalSigner.open(dir);
  const alice = await first.createKeys('Org1MSP:alice');
  expect(await first.createKeys('Org1MSP:alice')).toEqual(alice);
  const { output } = createStealthOutput(alice);

  const again = await LocalSigner.open(dir);
  expect(await again.getKeys('Org1MSP:alice')).toEqual(alice);
  expect((await again.scan('Org1MSP:alice', [output])).results).toHaveLength(1);
  const file = await readFile(join(dir, KEY_FILE));
  expect(file.includes(Buffer.from(alice.viewPublicKey))).toBe(false);
  expect(file.includes(Buffer.from('spendSecretKey'))).toBe(false);
});

test('a tampered key file is refused: the signer does not open', async () => {
  await (await LocalSigner.open(dir)).createKeys('bob');
  const file = join(dir, KEY_FILE);
  const bytes = await readFile(file);
  bytes[bytes.length - 20] ^= 0x01;
  await writeFile(file, bytes);
  await expect(LocalSigner.open(dir)).rejects.toThrow(/key file .* refused: sealed data does not open/);
});

test('an unknown owner is NOT_FOUND; a malformed one INVALID_ARGUMENT', async () => {
  const signer = await LocalSigner.open(dir);
  await expect(signer.getKeys('nobody')).rejects.toMatchObject({ code: 'NOT_FOUND', status: 404 });
  await expect(signer.scan('nobody', [])).rejects.toBeInstanceOf(SignerError);
  await expect(signer.createKeys('has space')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT' });
});

test("a scan finds only the owner's outputs, with their key images and memo secrets", async () => {
  const signer = await LocalSigner.open(dir);
  const alice = await signer.createKeys('alice');
  const bob = await signer.createKeys('bob');
  const mine = [createStealthOutput(alice, 0), createStealthOutput(alice, 3)];
  const outputs = [createStealthOutput(bob).output, mine[0].output, createStealthOutput(generateStealthKeys()).output, mine[1].output];
  const { results } = await signer.scan('alice', outputs);
  expect(results.map((r) => r.index)).toEqual([1, 3]);
  expect(results.map((r) => r.oneTimePublicKey)).toEqual(mine.map((m) => m.output.oneTimePublicKey));
  expect(results.map((r) => r.sharedSecret)).toEqual(mine.map((m) => m.sharedSecret));
  expect(new Set(results.map((r) => r.keyImage)).size).toBe(2);
  expect((await signer.scan('bob', outputs)).results.map((r) => r.index)).toEqual([0]);
  await expect(signer.scan('alice', [{ ...outputs[0], viewTag: 256 }])).rejects.toThrow('INVALID_ARGUMENT: outputs[0]: viewTag');
});

test('a signature verifies over its ring and carries the key image the scan reported', async () => {
  const signer = await LocalSigner.open(dir);
  const alice = await signer.createKeys('alice');
  const { output } = createStealthOutput(alice, 2);
  const ring = [...decoys(5), output.oneTimePublicKey, ...decoys(5)];
  const message = new Uint8Array(64).fill(9);
  const { signature } = await signer.sign('alice', output, ring, message);
  expect(verify(message, ring, signature)).toBe(true);
  expect(verify(new Uint8Array(64).fill(8), ring, signature)).toBe(false);
  const [hit] = (await signer.scan('alice', [output])).results;
  expect(signature.keyImage).toBe(hit.keyImage);
});

test("the signer refuses a ring without the output, and an output that is not the owner's", async () => {
  const signer = await LocalSigner.open(dir);
  const alice = await signer.createKeys('alice');
  await signer.createKeys('bob');
  const { output } = createStealthOutput(alice);
  const message = Uint8Array.of(1, 2, 3);
  await expect(signer.sign('alice', output, decoys(11), message)).rejects.toThrow("INVALID_ARGUMENT: ring does not contain the output's one-time public key");
  await expect(signer.sign('bob', output, [output.oneTimePublicKey, ...decoys(10)], message)).rejects.toMatchObject({ code: 'FORBIDDEN', status: 403 });
  await expect(signer.sign('alice', output, [output.oneTimePublicKey], message)).rejects.toThrow('INVALID_ARGUMENT: ring must be an array of 2 to 64');
});
