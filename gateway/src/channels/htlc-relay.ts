import { randomBytes } from 'node:crypto';
import { preimageHash } from '@covenant/chaincode';
import type { Principal } from '../identity/store';
import type { ChaincodeClient } from '../ledger/chaincode';
import type { ChannelService } from './service';
import type { HtlcPolicy } from './updates';
import type { OffchainChannel } from './offchain-store';
import type { WarnLog } from './multiparty-watch';
import type { Faults } from './context';
import type { Forward, HtlcStore, Invoice } from './htlc-store';
import type { HtlcSteps } from './htlc-steps';
import type { HtlcTiming } from './htlc-timing';
import { abortableSleep } from './abortable-sleep';
import { wasRefused } from './messenger';
import { KeyedLocks } from './locks';
import { ChannelMessage, HtlcChange, HtlcJson, OffchainAnswer, amounts, checkCurrent, checkPreimage, htlcsIn, checkExpirySpelling, invoiceBytes, refuse } from './protocol';

/** What the payer's side is told when one of its outgoing HTLCs is settled by the other party. */
export type SettledListener = (party: string, hash: string, htlcId: string, kind: 'fulfill' | 'fail', detail: { preimage?: string; reason?: string }) => void;

/**
 * The HTLC relay of a gateway: what it signs for its users when another party's gateway proposes
 * an HTLC step (HtlcPolicy), as payee (an invoice's HTLCs, claimed with its preimage once they
 * add up to its amount), as intermediary (an incoming HTLC accepted only with the outgoing one it
 * can add: the forwarding permission and cap the user set, an outgoing amount no larger and an
 * expiry at least half a delta earlier; claimed upstream with the preimage learned downstream, or
 * failed upstream when downstream fails) and as payer of an HTLC (a fulfill only with the
 * preimage, before the expiry or revealed on the ledger by it); and the watch that finishes what a
 * stop or an unreachable party left (claims, fails after expiry, and a preimage revealed on the
 * ledger before the expiry when a claim is not countersigned: every lock has a way out).
 * Lightning BOLT 2 (update_add_htlc, update_fulfill_htlc, update_fail_htlc) and BOLT 4's
 * forwarding checks (amount and cltv_expiry_delta), over the channels of J. Math. 2022, s. 3.1.
 */
export class HtlcRelay implements HtlcPolicy {
  /** One update at a time per invoice (by hash): the parts of a multipath payment arrive concurrently. */
  private readonly invoiceLocks = new KeyedLocks();

  constructor(
    private readonly channels: ChannelService,
    private readonly chaincode: ChaincodeClient,
    private readonly store: HtlcStore,
    private readonly steps: HtlcSteps,
    private readonly timing: HtlcTiming,
    private readonly onSettled: SettledListener,
    private readonly log?: WarnLog,
    private readonly faults: Faults = {},
  ) {
    channels.messenger.on({ 'htlc-invoice': (principal, m) => this.invoice(principal, m) });
  }

  // ------------------------------------------------------------------ invoices (the payee)

  /**
   * htlc-invoice: the payer asks this gateway's user (the payee) for a payment hash for `amount`;
   * the payee's gateway draws a preimage, keeps it secret until the HTLCs of `amount` reach it,
   * and answers the hash. The same request (payer, payment id) gets the same invoice.
   */
  private async invoice(principal: Principal, m: ChannelMessage): Promise<OffchainAnswer> {
    checkCurrent(m.type, m.at, Date.now());
    await this.channels.messenger.verify(principal, m.from, invoiceBytes(m.channel, m.from, m.to, m.amount, m.at), m.signature);
    const [amount] = amounts([m.amount ?? ''], 'htlc-invoice amount');
    if (amount <= 0n) throw refuse('INVALID_ARGUMENT', 'htlc-invoice needs a positive amount');
    const known = await this.store.invoiceFor(m.to, m.from, m.channel);
    if (known) return { type: 'htlc-invoice', hash: known.hash, expiresAt: known.expiresAt };
    const preimage = randomBytes(32).toString('hex');
    const now = Date.now();
    const invoice: Invoice = {
      hash: preimageHash(preimage),
      preimage,
      payee: m.to,
      payer: m.from,
      payment: m.channel,
      amount: amount.toString(),
      expiresAt: new Date(now + this.timing.invoiceMs).toISOString(),
      received: [],
      complete: false,
      createdAt: new Date(now).toISOString(),
    };
    await this.store.putInvoice(invoice);
    return { type: 'htlc-invoice', hash: invoice.hash, expiresAt: invoice.expiresAt };
  }

  // ------------------------------------------------------------------ HtlcPolicy: the other side proposes

