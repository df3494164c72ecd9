import { createHash, randomBytes } from 'node:crypto';
import { SeriesView, ScripView, SwapRequest, parseSignature, requestDigest, scripBytes, serialOf, verifyWithCertificate } from '@covenant/chaincode';
import type { ChaincodeClient } from '../ledger/chaincode';
import { ChaincodeError } from '../ledger/port';
import type { Principal } from '../identity/store';
import { accountIdOf, signAs } from '../identity/signing';
import { HttpProblem, problem } from '../http/problem';
import { PeerFailure } from '../channels/transport';
import { KeyedLocks } from '../channels/locks';
import type { CertificateCache } from '../channels/certificates';
import { generateEncryptionKeyPair, open, seal } from '../envelopes';
import * as flows from './flows';
import { FlowPlan, Holding } from './flows';
import { HolderKey, generateHolderKey, signAsHolder } from './holder-keys';
import type { ScripInbox } from './inbox-client';
import type { ScripMessage } from './protocol';
import { receiptContext, sealedContext } from './envelope-contexts';
import { FlowResult, PendingRequest, WalletEntry, WalletStore } from './wallet-store';

/** What a plan carries for the submitting issuer only, sealed in `sealed` (protocol.ts). */
type Secret = { account?: string; order?: unknown };

/** Most series pages read to find an issuer's issuing series (100 per page). */
const MAX_SERIES_PAGES = 20;

/**
 * The customer side of the scrip flows (seeds/001 s. 6; docs: /tmp/scrip-rest.md "Flows"): for a
 * user of this gateway, builds each flow's swap request from the user's wallet and the series
 * (read from the ledger), makes a one-time holder key per output scrip, signs the holder and
 * account consents, seals what only the issuer may read (gateway/src/envelopes), stores it all
 * durably (WalletStore) BEFORE any message leaves, then asks the issuers' gateways (scrip-sign,
 * scrip-submit: protocol.ts), verifies each issued scrip's issuer signature against the issuer
 * account's certificate and records outputs unspent and inputs spent. A request is identified by
 * the caller's Idempotency-Key: a retry resends the same message (same digest: the issuer applies
 * it once) or answers the stored result. One user's flows run one at a time (no two pick the same
 * scrip). Errors: HttpProblem (flows.ts refusals), the chaincode's (series NOT_FOUND, ...),
 * PeerFailure with the issuer's code (DOUBLE_SPEND, SCRIP_EXPIRED, FORBIDDEN; 503 unreachable).
 */
export class ScripCustomer {
  private readonly locks = new KeyedLocks();

