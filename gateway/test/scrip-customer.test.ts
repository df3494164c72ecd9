import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MemoryLevel } from 'memory-level';
import { SwapRequest, ScripView, scripBytes, requestDigest, serialOf } from '@covenant/chaincode';
import { openLedger } from '../src/start';
import type { Ledger } from '../src/ledger/port';
import { ChaincodeClient } from '../src/ledger/chaincode';
import { ChaincodeError } from '../src/ledger/port';
import { IdentityStore, Principal } from '../src/identity/store';
import { accountIdOf, signAs } from '../src/identity/signing';
import type { GatewayDb } from '../src/gateway-db';
import { CertificateCache } from '../src/channels/certificates';
import { PeerFailure } from '../src/channels/transport';
import { toProblem } from '../src/http/problem';
import { generateEncryptionKeyPair, open, seal } from '../src/envelopes';
import { ScripCustomer } from '../src/scrip/customer';
import { WalletStore } from '../src/scrip/wallet-store';
import type { ScripInbox } from '../src/scrip/inbox-client';
import type { ScripAnswer, ScripMessage } from '../src/scrip/protocol';

/**
 * The customer's orchestration (scrip/customer.ts) on the embedded ledger with a fake issuer inbox
 * that does what an issuer's gateway does: signs its outputs, submits scrip:swap as the issuer,
 * answers the same scrip-done to a repeat, seals a receipt. Faults: lose the answer after
 * applying, or refuse with a code.
 */
const HOUR = 3600_000;
const realNow = Date.now.bind(Date);
let offset = 0;
const advance = (ms: number) => {
  offset += ms;
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() + offset);
};
const iso = (ms: number) => new Date(Date.now() + ms).toISOString();

class FakeIssuers implements ScripInbox {
  sent: ScripMessage[] = [];
  /** Orders the vendor opened from `sealed`. */
  opened: unknown[] = [];
  loseNextAnswer = false;
  refuseNext?: PeerFailure;
  readonly encryptionKeys = new Map<string, ReturnType<typeof generateEncryptionKeyPair>>();

  constructor(
    private readonly chaincode: ChaincodeClient,
    private readonly issuers: Map<string, Principal>,
  ) {}

  async send(mspId: string, m: ScripMessage): Promise<ScripAnswer> {
    this.sent.push(m);
    if (this.refuseNext) {
      const r = this.refuseNext;
      this.refuseNext = undefined;
      throw r;
    }
    const issuer = this.issuers.get(m.issuer)!;
    expect(issuer.mspId).toBe(mspId);
    const own = await this.ownSignatures(issuer, m.request);
    if (m.type === 'scrip-sign') return { type: 'scrip-signed', issuers: own };
    const key = this.encryptionKeys.get(m.issuer);
    if (m.sealed && key) this.opened.push(JSON.parse(Buffer.from(await open(key.privateKey, key.kid, { type: `scrip-${m.request.flow}`, ref: m.request.nonce, from: 'customer', to: m.issuer }, m.sealed)).toString()));
    const authorizations = { ...m.authorizations, issuers: [...m.authorizations.issuers, ...own] };
    let txId: string;
    try {
      ({ txId } = await this.chaincode.submit<{ txId: string }>(issuer, 'scrip:swap', [JSON.stringify(m.request), JSON.stringify(authorizations)]));
    } catch (err) {
      if (!(err instanceof ChaincodeError)) throw err;
      if (err.code !== 'ALREADY_EXISTS') throw new PeerFailure(mspId, err.detail, { INVALID_ARGUMENT: 400, FORBIDDEN: 403, NOT_FOUND: 404, INSUFFICIENT_FUNDS: 422 }[err.code as string] ?? 409, false, err.code);
      txId = 'replayed';
    }
    const digest = requestDigest(m.request);
    const issued: ScripView[] = [];
    for (let i = 0; i < m.request.outputs.scrip.length; i++) {
      const read = await this.chaincode.evaluate<{ scrip: ScripView }>(issuer, 'scrip:getScrip', [serialOf(digest, i)]);
      issued.push(read.scrip);
      txId = read.scrip.txId;
    }
    const receipt = m.receiptKey ? await seal(m.receiptKey, generateKid(m.receiptKey), { type: 'scrip-receipt', ref: m.request.nonce, from: m.issuer, to: 'customer' }, JSON.stringify({ flow: m.request.flow })) : undefined;
    if (this.loseNextAnswer) {
      this.loseNextAnswer = false;
      throw new PeerFailure(mspId, 'connection reset');
    }
    return { type: 'scrip-done', txId, issued, spent: m.request.inputs.scrip, ...(receipt ? { receipt } : {}) };
  }

