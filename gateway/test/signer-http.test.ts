import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { verify } from '@covenant/chaincode/dist/privacy/ring';
import { generateStealthKeys } from '../src/privacy/keys';
import { HttpSigner, SignerError } from '../src/privacy/signer-client';
import { createStealthOutput } from '../src/privacy/stealth-wallet';
import { startSigner, type RunningSigner } from '../src/signer/open';

/**
 * The signer process's HTTP API (gateway/src/signer/http-server.ts) on 127.0.0.1, an ephemeral
 * port: the bearer token, the body limit and the JSON error codes a client relies on, and the
 * HTTP client (HttpSigner) end to end.
 */
const TOKEN = 'test-signer-token-0123456789';
let dir: string;
let signer: RunningSigner;
let client: HttpSigner;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'covenant-signer-http-'));
  signer = await startSigner({ host: '127.0.0.1', port: 0, token: TOKEN, dir, tee: 'simulated', bodyLimit: 64 * 1024 });
  client = new HttpSigner({ url: signer.url, token: TOKEN });
});
afterAll(async () => {
  await signer.close();
  await rm(dir, { recursive: true, force: true });
});

const post = (path: string, body: string, headers: Record<string, string> = {}) =>
  fetch(signer.url + path, { method: 'POST', headers: { authorization: `Bearer ${TOKEN}`, 'content-type': 'application/json', ...headers }, body });

test.each([
  ['no token', {}],
  ['a wrong token', { authorization: `Bearer ${TOKEN}x` }],
  ['a token without the Bearer scheme', { authorization: TOKEN }],
])('%s is 401 UNAUTHENTICATED, whatever the route', async (_name, headers) => {
  for (const path of ['/v1/keys/alice', '/v1/attestation?nonce=x', '/v1/nowhere']) {
    const response = await fetch(signer.url + path, { headers });
    expect(response.status).toBe(401);
    expect(response.headers.get('www-authenticate')).toBe('Bearer');
    expect(await response.json()).toEqual({ code: 'UNAUTHENTICATED', message: expect.any(String) });
  }
});

test('an oversized body is 413 PAYLOAD_TOO_LARGE, and nothing is created', async () => {
  const response = await post('/v1/keys', JSON.stringify({ owner: 'big', padding: 'x'.repeat(70 * 1024) }));
  expect(response.status).toBe(413);
  expect(await response.json()).toMatchObject({ code: 'PAYLOAD_TOO_LARGE' });
  await expect(client.getKeys('big')).rejects.toMatchObject({ code: 'NOT_FOUND' });
});

test('an unknown owner is 404 NOT_FOUND, over the wire and through the client', async () => {
  const response = await fetch(`${signer.url}/v1/keys/nobody`, { headers: { authorization: `Bearer ${TOKEN}` } });
  expect(response.status).toBe(404);
  expect(await response.json()).toEqual({ code: 'NOT_FOUND', message: 'no keys for owner nobody' });
  await expect(client.scan('nobody', [])).rejects.toEqual(expect.objectContaining({ code: 'NOT_FOUND', status: 404 }));
  await expect(client.getKeys('nobody')).rejects.toBeInstanceOf(SignerError);
});

test('malformed JSON and a non-JSON body are refused with stable codes', async () => {
  expect(await (await post('/v1/keys', '{"owner":')).json()).toMatchObject({ code: 'INVALID_ARGUMENT' });
  const text = await post('/v1/keys', 'owner=alice', { 'content-type': 'text/plain' });
  expect(text.status).toBe(415);
  expect(await text.json()).toMatchObject({ code: 'UNSUPPORTED_MEDIA_TYPE' });
  expect((await post('/v1/sign', JSON.stringify({ owner: 'x', message: 'not base64url!' }))).status).toBe(400);
});

test('keys, scan and sign through the HTTP client: the signature verifies with the key image the scan reported', async () => {
  const carol = await client.createKeys('Org2MSP:carol');
  expect(await client.createKeys('Org2MSP:carol')).toEqual(carol);
  expect(await client.getKeys('Org2MSP:carol')).toEqual(carol);
  expect(carol).not.toHaveProperty('spendSecretKey');
  const { output } = createStealthOutput(carol, 1);
  const decoys = Array.from({ length: 10 }, () => createStealthOutput(generateStealthKeys()).output);
  const { results } = await client.scan('Org2MSP:carol', [...decoys, output]);
  expect(results.map((r) => r.index)).toEqual([10]);
  const ring = [output.oneTimePublicKey, ...decoys.map((d) => d.oneTimePublicKey)].reverse();
  const digest = new Uint8Array(64).fill(5);
  const { signature } = await client.sign('Org2MSP:carol', output, ring, digest);
  expect(verify(digest, ring, signature)).toBe(true);
  expect(signature.keyImage).toBe(results[0].keyImage);
  await expect(client.sign('Org2MSP:carol', output, ring.slice(0, 10), digest)).rejects.toMatchObject({ code: 'INVALID_ARGUMENT', status: 400 });
});

test('an unreachable signer is UNAVAILABLE', async () => {
  const gone = new HttpSigner({ url: 'http://127.0.0.1:1', token: TOKEN, timeoutMs: 2000 });
  await expect(gone.getKeys('alice')).rejects.toMatchObject({ code: 'UNAVAILABLE' });
});
