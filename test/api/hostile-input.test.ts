import { connect } from 'node:net';
import { HttpResult, TEST_LEDGER, TestGateway, startFundedGateway, startTestGateway } from '../support/gateway';

/**
 * Hostile input at the gateway's edge (issue 9, findings 1-3): every request here is answered
 * with a problem+json refusal carrying a stable code and changes nothing, or (an empty JSON body
 * on a bodiless POST) is accepted as it should be. Prints "hostile inputs: N tried, M accepted".
 */
let tried = 0;
let accepted = 0;
afterAll(() => {
  process.stdout.write(`hostile inputs: ${tried} tried, ${accepted} accepted\n`);
});

/** Counts a hostile request and its outcome. */
function count<T extends { status: number }>(res: T): T {
  tried++;
  if (res.status < 400) accepted++;
  return res;
}

interface RawResponse {
  status: number;
  headers: Record<string, string>;
  body: string;
  /** Everything the server sent, for pipelined responses. */
  all: string;
}

function parseResponse(text: string): RawResponse {
  const end = text.indexOf('\r\n\r\n');
  const [statusLine, ...lines] = text.slice(0, end < 0 ? text.length : end).split('\r\n');
  const headers: Record<string, string> = {};
  for (const line of lines) {
    const i = line.indexOf(':');
    headers[line.slice(0, i).toLowerCase()] = line.slice(i + 1).trim();
  }
  return { status: Number(statusLine.split(' ')[1]), headers, body: end < 0 ? '' : text.slice(end + 4), all: text };
}

/**
 * Sends raw bytes over one TCP connection (what fetch cannot: repeated headers, a trickled body,
 * pipelined requests), each chunk `gapMs` after the previous (a function chunk is called
 * instead), and resolves with what came back
 * once the server closes the connection (or after `waitMs`).
 */
function rawHttp(url: string, chunks: (string | Buffer | (() => void))[], { gapMs = 0, waitMs = 10_000 }: { gapMs?: number; waitMs?: number } = {}): Promise<RawResponse & { elapsedMs: number; written: number }> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const started = Date.now();
    const socket = connect(Number(port), hostname);
    let received = '';
    let written = 0;
    let closed = false;
    const finish = () => {
      if (closed) return;
      closed = true;
      clearTimeout(timer);
      socket.destroy();
      resolve({ ...parseResponse(received), elapsedMs: Date.now() - started, written });
    };
    const timer = setTimeout(finish, waitMs);
    socket.on('data', (d) => (received += d.toString('utf8')));
    socket.on('close', finish);
    socket.on('error', (err) => (received ? finish() : reject(err)));
    socket.on('connect', async () => {
      for (const chunk of chunks) {
        if (closed || socket.destroyed) break;
        if (typeof chunk === 'function') chunk();
        else {
          socket.write(chunk);
          written += chunk.length;
        }
        if (gapMs) await new Promise((r) => setTimeout(r, gapMs));
      }
    });
  });
}

function expectProblem(res: { status: number; headers: Headers | Record<string, string>; body: unknown }, status: number, code: string): void {
  const type = res.headers instanceof Headers ? res.headers.get('content-type') : res.headers['content-type'];
  const body = typeof res.body === 'string' ? JSON.parse(res.body) : res.body;
  expect({ status: res.status, type, code: (body as { code?: string })?.code }).toEqual({ status, type: expect.stringMatching(/^application\/problem\+json/), code });
}

