import { Info, Returns, Transaction } from 'fabric-contract-api';
import { CovenantContract } from '../shared/contract';
import { CovenantContext } from '../shared/context';
import { alreadyExists, failedPrecondition, forbidden, invalidArgument } from '../shared/errors';
import { canonicalJson } from '../shared/canonical';
import { parseJsonArg } from '../shared/args';
import { EVERYONE, partiesAudience } from '../shared/audience';
import { AccountStore, credit } from '../accounts/account';
import { requireRole, rolesOf } from '../consortium/roles';
import { CreateSeriesRequest, Serial } from './schema';
import { newSeries, sweep, viewSeries } from './series';
import { applySwap } from './swap-ledger';
import { mayReadEntry, swapAudience, viewEntry, viewScrip } from './log';
import { LogStore, NullifierStore, ScripStore, SeriesStore } from './store';
import { firstError } from '../shared/validate';

/**
 * Scrip payments (issue 12; seeds/001 sections 5-6: Millicent scrip with SET-style envelopes).
 * Contract name `scrip`. Brokers and vendors issue scrip in series; customers hold it under
 * one-time holder keys; one swap primitive implements every flow of section 6; spent serials are
 * nullifiers; the broker keeps the log. Rules: scrip/README.md. Amounts are minor units as decimal
 * strings; times ISO 8601 UTC compared with the transaction time.
 */
@Info({ title: 'scrip', description: 'Scrip series, the swap primitive (buy, convert, purchase, top up, withdraw, renew), nullifiers, the broker log' })
export class ScripContract extends CovenantContract {
  constructor() {
    super('scrip');
  }

  /**
   * Creates a series issued by the caller. `request` is JSON CreateSeriesRequest `{id, kind:
   * broker|vendor, unit, fee, lastIssueAt, spendBy, renewBy, broker?}` (now < lastIssueAt <=
   * spendBy <= renewBy; a vendor series names the broker it redeems through). The caller holds the
   * role named by `kind`; the broker holds the broker role. Returns the series view. Errors:
   * INVALID_ARGUMENT, FORBIDDEN (role), FAILED_PRECONDITION (no account; broker without the role),
   * NOT_FOUND (broker), ALREADY_EXISTS (id taken). Event `ScripSeriesCreated` to everyone (series
   * are public: it announces the spend-by and renew-by windows). Source: seeds/001 s. 6.8.
   */
  @Transaction()
  @Returns('string')
  async createSeries(ctx: CovenantContext, request: string): Promise<string> {
    const parsed = this.request(CreateSeriesRequest, request);
    await requireRole(ctx, parsed.kind);
    const accounts = new AccountStore(ctx);
    const issuer = await accounts.own();
    let broker: { account: string; mspId: string } | undefined;
    if (parsed.broker !== undefined) {
      const account = await accounts.get(parsed.broker);
      if (!(await rolesOf(ctx, account.id)).includes('broker')) throw failedPrecondition(`account ${account.id} does not hold the broker role`);
      broker = { account: account.id, mspId: account.mspId };
    }
    const series = newSeries(parsed, { account: issuer.id, mspId: issuer.mspId, broker }, ctx.now);
    const store = new SeriesStore(ctx);
    if (await store.find(series.id)) throw alreadyExists(`scrip series ${series.id} already exists`);
    await store.save(series, { create: true });
    const { outstanding: _o, ...announced } = viewSeries(series, '');
    return this.emitted(ctx, 'ScripSeriesCreated', viewSeries(series, issuer.id), { series: announced }, EVERYONE);
  }

  /**
   * The issuer stops (`active` "false") or resumes ("true") issuing from series `id`; spending and
   * renewal of its scrip go on. Errors: INVALID_ARGUMENT, NOT_FOUND, FORBIDDEN (not the issuer).
   * Event `ScripSeriesUpdated` to everyone.
   */
  @Transaction()
  @Returns('string')
  async setSeriesActive(ctx: CovenantContext, id: string, active: string): Promise<string> {
    if (active !== 'true' && active !== 'false') throw invalidArgument('active must be "true" or "false"');
    const store = new SeriesStore(ctx);
    const series = this.issuedByCaller(ctx, await store.get(id));
    const next = await store.save({ ...series, active: active === 'true', updatedAt: ctx.now });
    const { outstanding: _o, ...announced } = viewSeries(next, '');
    return this.emitted(ctx, 'ScripSeriesUpdated', viewSeries(next, ctx.caller.accountId), { series: announced }, EVERYONE);
  }

  /**
   * After series `id`'s renewBy, its issuer sweeps what is still outstanding (scrip never renewed
   * nor redeemed) to its own account; the series' remaining scrip is void. Value never disappears
   * silently: the event names the amount. Errors: NOT_FOUND, FORBIDDEN (not the issuer),
   * FAILED_PRECONDITION (renewBy not passed, already swept, the issuer's balance ceiling).
   * Event `ScripSeriesSwept` {series, amount} to the issuer. Source: issue 12 ("value never
   * disappears silently").
   */
  @Transaction()
  @Returns('string')
  async sweepSeries(ctx: CovenantContext, id: string): Promise<string> {
    const store = new SeriesStore(ctx);
    const series = this.issuedByCaller(ctx, await store.get(id));
    const swept = sweep(series, ctx.now);
    const accounts = new AccountStore(ctx);
    if (swept.amount > 0n) await accounts.save(credit(await accounts.get(series.issuer), swept.amount));
    await store.save(swept.series);
    const view = viewSeries(swept.series, series.issuer);
    const audience = partiesAudience({ accounts: [series.issuer], organizations: [series.issuerMspId] });
    return this.emitted(ctx, 'ScripSeriesSwept', view, { series: id, amount: swept.amount.toString() }, audience);
  }