  async check(principal: Principal, c: OffchainChannel, change: HtlcChange, m: ChannelMessage): Promise<void> {
    const { htlc } = change;
    const ours = htlc.payer === c.self;
    const now = Date.now();
    this.faults.beforeHtlcDecision?.(c.parties[c.self], change.kind);
    if (change.kind === 'add') return m.forward ? this.checkForward(c, htlc, m.forward, now) : this.checkPayee(c, htlc, now);
    if (change.kind === 'fulfill' && ours) {
      const preimage = checkPreimage(htlc, m.preimage);
      if (now > Date.parse(htlc.expiresAt) && !(await this.revealedInTime(principal, htlc))) {
        throw refuse('FORBIDDEN', `HTLC ${htlc.id} expired at ${htlc.expiresAt} and its preimage was not revealed on the ledger by then: it goes back to its payer`);
      }
      // Kept before this side signs: a stop after storing the claimed state must not lose the
      // preimage (the proof of payment, and what claims the incoming HTLC upstream).
      return this.store.putPreimage(c.parties[c.self], htlc.hash, preimage);
    }
    if (change.kind === 'fail' && !ours) {
      // This side gives up a claim only when it cannot make it: expired, or nothing to claim with.
      if (now > Date.parse(htlc.expiresAt) && !(await this.revealedInTime(principal, htlc))) return;
      const self = c.parties[c.self];
      const forward = await this.store.forward(self, htlc.id);
      if ((await this.store.preimage(self, htlc.hash)) !== undefined || (forward && forward.status !== 'failed')) {
        throw refuse('FORBIDDEN', `HTLC ${htlc.id} is claimable or forwarded by this side until ${htlc.expiresAt}: it is not given up`);
      }
    }
    // A fulfill or fail that only pays this side needs nothing more.
  }

  agreed(principal: Principal, c: OffchainChannel, change: HtlcChange, m: ChannelMessage): void {
    const self = c.parties[c.self];
    const { htlc } = change;
    const run = async () => {
      if (change.kind === 'add') {
        const forward = await this.store.forward(self, htlc.id);
        if (forward) await this.forwardOut(principal, forward);
        else await this.claimInvoice(principal, htlc);
      } else if (htlc.payer === c.self) {
        await this.outgoingSettled(principal, self, htlc, change.kind, { preimage: m.preimage, reason: m.reason });
      }
    };
    // After the answer: what follows is proposed on other channels (or this one once it is idle).
    setImmediate(() => void run().catch((err) => this.log?.warn({ err, channel: c.id, htlc: htlc.id }, 'HTLC follow-up failed: the watch retries it')));
  }

  /** An incoming HTLC this side (the final payee) accepts: an open invoice of its own for the hash, with time left to claim. */
  private async checkPayee(c: OffchainChannel, htlc: HtlcJson, now: number): Promise<void> {
    const invoice = await this.store.invoice(htlc.hash);
    if (!invoice || invoice.payee !== c.parties[c.self]) throw refuse('NOT_FOUND', `no invoice of ${c.parties[c.self]} for payment hash ${htlc.hash}`);
    if (invoice.complete || now >= Date.parse(invoice.expiresAt)) throw refuse('FAILED_PRECONDITION', `the invoice for ${htlc.hash} is ${invoice.complete ? 'paid' : 'expired'}`);
    this.checkExpiry(htlc, now, this.timing.deltaMs / 2);
    await this.invoiceLocks.run(htlc.hash, async () => {
      const current = (await this.store.invoice(htlc.hash))!;
      const received = current.received.filter((r) => !(r.channel === c.id && r.htlcId === htlc.id));
      await this.store.putInvoice({ ...current, received: [...received, { channel: c.id, htlcId: htlc.id, amount: htlc.amount }] });
    });
  }

