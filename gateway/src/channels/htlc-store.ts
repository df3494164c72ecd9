import { GatewayDb, JsonSublevel, jsonSublevel } from '../gateway-db';
import { GroupCommit } from '../group-commit';
import type { ForwardHop } from './protocol';
import type { RoutePart } from './route-journal';

/**
 * An invoice this gateway's user (the payee) gave a payer for a routed payment settled by HTLCs:
 * the preimage it keeps secret until HTLCs paying at least `amount` have reached it (then
 * `complete`), and until when it waits for them (`expiresAt`).
 */
export interface Invoice {
  hash: string;
  preimage: string;
  payee: string;
  payer: string;
  /** The payer's payment id. */
  payment: string;
  /** Minor units. */
  amount: string;
  expiresAt: string;
  /** The HTLCs received for it, by channel and HTLC id, with their amounts. */
  received: { channel: string; htlcId: string; amount: string }[];
  complete: boolean;
  createdAt: string;
}

/**
 * An HTLC this gateway's user (an intermediary) accepted with a request to forward it: the
 * incoming HTLC and the outgoing one it adds (`hop`, then `rest` for the next intermediary).
 * `accepted` until the outgoing HTLC is agreed (`added`) or refused (`failed`, with why).
 */
export interface Forward {
  party: string;
  htlcId: string;
  hash: string;
  incoming: { channel: string; amount: string; expiresAt: string };
  hop: ForwardHop;
  rest: ForwardHop[];
  status: 'accepted' | 'added' | 'failed';
  reason?: string;
}

/** One part of a payer's HTLC payment: its route, the HTLC on its first channel, and what became of it. */
export interface HtlcPart extends RoutePart {
  htlcId: string;
  status: 'adding' | 'added' | 'fulfilled' | 'failed';
  reason?: string;
}

/** A routed payment settled by HTLCs, as its payer's gateway keeps it (htlc-payments.ts). */
export interface HtlcPaymentRecord {
  id: string;
  payer: string;
  /** The payer's principal name (to finish it after a restart). */
  principal: string;
  to: string;
  amount: string;
  router: string;
  hash: string;
  parts: HtlcPart[];
  status: 'PENDING' | 'PAID' | 'FAILED';
  preimage?: string;
  reason?: string;
  createdAt: string;
  settledAt?: string;
}

/**
 * The HTLC records of this gateway, each kind in its own sublevel: `htlc-invoices` (by hash),
 * `htlc-invoice-requests` (payee|payer|payment → hash, so a repeated request gets the same
 * invoice), `htlc-preimages` (party|hash → preimage, once that user may claim with it:
 * learned from a fulfill or the ledger, or its invoice completed), `htlc-forwards` (party|HTLC id) and
 * `htlc-payments` (payment id, with `htlc-payment-hashes` from hash to id and
 * `htlc-payments-pending` indexing those still PENDING). Every write is synced to disk before it resolves
 * (group-commit.ts): a preimage learned or a forward accepted is never forgotten by a crash.
 */
export class HtlcStore {
  private readonly invoices: JsonSublevel<Invoice>;
  private readonly requests: JsonSublevel<string>;
  private readonly preimages: JsonSublevel<string>;
  private readonly forwards: JsonSublevel<Forward>;
  private readonly payments: JsonSublevel<HtlcPaymentRecord>;
  private readonly paymentHashes: JsonSublevel<string>;
  private readonly pendingIds: JsonSublevel<string>;
  private readonly commits: GroupCommit;

  constructor(db: GatewayDb) {
    this.commits = new GroupCommit(db);
    this.invoices = jsonSublevel(db, 'htlc-invoices');
    this.requests = jsonSublevel(db, 'htlc-invoice-requests');
    this.preimages = jsonSublevel(db, 'htlc-preimages');
    this.forwards = jsonSublevel(db, 'htlc-forwards');
    this.payments = jsonSublevel(db, 'htlc-payments');
    this.paymentHashes = jsonSublevel(db, 'htlc-payment-hashes');
    this.pendingIds = jsonSublevel(db, 'htlc-payments-pending');
  }

  invoice(hash: string): Promise<Invoice | undefined> {
    return this.invoices.get(hash);
  }

  async invoiceFor(payee: string, payer: string, payment: string): Promise<Invoice | undefined> {
    const hash = await this.requests.get(`${payee}|${payer}|${payment}`);
    return hash === undefined ? undefined : this.invoices.get(hash);
  }

  /** Writes the invoice (and, the first time, its request key); a complete one also records its preimage as claimable. */
  putInvoice(i: Invoice): Promise<void> {
    return this.commits.write([
      { type: 'put', sublevel: this.invoices, key: i.hash, value: i },
      { type: 'put', sublevel: this.requests, key: `${i.payee}|${i.payer}|${i.payment}`, value: i.hash },
      ...(i.complete ? [{ type: 'put' as const, sublevel: this.preimages, key: `${i.payee}|${i.hash}`, value: i.preimage }] : []),
    ]);
  }

  /** The preimage of `hash` when `party` (a user of this gateway) may claim with it: each user knows only what it learned. */
  preimage(party: string, hash: string): Promise<string | undefined> {
    return this.preimages.get(`${party}|${hash}`);
  }

  putPreimage(party: string, hash: string, preimage: string): Promise<void> {
    return this.commits.write([{ type: 'put', sublevel: this.preimages, key: `${party}|${hash}`, value: preimage }]);
  }

  forward(party: string, htlcId: string): Promise<Forward | undefined> {
    return this.forwards.get(`${party}|${htlcId}`);
  }

  putForward(f: Forward): Promise<void> {
    return this.commits.write([{ type: 'put', sublevel: this.forwards, key: `${f.party}|${f.htlcId}`, value: f }]);
  }

  payment(id: string): Promise<HtlcPaymentRecord | undefined> {
    return this.payments.get(id);
  }

  putPayment(p: HtlcPaymentRecord): Promise<void> {
    return this.commits.write([
      { type: 'put', sublevel: this.payments, key: p.id, value: p },
      { type: 'put', sublevel: this.paymentHashes, key: p.hash, value: p.id },
      p.status === 'PENDING' ? { type: 'put', sublevel: this.pendingIds, key: p.id, value: p.createdAt } : { type: 'del', sublevel: this.pendingIds, key: p.id },
    ]);
  }

  /** The payer's payment whose HTLCs lock on `hash`, if this gateway's user is its payer. */
  async paymentByHash(hash: string): Promise<HtlcPaymentRecord | undefined> {
    const id = await this.paymentHashes.get(hash);
    return id === undefined ? undefined : this.payments.get(id);
  }

  /** Every payment not yet PAID or FAILED (read through their index, not a scan of every payment). */
  async pendingPayments(): Promise<HtlcPaymentRecord[]> {
    const out: HtlcPaymentRecord[] = [];
    for await (const id of this.pendingIds.keys()) {
      const p = await this.payments.get(id);
      if (p?.status === 'PENDING') out.push(p);
    }
    return out;
  }
}
