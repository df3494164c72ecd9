import { failedPrecondition, invalidArgument, scripExpired } from '../shared/errors';
import { parseTimestamp } from '../shared/fields';
import { parseAmount } from '../shared/amount';
import type { CreateSeriesRequest, Series, SeriesView } from './schema';

/**
 * A scrip series' rules (issue 12; seeds/001 s. 6.8 "Expired Scrip"): its validity windows and
 * what each allows at the transaction time `now` (ISO 8601, compared as instants):
 * - issuing: while `active` and now <= lastIssueAt;
 * - spending: while now <= spendBy; later SCRIP_EXPIRED;
 * - renewal (flow renew, into the issuer's issuing series): while now <= renewBy; later
 *   FAILED_PRECONDITION, and the issuer may sweep what is still outstanding to its own account.
 * Pure: no ctx.
 */

/** Who creates a series, as the contract found it: the caller's account and organisation, and the broker for a vendor series. */
export interface SeriesCreator {
  account: string;
  mspId: string;
  broker?: { account: string; mspId: string };
}

/**
 * A new series from its request, created at `now`: INVALID_ARGUMENT unless
 * now < lastIssueAt <= spendBy <= renewBy, and a vendor series names its broker (a broker series
 * names none: it is its own). `outstanding` starts at 0; `active` true.
 */
export function newSeries(request: CreateSeriesRequest, creator: SeriesCreator, now: string): Series {
  const lastIssueAt = parseTimestamp(request.lastIssueAt, 'request.lastIssueAt');
  const spendBy = parseTimestamp(request.spendBy, 'request.spendBy');
  const renewBy = parseTimestamp(request.renewBy, 'request.renewBy');
  if (Date.parse(lastIssueAt) <= Date.parse(now)) throw invalidArgument('request.lastIssueAt must be after the transaction time');
  if (Date.parse(spendBy) < Date.parse(lastIssueAt)) throw invalidArgument('request.spendBy must not be before lastIssueAt');
  if (Date.parse(renewBy) < Date.parse(spendBy)) throw invalidArgument('request.renewBy must not be before spendBy');
  if (request.kind === 'vendor' && !creator.broker) throw invalidArgument('a vendor series must name its broker (request.broker)');
  if (request.kind === 'broker' && request.broker !== undefined) throw invalidArgument('a broker series names no other broker (request.broker)');
  const broker = creator.broker ?? { account: creator.account, mspId: creator.mspId };
  return {
    id: request.id,
    issuer: creator.account,
    issuerMspId: creator.mspId,
    kind: request.kind,
    unit: request.unit,
    fee: parseAmount(request.fee, 'request.fee', { positive: false }),
    broker: broker.account,
    brokerMspId: broker.mspId,
    lastIssueAt,
    spendBy,
    renewBy,
    active: true,
    outstanding: 0n,
    createdAt: now,
    updatedAt: now,
  };
}

const after = (now: string, deadline: string) => Date.parse(now) > Date.parse(deadline);

/** FAILED_PRECONDITION unless scrip of `s` may be issued at `now` (active, not past lastIssueAt). */
export function checkIssuable(s: Series, now: string): void {
  if (!s.active) throw failedPrecondition(`series ${s.id} is not active`);
  if (after(now, s.lastIssueAt)) throw failedPrecondition(`series ${s.id} issued its last scrip at ${s.lastIssueAt}`);
}

/**
 * Checks that scrip of `s` may be spent at `now`: in a renew flow until renewBy
 * (FAILED_PRECONDITION after), otherwise until spendBy (SCRIP_EXPIRED after: renew it). A swept
 * series' scrip is dead (FAILED_PRECONDITION).
 */
export function checkSpendable(s: Series, now: string, renewing: boolean): void {
  if (s.sweptAt !== undefined) throw failedPrecondition(`series ${s.id} was swept at ${s.sweptAt}: its scrip is void`);
  if (renewing) {
    if (after(now, s.renewBy)) throw failedPrecondition(`scrip of series ${s.id} could be renewed until ${s.renewBy}`);
    return;
  }
  if (after(now, s.spendBy)) throw scripExpired(`scrip of series ${s.id} expired at ${s.spendBy}: renew it (until ${s.renewBy})`);
}

/**
 * The series after its issuer sweeps it at `now`: outstanding to 0, `swept` the amount the
 * issuer's account receives. FAILED_PRECONDITION before renewBy has passed or when already swept.
 */
export function sweep(s: Series, now: string): { series: Series; amount: bigint } {
  if (s.sweptAt !== undefined) throw failedPrecondition(`series ${s.id} was already swept at ${s.sweptAt}`);
  if (!after(now, s.renewBy)) throw failedPrecondition(`series ${s.id} can be swept only after its renewBy ${s.renewBy}`);
  return { series: { ...s, outstanding: 0n, swept: s.outstanding, sweptAt: now, updatedAt: now }, amount: s.outstanding };
}

/** The series as `reader` sees it: amounts as decimal strings; `outstanding` for its issuer only. */
export function viewSeries(s: Series, reader: string): SeriesView {
  const { outstanding, fee, swept, ...rest } = s;
  return {
    ...rest,
    fee: fee.toString(),
    ...(swept === undefined ? {} : { swept: swept.toString() }),
    ...(reader === s.issuer ? { outstanding: outstanding.toString() } : {}),
  };
}