  /**
   * An incoming HTLC this side (an intermediary) forwards: the user's forwarding permission on the
   * outgoing channel (and its cap), an outgoing amount no larger than the incoming one, an
   * outgoing expiry at least half a delta before the incoming one, and the balance to add it now.
   * The forward is recorded before this side signs, so a stop cannot lose it.
   */
  private async checkForward(c: OffchainChannel, htlc: HtlcJson, hops: ChannelMessage['forward'] & object, now: number): Promise<void> {
    const self = c.parties[c.self];
    const [hop, ...rest] = hops;
    this.checkExpiry(htlc, now, this.timing.deltaMs);
    const out = await this.channels.bindings.store.get(hop.channel, self);
    if (!out || out.parties[out.self] !== self || out.parties[1 - out.self] !== hop.to) throw refuse('NOT_FOUND', `no channel ${hop.channel} between ${self} and ${hop.to}`);
    const permission = await this.channels.bindings.forwarding(hop.channel, self);
    if (!permission) throw refuse('FORBIDDEN', `${self} does not allow forwarding through channel ${hop.channel}`);
    const [amount] = amounts([hop.amount], 'forward amount');
    checkExpirySpelling(hop.expiresAt, 'forward[0].expiresAt');
    if (amount <= 0n || amount > BigInt(htlc.amount)) throw refuse('FORBIDDEN', `HTLC ${htlc.id}: the outgoing amount ${hop.amount} exceeds the incoming ${htlc.amount}`);
    if (permission.cap !== undefined && amount > BigInt(permission.cap)) throw refuse('FORBIDDEN', `channel ${hop.channel} forwards at most ${permission.cap} at a time`);
    if (!(Date.parse(hop.expiresAt) <= Date.parse(htlc.expiresAt) - this.timing.deltaMs / 2 && Date.parse(hop.expiresAt) > now + this.timing.deltaMs / 2)) {
      throw refuse('FORBIDDEN', `HTLC ${htlc.id}: the outgoing expiry ${hop.expiresAt} must be at least ${this.timing.deltaMs / 2000} s before the incoming ${htlc.expiresAt} and after that from now`);
    }
    if (BigInt(out.latest.balances[out.self]) < amount) throw refuse('INSUFFICIENT_FUNDS', `channel ${hop.channel} holds ${out.latest.balances[out.self]} for ${self}, ${amount} needed to forward`);
    await this.store.putForward({ party: self, htlcId: htlc.id, hash: htlc.hash, incoming: { channel: c.id, amount: htlc.amount, expiresAt: htlc.expiresAt }, hop, rest, status: 'accepted' });
  }

  /** An incoming HTLC's expiry is in the future by at least `least` ms, and not beyond `maxExpiryMs`: else FORBIDDEN. */
  private checkExpiry(htlc: HtlcJson, now: number, least: number): void {
    const expiry = Date.parse(htlc.expiresAt);
    if (!(expiry >= now + least && expiry <= now + this.timing.maxExpiryMs)) {
      throw refuse('FORBIDDEN', `HTLC ${htlc.id}: expiry ${htlc.expiresAt} must be between ${Math.round(least / 1000)} s and ${this.timing.maxExpiryMs / 1000} s from now`);
    }
  }

  // ------------------------------------------------------------------ what follows

  /** The intermediary adds the outgoing HTLC; if the next party refuses it, the incoming one fails back. */
  private async forwardOut(principal: Principal, f: Forward): Promise<void> {
    if (f.status !== 'accepted') return;
    try {
      await this.steps.add(principal, f.hop.channel, { id: f.htlcId, hash: f.hash, amount: f.hop.amount, expiresAt: f.hop.expiresAt }, f.rest);
      await this.store.putForward({ ...f, status: 'added' });
    } catch (err) {
      if (!wasRefused(err)) throw err; // unknown: the watch asks again (the proposal's sync tells)
      const reason = `${f.hop.to} did not take the HTLC on channel ${f.hop.channel}: ${(err as Error).message}`;
      await this.store.putForward({ ...f, status: 'failed', reason });
      await this.steps.fail(principal, f.incoming.channel, f.htlcId, reason);
    }
  }

  /** The payee claims every HTLC of its invoice with the preimage once they add up to its amount. */
  private async claimInvoice(principal: Principal, htlc: HtlcJson): Promise<void> {
    const invoice = await this.invoiceLocks.run(htlc.hash, async () => {
      const current = await this.store.invoice(htlc.hash);
      if (!current || current.complete) return current;
      const total = current.received.reduce((sum, r) => sum + BigInt(r.amount), 0n);
      if (total < BigInt(current.amount)) return current;
      const complete = { ...current, complete: true };
      await this.store.putInvoice(complete);
      return complete;
    });
    if (!invoice?.complete) return;
    for (const r of invoice.received) await this.steps.fulfill(principal, r.channel, r.htlcId, invoice.preimage);
  }

  /** An outgoing HTLC was settled by the other side: an intermediary settles the incoming one the same way; the payer's service is told. */
  private async outgoingSettled(principal: Principal, self: string, htlc: HtlcJson, kind: 'fulfill' | 'fail', detail: { preimage?: string; reason?: string }): Promise<void> {
    const forward = await this.store.forward(self, htlc.id);
    if (forward) {
      if (kind === 'fulfill') await this.steps.fulfill(principal, forward.incoming.channel, htlc.id, detail.preimage!);
      else {
        await this.store.putForward({ ...forward, status: 'failed', reason: detail.reason });
        await this.steps.fail(principal, forward.incoming.channel, htlc.id, detail.reason ?? 'failed downstream');
      }
      return;
    }
    this.onSettled(self, htlc.hash, htlc.id, kind, detail);
  }

  // ------------------------------------------------------------------ the watch

