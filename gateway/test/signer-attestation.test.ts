import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { LocalSigner, HttpSigner, assertTrustedEvidence, freshNonce, type Attestation } from '../src/privacy/signer-client';
import { measureSigner } from '../src/signer/measurement';
import { startSigner, type RunningSigner } from '../src/signer/open';

/**
 * Attestation of the signer (gateway/src/signer/tee.ts, simulated-tee.ts) and the gateway's trust
 * check (gateway/src/privacy/attestation.ts): the simulated signer says what it is, echoes the
 * nonce, signs its evidence, and a production gateway refuses it with a clear error.
 */
const TOKEN = 'attestation-token-0123456789';
let dir: string;
let signer: RunningSigner;
let client: HttpSigner;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'covenant-signer-attest-'));
  signer = await startSigner({ host: '127.0.0.1', port: 0, token: TOKEN, dir, tee: 'simulated', bodyLimit: 65536 });
  client = new HttpSigner({ url: signer.url, token: TOKEN });
});
afterAll(async () => {
  await signer.close();
  await rm(dir, { recursive: true, force: true });
});

test('the evidence says simulated, no isolation, the code measurement, and echoes the nonce', async () => {
  const nonce = freshNonce();
  const attestation = await client.attest(nonce);
  expect(attestation.evidence).toMatchObject({ type: 'simulated', isolation: false, nonce, measurement: await measureSigner() });
  expect(attestation.evidence.measurement).toMatch(/^[0-9a-f]{64}$/);
  expect(assertTrustedEvidence(attestation, { production: false, nonce })).toEqual(attestation.evidence);
});

test('the signature verifies, and fails when anything in the evidence changes', async () => {
  const nonce = freshNonce();
  const attestation = await client.attest(nonce);
  const altered: Attestation = { ...attestation, evidence: { ...attestation.evidence, isolation: true } };
  expect(() => assertTrustedEvidence(altered, { production: false, nonce })).toThrow('the evidence signature does not verify');
  const other = await (await LocalSigner.open(join(dir, 'other'))).attest(nonce);
  expect(() => assertTrustedEvidence({ ...attestation, publicKey: other.publicKey }, { production: false, nonce })).toThrow(expect.objectContaining({ reason: 'BAD_SIGNATURE' }));
});

test('the attestation key is sealed and stays the same across a restart', async () => {
  const nonce = freshNonce();
  const before = await client.attest(nonce);
  const reopened = await LocalSigner.open(dir);
  expect((await reopened.attest(nonce)).publicKey).toBe(before.publicKey);
});

test('evidence for another nonce is refused (replay)', async () => {
  const old = await client.attest(freshNonce());
  expect(() => assertTrustedEvidence(old, { production: false, nonce: freshNonce() })).toThrow(expect.objectContaining({ reason: 'NONCE_MISMATCH' }));
});

test('production refuses simulated evidence with a clear error', async () => {
  const nonce = freshNonce();
  const attestation = await client.attest(nonce);
  expect(() => assertTrustedEvidence(attestation, { production: true, nonce })).toThrow('untrusted signer: the signer runs the simulated TEE, which isolates nothing');
});

test('a pinned measurement must match', async () => {
  const nonce = freshNonce();
  const attestation = await client.attest(nonce);
  expect(() => assertTrustedEvidence(attestation, { production: false, nonce, measurement: '0'.repeat(64) })).toThrow(expect.objectContaining({ reason: 'MEASUREMENT_MISMATCH' }));
});

test('a malformed nonce is 400 INVALID_ARGUMENT', async () => {
  await expect(client.attest('short')).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
});
