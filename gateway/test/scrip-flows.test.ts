import type { SeriesView } from '@covenant/chaincode';
import { HttpProblem, toProblem } from '../src/http/problem';
import { PeerFailure } from '../src/channels/transport';
import * as flows from '../src/scrip/flows';

/** The customer's flow plans (scrip/flows.ts): pure, amounts in minor units. */
const BROKER = 'c'.repeat(40);
const VENDOR = 'b'.repeat(40);
const CUSTOMER = 'a'.repeat(40);
const NOW = new Date('2026-11-30T12:00:00Z');

function series(id: string, kind: 'broker' | 'vendor', fee: number, over: Partial<SeriesView> = {}): SeriesView {
  return {
    id,
    kind,
    issuer: kind === 'broker' ? BROKER : VENDOR,
    issuerMspId: kind === 'broker' ? 'Org3MSP' : 'Org2MSP',
    unit: 'USD',
    fee: String(fee),
    broker: BROKER,
    brokerMspId: 'Org3MSP',
    lastIssueAt: '2026-12-31T00:00:00Z',
    spendBy: '2027-01-31T00:00:00Z',
    renewBy: '2027-02-28T00:00:00Z',
    active: true,
    createdAt: '2026-11-01T00:00:00Z',
    updatedAt: '2026-11-01T00:00:00Z',
    ...over,
  };
}
const B = series('b', 'broker', 2);
const V = series('v', 'vendor', 1);
const held = (serial: string, s: SeriesView, value: number): flows.Holding => ({ serial, series: s, value: BigInt(value) });

/** `status code` of what `fn` throws, or 'ok'. */
function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'ok';
  } catch (err) {
    if (!(err instanceof HttpProblem)) throw err;
    return `${err.problem.status} ${err.problem.code}`;
  }
}

const sums = (p: flows.FlowPlan) => {
  const total = (xs: bigint[]) => xs.reduce((s, v) => s + v, 0n);
  return [total(p.moneyIn.map((m) => m.amount)) + total(p.inputs.map((i) => i.value)), total(p.moneyOut.map((m) => m.amount)) + total(p.outputs.map((o) => o.value)) + p.fee];
};

test('every plan keeps the swap rule: money in + scrip in = money out + scrip out + fee', () => {
  const b = held('s1', B, 998);
  const plans = [
    flows.planBuy(CUSTOMER, B, 1000n, []),
    flows.planTopup(CUSTOMER, b, B, 100n),
    flows.planConvert(b, V, 300n, B),
    flows.planPurchase(V, [held('v1', V, 300), held('v2', V, 40)], 100n, V),
    flows.planVendorTopup(b, V, [held('v1', V, 300)], 100n, B),
    flows.planWithdrawal(CUSTOMER, b),
  ];
  for (const p of plans) {
    const [inside, outside] = sums(p);
    expect(inside).toBe(outside);
  }
  expect(plans.map((p) => p.flow)).toEqual(['buy', 'topup-broker', 'convert', 'purchase', 'topup-vendor', 'withdraw-broker']);
  expect(plans[2].outputs.map((o) => [o.series.id, o.value])).toEqual([['v', 300n], ['b', 695n]]);
  expect(plans[3].inputs.map((i) => i.serial)).toEqual(['v1']);
  expect(plans[3].outputs.map((o) => o.value)).toEqual([199n]);
  expect(plans[3].moneyOut).toEqual([{ account: VENDOR, amount: 100n }]);
});

