import type { SeriesView, SwapFlow, SwapRequest } from '@covenant/chaincode';
import { HttpProblem, problem } from '../http/problem';

/**
 * The customer's flows of seeds/001 section 6 as swap plans (chaincode scrip/README.md, "Flows as
 * swaps"): which scrip and money go in, which scrip and money come out, and the fee, from the
 * user's wallet and the series. Pure: the orchestration (customer.ts) reads the wallet and the
 * ledger, then turns a plan into a SwapRequest with fresh holder keys (`toSwapRequest`).
 * Amounts are bigint minor units. Refusals are HttpProblems (400 INVALID_ARGUMENT for a request
 * that cannot be, 409 FAILED_PRECONDITION for one the wallet does not allow, 422
 * INSUFFICIENT_FUNDS for scrip worth too little).
 */

/** A scrip the user holds, with its series. */
export interface Holding {
  serial: string;
  value: bigint;
  series: SeriesView;
}

/** A money leg: account and amount. */
export interface MoneyLeg {
  account: string;
  amount: bigint;
}

export interface FlowPlan {
  flow: SwapFlow;
  inputs: Holding[];
  moneyIn: MoneyLeg[];
  /** Output scrip, in request order (the first is the one asked for, change comes after). */
  outputs: { series: SeriesView; value: bigint }[];
  moneyOut: MoneyLeg[];
  fee: bigint;
}

const refuse = (status: 400 | 409 | 422, detail: string): HttpProblem =>
  new HttpProblem(problem(status, status === 400 ? 'INVALID_ARGUMENT' : status === 409 ? 'FAILED_PRECONDITION' : 'INSUFFICIENT_FUNDS', detail));

/** Most scrip inputs of one swap (the chaincode's MAX_SWAP_ITEMS). */
const MAX_INPUTS = 16;

const sum = (values: bigint[]) => values.reduce((s, v) => s + v, 0n);
const feeOf = (series: SeriesView) => BigInt(series.fee);

/** True when `series` may issue scrip at `now` (active, not past lastIssueAt, not swept). */
export function issuable(series: SeriesView, now: Date): boolean {
  return series.active && series.sweptAt === undefined && now.getTime() <= Date.parse(series.lastIssueAt);
}

/** The series of `candidates` that `issuer` issues of `kind` and that issues now, latest lastIssueAt first; `prefer` when it qualifies. */
export function issuingSeries(candidates: SeriesView[], issuer: string, kind: SeriesView['kind'], now: Date, prefer?: SeriesView): SeriesView | undefined {
  if (prefer && prefer.issuer === issuer && prefer.kind === kind && issuable(prefer, now)) return prefer;
  const fit = candidates.filter((s) => s.issuer === issuer && s.kind === kind && issuable(s, now));
  return fit.sort((a, b) => Date.parse(b.lastIssueAt) - Date.parse(a.lastIssueAt))[0];
}

function need(kind: SeriesView['kind'], series: SeriesView, what: string): void {
  if (series.kind !== kind) throw refuse(400, `${what} ${series.id} is a ${series.kind} series, not a ${kind} series`);
}

/**
 * Change of `rest` minor units left after the asked-for outputs, in `series` (whose fee it costs):
 * no output when `rest` is 0; a refusal when the fee would eat all of it (the customer would lose
 * value silently).
 */
function change(rest: bigint, series: SeriesView | undefined, what: string): { series: SeriesView; value: bigint }[] {
  if (rest < 0n) throw refuse(422, `the ${what} spent is worth less than the amount and fees`);
  if (rest === 0n) return [];
  if (!series) throw refuse(409, `no ${what} series of this issuer issues now, for the change of ${rest}`);
  const value = rest - feeOf(series);
  if (value <= 0n) throw refuse(409, `the change of ${rest} would not cover its fee of ${series.fee}: choose an amount that leaves no change or more than the fee`);
  return [{ series, value }];
}

/** 6.1 buy: `amount` of the customer's money → one BrokerScrip of `series` worth amount − fee. */
export function planBuy(account: string, series: SeriesView, amount: bigint, held: Holding[]): FlowPlan {
  need('broker', series, 'series');
  if (held.some((h) => h.series.kind === 'broker')) throw refuse(409, 'the customer already holds BrokerScrip (one at a time): top up instead (POST /v1/scrip/topups)');
  const value = amount - feeOf(series);
  if (value <= 0n) throw refuse(400, `amount must exceed the series fee of ${series.fee}`);
  return { flow: 'buy', inputs: [], moneyIn: [{ account, amount }], outputs: [{ series, value }], moneyOut: [], fee: feeOf(series) };
}

