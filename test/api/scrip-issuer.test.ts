import { KeyObject, createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { holderCommitment, parseSignature, requestDigest, scripBytes, serialOf, verifyWithCertificate } from '@covenant/chaincode';
import type { SwapAuthorizations, SwapRequest } from '@covenant/chaincode';
import { HttpResult, TestGateway, registerAll, startTestGateway } from '../support/gateway';
import { IdentityStore } from '../../gateway/src/identity/store';
import { generateEncryptionKeyPair, open, seal } from '../../gateway/src/envelopes';
import { receiptContext, sealedContext } from '../../gateway/src/scrip/envelope-contexts';

/**
 * The issuer side of scrip over REST (issue 12; seeds/001 s. 6): series routes, and the inbox
 * (POST /v1/scrip/inbox) driven directly by this test acting as a customer's gateway: it makes
 * one-time holder keys, builds swap requests with the chaincode's requestDigest / serialOf /
 * holderCommitment, signs them with node:crypto, and posts scrip-sign / scrip-submit messages to
 * the broker's (Org1) and vendors' (Org2, Org3) gateways, which share one embedded ledger.
 */
jest.setTimeout(120_000);

/** The dev users who play the broker (Org1) and two vendors (Org2, Org3); alice is the customer, bob an outsider. */
const BROKER = 'bank';
const VENDOR_A = 'dave';
const VENDOR_B = 'carol';

let gw: TestGateway;
let id: Record<string, string>;
let identities: IdentityStore;
const run = Math.random().toString(36).slice(2, 8);
const series = { broker: `brk-${run}`, a: `va-${run}`, b: `vb-${run}` };

const inFuture = (minutes: number) => new Date(Date.now() + minutes * 60_000).toISOString();
const windows = { lastIssueAt: inFuture(60), spendBy: inFuture(120), renewBy: inFuture(180) };

/** A one-time holder key: the private key and its 65-byte point as the ledger sees it. */
interface HolderKey {
  key: KeyObject;
  publicKey: string;
  holder: string;
}
function holderKey(): HolderKey {
  const pair = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = pair.publicKey.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  return { key: pair.privateKey, publicKey: point.toString('base64url'), holder: holderCommitment(point) };
}

const signDigest = (key: KeyObject, request: SwapRequest) => sign('sha256', requestDigest(request), key).toString('base64');
const ledgerKey = (name: string) => createPrivateKey(identities.principals.find((p) => p.name === name)!.identity.privateKey);
const certificateOf = (name: string) => identities.principals.find((p) => p.name === name)!.identity.certificate;

let nonces = 0;
function swap(flow: SwapRequest['flow'], parts: { scripIn?: string[]; moneyIn?: [string, string][]; scripOut?: [string, string, HolderKey][]; moneyOut?: [string, string][]; fee: string; context?: string }): SwapRequest {
  return {
    type: 'covenant.scrip.swap/v1',
    nonce: `n-${run}-${++nonces}-abcdefghijkl`,
    flow,
    inputs: { scrip: parts.scripIn ?? [], money: (parts.moneyIn ?? []).map(([account, amount]) => ({ account, amount })) },
    outputs: { scrip: (parts.scripOut ?? []).map(([s, value, k]) => ({ series: s, value, holder: k.holder })), money: (parts.moneyOut ?? []).map(([account, amount]) => ({ account, amount })) },
    fee: parts.fee,
    ...(parts.context === undefined ? {} : { context: parts.context }),
  };
}

/** Holder signatures of `inputs` (serial and key) over the request. */
const holders = (request: SwapRequest, inputs: [string, HolderKey][]): SwapAuthorizations['holders'] =>
  inputs.map(([serial, k]) => ({ serial, publicKey: k.publicKey, signature: signDigest(k.key, request) }));

async function inbox(user: string, body: unknown): Promise<HttpResult> {
  const res = await fetch(`${gw.as(user).url}/v1/scrip/inbox`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: typeof body === 'string' ? body : JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
}

const balance = async (name: string) => BigInt((await gw.as(name).get(`/v1/accounts/${id[name]}`)).body.balance);

beforeAll(async () => {
  gw = await startTestGateway(undefined, { perOrg: true });
  id = await registerAll(gw, ['alice', 'bob', BROKER, VENDOR_A, VENDOR_B]);
  Object.assign(id, { broker: id[BROKER], vendorA: id[VENDOR_A], vendorB: id[VENDOR_B] });
  identities = await IdentityStore.load(gw.identitiesDir);
  for (const [user, admin, role] of [[BROKER, 'admin1', 'broker'], [VENDOR_A, 'admin2', 'vendor'], [VENDOR_B, 'admin3', 'vendor']]) {
    const granted = await gw.as(admin).post(`/v1/accounts/${id[user]}/roles`, { role });
    if (granted.status !== 200) throw new Error(`grant ${role}: ${granted.status} ${JSON.stringify(granted.body)}`);
  }
  const minted = await gw.as('bank').post(`/v1/accounts/${id.alice}/mint`, { amount: '100000' });
  if (minted.status !== 200) throw new Error(`mint: ${minted.status}`);
  for (const user of [BROKER, VENDOR_A, 'alice']) {
    const res = await fetch(`${gw.as(user).url}/v1/accounts/me/encryption-key`, { method: 'PUT', headers: { authorization: `Bearer ${gw.as(user).apiKey}` } });
    if (res.status !== 201) throw new Error(`encryption key of ${user}: ${res.status}`);
  }
});
afterAll(() => gw?.close());

describe('scrip series over REST', () => {
  test('a broker and vendors create series (201, Location); anyone lists and reads them; outstanding only for the issuer', async () => {
    const created = await gw.as(BROKER).post('/v1/scrip/series', { id: series.broker, kind: 'broker', unit: 'USD', fee: '1', ...windows });
    expect(created.status).toBe(201);
    expect(created.headers.get('location')).toBe(`/v1/scrip/series/${series.broker}`);
    expect(created.body).toMatchObject({ id: series.broker, issuer: id.broker, kind: 'broker', fee: '1', active: true, outstanding: '0' });
    for (const [user, s, role] of [[VENDOR_A, series.a, 'vendorA'], [VENDOR_B, series.b, 'vendorB']]) {
      const res = await gw.as(user).post('/v1/scrip/series', { id: s, kind: 'vendor', unit: 'USD', fee: '0', broker: id.broker, ...windows });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ issuer: id[role], broker: id.broker, kind: 'vendor' });
    }
    const read = await gw.as('bob').get(`/v1/scrip/series/${series.a}`);
    expect(read.status).toBe(200);
    expect(read.body).toMatchObject({ id: series.a, issuer: id.vendorA });
    expect(read.body.outstanding).toBeUndefined();
    const list = await gw.as('bob').get('/v1/scrip/series?pageSize=100');
    expect(list.status).toBe(200);
    expect(list.body.items.map((s: { id: string }) => s.id)).toEqual(expect.arrayContaining(Object.values(series)));
    expect((await gw.as('bob').get('/v1/scrip/series/nope')).status).toBe(404);
  });

  test('refusals: no role 403, bad windows 400, a vendor series naming a non-broker 409, another issuer 403', async () => {
    const noRole = await gw.as('alice').post('/v1/scrip/series', { id: `x-${run}`, kind: 'broker', unit: 'USD', fee: '0', ...windows });
    expect(noRole.status).toBe(403);
    expect(noRole.body.code).toBe('FORBIDDEN');
    const vendorAsBroker = await gw.as(VENDOR_A).post('/v1/scrip/series', { id: `x-${run}`, kind: 'broker', unit: 'USD', fee: '0', ...windows });
    expect(vendorAsBroker.status).toBe(403);
    const backwards = await gw.as(BROKER).post('/v1/scrip/series', { id: `x-${run}`, kind: 'broker', unit: 'USD', fee: '0', ...windows, spendBy: inFuture(30) });
    expect(backwards.status).toBe(400);
    expect(backwards.body.code).toBe('INVALID_ARGUMENT');
    const past = await gw.as(BROKER).post('/v1/scrip/series', { id: `x-${run}`, kind: 'broker', unit: 'USD', fee: '0', lastIssueAt: inFuture(-1), spendBy: inFuture(60), renewBy: inFuture(90) });
    expect(past.status).toBe(400);
    const badBroker = await gw.as(VENDOR_B).post('/v1/scrip/series', { id: `x-${run}`, kind: 'vendor', unit: 'USD', fee: '0', broker: id.alice, ...windows });
    expect(badBroker.status).toBe(409);
    expect(badBroker.body.code).toBe('FAILED_PRECONDITION');
    expect((await gw.as(BROKER).post('/v1/scrip/series', { id: series.broker, kind: 'broker', unit: 'USD', fee: '0', ...windows })).status).toBe(409);
    expect((await gw.as(VENDOR_A).post(`/v1/scrip/series/${series.broker}/active`, { active: false })).status).toBe(403);
    expect((await gw.as(BROKER).post(`/v1/scrip/series/${series.broker}/sweep`)).status).toBe(409);
  });

  test('the issuer stops and resumes issuing', async () => {
    const stopped = await gw.as(VENDOR_B).post(`/v1/scrip/series/${series.b}/active`, { active: false });
    expect(stopped.status).toBe(200);
    expect(stopped.body.active).toBe(false);
    const resumed = await gw.as(VENDOR_B).post(`/v1/scrip/series/${series.b}/active`, { active: true });
    expect(resumed.body.active).toBe(true);
  });
});