  constructor(
    private readonly chaincode: ChaincodeClient,
    private readonly wallet: WalletStore,
    private readonly inbox: ScripInbox,
    private readonly certificates: CertificateCache,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** 6.1: `amount` (minor units) of the caller's money → one BrokerScrip of broker series `series`. */
  buy(p: Principal, key: string, body: { series: string; amount: string }): Promise<FlowResult> {
    return this.run(p, key, async (account, held) => ({ plan: flows.planBuy(account, await this.series(p, body.series), BigInt(body.amount), held), secret: { account } }));
  }

  /** 6.4: the caller's BrokerScrip + `amount` of its money → one BrokerScrip (the broker's issuing series). */
  topup(p: Principal, key: string, body: { amount: string }): Promise<FlowResult> {
    return this.run(p, key, async (account, held) => {
      const broker = flows.brokerHolding(held);
      const target = await this.issuing(p, broker.series.issuer, 'broker', broker.series);
      if (!target) throw new HttpProblem(problem(409, 'FAILED_PRECONDITION', `broker ${broker.series.issuer} has no series issuing now`));
      return { plan: flows.planTopup(account, broker, target, BigInt(body.amount)), secret: { account } };
    });
  }

  /** 6.2: the caller's BrokerScrip → VendorScrip of `vendorSeries` worth `amount` + change BrokerScrip. */
  convert(p: Principal, key: string, body: { vendorSeries: string; amount: string }): Promise<FlowResult> {
    return this.run(p, key, async (_account, held) => {
      const broker = flows.brokerHolding(held);
      const vendor = await this.series(p, body.vendorSeries);
      const changeSeries = await this.issuing(p, broker.series.issuer, 'broker', broker.series);
      return { plan: flows.planConvert(broker, vendor, BigInt(body.amount), changeSeries) };
    });
  }

  /** 6.3: the caller's VendorScrip of `vendorSeries` → `amount` of money to the vendor + change; `order` sealed for the vendor. */
  purchase(p: Principal, key: string, body: { vendorSeries: string; amount: string; order?: unknown }): Promise<FlowResult> {
    return this.run(p, key, async (_account, held) => {
      const vendor = await this.series(p, body.vendorSeries);
      const changeSeries = await this.issuing(p, vendor.issuer, 'vendor', vendor);
      return { plan: flows.planPurchase(vendor, held, BigInt(body.amount), changeSeries), secret: body.order === undefined ? undefined : { order: body.order } };
    });
  }

  /** 6.5: the caller's BrokerScrip (+ its VendorScrip of `vendorSeries`) → VendorScrip worth `amount` more + change BrokerScrip. */
  vendorTopup(p: Principal, key: string, body: { vendorSeries: string; amount: string }): Promise<FlowResult> {
    return this.run(p, key, async (_account, held) => {
      const broker = flows.brokerHolding(held);
      const vendor = await this.series(p, body.vendorSeries);
      const changeSeries = await this.issuing(p, broker.series.issuer, 'broker', broker.series);
      return { plan: flows.planVendorTopup(broker, vendor, held, BigInt(body.amount), changeSeries) };
    });
  }

  /** 6.6 / 6.7: the caller's scrip `serial` → its value in money to the caller's account. */
  withdraw(p: Principal, key: string, body: { serial: string }): Promise<FlowResult> {
    return this.run(p, key, async (account, held) => ({ plan: flows.planWithdrawal(account, await this.holding(account, held, body.serial)), secret: { account } }));
  }

  /** 6.8: the caller's (expired) scrip `serial` → the same value in its issuer's issuing series, new holder key, fee 0. */
  renew(p: Principal, key: string, body: { serial: string }): Promise<FlowResult> {
    return this.run(p, key, async (account, held) => {
      const holding = await this.holding(account, held, body.serial);
      return { plan: flows.planRenewal(holding, await this.issuing(p, holding.series.issuer, holding.series.kind)) };
    });
  }

  /**
   * The caller's wallet: its scrip not yet spent (pending and unspent; with `all`, spent too). With
   * `reconcile`, each not-spent entry is first checked on the ledger (scrip:getScrip): a pending
   * one found issued becomes unspent (its issuer signature verified), one found spent becomes spent.
   */
  async walletOf(p: Principal, options: { reconcile?: boolean; all?: boolean } = {}): Promise<WalletEntry[]> {
    const account = accountIdOf(p);
    let entries = await this.wallet.entries(account);
    if (options.reconcile) entries = await this.locks.run(account, () => this.reconcile(p, account));
    return options.all ? entries : entries.filter((e) => e.status !== 'spent');
  }

  /** Runs one flow for the caller under its lock: answers a finished request, resends a pending one, or builds, stores and sends a new one. */
  private run(p: Principal, key: string, build: (account: string, held: Holding[]) => Promise<{ plan: FlowPlan; secret?: Secret }>): Promise<FlowResult> {
    const account = accountIdOf(p);
    const id = createHash('sha256').update(`${account}\u0000${key}`).digest('hex');
    return this.locks.run(account, async () => {
      const stored = await this.wallet.request(id);
      if (stored?.status === 'done') return stored.result!;
      if (stored?.status === 'refused') throw new HttpProblem(problem(409, 'FAILED_PRECONDITION', 'this request was refused by the issuer: send a new one with another Idempotency-Key'));
      const pending = stored ?? (await this.prepare(p, account, id, await build(account, await this.holdings(p, account))));
      return this.deliver(p, pending);
    });
  }

  /** The request of `plan`: holder keys, consents and envelopes made and stored (synced) before it is sent. */
  private async prepare(p: Principal, account: string, id: string, built: { plan: FlowPlan; secret?: Secret }): Promise<PendingRequest> {
    const { plan, secret } = built;
    const keys = plan.outputs.map(() => generateHolderKey());
    const request: SwapRequest = flows.toSwapRequest(plan, keys.map((k) => k.commitment), randomBytes(24).toString('base64url'));
    const digest = requestDigest(request);
    const holders = [];
    for (const input of plan.inputs) {
      const key = await this.wallet.holderKey(input.serial);
      if (!key) throw new HttpProblem(problem(409, 'FAILED_PRECONDITION', `this gateway holds no holder key for scrip ${input.serial}`));
      holders.push({ serial: input.serial, publicKey: key.publicKey, signature: signAsHolder(key, digest) });
    }
    const accounts = plan.moneyIn.filter((m) => m.account === account).map(() => ({ account, signature: signAs(p, digest) }));
    const submitTo = flows.submitterOf(plan);
    const receipt = generateEncryptionKeyPair();
    const message: ScripMessage = { type: 'scrip-submit', issuer: submitTo.issuer, request, authorizations: { holders, accounts, issuers: [] }, receiptKey: receipt.publicKey };
    if (secret) {
      const sealed = await this.sealFor(p, submitTo.issuer, plan.flow, request.nonce, secret);
      if (sealed) message.sealed = sealed;
    }
    const createdAt = this.now().toISOString();
    const countersign = flows.countersignOf(plan);
    const pending: PendingRequest = {
      id,
      account,
      flow: plan.flow,
      submitTo,
      message,
      ...(countersign ? { countersign } : {}),
      receiptKey: { privateKey: receipt.privateKey, kid: receipt.kid },
      status: 'pending',
      createdAt,
      updatedAt: createdAt,
    };
    const outputs: WalletEntry[] = plan.outputs.map((o, i) => ({
      serial: serialOf(digest, i),
      series: o.series.id,
      kind: o.series.kind,
      issuer: o.series.issuer,
      issuerMspId: o.series.issuerMspId,
      value: o.value.toString(),
      spendBy: o.series.spendBy,
      renewBy: o.series.renewBy,
      status: 'pending',
      request: id,
      updatedAt: createdAt,
    }));
    await this.wallet.begin(pending, outputs, new Map<string, HolderKey>(outputs.map((o, i) => [o.serial, keys[i]])));
    return pending;
  }

  /** Sends a stored request (countersignature first where needed) and records its result; a definitive refusal is recorded too. */
  private async deliver(p: Principal, pending: PendingRequest): Promise<FlowResult> {
    const outputs = pending.message.request.outputs.scrip.map((_, i) => serialOf(requestDigest(pending.message.request), i));
    try {
      if (pending.countersign && !pending.countersigned) pending = await this.countersign(pending);
      const answer = await this.inbox.send(pending.submitTo.mspId, pending.message);
      if (answer.type !== 'scrip-done') throw new PeerFailure(pending.submitTo.mspId, `the gateway of ${pending.submitTo.mspId} answered ${answer.type} to scrip-submit`, 502, true);
      const issued: WalletEntry[] = [];
      for (const serial of outputs) issued.push(await this.verified(p, pending, serial, answer.issued.find((s) => s.serial === serial)));
      const spent = pending.message.request.inputs.scrip;
      const result: FlowResult = { txId: answer.txId, flow: pending.flow, issued, spent };
      const receipt = answer.receipt === undefined ? undefined : await this.openReceipt(pending, answer.receipt);
      if (receipt !== undefined) result.receipt = receipt;
      await this.wallet.complete(pending, result, spent);
      return result;
    } catch (err) {
      if (err instanceof PeerFailure && err.peerStatus !== undefined && err.peerStatus < 500 && !err.transient) await this.wallet.refuse(pending, outputs);
      throw err;
    }
  }

  /** scrip-sign at the other issuer: its signatures over its outputs (or its consent in `accounts`), stored with the request. */
  private async countersign(pending: PendingRequest): Promise<PendingRequest> {
    const cs = pending.countersign!;
    const { request, authorizations } = pending.message;
    const answer = await this.inbox.send(cs.mspId, { type: 'scrip-sign', issuer: cs.issuer, request, authorizations });
    const signatures = answer.type === 'scrip-signed' ? answer.issuers.filter((s) => cs.indexes.includes(s.index)) : [];
    const consents = answer.type === 'scrip-signed' ? (answer.accounts ?? []).filter((a) => a.account === cs.issuer) : [];
    if (signatures.length !== cs.indexes.length || (cs.indexes.length === 0 && consents.length === 0)) {
      throw new PeerFailure(cs.mspId, `the gateway of ${cs.mspId} did not ${cs.indexes.length ? `sign outputs ${cs.indexes.join(', ')}` : 'consent'}`, 502, true);
    }
    const next: PendingRequest = {
      ...pending,
      countersigned: true,
      message: { ...pending.message, authorizations: { ...authorizations, issuers: [...authorizations.issuers, ...signatures], accounts: [...authorizations.accounts, ...consents] } },
    };
    await this.wallet.updateRequest(next);
    return next;
  }

  /**
   * The wallet entry of output `serial`, issued: the answered scrip when it is the one requested
   * and its issuer signature verifies, else the ledger's (scrip:getScrip). Errors: a transient
   * PeerFailure when neither verifies.
   */
  private async verified(p: Principal, pending: PendingRequest, serial: string, answered: ScripView | undefined): Promise<WalletEntry> {
    const entry = (await this.wallet.entry(pending.account, serial))!;
    let scrip = answered && (await this.verifies(p, entry, answered)) ? answered : undefined;
    if (!scrip) {
      const status = await this.chaincode.evaluate<{ status: string; scrip?: ScripView }>(p, 'scrip:getScrip', [serial]).catch(() => undefined);
      if (status?.scrip && (await this.verifies(p, entry, status.scrip))) scrip = status.scrip;
    }
    if (!scrip) throw new PeerFailure(entry.issuerMspId, `scrip ${serial} was not issued with a valid signature of ${entry.issuer}`, 502, true);
    return { ...entry, status: 'unspent', txId: scrip.txId, issuedAt: scrip.issuedAt, issuerSignature: scrip.issuerSignature, updatedAt: this.now().toISOString() };
  }

  /** True when `scrip` is the entry's (serial, series, value) and its signature verifies with the issuer account's certificate. */
  private async verifies(p: Principal, entry: WalletEntry, scrip: ScripView): Promise<boolean> {
    if (scrip.serial !== entry.serial || scrip.series !== entry.series || scrip.value !== entry.value) return false;
    const { certificate } = await this.certificates.of(p, entry.issuer);
    try {
      return verifyWithCertificate(certificate, scripBytes({ ...scrip, value: BigInt(scrip.value) }), parseSignature(scrip.issuerSignature));
    } catch {
      return false;
    }
  }

  /** The receipt opened with the request's one-time receipt key (JSON when it parses, else text); undefined when it does not open. */
  private async openReceipt(pending: PendingRequest, receipt: string): Promise<unknown> {
    if (!pending.receiptKey) return undefined;
    try {
      const bytes = await open(pending.receiptKey.privateKey, pending.receiptKey.kid, receiptContext(pending.message.request, pending.submitTo.issuer), receipt);
      const text = Buffer.from(bytes).toString('utf8');
      try {
        return JSON.parse(text);
      } catch {
        return text;
      }
    } catch {
      return undefined;
    }
  }

  /** `secret` sealed for `issuer`'s registered encryption key; undefined when it registered none. */
  private async sealFor(p: Principal, issuer: string, flow: SwapRequest['flow'], nonce: string, secret: Secret): Promise<string | undefined> {
    let key: { publicKey: string; kid: string };
    try {
      key = await this.chaincode.evaluate(p, 'accounts:getEncryptionKey', [issuer]);
    } catch (err) {
      if (err instanceof ChaincodeError && err.code === 'NOT_FOUND') return undefined;
      throw err;
    }
    return seal(key.publicKey, key.kid, sealedContext({ flow, nonce }, issuer), JSON.stringify(secret));
  }

  /** A series by id (NOT_FOUND from the chaincode when there is none). */
  private series(p: Principal, id: string): Promise<SeriesView> {
    return this.chaincode.evaluate<SeriesView>(p, 'scrip:getSeries', [id]);
  }

  /** `issuer`'s series of `kind` issuing now (`prefer` when it does), from scrip:listSeries. */
  private async issuing(p: Principal, issuer: string, kind: SeriesView['kind'], prefer?: SeriesView): Promise<SeriesView | undefined> {
    const now = this.now();
    if (prefer && flows.issuingSeries([], issuer, kind, now, prefer)) return prefer;
    const all: SeriesView[] = [];
    let bookmark = '';
    for (let page = 0; page < MAX_SERIES_PAGES; page++) {
      const read = await this.chaincode.evaluate<{ records: SeriesView[]; bookmark: string }>(p, 'scrip:listSeries', ['100', bookmark]);
      all.push(...read.records);
      if (!read.bookmark || read.records.length < 100) break;
      bookmark = read.bookmark;
    }
    return flows.issuingSeries(all, issuer, kind, now);
  }

  /** The caller's unspent scrip with their series. */
  private async holdings(p: Principal, account: string): Promise<Holding[]> {
    const entries = (await this.wallet.entries(account)).filter((e) => e.status === 'unspent');
    const series = new Map<string, SeriesView>();
    for (const id of new Set(entries.map((e) => e.series))) series.set(id, await this.series(p, id));
    return entries.map((e) => ({ serial: e.serial, value: BigInt(e.value), series: series.get(e.series)! }));
  }

  /** The caller's unspent scrip `serial`: 404 when the wallet has none, 409 DOUBLE_SPEND when it was spent. */
  private async holding(account: string, held: Holding[], serial: string): Promise<Holding> {
    const found = held.find((h) => h.serial === serial);
    if (found) return found;
    const entry = await this.wallet.entry(account, serial);
    if (entry?.status === 'spent') throw new HttpProblem(problem(409, 'DOUBLE_SPEND', `scrip ${serial} was already spent`));
    if (entry?.status === 'pending') throw new HttpProblem(problem(409, 'FAILED_PRECONDITION', `scrip ${serial} is not issued yet: retry its request, or GET /v1/scrip/wallet?reconcile=true`));
    throw new HttpProblem(problem(404, 'NOT_FOUND', `the caller's wallet holds no scrip ${serial}`));
  }

  /** Checks each not-spent entry of `account` on the ledger and records what it found. */
  private async reconcile(p: Principal, account: string): Promise<WalletEntry[]> {
    const entries = await this.wallet.entries(account);
    const changed: WalletEntry[] = [];
    const out = await Promise.all(
      entries.map(async (e) => {
        if (e.status === 'spent') return e;
        let read: { status: 'unspent' | 'spent'; scrip?: ScripView; spent?: { txId: string } } | undefined;
        try {
          read = await this.chaincode.evaluate(p, 'scrip:getScrip', [e.serial]);
        } catch (err) {
          if (err instanceof ChaincodeError && err.code === 'NOT_FOUND') return e;
          throw err;
        }
        const now = this.now().toISOString();
        let next = e;
        if (read?.status === 'spent') next = { ...e, status: 'spent', updatedAt: now };
        else if (e.status === 'pending' && read?.scrip && (await this.verifies(p, e, read.scrip))) {
          next = { ...e, status: 'unspent', txId: read.scrip.txId, issuedAt: read.scrip.issuedAt, issuerSignature: read.scrip.issuerSignature, updatedAt: now };
        }
        if (next !== e) changed.push(next);
        return next;
      }),
    );
    await this.wallet.putEntries(account, changed);
    return out;
  }
}
