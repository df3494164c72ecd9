import { forbidden, invalidArgument } from '../shared/errors';
import { parseAmount } from '../shared/amount';
import { parseRequest } from '../shared/validate';
import { checkIssuable, checkSpendable } from './series';
import { requestDigest, serialOf } from './scrip';
import { Series, SwapFlow, SwapRequest } from './schema';

/**
 * The swap primitive's pure rules (issue 12; seeds/001 s. 6): one transaction consumes scrip and
 * money and produces scrip and money, with
 *   Σ money in + Σ scrip in = Σ money out + Σ scrip out + fee,   fee = Σ output series' fee
 * (0 in a renew flow), each flow of section 6 being one shape of swap (FLOW_SHAPES). The ledger
 * side (swap-ledger.ts) loads the scrip and series, checks the signatures, then calls `planSwap`
 * and applies its plan. No ctx here.
 */

/** A money leg with its amount parsed: minor units. */
export interface MoneyLeg {
  account: string;
  amount: bigint;
}

/** A swap request checked and parsed: its digest (what holders sign) and the serials its outputs get. */
export interface ParsedSwap {
  request: SwapRequest;
  digest: Buffer;
  moneyIn: MoneyLeg[];
  moneyOut: MoneyLeg[];
  /** outputs.scrip with values parsed and serials derived, in request order. */
  scripOut: { index: number; serial: string; series: string; value: bigint; holder: string }[];
  fee: bigint;
}

/**
 * Parses a swap request (the SwapRequest schema; amounts at most MAX_AMOUNT): INVALID_ARGUMENT for
 * a malformed one, a serial spent twice in it, or an account twice among the money inputs (or
 * the outputs). The digest is SHA-256 of the request's canonical JSON bytes.
 */
export function parseSwap(raw: unknown): ParsedSwap {
  const request = parseRequest(SwapRequest, raw, 'request');
  const unique = (values: string[], what: string) => {
    if (new Set(values).size !== values.length) throw invalidArgument(`request names ${what} twice`);
  };
  unique(request.inputs.scrip, 'an input serial');
  unique(request.inputs.money.map((m) => m.account), 'a money input account');
  unique(request.outputs.money.map((m) => m.account), 'a money output account');
  const digest = requestDigest(request);
  const legs = (list: { account: string; amount: string }[], field: string) => list.map((m, i) => ({ account: m.account, amount: parseAmount(m.amount, `${field}[${i}].amount`) }));
  return {
    request,
    digest,
    moneyIn: legs(request.inputs.money, 'request.inputs.money'),
    moneyOut: legs(request.outputs.money, 'request.outputs.money'),
    scripOut: request.outputs.scrip.map((o, index) => ({ index, serial: serialOf(digest, index), series: o.series, value: parseAmount(o.value, `request.outputs.scrip[${index}].value`), holder: o.holder })),
    fee: parseAmount(request.fee, 'request.fee', { positive: false }),
  };
}

/** How many legs of each kind a flow needs: 'some' (at least one), 'none', or 'any'. */
type Need = 'some' | 'none' | 'any';
interface Shape {
  brokerIn: Need;
  vendorIn: Need;
  moneyIn: Need;
  brokerOut: Need;
  vendorOut: Need;
  moneyOut: Need;
}

/** The flows of seeds/001 s. 6 as swap shapes (renew: any scrip of one issuer, no money). */
export const FLOW_SHAPES: Record<SwapFlow, Shape> = {
  buy: { brokerIn: 'none', vendorIn: 'none', moneyIn: 'some', brokerOut: 'some', vendorOut: 'none', moneyOut: 'none' },
  convert: { brokerIn: 'some', vendorIn: 'none', moneyIn: 'none', brokerOut: 'any', vendorOut: 'some', moneyOut: 'none' },
  purchase: { brokerIn: 'none', vendorIn: 'some', moneyIn: 'none', brokerOut: 'none', vendorOut: 'any', moneyOut: 'some' },
  'topup-broker': { brokerIn: 'some', vendorIn: 'none', moneyIn: 'some', brokerOut: 'some', vendorOut: 'none', moneyOut: 'none' },
  'topup-vendor': { brokerIn: 'some', vendorIn: 'any', moneyIn: 'none', brokerOut: 'any', vendorOut: 'some', moneyOut: 'none' },
  'withdraw-broker': { brokerIn: 'some', vendorIn: 'none', moneyIn: 'none', brokerOut: 'none', vendorOut: 'none', moneyOut: 'some' },
  'withdraw-vendor': { brokerIn: 'none', vendorIn: 'some', moneyIn: 'none', brokerOut: 'none', vendorOut: 'none', moneyOut: 'some' },
  renew: { brokerIn: 'any', vendorIn: 'any', moneyIn: 'none', brokerOut: 'any', vendorOut: 'any', moneyOut: 'none' },
};

/** An input scrip as the ledger found it: unspent, with its series. */
export interface SwapInput {
  serial: string;
  value: bigint;
  series: Series;
}

/** What the ledger side found and verified, for `planSwap`. */
export interface SwapFacts {
  swap: ParsedSwap;
  inputs: SwapInput[];
  /** The series of each output scrip, in output order. */
  outputSeries: Series[];
  /** Accounts that consented: the submitter, verified `accounts` signatures, issuers whose output signatures verified. */
  consenting: ReadonlySet<string>;
  now: string;
}