  /**
   * One swap (swap.ts, swap-ledger.ts): `request` JSON SwapRequest `{type: "covenant.scrip.swap/v1",
   * nonce, flow, inputs: {scrip: [serial], money: [{account, amount}]}, outputs: {scrip: [{series,
   * value, holder}], money: [{account, amount}]}, fee, context?}`; `authorizations` JSON
   * `{holders: [{serial, publicKey, signature}], accounts: [{account, signature}], issuers:
   * [{index, signature}], envelopes?: {reader: envelope}}`. Holders and consenting accounts sign
   * SHA-256(canonical request) with ECDSA P-256/SHA-256; issuers sign each output scrip's bytes.
   * Returns `{txId, digest, flow, issued: [scrip], spent: [serial], fee}`. Errors: see applySwap
   * (INVALID_ARGUMENT, ALREADY_EXISTS, NOT_FOUND, DOUBLE_SPEND, FORBIDDEN, SCRIP_EXPIRED,
   * FAILED_PRECONDITION, INSUFFICIENT_FUNDS). Event `ScripSwapped` {flow, broker, spent, issued,
   * series} to the entry's parties and envelope readers. Source: seeds/001 s. 6.1-6.8.
   */
  @Transaction()
  @Returns('string')
  async swap(ctx: CovenantContext, request: string, authorizations: string): Promise<string> {
    const { entry, issued } = await applySwap(ctx, parseJsonArg(request, 'request'), parseJsonArg(authorizations, 'authorizations'));
    const spent = entry.inputs.scrip.map((s) => s.serial);
    const series = [...new Set([...entry.inputs.scrip, ...entry.outputs.scrip].map((s) => s.series))].sort();
    const result = { txId: ctx.txId, digest: entry.digest, flow: entry.flow, issued: issued.map(viewScrip), spent, fee: entry.fee.toString() };
    const payload = { flow: entry.flow, broker: entry.broker, spent, issued: issued.map((s) => s.serial), series };
    return this.emitted(ctx, 'ScripSwapped', result, payload, swapAudience(entry));
  }

  /** One series; anyone may read it (`outstanding` is shown to its issuer only). Errors: NOT_FOUND. */
  @Transaction(false)
  @Returns('string')
  async getSeries(ctx: CovenantContext, id: string): Promise<string> {
    return canonicalJson(viewSeries(await new SeriesStore(ctx).get(id), ctx.caller.accountId));
  }

  /**
   * Every series, one page in id order: `{records: [series], bookmark}`; `pageSize` 1..100
   * (default 20), `bookmark` from the previous page. Anyone may read.
   */
  @Transaction(false)
  @Returns('string')
  async listSeries(ctx: CovenantContext, pageSize: string, bookmark: string): Promise<string> {
    const page = await new SeriesStore(ctx).list([], pageSize, bookmark);
    return canonicalJson({ records: page.records.map((s) => viewSeries(s, ctx.caller.accountId)), bookmark: page.bookmark });
  }

  /**
   * A serial's status: `{serial, status: unspent, scrip}` or `{serial, status: spent, spent: {txId,
   * spentAt}}`. Anyone may check a serial (it reveals no holder: only a commitment to a one-time
   * key). Errors: INVALID_ARGUMENT (not a serial), NOT_FOUND (never issued).
   */
  @Transaction(false)
  @Returns('string')
  async getScrip(ctx: CovenantContext, serial: string): Promise<string> {
    const problem = firstError(Serial, serial, 'serial');
    if (problem) throw invalidArgument(problem);
    const spent = await new NullifierStore(ctx).find(serial);
    if (spent) return canonicalJson({ serial, status: 'spent', spent });
    return canonicalJson({ serial, status: 'unspent', scrip: viewScrip(await new ScripStore(ctx).get(serial)) });
  }

  /**
   * The caller's broker log, one page, oldest first: `{records: [entry], bookmark}` (every envelope
   * shown). Empty for a caller that brokers nothing. `pageSize` 1..100 (default 20).
   */
  @Transaction(false)
  @Returns('string')
  async brokerLog(ctx: CovenantContext, pageSize: string, bookmark: string): Promise<string> {
    const me = ctx.caller.accountId;
    const page = await new LogStore(ctx).listByBroker(me, pageSize, bookmark);
    return canonicalJson({ records: page.records.map((e) => viewEntry(e, me)), bookmark: page.bookmark });
  }

  /**
   * The log entry of swap transaction `txId`, for its broker, a listed party or an envelope reader
   * (who sees only its own envelope). Errors: NOT_FOUND, FORBIDDEN.
   */
  @Transaction(false)
  @Returns('string')
  async logEntry(ctx: CovenantContext, txId: string): Promise<string> {
    const entry = await new LogStore(ctx).get(txId);
    if (!mayReadEntry(entry, ctx.caller.accountId)) throw forbidden(`only the broker and the parties of swap ${txId} may read its log entry`);
    return canonicalJson(viewEntry(entry, ctx.caller.accountId));
  }

  private issuedByCaller<T extends { issuer: string; id: string }>(ctx: CovenantContext, series: T): T {
    if (series.issuer !== ctx.caller.accountId) throw forbidden(`only the issuer of series ${series.id} may change it`);
    return series;
  }
}