/** The customer's one BrokerScrip, or a 409 refusal. */
export function brokerHolding(held: Holding[]): Holding {
  const brokers = held.filter((h) => h.series.kind === 'broker');
  if (brokers.length === 0) throw refuse(409, 'the customer holds no BrokerScrip: buy some first (POST /v1/scrip/buy)');
  return brokers[0];
}

/** 6.4 top up from the broker: BrokerScrip + `amount` of money → one BrokerScrip of `target` (its fee paid). */
export function planTopup(account: string, broker: Holding, target: SeriesView, amount: bigint): FlowPlan {
  const value = broker.value + amount - feeOf(target);
  if (value <= 0n) throw refuse(400, `the top-up must exceed the series fee of ${target.fee}`);
  return { flow: 'topup-broker', inputs: [broker], moneyIn: [{ account, amount }], outputs: [{ series: target, value }], moneyOut: [], fee: feeOf(target) };
}

/** 6.2 convert: BrokerScrip → VendorScrip of `vendor` worth `amount` + change BrokerScrip of `changeSeries`. */
export function planConvert(broker: Holding, vendor: SeriesView, amount: bigint, changeSeries: SeriesView | undefined): FlowPlan {
  need('vendor', vendor, 'vendorSeries');
  if (vendor.broker !== broker.series.issuer) throw refuse(409, `vendor series ${vendor.id} redeems through broker ${vendor.broker}, not the broker of the customer's BrokerScrip`);
  const outputs = [{ series: vendor, value: amount }, ...change(broker.value - amount - feeOf(vendor), changeSeries, 'BrokerScrip')];
  return { flow: 'convert', inputs: [broker], moneyIn: [], outputs, moneyOut: [], fee: sum(outputs.map((o) => feeOf(o.series))) };
}

/**
 * Picks scrip of `held` (largest first, at most 16) worth at least `amount` and, when there is
 * change, enough over it to pay the change's fee; 422 INSUFFICIENT_FUNDS when that is not enough.
 */
export function pickInputs(held: Holding[], amount: bigint, changeFee: bigint): Holding[] {
  const sorted = [...held].sort((a, b) => (a.value === b.value ? a.serial.localeCompare(b.serial) : a.value > b.value ? -1 : 1));
  const picked: Holding[] = [];
  let total = 0n;
  for (const h of sorted) {
    if (total === amount || total > amount + changeFee || picked.length === MAX_INPUTS) break;
    picked.push(h);
    total += h.value;
  }
  if (total < amount) throw refuse(422, `the customer's scrip of this series is worth ${total}, less than ${amount}`);
  return picked;
}

/** 6.3 purchase: VendorScrip of `vendor` → `amount` of money to the vendor + change VendorScrip of `changeSeries`. */
export function planPurchase(vendor: SeriesView, held: Holding[], amount: bigint, changeSeries: SeriesView | undefined): FlowPlan {
  need('vendor', vendor, 'vendorSeries');
  const mine = held.filter((h) => h.series.id === vendor.id);
  if (mine.length === 0) throw refuse(409, `the customer holds no scrip of vendor series ${vendor.id}: convert BrokerScrip first (POST /v1/scrip/convert)`);
  const inputs = pickInputs(mine, amount, changeSeries ? feeOf(changeSeries) : 0n);
  const outputs = change(sum(inputs.map((i) => i.value)) - amount, changeSeries, 'VendorScrip');
  return { flow: 'purchase', inputs, moneyIn: [], outputs, moneyOut: [{ account: vendor.issuer, amount }], fee: sum(outputs.map((o) => feeOf(o.series))) };
}

/**
 * 6.5 top up through the vendor: BrokerScrip (+ the customer's VendorScrip of `vendor`) →
 * VendorScrip of `vendor` worth `amount` more + change BrokerScrip (none when nothing is left).
 * The broker consents by signing its change, or in `accounts` when there is none.
 */
