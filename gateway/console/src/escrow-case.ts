import { html } from 'lit';
import { LoadedElement } from './loaded-element';
import { api } from './api';
import { money, when } from './format';
import { escrowEvents, escrowPayouts, type EscrowLike, type EscrowVersion } from './model';
import { historyTable } from './history-table';
import './ruling-form';

/**
 * An escrow's case page (`GET /v1/escrows/{id}` and `/history`, parties and the named arbitrator
 * only): amount and its hold, parties, terms and their hash, the dispute with its evidence hash,
 * the ruling and what it paid, every committed version; the ruling form when the escrow is
 * DISPUTED and the signed-in account is its arbitrator.
 */
export class EscrowCase extends LoadedElement {
  static override properties = { caseId: { attribute: 'case-id' }, me: {}, escrow: { state: true }, history: { state: true } };
  declare caseId: string;
  declare me: string;
  declare escrow: EscrowLike | undefined;
  declare history: EscrowVersion[];

  constructor() {
    super();
    this.caseId = '';
    this.me = '';
    this.escrow = undefined;
    this.history = [];
  }

  protected readonly what = 'The escrow';

  /** Reloads the escrow and its history (after a ruling, or on a live ledger event). */
  protected async fetch() {
    const id = encodeURIComponent(this.caseId);
    const [escrow, history] = await Promise.all([api<EscrowLike>(`/v1/escrows/${id}`), api<{ items: EscrowVersion[] }>(`/v1/escrows/${id}/history`)]);
    this.escrow = escrow;
    this.history = history.items;
  }

  private ruled() {
    void this.load().then(() => this.querySelector<HTMLElement>('#ruling-result')?.focus());
  }

  override render() {
    const e = this.escrow;
    if (!e) return this.pending(`Escrow ${this.caseId}`);
    const held = ['PROPOSED', 'ACTIVE', 'DISPUTED'].includes(e.status);
    return html`
      <h2>Escrow ${e.id}</h2>
      <p><a href="#/">Back</a></p>
      <dl>
        <dt>Status</dt><dd class="status" data-testid="escrow-status">${e.status}</dd>
        <dt>Amount</dt><dd>${money(e.amount)} ${held ? '(held from the initiator’s balance)' : ''}</dd>
        <dt>Initiator</dt><dd><code>${e.initiator}</code></dd>
        <dt>Arbitrator</dt><dd><code>${e.arbitrator ?? 'none'}</code></dd>
        <dt>Created</dt><dd>${when(e.createdAt)}</dd>
        <dt>Accept by</dt><dd>${when(e.acceptBy)}</dd>
        ${e.terms ? html`<dt>Terms</dt><dd>${e.terms}</dd>` : ''}
        ${e.termsHash ? html`<dt>Terms hash (SHA-256)</dt><dd class="hash">${e.termsHash}</dd>` : ''}
      </dl>
      <table>
        <caption>Recipients</caption>
        <thead><tr><th scope="col">Account</th><th scope="col" class="num">Amount</th><th scope="col" class="num">Share</th><th scope="col">Confirmed</th></tr></thead>
        <tbody>${e.recipients.map((r) => html`<tr><td><code>${r.account}</code></td><td class="num">${money(r.amount)}</td><td class="num">${r.shareBps === undefined ? '–' : `${r.shareBps / 100}%`}</td><td>${r.confirmed ? 'yes' : 'no'}</td></tr>`)}</tbody>
      </table>
      ${e.dispute
        ? html`<section aria-labelledby="dispute-heading">
            <h3 id="dispute-heading">Dispute and evidence</h3>
            <dl>
              <dt>Opened by</dt><dd><code>${e.dispute.by}</code> on ${when(e.dispute.at)}</dd>
              <dt>Reason</dt><dd>${e.dispute.reason}</dd>
              <dt>Evidence (SHA-256)</dt><dd class="hash" data-testid="evidence-hash">${e.dispute.evidenceHash ?? 'none submitted'}</dd>
            </dl>
          </section>`
        : ''}
      ${e.ruling
        ? html`<section aria-labelledby="ruling-result-heading" id="ruling-result" tabindex="-1">
            <h3 id="ruling-result-heading">Ruling</h3>
            <dl>
              <dt>Outcome</dt><dd class="status" data-testid="ruling-outcome">${e.ruling.outcome}</dd>
              <dt>Reasons</dt><dd>${e.ruling.reasons}</dd>
              <dt>Arbitrator</dt><dd><code>${e.ruling.arbitrator}</code> on ${when(e.ruling.at)}</dd>
            </dl>
            <table data-testid="payouts">
              <caption>Paid by the ruling</caption>
              <thead><tr><th scope="col">Account</th><th scope="col" class="num">Amount</th></tr></thead>
              <tbody>${escrowPayouts(e, e.ruling.outcome).map((p) => html`<tr><td><code>${p.account}</code></td><td class="num">${money(p.amount)}</td></tr>`)}</tbody>
            </table>
          </section>`
        : ''}
      ${e.status === 'DISPUTED' && e.arbitrator === this.me ? html`<ruling-form kind="escrow" case-id=${e.id} @ruled=${this.ruled}></ruling-form>` : ''}
      ${historyTable(
        'History (every committed version)',
        escrowEvents(this.history),
      )}
    `;
  }
}
customElements.define('escrow-case', EscrowCase);
