import type { ErrorCode, SeriesView, SwapFlow, SwapRequest } from '@covenant/chaincode';
import { HTTP_STATUS, HttpProblem, problem } from '../http/problem';
import type { ScripMessageType } from './protocol';

/**
 * What an issuer's gateway checks before it countersigns (scrip-sign) or submits (scrip-submit) a
 * swap for one of its identities (issue 12; chaincode/src/scrip/README.md, "Flows"): the gateway's
 * own policy, on top of the chaincode's rules, which the ledger checks again at submission. Pure:
 * the caller has loaded the series the swap names and the series of its input scrip.
 *
 * - The issuer takes part: it issues some series of the swap's inputs or outputs, and this gateway
 *   serves each of them (its series creation was its standing consent). Otherwise FORBIDDEN (so a
 *   vendor's scrip offered to another vendor is refused here, as the chaincode would).
 * - scrip-submit: the flow is one the issuer submits (README "submitter" column): buy, convert,
 *   top-up from the broker and BrokerScrip withdrawal by the broker; purchase, top-up through the
 *   vendor and VendorScrip withdrawal by the vendor; renewal by the scrip's issuer. FORBIDDEN.
 * - A purchase pays its vendor: every money output goes to the submitting vendor. INVALID_ARGUMENT.
 * - The fee is the sum of the output series' fees (0 for renew). INVALID_ARGUMENT.
 * - The issuer's outputs: its series active and not past lastIssueAt (FAILED_PRECONDITION); its
 *   inputs not past spendBy outside a renewal (SCRIP_EXPIRED).
 */

/** Who submits each flow: the broker, the vendor, or (renew) the issuer of the scrip. */
export const SUBMITTER: Record<SwapFlow, 'broker' | 'vendor' | 'issuer'> = {
  buy: 'broker',
  convert: 'broker',
  'topup-broker': 'broker',
  'withdraw-broker': 'broker',
  purchase: 'vendor',
  'topup-vendor': 'vendor',
  'withdraw-vendor': 'vendor',
  renew: 'issuer',
};

/** The facts the checks need, loaded by the caller. */
export interface SwapFacts {
  type: ScripMessageType;
  issuer: string;
  request: SwapRequest;
  /** The series of each input scrip, in input order. */
  inputSeries: SeriesView[];
  /** The series of each output scrip, in output order. */
  outputSeries: SeriesView[];
  /** Series ids this gateway serves for `issuer`. */
  served: ReadonlySet<string>;
  /** ISO 8601 UTC. */
  now: string;
}

/** What the issuer does in the swap: which outputs it signs, and whether it must consent to its input scrip. */
export interface IssuerPart {
  /** Indexes of outputs.scrip of the issuer's series: it signs their scrip bytes. */
  outputs: number[];
  /** True when the swap spends the issuer's scrip. */
  spendsOwnScrip: boolean;
}

/** An HttpProblem with the chaincode's code and status. */
export function refusal(code: ErrorCode, detail: string): HttpProblem {
  return new HttpProblem(problem(HTTP_STATUS[code], code, detail));
}

const after = (now: string, deadline: string) => Date.parse(now) > Date.parse(deadline);

/** Checks the swap against the issuer's policy (above) and returns its part; throws HttpProblem refusals. */
export function checkIssuerPart(f: SwapFacts): IssuerPart {
  const { issuer, request, now } = f;
  const own = [...f.inputSeries, ...f.outputSeries].filter((s) => s.issuer === issuer);
  if (own.length === 0) {
    const other = f.inputSeries[0] ?? f.outputSeries[0];
    throw refusal('FORBIDDEN', other ? `issuer ${issuer} issues none of this swap's scrip (series ${other.id} is issued by ${other.issuer}): scrip is accepted only by its issuer` : `issuer ${issuer} has no part in this swap`);
  }
  for (const s of own) {
    if (!f.served.has(s.id)) throw refusal('FORBIDDEN', `this gateway does not serve series ${s.id} (create series through the issuer's gateway)`);
  }
  if (f.type === 'scrip-submit') {
    const submitter = SUBMITTER[request.flow];
    if (submitter !== 'issuer' && !own.some((s) => s.kind === submitter)) throw refusal('FORBIDDEN', `a ${request.flow} swap is submitted by its ${submitter}`);
    if (request.flow === 'purchase' && request.outputs.money.some((m) => m.account !== issuer)) throw refusal('INVALID_ARGUMENT', 'a purchase pays its vendor: every money output goes to the vendor');
  }
  const renewing = request.flow === 'renew';
  const fee = renewing ? 0n : f.outputSeries.reduce((sum, s) => sum + BigInt(s.fee), 0n);
  if (request.fee !== fee.toString()) throw refusal('INVALID_ARGUMENT', `request.fee must be ${fee} (the output series' fees${renewing ? ': none on renewal' : ''})`);
  const outputs: number[] = [];
  f.outputSeries.forEach((s, index) => {
    if (s.issuer !== issuer) return;
    if (!s.active) throw refusal('FAILED_PRECONDITION', `series ${s.id} is not active`);
    if (after(now, s.lastIssueAt)) throw refusal('FAILED_PRECONDITION', `series ${s.id} issued its last scrip at ${s.lastIssueAt}`);
    outputs.push(index);
  });
  const ownInputs = f.inputSeries.filter((s) => s.issuer === issuer);
  if (!renewing) {
    for (const s of ownInputs) {
      if (after(now, s.spendBy)) throw refusal('SCRIP_EXPIRED', `scrip of series ${s.id} expired at ${s.spendBy}: renew it (until ${s.renewBy})`);
    }
  }
  return { outputs, spendsOwnScrip: ownInputs.length > 0 };
}