describe('the inbox: flows of section 6 driven by a customer gateway', () => {
  const k1 = holderKey(); // BrokerScrip bought
  const k2 = holderKey(); // VendorScrip A
  const k3 = holderKey(); // change BrokerScrip
  const k4 = holderKey(); // change VendorScrip A
  let bought: string;
  let vendorScrip: string;
  let vendorChange: string;
  const tx: Record<string, string> = {};
  let convertRequest: SwapRequest;
  let purchase: unknown;
  let purchaseDone: unknown;

  test('6.1 buy: scrip-submit to the broker issues one BrokerScrip signed by the broker; a repeat answers the same scrip-done, applied once', async () => {
    const before = await balance('alice');
    const request = swap('buy', { moneyIn: [[id.alice, '1001']], scripOut: [[series.broker, '1000', k1]], fee: '1' });
    const receiptKey = generateEncryptionKeyPair();
    const brokerKey = (await gw.as('alice').get(`/v1/accounts/${id.broker}/encryption-key`)).body;
    const sealed = await seal(brokerKey.publicKey, brokerKey.kid, sealedContext(request, id.broker), JSON.stringify({ customer: id.alice }));
    const message = {
      type: 'scrip-submit',
      issuer: id.broker,
      request,
      authorizations: { holders: [], accounts: [{ account: id.alice, signature: signDigest(ledgerKey('alice'), request) }], issuers: [] },
      sealed,
      receiptKey: receiptKey.publicKey,
    };
    const done = await inbox(BROKER, message);
    expect(done.status).toBe(200);
    const digest = requestDigest(request);
    bought = serialOf(digest, 0);
    expect(done.body).toMatchObject({ type: 'scrip-done', txId: expect.any(String), spent: [] });
    expect(done.body.issued).toEqual([expect.objectContaining({ serial: bought, series: series.broker, value: '1000', holder: k1.holder })]);
    const scrip = done.body.issued[0];
    expect(verifyWithCertificate(certificateOf(BROKER), scripBytes({ ...scrip, value: BigInt(scrip.value) }), parseSignature(scrip.issuerSignature))).toBe(true);
    const receipt = JSON.parse(Buffer.from(await open(receiptKey.privateKey, receiptKey.kid, receiptContext(request, id.broker), done.body.receipt)).toString('utf8'));
    expect(receipt).toMatchObject({ type: 'covenant.scrip.receipt/v1', txId: done.body.txId, flow: 'buy', issuer: id.broker, issued: [{ serial: bought, value: '1000' }], fee: '1' });
    expect(await balance('alice')).toBe(before - 1001n);
    tx.buy = done.body.txId;

    const repeat = await inbox(BROKER, message);
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(done.body);
    expect(await balance('alice')).toBe(before - 1001n);
    expect((await gw.as('bob').get(`/v1/scrip/${bought}`)).body).toMatchObject({ serial: bought, status: 'unspent', scrip: { txId: tx.buy } });
  });

  test('6.2 convert: scrip-sign at the vendor, then scrip-submit at the broker: VendorScrip and change BrokerScrip', async () => {
    const request = (convertRequest = swap('convert', { scripIn: [bought], scripOut: [[series.a, '600', k2], [series.broker, '399', k3]], fee: '1' }));
    const authorizations = { holders: holders(request, [[bought, k1]]), accounts: [], issuers: [] as { index: number; signature: string }[] };
    const signed = await inbox(VENDOR_A, { type: 'scrip-sign', issuer: id.vendorA, request, authorizations });
    expect(signed.status).toBe(200);
    expect(signed.body).toEqual({ type: 'scrip-signed', issuers: [{ index: 0, signature: expect.any(String) }] });
    const done = await inbox(BROKER, { type: 'scrip-submit', issuer: id.broker, request, authorizations: { ...authorizations, issuers: signed.body.issuers } });
    expect(done.status).toBe(200);
    const digest = requestDigest(request);
    vendorScrip = serialOf(digest, 0);
    expect(done.body.spent).toEqual([bought]);
    expect(done.body.issued.map((s: { serial: string; value: string }) => [s.serial, s.value])).toEqual([[vendorScrip, '600'], [serialOf(digest, 1), '399']]);
    expect(verifyWithCertificate(certificateOf(VENDOR_A), scripBytes({ ...done.body.issued[0], value: 600n }), parseSignature(done.body.issued[0].issuerSignature))).toBe(true);
    tx.convert = done.body.txId;
  });

  test('6.3 purchase at the vendor: money to the vendor, change VendorScrip; the order sealed for the vendor is in its log entry', async () => {
    const before = await balance(VENDOR_A);
    const request = swap('purchase', { scripIn: [vendorScrip], scripOut: [[series.a, '350', k4]], moneyOut: [[id.vendorA, '250']], fee: '0', context: 'order 42' });
    const vendorKey = (await gw.as('alice').get(`/v1/accounts/${id.vendorA}/encryption-key`)).body;
    const sealed = await seal(vendorKey.publicKey, vendorKey.kid, sealedContext(request, id.vendorA), JSON.stringify({ order: 'two coffees' }));
    purchase = { type: 'scrip-submit', issuer: id.vendorA, request, authorizations: { holders: holders(request, [[vendorScrip, k2]]), accounts: [], issuers: [] }, sealed };
    const done = await inbox(VENDOR_A, purchase);
    expect(done.status).toBe(200);
    purchaseDone = done.body;
    vendorChange = serialOf(requestDigest(request), 0);
    expect(done.body).toMatchObject({ spent: [vendorScrip], issued: [{ serial: vendorChange, value: '350' }] });
    expect(done.body.receipt).toBeUndefined();
    expect(await balance(VENDOR_A)).toBe(before + 250n);
    tx.purchase = done.body.txId;

    const entry = await gw.as(VENDOR_A).get(`/v1/scrip/log/${tx.purchase}`);
    expect(entry.status).toBe(200);
    expect(entry.body).toMatchObject({ flow: 'purchase', submitter: id.vendorA, broker: id.broker });
    expect(JSON.parse(entry.body.opened)).toEqual({ order: 'two coffees' });
    expect(entry.body.parties).not.toContain(id.alice);
  });

  test('6.5 top up through the vendor with the exact amount: the broker consents in accounts (scrip-signed), the vendor submits', async () => {
    const k5 = holderKey();
    const k6 = holderKey();
    const buy = swap('buy', { moneyIn: [[id.alice, '501']], scripOut: [[series.broker, '500', k5]], fee: '1' });
    const buyMessage = { type: 'scrip-submit', issuer: id.broker, request: buy, authorizations: { holders: [], accounts: [{ account: id.alice, signature: signDigest(ledgerKey('alice'), buy) }], issuers: [] } };
    // Two identical messages at once: one swap, the same answer twice.
    const before = await balance('alice');
    const [first, second] = await Promise.all([inbox(BROKER, buyMessage), inbox(BROKER, buyMessage)]);
    expect([first.status, second.status]).toEqual([200, 200]);
    expect(second.body).toEqual(first.body);
    expect(await balance('alice')).toBe(before - 501n);
    const brokerScrip = first.body.issued[0].serial;

    const request = swap('topup-vendor', { scripIn: [brokerScrip], scripOut: [[series.a, '500', k6]], fee: '0' });
    const authorizations = { holders: holders(request, [[brokerScrip, k5]]), accounts: [] as { account: string; signature: string }[], issuers: [] as { index: number; signature: string }[] };
    const signed = await inbox(BROKER, { type: 'scrip-sign', issuer: id.broker, request, authorizations });
    expect(signed.status).toBe(200);
    expect(signed.body).toEqual({ type: 'scrip-signed', issuers: [], accounts: [{ account: id.broker, signature: expect.any(String) }] });
    const withoutConsent = await inbox(VENDOR_A, { type: 'scrip-submit', issuer: id.vendorA, request, authorizations });
    expect(withoutConsent.status).toBe(403);
    const done = await inbox(VENDOR_A, { type: 'scrip-submit', issuer: id.vendorA, request, authorizations: { ...authorizations, accounts: signed.body.accounts } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ spent: [brokerScrip], issued: [{ serial: serialOf(requestDigest(request), 0), series: series.a, value: '500' }] });
    const entry = await gw.as(BROKER).get(`/v1/scrip/log/${done.body.txId}`);
    expect(entry.body).toMatchObject({ flow: 'topup-vendor', submitter: id.vendorA });
    expect(entry.body.parties).not.toContain(id.alice);
  });

  test('6.6 BrokerScrip withdrawal: the broker pays the customer and seals the receipt for its account in the log', async () => {
    const change = serialOf(requestDigest(convertRequest), 1);
    const before = await balance('alice');
    const request = swap('withdraw-broker', { scripIn: [change], moneyOut: [[id.alice, '399']], fee: '0' });
    const done = await inbox(BROKER, { type: 'scrip-submit', issuer: id.broker, request, authorizations: { holders: holders(request, [[change, k3]]), accounts: [], issuers: [] } });
    expect(done.status).toBe(200);
    expect(done.body).toMatchObject({ spent: [change], issued: [] });
    expect(await balance('alice')).toBe(before + 399n);
    const mine = await gw.as('alice').get(`/v1/scrip/log/${done.body.txId}`);
    expect(JSON.parse(mine.body.opened)).toMatchObject({ flow: 'withdraw-broker', spent: [change], money: { out: [{ account: id.alice, amount: '399' }] } });
    expect((await gw.as('bob').get(`/v1/scrip/${change}`)).body).toMatchObject({ status: 'spent', spent: { txId: done.body.txId } });
  });

  test('double spend: the spent VendorScrip offered again is 409 DOUBLE_SPEND', async () => {
    const request = swap('purchase', { scripIn: [vendorScrip], moneyOut: [[id.vendorA, '600']], fee: '0' });
    const res = await inbox(VENDOR_A, { type: 'scrip-submit', issuer: id.vendorA, request, authorizations: { holders: holders(request, [[vendorScrip, k2]]), accounts: [], issuers: [] } });
    expect(res.status).toBe(409);
    expect(res.body.code).toBe('DOUBLE_SPEND');
  });

  test("vendor A's scrip at vendor B is refused 403; vendor B's balance unchanged", async () => {
    const before = await balance(VENDOR_B);
    const request = swap('purchase', { scripIn: [vendorChange], moneyOut: [[id.vendorB, '350']], fee: '0' });
    const res = await inbox(VENDOR_B, { type: 'scrip-submit', issuer: id.vendorB, request, authorizations: { holders: holders(request, [[vendorChange, k4]]), accounts: [], issuers: [] } });
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
    expect(await balance(VENDOR_B)).toBe(before);
  });

  test('a forged holder signature is 403, and the scrip stays unspent', async () => {
    const request = swap('purchase', { scripIn: [vendorChange], moneyOut: [[id.vendorA, '350']], fee: '0' });
    const thief = holderKey();
    const wrongKey = await inbox(VENDOR_A, { type: 'scrip-submit', issuer: id.vendorA, request, authorizations: { holders: holders(request, [[vendorChange, thief]]), accounts: [], issuers: [] } });
    expect(wrongKey.status).toBe(403);
    const other = swap('purchase', { scripIn: [vendorChange], moneyOut: [[id.vendorA, '350']], fee: '0' });
    const wrongDigest = { serial: vendorChange, publicKey: k4.publicKey, signature: signDigest(k4.key, other) };
    const replayed = await inbox(VENDOR_A, { type: 'scrip-submit', issuer: id.vendorA, request, authorizations: { holders: [wrongDigest], accounts: [], issuers: [] } });
    expect(replayed.status).toBe(403);
    expect((await gw.as('alice').get(`/v1/scrip/${vendorChange}`)).body.status).toBe('unspent');
  });

  test("the issuer's money never moves by a message, and a purchase pays its vendor", async () => {
    const steal = swap('buy', { moneyIn: [[id.broker, '11']], scripOut: [[series.broker, '10', holderKey()]], fee: '1' });
    const res = await inbox(BROKER, { type: 'scrip-submit', issuer: id.broker, request: steal, authorizations: { holders: [], accounts: [], issuers: [] } });
    expect(res.status).toBe(403);
    const request = swap('purchase', { scripIn: [vendorChange], moneyOut: [[id.alice, '350']], fee: '0' });
    const cashOut = await inbox(VENDOR_A, { type: 'scrip-submit', issuer: id.vendorA, request, authorizations: { holders: holders(request, [[vendorChange, k4]]), accounts: [], issuers: [] } });
    expect(cashOut.status).toBe(400);
  });

  test('a message for an issuer this gateway does not hold is 404; an unknown serial is 404', async () => {
    const request = swap('purchase', { scripIn: [vendorChange], moneyOut: [[id.vendorA, '350']], fee: '0' });
    const message = { type: 'scrip-submit', issuer: id.vendorA, request, authorizations: { holders: holders(request, [[vendorChange, k4]]), accounts: [], issuers: [] } };
    const elsewhere = await inbox(BROKER, message);
    expect(elsewhere.status).toBe(404);
    expect(elsewhere.body.code).toBe('NOT_FOUND');
    const unknown = swap('purchase', { scripIn: ['ab'.repeat(32)], moneyOut: [[id.vendorA, '1']], fee: '0' });
    expect((await inbox(VENDOR_A, { ...message, request: unknown, authorizations: { holders: holders(unknown, [['ab'.repeat(32), k4]]), accounts: [], issuers: [] } })).status).toBe(404);
  });

  test('hostile bodies are 400 INVALID_ARGUMENT', async () => {
    const request = swap('purchase', { scripIn: [vendorChange], moneyOut: [[id.vendorA, '350']], fee: '0' });
    const good = { type: 'scrip-submit', issuer: id.vendorA, request, authorizations: { holders: holders(request, [[vendorChange, k4]]), accounts: [], issuers: [] } };
    const bodies: unknown[] = [
      '{not json',
      {},
      { ...good, type: 'scrip-steal' },
      { ...good, extra: 1 },
      { ...good, issuer: 'not-an-account' },
      { ...good, request: { ...request, nonce: 'short' } },
      { ...good, request: { ...request, outputs: { ...request.outputs, money: [{ account: id.vendorA, amount: '-350' }] } } },
      { ...good, request: { ...request, flow: 'steal' } },
      { ...good, authorizations: { ...good.authorizations, holders: 'all' } },
      { ...good, receiptKey: 'A'.repeat(87) },
      { ...good, sealed: 'v1.garbage' },
    ];
    for (const body of bodies) {
      const res = await inbox(VENDOR_A, body);
      expect({ body, status: res.status, code: res.body?.code }).toEqual({ body, status: 400, code: 'INVALID_ARGUMENT' });
    }
    expect((await gw.as('alice').get(`/v1/scrip/${vendorChange}`)).body.status).toBe('unspent');
  });

  test("an issuer gateway that lost its record of a purchase answers a repeat from the ledger: the same scrip-done, nothing applied twice", async () => {
    const vendorGateway = gw.gateways[1].app;
    await vendorGateway.gatewayDb.sublevel('scrip-requests').clear();
    const before = await balance(VENDOR_A);
    const repeat = await inbox(VENDOR_A, purchase);
    expect(repeat.status).toBe(200);
    expect(repeat.body).toEqual(purchaseDone);
    expect(await balance(VENDOR_A)).toBe(before);
  });

  test("the broker's log over REST: the broker sees every entry; a customer only its own entry, opened; others 403", async () => {
    const log = await gw.as(BROKER).get('/v1/scrip/log?pageSize=100');
    expect(log.status).toBe(200);
    expect(log.body.items.map((e: { txId: string }) => e.txId)).toEqual(expect.arrayContaining([tx.buy, tx.convert, tx.purchase]));
    const buy = log.body.items.find((e: { txId: string }) => e.txId === tx.buy);
    expect(Object.keys(buy.envelopes).sort()).toEqual([id.alice, id.broker].sort());

    const own = await gw.as(BROKER).get(`/v1/scrip/log/${tx.buy}`);
    expect(JSON.parse(own.body.opened)).toEqual({ customer: id.alice });

    const mine = await gw.as('alice').get(`/v1/scrip/log/${tx.buy}`);
    expect(mine.status).toBe(200);
    expect(Object.keys(mine.body.envelopes)).toEqual([id.alice]);
    expect(JSON.parse(mine.body.opened)).toMatchObject({ type: 'covenant.scrip.receipt/v1', flow: 'buy', issued: [{ serial: bought }] });
    expect((await gw.as('alice').get('/v1/scrip/log')).body.items).toEqual([]);

    expect((await gw.as('bob').get(`/v1/scrip/log/${tx.buy}`)).status).toBe(403);
    expect((await gw.as('alice').get(`/v1/scrip/log/${tx.purchase}`)).status).toBe(403);
    expect((await gw.as(VENDOR_B).get(`/v1/scrip/log/${tx.convert}`)).status).toBe(403);
    expect((await gw.as('bob').get(`/v1/scrip/log/${'0'.repeat(64)}`)).status).toBe(404);
  });
});
