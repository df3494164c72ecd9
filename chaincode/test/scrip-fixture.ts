import { KeyObject, generateKeyPairSync, randomBytes, sign } from 'node:crypto';
import { TestNetwork, UserName, testNetwork } from './network';
import { signBytes } from './channels-fixture';
import { holderCommitment, requestDigest, scripBytes, serialOf } from '../src/scrip/scrip';
import type { SwapFlow, SwapRequest } from '../src/scrip/schema';

/**
 * Shared setup of the scrip tests: carol is the broker, bob and dave are vendors, alice the
 * customer with 10 000; one-time holder keys made with node:crypto as a customer's gateway makes
 * them; swaps signed by holders, consenting accounts and issuers as their gateways would.
 */
export const BROKER: UserName = 'carol';
export const VENDOR_A: UserName = 'bob';
export const VENDOR_B: UserName = 'dave';

const HOUR = 3600_000;
const realNow = Date.now.bind(Date);
let clockOffset = 0;
/**
 * Moves the ledger clock (Date.now, which the embedded ledger stamps transactions with) forward by
 * `ms`. Only forward: the ledger keeps its timestamps increasing anyway. `resetClock` after each test.
 */
export function advanceClock(ms: number): void {
  clockOffset += ms;
  jest.spyOn(Date, 'now').mockImplementation(() => realNow() + clockOffset);
}

export function resetClock(): void {
  clockOffset = 0;
  jest.restoreAllMocks();
}

export const iso = (msFromNow: number) => new Date(Date.now() + msFromNow).toISOString();

/** A series request issued `kind` by someone, windows in hours from now (issue, spend, renew). */
export function seriesRequest(id: string, kind: 'broker' | 'vendor', fee: number, hours: [number, number, number] = [24, 48, 72], broker?: string) {
  return JSON.stringify({ id, kind, unit: 'USD', fee: String(fee), lastIssueAt: iso(hours[0] * HOUR), spendBy: iso(hours[1] * HOUR), renewBy: iso(hours[2] * HOUR), broker });
}

/** The scrip network: roles granted, alice funded, series b1 (carol, fee 2), va1 (bob, fee 1), vb1 (dave, fee 1). */
export async function scripNetwork(): Promise<TestNetwork> {
  const net = await testNetwork();
  await net.submit('admin3', 'consortium:grantRole', net.account.carol, 'broker');
  await net.submit('admin2', 'consortium:grantRole', net.account.bob, 'vendor');
  await net.submit('admin2', 'consortium:grantRole', net.account.dave, 'vendor');
  await net.submit('bank', 'accounts:mint', net.account.alice, '10000');
  await net.submit(BROKER, 'scrip:createSeries', seriesRequest('b1', 'broker', 2));
  await net.submit(VENDOR_A, 'scrip:createSeries', seriesRequest('va1', 'vendor', 1, undefined, net.account.carol));
  await net.submit(VENDOR_B, 'scrip:createSeries', seriesRequest('vb1', 'vendor', 1, undefined, net.account.carol));
  return net;
}

/** A one-time holder key (the paper's UserKey): its private key, 65-byte point and commitment. */
export interface Holder {
  privateKey: KeyObject;
  point: Buffer;
  publicKey: string;
  commitment: string;
}

export function newHolder(): Holder {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const jwk = publicKey.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  return { privateKey, point, publicKey: point.toString('base64url'), commitment: holderCommitment(point) };
}

/** A scrip the customer holds: its serial, series, value and holder key. */
export interface Held {
  serial: string;
  series: string;
  value: bigint;
  holder: Holder;
}

export interface SwapSpec {
  flow: SwapFlow;
  scripIn?: Held[];
  moneyIn?: [UserName, number | bigint][];
  scripOut?: { series: string; value: number | bigint; holder?: Holder }[];
  moneyOut?: [UserName, number | bigint][];
  fee: number | bigint;
  /** Users whose ledger keys sign the request digest (money consent, issuer consent). */
  consent?: UserName[];
  /** Who signs each output as its series issuer, by series id (defaults: the fixture's issuers). */
  issuers?: Record<string, UserName>;
  envelopes?: Record<string, string>;
  context?: string;
}