describe('hostile input over REST', () => {
  let gw: TestGateway;
  let id: Record<string, string>;
  const MAX = '9'.repeat(18);

  beforeAll(async () => {
    ({ gw, id } = await startFundedGateway(['bank', 'alice', 'bob'], { alice: '5000' }, { settings: { requestTimeoutMs: 1_000 } }));
  });
  afterAll(() => gw.close());

  async function balances() {
    const out: Record<string, unknown> = {};
    for (const name of ['alice', 'bob']) {
      const { balance, held } = (await gw.as(name).get('/v1/accounts/me')).body;
      out[name] = { balance, held };
    }
    return out;
  }

  /** The request is refused with `status` and `code` as problem+json, and no balance moved. */
  async function refusedUnchanged(send: () => Promise<{ status: number; headers: Headers | Record<string, string>; body: unknown }>, status: number, code: string) {
    const before = await balances();
    expectProblem(count(await send()), status, code);
    expect(await balances()).toEqual(before);
  }

  const post = (who: string, path: string, body: string | Buffer, headers: Record<string, string> = {}) =>
    fetch(gw.url + path, { method: 'POST', headers: { authorization: `Bearer ${gw.as(who).apiKey}`, 'content-type': 'application/json', ...headers }, body }).then(async (r) => ({ status: r.status, headers: r.headers, body: await r.text() }));

  test('finding 1: POST with content-type application/json and an empty body is accepted (the README api() helper)', async () => {
    const res = await post('alice', '/v1/accounts', '');
    expect(res.status).toBe(200);
    expect(JSON.parse(res.body)).toMatchObject({ id: id.alice });
  });

  test('an unknown property is refused naming it, not dropped: {to, amount, from} takes nothing from anyone', async () => {
    await refusedUnchanged(() => gw.as('alice').post('/v1/transfers', { to: id.bob, amount: '1', from: id.bob }), 400, 'INVALID_ARGUMENT');
    const res = await gw.as('alice').post('/v1/transfers', { to: id.bob, amount: '1', from: id.bob });
    expect(res.body.errors).toEqual([{ path: 'body/from', message: 'is not a known property' }]);
  });

  test('unknown properties nested in arrays and in the query string are refused too', async () => {
    await refusedUnchanged(() => gw.as('alice').post('/v1/escrows', { amount: '10', recipients: [{ account: id.bob, shareBps: 10000, payer: id.bob }] }), 400, 'INVALID_ARGUMENT');
    await refusedUnchanged(() => gw.as('alice').get('/v1/escrows?role=initiator&owner=bob'), 400, 'INVALID_ARGUMENT');
  });

  test('duplicate JSON member names are refused at any depth: "amount":"-5","amount":"1" moves nothing', async () => {
    await refusedUnchanged(() => post('alice', '/v1/transfers', `{"to":"${id.bob}","amount":"-5","amount":"1"}`), 400, 'INVALID_ARGUMENT');
    await refusedUnchanged(() => post('alice', '/v1/transfers', `{"to":"${id.bob}","amount":"1","\\u0061mount":"2"}`), 400, 'INVALID_ARGUMENT');
    await refusedUnchanged(
      () => post('alice', '/v1/escrows', `{"amount":"10","recipients":[{"account":"${id.bob}","shareBps":10000,"account":"${id.alice}"}]}`),
      400,
      'INVALID_ARGUMENT',
    );
  });

  test('invalid UTF-8 in escrow terms is refused, not replaced and hashed', async () => {
    const body = Buffer.concat([Buffer.from(`{"amount":"10","recipients":[{"account":"${id.bob}","shareBps":10000}],"terms":"40 pallets `), Buffer.from([0xff, 0xfe]), Buffer.from('"}')]);
    await refusedUnchanged(() => post('alice', '/v1/escrows', body), 400, 'INVALID_ARGUMENT');
  });

  test('amounts above 10^18 - 1 are refused; no balance passes the ceiling, and the maximum can be withdrawn in one request', async () => {
    for (const amount of ['1' + '0'.repeat(18), (2n ** 64n).toString(), '9'.repeat(30)]) {
      await refusedUnchanged(() => gw.as('bank').post(`/v1/accounts/${id.bob}/mint`, { amount }), 400, 'INVALID_ARGUMENT');
    }
    const bank = gw.as('bank');
    expect((await bank.post(`/v1/accounts/${id.bob}/mint`, { amount: MAX })).status).toBe(200);
    await refusedUnchanged(() => bank.post(`/v1/accounts/${id.bob}/mint`, { amount: '1' }), 409, 'FAILED_PRECONDITION');
    await refusedUnchanged(() => gw.as('alice').post('/v1/transfers', { to: id.bob, amount: '1' }), 409, 'FAILED_PRECONDITION');
    expect((await gw.as('bob').post('/v1/withdrawals', { amount: MAX })).status).toBe(201);
    expect((await gw.as('bob').get('/v1/accounts/me')).body.balance).toBe('0');
  });

  test("the framework's own refusals are problem+json with a stable code: 404, 413, 414, 415", async () => {
    await refusedUnchanged(() => gw.as('alice').get('/v1/no-such-route?key=x'), 404, 'NOT_FOUND');
    await refusedUnchanged(() => post('alice', '/v1/transfers', JSON.stringify({ to: id.bob, amount: '1', pad: 'x'.repeat(300 * 1024) })), 413, 'PAYLOAD_TOO_LARGE');
    await refusedUnchanged(() => gw.as('alice').get(`/v1/escrows/${'a'.repeat(200)}`), 414, 'URI_TOO_LONG');
    await refusedUnchanged(() => post('alice', '/v1/transfers', `{"to":"${id.bob}","amount":"1"}`, { 'content-type': 'application/xml' }), 415, 'UNSUPPORTED_MEDIA_TYPE');
  });

  test('two Authorization headers are refused 401, whichever comes first; so is a comma-joined pair', async () => {
    const transfer = JSON.stringify({ to: id.bob, amount: '1' });
    const request = (auth: string[]) =>
      [
        'POST /v1/transfers HTTP/1.1',
        `Host: 127.0.0.1`,
        ...auth.map((a) => `Authorization: ${a}`),
        'Content-Type: application/json',
        `Content-Length: ${Buffer.byteLength(transfer)}`,
        'Connection: close',
        '',
        transfer,
      ].join('\r\n');
    const alice = `Bearer ${gw.as('alice').apiKey}`;
    const bob = `Bearer ${gw.as('bob').apiKey}`;
    await refusedUnchanged(() => rawHttp(gw.url, [request([alice, bob])]), 401, 'UNAUTHENTICATED');
    await refusedUnchanged(() => rawHttp(gw.url, [request([alice, 'Bearer nonsense'])]), 401, 'UNAUTHENTICATED');
    await refusedUnchanged(() => rawHttp(gw.url, [request([`${alice}, ${bob}`])]), 401, 'UNAUTHENTICATED');
  });

  test('/metrics needs an API key', async () => {
    expectProblem(count(await gw.raw('GET', '/metrics')), 401, 'UNAUTHENTICATED');
    const res = await gw.raw('GET', '/metrics', { headers: { authorization: `Bearer ${gw.as('alice').apiKey}` } });
    expect(res.status).toBe(200);
  });

  test('a slow request body is cut by the request timeout (408 problem+json) and moves nothing', async () => {
    const before = await balances();
    const body = JSON.stringify({ to: id.bob, amount: '1' });
    const head = ['POST /v1/transfers HTTP/1.1', 'Host: 127.0.0.1', `Authorization: Bearer ${gw.as('alice').apiKey}`, 'Content-Type: application/json', `Content-Length: ${body.length}`, '', ''].join('\r\n');
    // One byte every 200 ms: the whole body would take about 13 s; the gateway waits 1 s.
    const res = count(await rawHttp(gw.url, [head, ...body.split('')], { gapMs: 200, waitMs: 15_000 }));
    expectProblem(res, 408, 'REQUEST_TIMEOUT');
    expect(res.elapsedMs).toBeLessThan(5_000);
    expect(res.written).toBeLessThan(head.length + body.length);
    expect(await balances()).toEqual(before);
  });
});