  private async ownSignatures(issuer: Principal, request: SwapRequest) {
    const digest = requestDigest(request);
    const out = [];
    for (const [index, o] of request.outputs.scrip.entries()) {
      const series = await this.chaincode.evaluate<{ issuer: string }>(issuer, 'scrip:getSeries', [o.series]);
      if (series.issuer !== accountIdOf(issuer)) continue;
      out.push({ index, signature: signAs(issuer, scripBytes({ serial: serialOf(digest, index), series: o.series, value: BigInt(o.value), holder: o.holder })) });
    }
    return out;
  }
}

const generateKid = (publicKey: string) => require('../src/envelopes').kidOfPublicKey(publicKey) as string;

describe('ScripCustomer with a fake issuer inbox', () => {
  let dir: string;
  let ledger: Ledger;
  let chaincode: ChaincodeClient;
  let who: Record<string, Principal>;
  let acct: Record<string, string>;
  let fake: FakeIssuers;
  let customer: ScripCustomer;
  let db: GatewayDb;
  const balance = async (name: string) => BigInt((await chaincode.evaluate<{ balance: string }>(who[name], 'accounts:getOwnAccount', [])).balance);
  const wallet = () => customer.walletOf(who.alice);
  const problemOf = async (p: Promise<unknown>) => {
    try {
      await p;
    } catch (err) {
      const pr = toProblem(err);
      return `${pr.status} ${pr.code}`;
    }
    return 'ok';
  };

  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'covenant-scrip-customer-'));
    ({ ledger } = await openLedger({ ledger: 'embedded', dataDir: dir, host: '127.0.0.1', port: 0, org: 'Org1MSP', logLevel: 'silent' } as never));
    const identities = await IdentityStore.load(dir);
    who = Object.fromEntries(identities.principals.map((p) => [p.name, p]));
    acct = Object.fromEntries(identities.principals.map((p) => [p.name, accountIdOf(p)]));
    chaincode = new ChaincodeClient(ledger);
    for (const name of ['alice', 'bob', 'carol', 'dave']) await chaincode.submit(who[name], 'accounts:register', []).catch(() => undefined);
    await chaincode.submit(who.admin3, 'consortium:grantRole', [acct.carol, 'broker']);
    await chaincode.submit(who.admin2, 'consortium:grantRole', [acct.bob, 'vendor']);
    await chaincode.submit(who.admin2, 'consortium:grantRole', [acct.dave, 'vendor']);
    await chaincode.submit(who.bank, 'accounts:mint', [acct.alice, '10000']);
    const series = (id: string, kind: string, fee: number, hours: number[], broker?: string) =>
      JSON.stringify({ id, kind, unit: 'USD', fee: String(fee), lastIssueAt: iso(hours[0] * HOUR), spendBy: iso(hours[1] * HOUR), renewBy: iso(hours[2] * HOUR), broker });
    await chaincode.submit(who.carol, 'scrip:createSeries', [series('b-short', 'broker', 2, [1, 2, 30])]);
    await chaincode.submit(who.carol, 'scrip:createSeries', [series('b-long', 'broker', 2, [24, 48, 72])]);
    await chaincode.submit(who.bob, 'scrip:createSeries', [series('va', 'vendor', 1, [24, 48, 72], acct.carol)]);
    await chaincode.submit(who.dave, 'scrip:createSeries', [series('vb', 'vendor', 1, [24, 48, 72], acct.carol)]);
    fake = new FakeIssuers(chaincode, new Map(['carol', 'bob', 'dave'].map((n) => [acct[n], who[n]])));
    const bobKey = generateEncryptionKeyPair();
    fake.encryptionKeys.set(acct.bob, bobKey);
    await chaincode.submit(who.bob, 'accounts:setEncryptionKey', [JSON.stringify({ publicKey: bobKey.publicKey, kid: bobKey.kid })]);
    db = new MemoryLevel({ keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as GatewayDb;
    customer = new ScripCustomer(chaincode, new WalletStore(db), fake, new CertificateCache(chaincode), () => new Date(Date.now()));
  });

  afterAll(async () => {
    jest.restoreAllMocks();
    await ledger.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('buy, convert, purchase with change at two vendors, withdraw: balances and wallet at each step', async () => {
    const bought = await customer.buy(who.alice, 'k-buy', { series: 'b-short', amount: '1000' });
    expect(bought.issued.map((s) => [s.series, s.value, s.status])).toEqual([['b-short', '998', 'unspent']]);
    expect(bought.receipt).toEqual({ flow: 'buy' });
    expect(await balance('alice')).toBe(9000n);
    expect(await problemOf(customer.buy(who.alice, 'k-buy-2', { series: 'b-short', amount: '10' }))).toBe('409 FAILED_PRECONDITION');

    // The same key answers the stored result, without sending anything.
    const sentBefore = fake.sent.length;
    expect(await customer.buy(who.alice, 'k-buy', { series: 'b-short', amount: '1000' })).toEqual(bought);
    expect(fake.sent.length).toBe(sentBefore);

    const converted = await customer.convert(who.alice, 'k-conv', { vendorSeries: 'va', amount: '300' });
    // 998 - 300 - fee(va) 1 - fee(b) 2 = 695 change BrokerScrip
    expect(converted.issued.map((s) => [s.series, s.value])).toEqual([['va', '300'], ['b-short', '695']]);
    expect(fake.sent.slice(-2).map((m) => [m.type, m.issuer])).toEqual([['scrip-sign', acct.bob], ['scrip-submit', acct.carol]]);

    const bobBefore = await balance('bob');
    const bought2 = await customer.purchase(who.alice, 'k-p1', { vendorSeries: 'va', amount: '100', order: { sku: 'A-17' } });
    expect(bought2.issued.map((s) => [s.series, s.value])).toEqual([['va', '199']]);
    expect(await balance('bob')).toBe(bobBefore + 100n + 1n);
    expect(fake.opened.at(-1)).toEqual({ order: { sku: 'A-17' } });
    expect(JSON.stringify(fake.sent.at(-1))).not.toContain(acct.alice);

    await customer.convert(who.alice, 'k-conv-b', { vendorSeries: 'vb', amount: '50' });
    await customer.purchase(who.alice, 'k-p2', { vendorSeries: 'vb', amount: '50' });
    const left = await wallet();
    expect(left.filter((e) => e.status === 'unspent').map((e) => [e.series, e.value]).sort()).toEqual([['b-short', '642'], ['va', '199']]);

    const aliceBefore = await balance('alice');
    const va = left.find((e) => e.series === 'va')!;
    await customer.withdraw(who.alice, 'k-w1', { serial: va.serial });
    expect(await balance('alice')).toBe(aliceBefore + 199n);
    expect(await problemOf(customer.withdraw(who.alice, 'k-w2', { serial: va.serial }))).toBe('409 DOUBLE_SPEND');
  });

  test('an answer lost after the swap applied: the retry with the same key applies it once', async () => {
    const before = await balance('alice');
    const broker = (await wallet()).find((e) => e.kind === 'broker')!;
    fake.loseNextAnswer = true;
    expect(await problemOf(customer.topup(who.alice, 'k-top', { amount: '100' }))).toBe('503 LEDGER_UNAVAILABLE');
    expect((await wallet()).filter((e) => e.status === 'pending')).toHaveLength(1);
    const retried = await customer.topup(who.alice, 'k-top', { amount: '100' });
    expect(fake.sent.at(-1)!.request).toEqual(fake.sent.at(-2)!.request);
    expect(retried.issued[0].value).toBe(String(BigInt(broker.value) + 100n - 2n));
    expect(await balance('alice')).toBe(before - 100n);
    expect((await wallet()).map((e) => e.status)).toEqual(['unspent']);
  });

  test("an issuer's refusal keeps its code and leaves nothing pending", async () => {
    fake.refuseNext = new PeerFailure('Org3MSP', 'refused', 409, false, 'SCRIP_EXPIRED');
    expect(await problemOf(customer.topup(who.alice, 'k-refused', { amount: '10' }))).toBe('409 SCRIP_EXPIRED');
    expect((await wallet()).map((e) => e.status)).toEqual(['unspent']);
  });

  test('expired scrip is refused by the ledger, renewed into the issuing series, then spent', async () => {
    advance(2.5 * HOUR);
    const old = (await wallet())[0];
    expect(old.series).toBe('b-short');
    expect(await problemOf(customer.withdraw(who.alice, 'k-exp', { serial: old.serial }))).toBe('409 SCRIP_EXPIRED');
    const renewed = await customer.renew(who.alice, 'k-renew', { serial: old.serial });
    expect(renewed.issued.map((s) => [s.series, s.value])).toEqual([['b-long', old.value]]);
    const before = await balance('alice');
    await customer.withdraw(who.alice, 'k-after', { serial: renewed.issued[0].serial });
    expect(await balance('alice')).toBe(before + BigInt(old.value));
    expect(await wallet()).toEqual([]);
  });
});
