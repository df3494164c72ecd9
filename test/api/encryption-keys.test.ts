import { readFile, stat } from 'node:fs/promises';
import { HttpResult, TestGateway, UserClient, registerAll, startTestGateway } from '../support/gateway';
import { IdentityStore, Principal } from '../../gateway/src/identity/store';
import { encryptionKeyFileOf } from '../../gateway/src/identity/encryption-keys';
import { generateEncryptionKeyPair, open, seal } from '../../gateway/src/envelopes';

/**
 * PUT /v1/accounts/me/encryption-key and GET /v1/accounts/{id}/encryption-key (digital
 * envelopes, issue 12): the gateway generates the key pair, keeps the private key beside the
 * identity's signing key and registers the public key on the ledger.
 */
let gw: TestGateway;
let id: Record<string, string>;
let identities: IdentityStore;

beforeAll(async () => {
  gw = await startTestGateway();
  id = await registerAll(gw, ['alice', 'bob']);
  identities = await IdentityStore.load(gw.identitiesDir);
});
afterAll(() => gw?.close());

async function put(user: UserClient, body?: unknown, headers: Record<string, string> = {}): Promise<HttpResult> {
  const res = await fetch(`${user.url}/v1/accounts/me/encryption-key`, {
    method: 'PUT',
    headers: { authorization: `Bearer ${user.apiKey}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const principal = (name: string): Principal => identities.principals.find((p) => p.name === name)!;
const keyFile = (name: string) => encryptionKeyFileOf(principal(name).signingKeyPath!);

describe('encryption keys over REST', () => {
  test('PUT makes, keeps and registers a key: 201; anyone GETs it; a repeat is 200 with the same key', async () => {
    const first = await put(gw.as('alice'));
    expect(first.status).toBe(201);
    expect(first.body).toEqual({ account: id.alice, mspId: 'Org1MSP', publicKey: expect.stringMatching(/^[A-Za-z0-9_-]{87}$/), kid: expect.stringMatching(/^[A-Za-z0-9_-]{22}$/), setAt: expect.any(String) });
    expect(JSON.stringify(first.body)).not.toMatch(/"d"|privateKey/);

    for (const reader of ['bob', 'carol', 'alice']) {
      const got = await gw.as(reader).get(`/v1/accounts/${id.alice}/encryption-key`);
      expect(got.status).toBe(200);
      expect(got.body).toEqual(first.body);
    }
    const again = await put(gw.as('alice'), {});
    expect(again.status).toBe(200);
    expect(again.body).toEqual(first.body);
  });

  test('the private key is kept beside the signing key, owner-only, and opens envelopes sealed for the registered key', async () => {
    const registered = (await gw.as('bob').get(`/v1/accounts/${id.alice}/encryption-key`)).body;
    expect((await stat(keyFile('alice'))).mode & 0o077).toBe(0);
    const kept = JSON.parse(await readFile(keyFile('alice'), 'utf8')).keys[0];
    expect(kept).toMatchObject({ kid: registered.kid, publicKey: registered.publicKey, privateKey: { kty: 'EC', crv: 'P-256' } });

    const context = { type: 'covenant.test/v1', ref: 'req-1', from: id.bob, to: id.alice };
    const envelope = await seal(registered.publicKey, registered.kid, context, 'for alice');
    const privateKey = await identities.encryptionKeys.privateKey(principal('alice').signingKeyPath!, registered.kid);
    expect(Buffer.from(await open(privateKey!, registered.kid, context, envelope)).toString()).toBe('for alice');
  });

  test('rotate: true makes a new key (201) and keeps the old private key; later PUTs return the new one', async () => {
    const before = (await gw.as('bob').get(`/v1/accounts/${id.alice}/encryption-key`)).body;
    const rotated = await put(gw.as('alice'), { rotate: true });
    expect(rotated.status).toBe(201);
    expect(rotated.body.kid).not.toBe(before.kid);
    expect((await gw.as('bob').get(`/v1/accounts/${id.alice}/encryption-key`)).body).toEqual(rotated.body);
    const kept = JSON.parse(await readFile(keyFile('alice'), 'utf8')).keys.map((k: { kid: string }) => k.kid);
    expect(kept).toEqual([rotated.body.kid, before.kid]);
    const after = await put(gw.as('alice'));
    expect(after.status).toBe(200);
    expect(after.body.kid).toBe(rotated.body.kid);
  });

  test('a key kept but not on the ledger (a crash between the two) is registered by the next PUT', async () => {
    const pair = generateEncryptionKeyPair();
    await identities.encryptionKeys.add(principal('bob').signingKeyPath!, pair);
    const res = await put(gw.as('bob'));
    expect(res.status).toBe(201);
    expect(res.body).toMatchObject({ account: id.bob, kid: pair.kid, publicKey: pair.publicKey });
  });

  test('rotate with an Idempotency-Key rotates once: the repeat replays the first answer', async () => {
    const headers = { 'idempotency-key': `rotate-${Date.now()}` };
    const first = await put(gw.as('alice'), { rotate: true }, headers);
    expect(first.status).toBe(201);
    const repeat = await put(gw.as('alice'), { rotate: true }, headers);
    expect(repeat.status).toBe(201);
    expect(repeat.headers.get('idempotent-replayed')).toBe('true');
    expect(repeat.body).toEqual(first.body);
    expect((await gw.as('bob').get(`/v1/accounts/${id.alice}/encryption-key`)).body.kid).toBe(first.body.kid);
  });

  test('refusals: no account 409, no key 404, a malformed id or body 400', async () => {
    const carol = await put(gw.as('carol'));
    expect(carol.status).toBe(409);
    expect(carol.body.code).toBe('FAILED_PRECONDITION');
    const none = await gw.as('alice').get(`/v1/accounts/${'f'.repeat(40)}/encryption-key`);
    expect(none.status).toBe(404);
    expect(none.body.code).toBe('NOT_FOUND');
    expect((await gw.as('alice').get('/v1/accounts/not-an-id/encryption-key')).status).toBe(400);
    for (const body of [{ rotate: 'yes' }, { publicKey: 'x' }, []]) expect((await put(gw.as('alice'), body)).status).toBe(400);
    expect((await gw.raw('PUT', '/v1/accounts/me/encryption-key', { body: '{}', headers: { 'content-type': 'application/json' } })).status).toBe(401);
  });

  test('the OpenAPI document has both operations and the EncryptionKey schema with an example', async () => {
    const doc = (await gw.raw('GET', '/docs/json')).body;
    expect(doc.paths['/v1/accounts/me/encryption-key'].put.operationId).toBe('putOwnEncryptionKey');
    expect(doc.paths['/v1/accounts/{id}/encryption-key'].get.operationId).toBe('getEncryptionKey');
    expect(doc.components.schemas.EncryptionKey.examples[0]).toHaveProperty('kid');
  });
});
