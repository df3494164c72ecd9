import { TEST_LEDGER, TestGateway, startTestGateway } from '../support/gateway';

describe('system routes', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());

  test('health and readiness', async () => {
    expect((await gw.raw('GET', '/healthz')).body).toEqual({ status: 'ok' });
    expect((await gw.raw('GET', '/readyz')).body).toEqual({ status: 'ready', ledger: TEST_LEDGER });
  });

  test('the OpenAPI document lists every escrow route with its problems', async () => {
    const doc = (await gw.raw('GET', '/docs/json')).body;
    expect(doc.openapi).toBe('3.1.0');
    for (const path of ['/v1/accounts', '/v1/accounts/me', '/v1/accounts/{id}/mint', '/v1/transfers', '/v1/escrows', '/v1/escrows/{id}/confirm', '/v1/escrows/{id}/complete', '/v1/escrows/{id}/cancel', '/v1/escrows/{id}/history']) {
      expect(doc.paths).toHaveProperty([path]);
    }
    expect(doc.paths['/v1/escrows'].post.responses).toHaveProperty(['422']);
    expect(doc.components.securitySchemes.bearerAuth.scheme).toBe('bearer');
    expect((await gw.raw('GET', '/docs')).status).toBeLessThan(400);
  });

  test('metrics count requests by route, for callers with an API key', async () => {
    await gw.raw('GET', '/healthz');
    expect((await gw.raw('GET', '/metrics')).status).toBe(401);
    const metrics = await gw.raw('GET', '/metrics', { headers: { authorization: `Bearer ${gw.as('alice').apiKey}` } });
    expect(metrics.status).toBe(200);
    expect(String(metrics.body)).toMatch(/covenant_http_request_duration_seconds_count\{method="GET",route="\/healthz",status="200"\} \d+/);
  });

  test('the dev credentials file is private and lists the dev users with roles', async () => {
    const { stat, readFile } = await import('node:fs/promises');
    const file = `${gw.identitiesDir}/dev-credentials.json`;
    expect((await stat(file)).mode & 0o077).toBe(0);
    const users = JSON.parse(await readFile(file, 'utf8')).users;
    expect(users).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ name: 'bank', mspId: 'Org1MSP', roles: ['issuer'] }),
        expect.objectContaining({ name: 'alice', mspId: 'Org1MSP' }),
        expect.objectContaining({ name: 'bob', mspId: 'Org2MSP' }),
        expect.objectContaining({ name: 'carol', mspId: 'Org3MSP' }),
        expect.objectContaining({ name: 'arbiter', mspId: 'Org3MSP', roles: ['arbitrator'] }),
      ]),
    );
    // identities.json keeps only hashes of the keys.
    const identities = await readFile(`${gw.identitiesDir}/identities.json`, 'utf8');
    for (const u of users) expect(identities).not.toContain(u.apiKey);
  });
});
