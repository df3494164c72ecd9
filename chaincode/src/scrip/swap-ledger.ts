import type { CovenantContext } from '../shared/context';
import { alreadyExists, doubleSpend, forbidden, invalidArgument } from '../shared/errors';
import { addWithinCeiling } from '../shared/amount';
import { parseRequest } from '../shared/validate';
import { parseP256Point, parseSignature, verifyWithCertificate, verifyWithP256Point } from '../shared/signature';
import { AccountStore, credit, debit } from '../accounts/account';
import { LogEntry, MAX_ENVELOPES, Scrip, Series, SwapAuthorizations } from './schema';
import { ParsedSwap, SwapInput, parseSwap, planSwap } from './swap';
import { holderCommitment, scripBytes } from './scrip';
import { LogStore, NullifierStore, RequestStore, ScripStore, SeriesStore } from './store';

/**
 * The ledger side of scrip:swap (issue 12; seeds/001 s. 6): loads what the request names, checks
 * every signature, lets the pure rules (swap.ts planSwap) judge the values and windows, then
 * writes: money debited and credited through AccountStore (sub-balances keep working), input
 * serials nullified and their records deleted, output scrip created, series' outstanding moved,
 * the request's digest marked, one broker log entry. Any refusal throws before the transaction
 * commits, so nothing of it is written.
 */

/** What a swap did: the log entry (with envelopes) and the scrip it issued. */
export interface SwapResult {
  entry: LogEntry;
  issued: Scrip[];
}

/**
 * Applies the swap `rawRequest` (SwapRequest JSON) with `rawAuthorizations` (SwapAuthorizations
 * JSON) at the transaction time. Errors: INVALID_ARGUMENT (malformed, unknown issuer index, the
 * rules of swap.ts), ALREADY_EXISTS (the request was already applied: a replay, or an output serial
 * exists), NOT_FOUND (an input serial or a series or an account unknown), DOUBLE_SPEND (an input
 * serial already spent), FORBIDDEN (a holder, account or issuer signature missing or wrong; consent
 * missing), SCRIP_EXPIRED, FAILED_PRECONDITION (windows, inactive series, a balance or reserve
 * ceiling), INSUFFICIENT_FUNDS (a money input).
 */
