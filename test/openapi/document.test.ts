import Fastify from 'fastify';
import { Type } from '@sinclair/typebox';
import { TestGateway, registerAll, startTestGateway } from '../support/gateway';
import { bearer, documentRoutes, noSecurity, problems } from '../../gateway/src/routes/common';
import { ProblemSchema } from '../../gateway/src/http/problem';

/**
 * The OpenAPI document served at /docs/json says what the server does (issue 9, finding 4) and
 * is valid OpenAPI 3.1 (finding 5): problem media type, real limits and patterns, exclusive
 * fields, the idempotency answers, tuples, operation ids, security and servers. Each test checks
 * the document and, where the server decides, the server's answer too.
 */
type Operation = { operationId?: string; security?: unknown[]; parameters?: any[]; requestBody?: any; responses: Record<string, any> };

describe('the OpenAPI document equals the server', () => {
  let gw: TestGateway;
  let doc: any;
  let operations: { path: string; method: string; op: Operation }[];
  const idempotent = () => operations.filter(({ op }) => (op.parameters ?? []).some((p) => p.in === 'header' && p.name === 'idempotency-key'));

  beforeAll(async () => {
    gw = await startTestGateway();
    doc = (await gw.raw('GET', '/docs/json')).body;
    operations = Object.entries(doc.paths as Record<string, Record<string, Operation>>).flatMap(([path, item]) => Object.entries(item).map(([method, op]) => ({ path, method, op })));
  });
  afterAll(() => gw.close());

  test('every problem response is documented as application/problem+json with the Problem schema, as it is sent', async () => {
    const wrong: string[] = [];
    for (const { path, method, op } of operations) {
      for (const [status, response] of Object.entries(op.responses)) {
        if (Number(status) < 400) continue;
        const content = response.content ?? {};
        if (Object.keys(content).join() !== 'application/problem+json' || content['application/problem+json'].schema?.$ref !== '#/components/schemas/Problem') wrong.push(`${method} ${path} ${status}`);
      }
    }
    expect(wrong).toEqual([]);
    const refused = await gw.raw('GET', '/v1/accounts/me');
    expect([refused.status, refused.headers.get('content-type'), refused.body.code]).toEqual([401, 'application/problem+json; charset=utf-8', 'UNAUTHENTICATED']);
    expect(doc.paths['/v1/accounts/me'].get.responses['401']).toBeDefined();
  });

  test('listings document pageSize 1 to 100, the range the server accepts', async () => {
    const listings = operations.filter(({ op }) => (op.parameters ?? []).some((p) => p.in === 'query' && p.name === 'pageSize'));
    expect(listings.length).toBeGreaterThanOrEqual(8);
    for (const { path, op } of listings) {
      const pattern = new RegExp(op.parameters!.find((p) => p.name === 'pageSize').schema.pattern);
      const accepts = ['0', '1', '20', '100', '101', '999'].filter((v) => pattern.test(v));
      expect({ path, accepts }).toEqual({ path, accepts: ['1', '20', '100'] });
    }
    await registerAll(gw, ['alice']);
    expect((await gw.as('alice').get('/v1/escrows?pageSize=100')).status).toBe(200);
    const over = await gw.as('alice').get('/v1/escrows?pageSize=101');
    expect([over.status, over.body.code]).toEqual([400, 'INVALID_ARGUMENT']);
  });

  test('Idempotency-Key is documented with the rule the server applies: 1-255 visible ASCII characters', async () => {
    const routes = idempotent();
    expect(routes.length).toBeGreaterThanOrEqual(40);
    const ids = await registerAll(gw, ['bank', 'bob']);
    for (const { path, op } of routes) {
      const schema = op.parameters!.find((p) => p.name === 'idempotency-key').schema;
      const documented = (key: string) => new RegExp(schema.pattern).test(key) && key.length >= schema.minLength && key.length <= schema.maxLength;
      expect({ path, good: documented('order-7'), space: documented('order 7'), long: documented('k'.repeat(256)), empty: documented('') }).toEqual({ path, good: true, space: false, long: false, empty: false });
    }
    for (const key of ['order 7', 'k'.repeat(256), 'é']) {
      const refused = await gw.as('bank').post(`/v1/accounts/${ids.bob}/mint`, { amount: '1' }, { 'idempotency-key': key });
      expect([key.slice(0, 10), refused.status, refused.body.code]).toEqual([key.slice(0, 10), 400, 'INVALID_ARGUMENT']);
    }
  });

  test('idempotent routes document 409 IDEMPOTENCY_KEY_IN_USE and 422 IDEMPOTENCY_KEY_REUSED; the server answers 422 on reuse', async () => {
    const missing = idempotent()
      .filter(({ op }) => !op.responses['409'] || !op.responses['422'])
      .map(({ method, path }) => `${method} ${path}`);
    expect(missing).toEqual([]);
    expect(doc.paths['/v1/escrows/{id}/confirm'].post.responses['422'].description).toContain('IDEMPOTENCY_KEY_REUSED');
    expect(doc.paths['/v1/transfers'].post.responses['422'].description).toMatch(/INSUFFICIENT_FUNDS.*IDEMPOTENCY_KEY_REUSED/);
    const ids = await registerAll(gw, ['bank', 'bob']);
    expect((await gw.as('bank').post(`/v1/accounts/${ids.bob}/mint`, { amount: '5' }, { 'idempotency-key': 'doc-reuse' })).status).toBe(200);
    const reused = await gw.as('bank').post(`/v1/accounts/${ids.bob}/mint`, { amount: '6' }, { 'idempotency-key': 'doc-reuse' });
    expect([reused.status, reused.body.code]).toEqual([422, 'IDEMPOTENCY_KEY_REUSED']);
  });

  test('an escrow recipient gives exactly one of shareBps and amount: a oneOf in the document, refused at the schema', async () => {
    const recipients = doc.paths['/v1/escrows'].post.requestBody.content['application/json'].schema.properties.recipients;
    expect(recipients.oneOf.map((b: any) => [b.items.required, b.items.not.required])).toEqual([
      [['account', 'shareBps'], ['amount']],
      [['account', 'amount'], ['shareBps']],
    ]);
    const ids = await registerAll(gw, ['bank', 'alice', 'bob', 'carol']);
    await gw.as('bank').post(`/v1/accounts/${ids.alice}/mint`, { amount: '1000' });
    const before = (await gw.as('alice').get('/v1/accounts/me')).body;
    for (const list of [
      [{ account: ids.bob, shareBps: 10000, amount: '100' }],
      [{ account: ids.bob, shareBps: 5000 }, { account: ids.carol, amount: '50' }],
    ]) {
      const refused = await gw.as('alice').post('/v1/escrows', { amount: '100', recipients: list });
      // Refused by the request schema (with its `errors`), before any transaction.
      expect([refused.status, refused.body.code, refused.body.errors?.[0]?.path]).toEqual([400, 'INVALID_ARGUMENT', expect.stringMatching(/^body\/recipients/)]);
    }
    expect((await gw.as('alice').get('/v1/accounts/me')).body).toMatchObject({ balance: before.balance, held: before.held });
    const bySharesOk = await gw.as('alice').post('/v1/escrows', { amount: '100', recipients: [{ account: ids.bob, shareBps: 6000 }, { account: ids.carol, shareBps: 4000 }] });
    const byAmountsOk = await gw.as('alice').post('/v1/escrows', { amount: '100', recipients: [{ account: ids.bob, amount: '60' }, { account: ids.carol, amount: '40' }] });
    expect([bySharesOk.status, byAmountsOk.status]).toEqual([201, 201]);
  });

  test('found by fuzzing: malformed URLs, empty settings and a foreign challenge get documented answers', async () => {
    // A path parameter over Fastify's router limit (100 characters) was 414 with Fastify's own JSON.
    const long = await gw.as('alice').get(`/v1/escrows/${'e'.repeat(101)}/history`);
    expect([long.status, long.headers.get('content-type'), long.body.code]).toEqual([414, 'application/problem+json; charset=utf-8', 'URI_TOO_LONG']);
    expect(Object.keys(doc.paths['/v1/escrows/{id}/history'].get.responses)).toContain('414');
    // Settings with no known field were answered 200 with an empty body.
    for (const path of ['/v1/channels/settings', '/v1/dbcs/settings', '/v1/consortium/settings']) {
      const empty = await gw.as('admin1').patch(path, { unknown: 1 });
      expect([path, empty.status, empty.body?.code]).toEqual([path, 400, 'INVALID_ARGUMENT']);
    }
    // A body over the 256 KiB limit: 413 (fuzzing found it with 65536 escaped characters of content), now documented.
    const big = await gw.as('alice').post('/v1/escrows', JSON.stringify({ amount: '1', recipients: [], terms: '\\u00e9'.repeat(50_000) }));
    expect([big.status, big.body.code]).toEqual([413, 'PAYLOAD_TOO_LARGE']);
    expect(Object.keys(doc.paths['/v1/investment-contracts'].post.responses)).toContain('413');
    // Answering a challenge as another manager: 403, now documented.
    const ids = await registerAll(gw, ['alice', 'bob']);
    const foreign = await gw.as('alice').post(`/v1/issuers/${ids.bob}/delegates/${ids.bob}/challenge-responses`, { challenge: 'c4b1f0e2-5d8a-4c3e-9a77-1e2f3d4c5b6a' });
    expect(foreign.status).toBe(403);
    expect(Object.keys(doc.paths['/v1/issuers/{issuer}/delegates/{manager}/challenge-responses'].post.responses)).toContain('403');
  });

  test('tuples are OpenAPI 3.1 arrays: no draft-07 `items: [...]` or additionalItems anywhere', () => {
    const found: string[] = [];
    const walk = (node: unknown, at: string) => {
      if (!node || typeof node !== 'object') return;
      const o = node as Record<string, unknown>;
      if (Array.isArray(o.items) || 'additionalItems' in o) found.push(at);
      for (const [k, v] of Object.entries(o)) walk(v, `${at}/${k}`);
    };
    walk(doc, '#');
    expect(found).toEqual([]);
    expect(doc.components.schemas.Channel.properties.parties).toMatchObject({ type: 'array', minItems: 2, maxItems: 2 });
  });

  test('every operation has a unique operationId and a security requirement; the public ones say so; servers are given', () => {
    const ids = operations.map(({ op }) => op.operationId);
    expect(ids.filter((id) => !id)).toEqual([]);
    expect(new Set(ids).size).toBe(ids.length);
    expect(operations.filter(({ op }) => !Array.isArray(op.security)).map(({ method, path }) => `${method} ${path}`)).toEqual([]);
    const publicOnes = operations.filter(({ op }) => op.security!.length === 0).map(({ method, path }) => `${method} ${path}`);
    expect(publicOnes.sort()).toEqual(['get /healthz', 'get /readyz', 'post /v1/offchain', 'post /v1/private/relay', 'post /v1/scrip/inbox']);
    for (const { op } of operations.filter(({ op }) => op.security!.length > 0)) expect(op.responses['401']).toBeDefined();
    expect(doc.paths['/v1/accounts/{id}/mint'].post.operationId).toBe('mintToAccount');
    expect(doc.paths['/v1/escrows'].post.operationId).toBe('createEscrow');
    expect(doc.paths['/v1/escrows/{id}/confirm'].post.operationId).toBe('confirmEscrow');
    expect(doc.servers).toEqual([expect.objectContaining({ url: '/' })]);
  });

  test('a route without an operationId or a security requirement stops the app from building', async () => {
    const build = async (schema: Record<string, unknown>) => {
      const app = Fastify();
      app.addSchema(ProblemSchema);
      app.addHook('onRoute', documentRoutes());
      app.get('/ok', { schema: { operationId: 'ok', security: noSecurity, response: { 200: Type.Object({}) } } }, async () => ({}));
      app.get('/x', { schema: { response: { 200: Type.Object({}), ...problems() }, ...schema } }, async () => ({}));
      try {
        await app.ready();
      } finally {
        await app.close();
      }
    };
    await expect(build({ security: bearer })).rejects.toThrow('GET /x has no operationId');
    await expect(build({ operationId: 'x' })).rejects.toThrow('GET /x declares no security');
    await expect(build({ operationId: 'ok', security: bearer })).rejects.toThrow('repeats operationId ok');
    await expect(build({ operationId: 'x', security: bearer })).resolves.toBeUndefined();
  });
});