/** What a valid swap does, for the ledger side to apply. */
export interface SwapPlan {
  broker: string;
  brokerMspId: string;
  /** Change of each series' outstanding (scrip out minus scrip in), by series id. */
  outstanding: Map<string, bigint>;
  /** Fee credited to each output series' issuer account, by account id. */
  fees: Map<string, bigint>;
}

const total = (values: bigint[]) => values.reduce((s, v) => s + v, 0n);

/**
 * Checks a swap against the rules and returns its plan. Errors (nothing is written on failure):
 * - INVALID_ARGUMENT: the flow's shape not met; more than one broker-series output; scrip of two
 *   vendors, or of series with different brokers; a renew flow mixing issuers; the fee not the
 *   computed one; the sum rule broken;
 * - SCRIP_EXPIRED / FAILED_PRECONDITION: an input past spendBy (renew: past renewBy), an output
 *   series inactive or past lastIssueAt (series.ts);
 * - FORBIDDEN: a money input without its account's consent; an input scrip without its issuer's
 *   consent ("VendorScrip is spent only at its vendor", and BrokerScrip only at its broker).
 */
export function planSwap(f: SwapFacts): SwapPlan {
  const { swap, inputs, outputSeries, consenting, now } = f;
  const flow = swap.request.flow;
  const renewing = flow === 'renew';
  const count = (series: Series[], kind: 'broker' | 'vendor') => series.filter((s) => s.kind === kind).length;
  const inSeries = inputs.map((i) => i.series);
  checkShape(flow, {
    brokerIn: count(inSeries, 'broker'),
    vendorIn: count(inSeries, 'vendor'),
    moneyIn: swap.moneyIn.length,
    brokerOut: count(outputSeries, 'broker'),
    vendorOut: count(outputSeries, 'vendor'),
    moneyOut: swap.moneyOut.length,
  });
  if (renewing && (inputs.length === 0 || outputSeries.length === 0)) throw invalidArgument('a renew swap turns scrip into scrip');
  if (count(outputSeries, 'broker') > 1) throw invalidArgument('a swap issues at most one BrokerScrip (a customer holds one at a time)');
  const all = [...inSeries, ...outputSeries];
  const brokers = [...new Set(all.map((s) => s.broker))];
  if (brokers.length !== 1) throw invalidArgument('a swap involves the scrip of exactly one broker');
  if (new Set(all.filter((s) => s.kind === 'vendor').map((s) => s.issuer)).size > 1) throw invalidArgument("a swap cannot mix different vendors' scrip");
  if (renewing && new Set(all.map((s) => s.issuer)).size !== 1) throw invalidArgument('a renew swap stays with one issuer');

  for (const input of inputs) checkSpendable(input.series, now, renewing);
  for (const series of outputSeries) checkIssuable(series, now);
  for (const leg of swap.moneyIn) {
    if (!consenting.has(leg.account)) throw forbidden(`money input from account ${leg.account} lacks its owner's consent`);
  }
  for (const input of inputs) {
    if (!consenting.has(input.series.issuer)) throw forbidden(`scrip ${input.serial} is accepted only by its issuer ${input.series.issuer}, who did not take part`);
  }

  const fees = new Map<string, bigint>();
  if (!renewing) {
    for (const series of outputSeries) fees.set(series.issuer, (fees.get(series.issuer) ?? 0n) + series.fee);
  }
  const fee = total([...fees.values()]);
  if (swap.fee !== fee) throw invalidArgument(`request.fee must be ${fee} (the output series' fees${renewing ? ': none on renewal' : ''})`);
  const valueIn = total(swap.moneyIn.map((m) => m.amount)) + total(inputs.map((i) => i.value));
  const valueOut = total(swap.moneyOut.map((m) => m.amount)) + total(swap.scripOut.map((o) => o.value)) + fee;
  if (valueIn !== valueOut) throw invalidArgument(`inputs (${valueIn}) must equal outputs plus fee (${valueOut})`);

  const outstanding = new Map<string, bigint>();
  const move = (id: string, delta: bigint) => outstanding.set(id, (outstanding.get(id) ?? 0n) + delta);
  for (const input of inputs) move(input.series.id, -input.value);
  swap.scripOut.forEach((o) => move(o.series, o.value));
  const brokerSeries = all.find((s) => s.broker === brokers[0])!;
  return { broker: brokers[0], brokerMspId: brokerSeries.brokerMspId, outstanding, fees };
}

function checkShape(flow: SwapFlow, counts: Record<keyof Shape, number>): void {
  const shape = FLOW_SHAPES[flow];
  for (const leg of Object.keys(shape) as (keyof Shape)[]) {
    const need = shape[leg];
    if ((need === 'some' && counts[leg] === 0) || (need === 'none' && counts[leg] > 0)) {
      throw invalidArgument(`a ${flow} swap has ${need === 'some' ? 'at least one' : 'no'} ${leg.replace(/(In|Out)$/, (m) => (m === 'In' ? ' input' : ' output'))}`);
    }
  }
}