export function planVendorTopup(broker: Holding, vendor: SeriesView, held: Holding[], amount: bigint, changeSeries: SeriesView | undefined): FlowPlan {
  need('vendor', vendor, 'vendorSeries');
  if (vendor.broker !== broker.series.issuer) throw refuse(409, `vendor series ${vendor.id} redeems through broker ${vendor.broker}, not the broker of the customer's BrokerScrip`);
  const topped = held.filter((h) => h.series.id === vendor.id).slice(0, 14);
  const outputs = [{ series: vendor, value: amount + sum(topped.map((h) => h.value)) }, ...change(broker.value - amount - feeOf(vendor), changeSeries, 'BrokerScrip')];
  return { flow: 'topup-vendor', inputs: [broker, ...topped], moneyIn: [], outputs, moneyOut: [], fee: sum(outputs.map((o) => feeOf(o.series))) };
}

/** 6.6 / 6.7 withdrawal: one scrip → its value in money to the customer's account. */
export function planWithdrawal(account: string, holding: Holding): FlowPlan {
  const flow = holding.series.kind === 'broker' ? 'withdraw-broker' : 'withdraw-vendor';
  return { flow, inputs: [holding], moneyIn: [], outputs: [], moneyOut: [{ account, amount: holding.value }], fee: 0n };
}

/** 6.8 renewal: expired scrip → the same value in `target`, its issuer's issuing series; fee 0. */
export function planRenewal(holding: Holding, target: SeriesView | undefined): FlowPlan {
  if (!target || target.id === holding.series.id) throw refuse(409, `issuer ${holding.series.issuer} has no other ${holding.series.kind} series issuing now to renew into`);
  return { flow: 'renew', inputs: [holding], moneyIn: [], outputs: [{ series: target, value: holding.value }], moneyOut: [], fee: 0n };
}

/** The swap request of `plan`, with the holder commitment of each output (in output order) and a fresh nonce. */
export function toSwapRequest(plan: FlowPlan, holders: string[], nonce: string, context?: string): SwapRequest {
  const money = (legs: MoneyLeg[]) => legs.map((m) => ({ account: m.account, amount: m.amount.toString() }));
  return {
    type: 'covenant.scrip.swap/v1',
    nonce,
    flow: plan.flow,
    inputs: { scrip: plan.inputs.map((i) => i.serial), money: money(plan.moneyIn) },
    outputs: { scrip: plan.outputs.map((o, i) => ({ series: o.series.id, value: o.value.toString(), holder: holders[i] })), money: money(plan.moneyOut) },
    fee: plan.fee.toString(),
    ...(context === undefined ? {} : { context }),
  };
}

/** The issuer that submits a plan's swap (the chaincode's rules, scrip/README.md): who produces or accepts the scrip. */
export function submitterOf(plan: FlowPlan): { issuer: string; mspId: string } {
  const s = (series: SeriesView) => ({ issuer: series.issuer, mspId: series.issuerMspId });
  switch (plan.flow) {
    case 'buy':
    case 'topup-broker':
    case 'convert':
      return plan.outputs[0].series.kind === 'broker' ? s(plan.outputs[0].series) : { issuer: plan.inputs[0].series.issuer, mspId: plan.inputs[0].series.issuerMspId };
    case 'purchase':
    case 'withdraw-broker':
    case 'withdraw-vendor':
    case 'renew':
      return s(plan.inputs[0].series);
    case 'topup-vendor':
      return s(plan.outputs[0].series);
  }
}

/**
 * The issuer other than the submitter that must take part first (scrip-sign), with the outputs it
 * signs (`indexes`); an empty `indexes` when its scrip is spent and none issued, so it consents
 * in `accounts` instead (6.5 without change). Undefined when the submitter is the only issuer.
 */
export function countersignOf(plan: FlowPlan): { issuer: string; mspId: string; indexes: number[] } | undefined {
  const submitter = submitterOf(plan).issuer;
  const indexes = plan.outputs.flatMap((o, i) => (o.series.issuer === submitter ? [] : [i]));
  const other = indexes.length > 0 ? plan.outputs[indexes[0]].series : plan.inputs.find((i) => i.series.issuer !== submitter)?.series;
  return other && { issuer: other.issuer, mspId: other.issuerMspId, indexes };
}