test('refusals: one BrokerScrip at a time, too little scrip, change eaten by its fee, wrong kind of series', () => {
  expect(outcome(() => flows.planBuy(CUSTOMER, B, 1000n, [held('s1', B, 5)]))).toBe('409 FAILED_PRECONDITION');
  expect(outcome(() => flows.planBuy(CUSTOMER, B, 2n, []))).toBe('400 INVALID_ARGUMENT');
  expect(outcome(() => flows.planBuy(CUSTOMER, V, 100n, []))).toBe('400 INVALID_ARGUMENT');
  expect(outcome(() => flows.planPurchase(V, [held('v1', V, 50)], 100n, V))).toBe('422 INSUFFICIENT_FUNDS');
  expect(outcome(() => flows.planPurchase(V, [held('v1', V, 101)], 100n, V))).toBe('409 FAILED_PRECONDITION');
  expect(outcome(() => flows.planPurchase(V, [held('v1', V, 100)], 100n, V))).toBe('ok');
  expect(outcome(() => flows.planPurchase(V, [], 100n, V))).toBe('409 FAILED_PRECONDITION');
  expect(outcome(() => flows.planConvert(held('s', B, 300), V, 298n, B))).toBe('409 FAILED_PRECONDITION');
  expect(outcome(() => flows.planConvert(held('s', B, 300), V, 299n, B))).toBe('ok');
  expect(outcome(() => flows.brokerHolding([held('v1', V, 5)]))).toBe('409 FAILED_PRECONDITION');
  expect(outcome(() => flows.planRenewal(held('s', B, 5), B))).toBe('409 FAILED_PRECONDITION');
});

test('the submitter and the countersigner of each flow follow the chaincode rules', () => {
  const b = held('s1', B, 998);
  expect(flows.submitterOf(flows.planConvert(b, V, 300n, B)).issuer).toBe(BROKER);
  expect(flows.countersignOf(flows.planConvert(b, V, 300n, B))).toEqual({ issuer: VENDOR, mspId: 'Org2MSP', indexes: [0] });
  const topup = flows.planVendorTopup(b, V, [], 100n, B);
  expect(flows.submitterOf(topup).issuer).toBe(VENDOR);
  expect(flows.countersignOf(topup)).toEqual({ issuer: BROKER, mspId: 'Org3MSP', indexes: [1] });
  expect(flows.countersignOf(flows.planPurchase(V, [held('v1', V, 300)], 100n, V))).toBeUndefined();
  // 6.5 spending the whole BrokerScrip: no change to sign, the broker consents in accounts.
  const whole = flows.planVendorTopup(held('s', B, 101), V, [], 100n, B);
  expect(whole.outputs.map((o) => o.value)).toEqual([100n]);
  expect(flows.countersignOf(whole)).toEqual({ issuer: BROKER, mspId: 'Org3MSP', indexes: [] });
  expect(flows.submitterOf(flows.planWithdrawal(CUSTOMER, held('v1', V, 3))).issuer).toBe(VENDOR);
});

test('an issuing series: active, before lastIssueAt, the preferred one first, else the latest', () => {
  const old = series('b-old', 'broker', 2, { lastIssueAt: '2026-11-30T11:00:00Z' });
  const later = series('b-later', 'broker', 2, { lastIssueAt: '2027-03-01T00:00:00Z' });
  const off = series('b-off', 'broker', 2, { active: false, lastIssueAt: '2027-06-01T00:00:00Z' });
  expect(flows.issuingSeries([old, B, later, off], BROKER, 'broker', NOW, old)?.id).toBe('b-later');
  expect(flows.issuingSeries([old, B, later, off], BROKER, 'broker', NOW, B)?.id).toBe('b');
  expect(flows.issuingSeries([old, off], BROKER, 'broker', NOW)).toBeUndefined();
});

test("a peer's scrip refusal keeps its code; channel refusals (no code kept) map as before", () => {
  const p = (status: number, code?: string) => toProblem(new PeerFailure('Org2MSP', 'x', status, false, code));
  expect([p(409, 'DOUBLE_SPEND').code, p(409, 'SCRIP_EXPIRED').code, p(422, 'INSUFFICIENT_FUNDS').status, p(409, 'LEDGER_CONFLICT').code]).toEqual(['DOUBLE_SPEND', 'SCRIP_EXPIRED', 422, 'LEDGER_CONFLICT']);
  expect([p(409).code, p(422).status, p(422).code]).toEqual(['FAILED_PRECONDITION', 409, 'FAILED_PRECONDITION']);
  // A code that does not go with the status is not trusted.
  expect(p(400, 'DOUBLE_SPEND').code).toBe('INVALID_ARGUMENT');
});