describe('limits', () => {
  test('1,000 wrong API keys: 401 up to the failed-authentication limit, then 429 with Retry-After, even for a valid key', async () => {
    const gw = await startTestGateway();
    try {
      const statuses: number[] = [];
      let last: HttpResult | undefined;
      for (let i = 0; i < 1000; i++) {
        last = count(await gw.raw('GET', '/v1/accounts/me', { headers: { authorization: `Bearer wrong-${i}` } }));
        statuses.push(last.status);
      }
      const limit = 50; // DEFAULT_LIMITS.authFailures
      expect(statuses.slice(0, limit).every((s) => s === 401)).toBe(true);
      expect(statuses.slice(limit).every((s) => s === 429)).toBe(true);
      expectProblem(last!, 429, 'RATE_LIMITED');
      expect(Number(last!.headers.get('retry-after'))).toBeGreaterThan(0);
      expectProblem(count(await gw.as('alice').get('/v1/accounts/me')), 429, 'RATE_LIMITED');
    } finally {
      await gw.close();
    }
  });

  test('per API key, per address and on /v1/offchain: 429 RATE_LIMITED past the configured limits', async () => {
    const gw = await startTestGateway(undefined, { settings: { limits: { perKey: 5, offchain: 3, perAddress: 40 } } });
    try {
      const alice = gw.as('alice');
      const statuses: number[] = [];
      for (let i = 0; i < 7; i++) statuses.push(count(await alice.get('/v1/accounts/me')).status);
      expect(statuses).toEqual([404, 404, 404, 404, 404, 429, 429]); // not registered: 404 until the limit
      expect((await gw.as('bob').get('/v1/accounts/me')).status).toBe(404);

      const offchain: number[] = [];
      for (let i = 0; i < 5; i++) offchain.push(count(await gw.raw('POST', '/v1/offchain', { body: '{}', headers: { 'content-type': 'application/json' } })).status);
      expect(offchain.slice(0, 3).every((s) => s === 400)).toBe(true);
      expect(offchain.slice(3)).toEqual([429, 429]);

      let res: HttpResult | undefined;
      for (let i = 0; i < 40 && res?.status !== 429; i++) res = await gw.raw('GET', '/healthz');
      expectProblem(count(res!), 429, 'RATE_LIMITED');
    } finally {
      await gw.close();
    }
  });

  test('/v1/offchain refuses a body over 64 KiB with 413', async () => {
    const gw = await startTestGateway();
    try {
      const res = count(await gw.raw('POST', '/v1/offchain', { body: JSON.stringify({ type: 'tpc-sync', pad: 'x'.repeat(70 * 1024) }), headers: { 'content-type': 'application/json' } }));
      expectProblem(res, 413, 'PAYLOAD_TOO_LARGE');
    } finally {
      await gw.close();
    }
  });
});

(TEST_LEDGER === 'embedded' ? describe : describe.skip)('shutdown', () => {
  test('a request arriving while the gateway shuts down is answered 503 SHUTTING_DOWN as problem+json', async () => {
    const gw = await startTestGateway();
    const key = gw.as('alice').apiKey;
    // One connection: a registration whose body is still arriving when the shutdown starts (so
    // the connection stays open), then its last byte and a health check pipelined behind it.
    const head = `POST /v1/accounts HTTP/1.1\r\nHost: 127.0.0.1\r\nAuthorization: Bearer ${key}\r\nContent-Type: application/json\r\nContent-Length: 2\r\n\r\n{`;
    let stopping: Promise<void> | undefined;
    const res = await rawHttp(gw.url, [head, () => (stopping = gw.close()), '}GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n'], { gapMs: 300 });
    await stopping;
    expect(res.status).toBe(201);
    const second = res.all.indexOf('HTTP/1.1', 1);
    expect(second).toBeGreaterThan(0);
    expectProblem(count(parseResponse(res.all.slice(second))), 503, 'SHUTTING_DOWN');
  });
});