export const ISSUERS: Record<string, UserName> = { b1: BROKER, b2: BROKER, va1: VENDOR_A, va2: VENDOR_A, vb1: VENDOR_B };

/** A built swap: its two arguments, and the scrip it will issue (with the holders' keys). */
export interface BuiltSwap {
  request: SwapRequest;
  args: [string, string];
  issued: Held[];
  digest: Buffer;
}

/** Builds and signs a swap as the parties' gateways would. */
export function buildSwap(net: TestNetwork, spec: SwapSpec): BuiltSwap {
  const outs = (spec.scripOut ?? []).map((o) => ({ ...o, holder: o.holder ?? newHolder(), value: BigInt(o.value) }));
  const request: SwapRequest = {
    type: 'covenant.scrip.swap/v1',
    nonce: randomBytes(16).toString('base64url'),
    flow: spec.flow,
    inputs: { scrip: (spec.scripIn ?? []).map((h) => h.serial), money: (spec.moneyIn ?? []).map(([u, a]) => ({ account: net.account[u], amount: String(a) })) },
    outputs: {
      scrip: outs.map((o) => ({ series: o.series, value: o.value.toString(), holder: o.holder.commitment })),
      money: (spec.moneyOut ?? []).map(([u, a]) => ({ account: net.account[u], amount: String(a) })),
    },
    fee: String(spec.fee),
    ...(spec.context ? { context: spec.context } : {}),
  };
  const digest = requestDigest(request);
  const issued = outs.map((o, i) => ({ serial: serialOf(digest, i), series: o.series, value: o.value, holder: o.holder }));
  const issuers = { ...ISSUERS, ...spec.issuers };
  const authorizations = {
    holders: (spec.scripIn ?? []).map((h) => ({ serial: h.serial, publicKey: h.holder.publicKey, signature: holderSign(h.holder, digest) })),
    accounts: (spec.consent ?? []).map((u) => ({ account: net.account[u], signature: signBytes(net, u, digest) })),
    issuers: issued.map((s, index) => ({ index, signature: signBytes(net, issuers[s.series], scripBytes({ ...s, holder: s.holder.commitment })) })),
    ...(spec.envelopes ? { envelopes: spec.envelopes } : {}),
  };
  return { request, args: [JSON.stringify(request), JSON.stringify(authorizations)], issued, digest };
}

/** The holder key's signature over a request digest, base64 DER. */
export function holderSign(holder: Holder, digest: Uint8Array): string {
  return sign('sha256', digest, { key: holder.privateKey, dsaEncoding: 'der' }).toString('base64');
}

/** Submits a built swap as `as`; returns the scrip it issued. */
export async function swap(net: TestNetwork, as: UserName, spec: SwapSpec): Promise<Held[]> {
  const built = buildSwap(net, spec);
  await net.submit(as, 'scrip:swap', ...built.args);
  return built.issued;
}

/** Outstanding value of each series, read by its issuer. */
export async function outstanding(net: TestNetwork, series = Object.keys(ISSUERS)): Promise<Record<string, bigint>> {
  const out: Record<string, bigint> = {};
  for (const id of series) {
    const s = await net.evaluate(ISSUERS[id], 'scrip:getSeries', id).catch(() => undefined);
    if (s) out[id] = BigInt(s.outstanding);
  }
  return out;
}

/** Σ balances + Σ held + Σ outstanding: what mint and withdraw alone may change. */
export async function totalValue(net: TestNetwork, users: UserName[] = ['bank', 'alice', 'bob', 'carol', 'dave']): Promise<bigint> {
  let sum = 0n;
  for (const u of users) {
    const a = await net.evaluate(u, 'accounts:getOwnAccount');
    sum += BigInt(a.balance) + BigInt(a.held);
  }
  for (const v of Object.values(await outstanding(net))) sum += v;
  return sum;
}

export const balanceOf = async (net: TestNetwork, u: UserName) => BigInt((await net.evaluate(u, 'accounts:getOwnAccount')).balance);
