import { html } from 'lit';
import { LoadedElement } from './loaded-element';
import { ApiError, all, api } from './api';
import { money, when } from './format';
import type { DisputeLike, EscrowLike } from './model';

interface Account {
  id: string;
  mspId: string;
  balance: string;
  held: string;
  activeEscrows: number;
}
interface Channel {
  id: string;
  parties: [string, string];
  deposits: [string, string];
  balances: [string, string];
  status: string;
  version: number;
}
interface Signing {
  id: string;
  contractId: string;
  status: string;
  deposit: string;
}

/** Signing statuses that have a dispute record (the dispute id is the signing id). */
const DISPUTED = new Set(['DISPUTED', 'PENALIZED', 'SETTLED']);

/**
 * A party's own page, read-only: its account (`GET /v1/accounts/me`: balance and holds), its
 * escrows in any role (`GET /v1/escrows?role=any`, each linking to its case page with history),
 * its channels (`GET /v1/channels`) and its contract signings with their disputes
 * (`GET /v1/signings`, `GET /v1/disputes/{signingId}`). The API shows only what the caller is a
 * party to, so the page does too.
 */
export class PartyOverview extends LoadedElement {
  static override properties = { account: { state: true }, escrows: { state: true }, channels: { state: true }, signings: { state: true }, disputes: { state: true } };
  declare account: Account | null | undefined;
  declare escrows: EscrowLike[];
  declare channels: Channel[];
  declare signings: Signing[];
  declare disputes: DisputeLike[];

  constructor() {
    super();
    this.account = undefined;
    this.escrows = [];
    this.channels = [];
    this.signings = [];
    this.disputes = [];
  }

  protected readonly what = 'Your records';

  /** Reloads everything (also on a live ledger event). */
  protected async fetch() {
    const account = await api<Account>('/v1/accounts/me').catch((e) => (e instanceof ApiError && e.status === 404 ? null : Promise.reject(e)));
    if (account) {
      const [escrows, channels, signings] = await Promise.all([all<EscrowLike>('/v1/escrows?role=any'), all<Channel>('/v1/channels'), all<Signing>('/v1/signings')]);
      this.disputes = await Promise.all(signings.filter((s) => DISPUTED.has(s.status)).map((s) => api<DisputeLike>(`/v1/disputes/${encodeURIComponent(s.id)}`)));
      this.escrows = escrows.sort((a, b) => b.updatedAt.localeCompare(a.updatedAt));
      this.channels = channels;
      this.signings = signings;
    }
    // Set last: the page shows the account and its records together, never empty tables while loading.
    this.account = account;
  }

  override render() {
    const a = this.account;
    if (a === undefined) return this.pending('My account');
    if (a === null) return html`<h2>My account</h2><p>This key has no account on the ledger yet (register one with <code>POST /v1/accounts</code>).</p>`;
    return html`
      <h2>My account</h2>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      <dl>
        <dt>Account</dt><dd><code data-testid="account-id">${a.id}</code> (${a.mspId})</dd>
        <dt>Balance</dt><dd data-testid="balance">${money(a.balance)}</dd>
        <dt>Held</dt><dd data-testid="held">${money(a.held)}</dd>
        <dt>Active escrows as recipient</dt><dd>${a.activeEscrows}</dd>
      </dl>
      <table>
        <caption>My escrows (${this.escrows.length}), most recent first</caption>
        <thead><tr><th scope="col">Escrow</th><th scope="col">My role</th><th scope="col">Status</th><th scope="col" class="num">Amount</th><th scope="col">Ruling</th><th scope="col">Updated</th></tr></thead>
        <tbody>
          ${this.escrows.map(
            (e) => html`<tr data-escrow=${e.id}>
              <td><a href=${`#/case/escrow/${encodeURIComponent(e.id)}`}>${e.id}</a></td>
              <td>${e.initiator === a.id ? 'initiator' : 'recipient'}</td>
              <td class="status">${e.status}</td>
              <td class="num">${money(e.amount)}</td>
              <td>${e.ruling ? `${e.ruling.outcome}: ${e.ruling.reasons}` : '–'}</td>
              <td>${when(e.updatedAt)}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      <table>
        <caption>My channels (${this.channels.length})</caption>
        <thead><tr><th scope="col">Channel</th><th scope="col">Status</th><th scope="col">Counterparty</th><th scope="col" class="num">My balance</th><th scope="col" class="num">Version</th></tr></thead>
        <tbody>
          ${this.channels.map((c) => {
            const mine = c.parties[0] === a.id ? 0 : 1;
            return html`<tr><td><code>${c.id}</code></td><td>${c.status}</td><td><code>${c.parties[1 - mine]}</code></td><td class="num">${money(c.balances[mine])}</td><td class="num">${c.version}</td></tr>`;
          })}
        </tbody>
      </table>
      <table>
        <caption>My contract signings (${this.signings.length})</caption>
        <thead><tr><th scope="col">Signing</th><th scope="col">Contract</th><th scope="col">Status</th><th scope="col" class="num">Deposit</th></tr></thead>
        <tbody>${this.signings.map((s) => html`<tr><td><code>${s.id}</code></td><td><code>${s.contractId}</code></td><td>${s.status}</td><td class="num">${money(s.deposit)}</td></tr>`)}</tbody>
      </table>
      <table>
        <caption>My disputes (${this.disputes.length})</caption>
        <thead><tr><th scope="col">Dispute</th><th scope="col">Status</th><th scope="col">Deadline</th><th scope="col">Ruling</th></tr></thead>
        <tbody>
          ${this.disputes.map(
            (d) => html`<tr><td><a href=${`#/case/dispute/${encodeURIComponent(d.id)}`}>${d.id}</a></td><td>${d.status}</td><td>${when(d.deadline)}</td><td>${d.ruling ? `${d.ruling.ruling} (${d.ruling.outcome}): ${d.ruling.reason}` : '–'}</td></tr>`,
          )}
        </tbody>
      </table>
    `;
  }
}
customElements.define('party-overview', PartyOverview);