export async function applySwap(ctx: CovenantContext, rawRequest: unknown, rawAuthorizations: unknown): Promise<SwapResult> {
  const swap = parseSwap(rawRequest);
  const auth = parseRequest(SwapAuthorizations, rawAuthorizations, 'authorizations');
  const envelopes = auth.envelopes ?? {};
  if (Object.keys(envelopes).length > MAX_ENVELOPES) throw invalidArgument(`authorizations.envelopes holds at most ${MAX_ENVELOPES} envelopes`);
  const digest = swap.digest.toString('hex');
  if (await new RequestStore(ctx).find(digest)) throw alreadyExists(`swap request ${digest} was already applied`);
  for (const o of swap.scripOut) {
    if ((await new ScripStore(ctx).find(o.serial)) || (await new NullifierStore(ctx).find(o.serial))) throw alreadyExists(`scrip ${o.serial} already exists`);
  }

  const accounts = new AccountStore(ctx);
  const seriesCache = new Map<string, Series>();
  const seriesOf = async (id: string) => {
    if (!seriesCache.has(id)) seriesCache.set(id, await new SeriesStore(ctx).get(id));
    return seriesCache.get(id)!;
  };
  const inputs = await loadInputs(ctx, swap, auth, seriesOf);
  const consenting = new Set([ctx.caller.accountId]);
  for (const [i, a] of auth.accounts.entries()) {
    const account = await accounts.get(a.account);
    if (!verifyWithCertificate(account.certificate, swap.digest, parseSignature(a.signature))) throw forbidden(`authorizations.accounts[${i}]: the signature of account ${a.account} does not verify`);
    consenting.add(a.account);
  }
  const outputSeries: Series[] = [];
  const signed = new Map(auth.issuers.map((s) => [s.index, s.signature]));
  if (signed.size !== auth.issuers.length || auth.issuers.some((s) => s.index >= swap.scripOut.length)) throw invalidArgument('authorizations.issuers must name each output index once');
  for (const o of swap.scripOut) {
    const series = await seriesOf(o.series);
    const signature = signed.get(o.index);
    const issuer = await accounts.get(series.issuer);
    if (signature === undefined || !verifyWithCertificate(issuer.certificate, scripBytes(o), parseSignature(signature))) {
      throw forbidden(`output ${o.index} lacks a valid signature of its series issuer ${series.issuer}`);
    }
    consenting.add(series.issuer);
    outputSeries.push(series);
  }

  const plan = planSwap({ swap, inputs, outputSeries, consenting, now: ctx.now });

  const organizations = new Set([ctx.caller.mspId, plan.brokerMspId]);
  for (const leg of swap.moneyIn) organizations.add((await accounts.save(debit(await accounts.get(leg.account), leg.amount))).mspId);
  for (const leg of [...swap.moneyOut, ...[...plan.fees].filter(([, fee]) => fee > 0n).map(([account, amount]) => ({ account, amount }))]) {
    organizations.add((await accounts.save(credit(await accounts.get(leg.account), leg.amount))).mspId);
  }
  const seriesStore = new SeriesStore(ctx);
  for (const [id, delta] of plan.outstanding) {
    const series = await seriesOf(id);
    organizations.add(series.issuerMspId);
    await seriesStore.save({ ...series, outstanding: addWithinCeiling(series.outstanding, delta, `the reserve of series ${id}`), updatedAt: ctx.now });
  }
  for (const input of inputs) {
    await new NullifierStore(ctx, input.series.issuerMspId).save({ serial: input.serial, txId: ctx.txId, spentAt: ctx.now }, { create: true });
    await new ScripStore(ctx).remove(input.serial);
  }
  const issued: Scrip[] = [];
  for (const [i, o] of swap.scripOut.entries()) {
    const scrip: Scrip = { serial: o.serial, series: o.series, value: o.value, holder: o.holder, issuerSignature: signed.get(o.index)!, issuedAt: ctx.now, txId: ctx.txId };
    issued.push(await new ScripStore(ctx, outputSeries[i].issuerMspId).save(scrip, { create: true }));
  }
  await new RequestStore(ctx, plan.brokerMspId).save({ digest, txId: ctx.txId }, { create: true });

  const parties = new Set([ctx.caller.accountId, plan.broker, ...swap.moneyIn.map((m) => m.account), ...swap.moneyOut.map((m) => m.account)]);
  for (const s of [...inputs.map((i) => i.series), ...outputSeries]) parties.add(s.issuer);
  const entry: LogEntry = {
    txId: ctx.txId,
    broker: plan.broker,
    brokerMspId: plan.brokerMspId,
    at: ctx.now,
    flow: swap.request.flow,
    digest,
    inputs: { scrip: inputs.map((i) => ({ serial: i.serial, series: i.series.id, value: i.value })), money: swap.moneyIn },
    outputs: { scrip: swap.scripOut.map((o) => ({ serial: o.serial, series: o.series, value: o.value })), money: swap.moneyOut },
    fee: swap.fee,
    submitter: ctx.caller.accountId,
    parties: [...parties].sort(),
    organizations: [...organizations].sort(),
    envelopes,
  };
  await new LogStore(ctx).save(entry, { create: true });
  return { entry, issued };
}

/**
 * The input scrip, each checked: not spent (DOUBLE_SPEND), existing (NOT_FOUND), and its holder
 * key proven: the given public key's commitment is the scrip's `holder` and its signature over
 * the request digest verifies (FORBIDDEN otherwise).
 */
async function loadInputs(ctx: CovenantContext, swap: ParsedSwap, auth: SwapAuthorizations, seriesOf: (id: string) => Promise<Series>): Promise<SwapInput[]> {
  const holders = new Map(auth.holders.map((h) => [h.serial, h]));
  if (holders.size !== auth.holders.length) throw invalidArgument('authorizations.holders names a serial twice');
  const inputs: SwapInput[] = [];
  for (const serial of swap.request.inputs.scrip) {
    const spent = await new NullifierStore(ctx).find(serial);
    if (spent) throw doubleSpend(`scrip ${serial} was spent in transaction ${spent.txId} at ${spent.spentAt}`);
    const scrip = await new ScripStore(ctx).get(serial);
    const holder = holders.get(serial);
    if (!holder) throw forbidden(`scrip ${serial} has no holder signature`);
    const point = parseP256Point(holder.publicKey, `the holder key of scrip ${serial}`);
    if (holderCommitment(point) !== scrip.holder) throw forbidden(`the key given for scrip ${serial} is not its holder's`);
    if (!verifyWithP256Point(point, swap.digest, parseSignature(holder.signature))) throw forbidden(`the holder signature of scrip ${serial} does not verify`);
    inputs.push({ serial, value: scrip.value, series: await seriesOf(scrip.series) });
  }
  return inputs;
}