  /**
   * One pass over every HTLC in flight at this gateway: a payee side claims with a preimage it
   * holds (and, within `revealMarginMs` of the expiry, reveals it on the ledger first, so a
   * unilateral close pays it), forwards what a stop left accepted, fails what it cannot claim (an
   * invoice expired incomplete, a forward failed, an expired HTLC); a payer side fails what
   * expired. Each failure is logged and tried again at the next pass.
   */
  async watchOnce(principalOf: (account: string) => Principal | undefined): Promise<void> {
    const now = Date.now();
    for (const c of await this.channels.bindings.store.withHtlcs()) {
      const self = c.parties[c.self];
      const principal = principalOf(self);
      if (!principal) continue;
      for (const htlc of htlcsIn(c.latest)) {
        try {
          await this.watchHtlc(principal, c, htlc, now);
        } catch (err) {
          this.log?.warn({ err, channel: c.id, htlc: htlc.id }, 'HTLC watch: step failed, tried again at the next pass');
        }
      }
    }
  }

  private async watchHtlc(principal: Principal, c: OffchainChannel, htlc: HtlcJson, now: number): Promise<void> {
    const self = c.parties[c.self];
    const expiry = Date.parse(htlc.expiresAt);
    if (htlc.payer === c.self) {
      if (now > expiry) await this.steps.fail(principal, c.id, htlc.id, `expired at ${htlc.expiresAt}`);
      return;
    }
    const preimage = await this.store.preimage(self, htlc.hash);
    if (preimage !== undefined) {
      if (now >= expiry - this.timing.revealMarginMs && now <= expiry) await this.revealOnLedger(principal, htlc, preimage);
      await this.steps.fulfill(principal, c.id, htlc.id, preimage);
      return;
    }
    const forward = await this.store.forward(self, htlc.id);
    if (forward?.status === 'added' && now >= expiry - this.timing.deltaMs) {
      // Downstream may have claimed on the ledger (a revealed preimage) rather than with us: claim upstream with it.
      const revealed = (await this.registryRecord(principal, htlc.hash))?.preimage;
      if (revealed !== undefined) {
        await this.store.putPreimage(self, htlc.hash, revealed);
        return void (await this.steps.fulfill(principal, c.id, htlc.id, revealed));
      }
    }
    const invoice = forward ? undefined : await this.store.invoice(htlc.hash);
    if (forward?.status === 'accepted') {
      if (now < Date.parse(forward.hop.expiresAt) - this.timing.deltaMs / 2) return this.forwardOut(principal, forward);
      await this.store.putForward({ ...forward, status: 'failed', reason: 'too late to forward' });
      return void (await this.steps.fail(principal, c.id, htlc.id, 'too late to forward'));
    }
    if (invoice && !invoice.complete) {
      if (now < Date.parse(invoice.expiresAt)) return this.claimInvoice(principal, htlc);
      return void (await this.steps.fail(principal, c.id, htlc.id, `the invoice expired at ${invoice.expiresAt} with HTLCs short of ${invoice.amount}`));
    }
    if (!forward || forward.status === 'failed' || now > expiry) await this.steps.fail(principal, c.id, htlc.id, forward?.reason ?? 'nothing to forward it over');
  }

  /** Runs {@link watchOnce} every `watchMs` until `signal` aborts. */
  async run(principalOf: (account: string) => Principal | undefined, signal: AbortSignal): Promise<void> {
    while (!signal.aborted) {
      await this.watchOnce(principalOf).catch((err) => this.log?.warn({ err }, 'HTLC watch pass failed'));
      await abortableSleep(this.timing.watchMs, signal);
    }
  }

  /** Publishes `preimage` on the ledger's registry (a claim the other side has not countersigned, near its expiry). */
  private async revealOnLedger(principal: Principal, htlc: HtlcJson, preimage: string): Promise<void> {
    if (await this.revealedInTime(principal, htlc)) return;
    await this.chaincode.submit(principal, 'channels:revealPreimage', [JSON.stringify({ preimage })]);
  }

  /** True when the ledger's registry holds `htlc`'s preimage revealed at or before its expiry. */
  private async revealedInTime(principal: Principal, htlc: HtlcJson): Promise<boolean> {
    const record = await this.registryRecord(principal, htlc.hash);
    return record !== undefined && Date.parse(record.revealedAt) <= Date.parse(htlc.expiresAt);
  }

  /** The ledger registry's record of `hash` (channels:getPreimage), or undefined when none is revealed. */
  private async registryRecord(principal: Principal, hash: string): Promise<{ preimage: string; revealedAt: string } | undefined> {
    try {
      return await this.chaincode.evaluate<{ preimage: string; revealedAt: string }>(principal, 'channels:getPreimage', [hash]);
    } catch (err) {
      if ((err as { code?: string }).code === 'NOT_FOUND') return undefined;
      throw err;
    }
  }
}
