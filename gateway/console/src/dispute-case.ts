import { html } from 'lit';
import { LoadedElement } from './loaded-element';
import { api } from './api';
import { money, past, when } from './format';
import type { DisputeLike } from './model';
import './ruling-form';

/**
 * A DBCS contract fraud dispute's case page (`GET /v1/disputes/{id}`, parties and arbitrators):
 * the contract and signing, the three parties, the deadline and any escalation, the evidence
 * (texts and SHA-256 document hashes, each with its transaction), the ruling with every money
 * movement it made, and the ruling form while the dispute is OPEN or ESCALATED and the caller
 * is an arbitrator.
 */
export class DisputeCase extends LoadedElement {
  static override properties = { caseId: { attribute: 'case-id' }, arbitrator: { type: Boolean }, dispute: { state: true } };
  declare caseId: string;
  declare arbitrator: boolean;
  declare dispute: DisputeLike | undefined;

  constructor() {
    super();
    this.caseId = '';
    this.arbitrator = false;
    this.dispute = undefined;
  }

  protected readonly what = 'The dispute';

  /** Reloads the dispute (after a ruling, or on a live ledger event). */
  protected async fetch() {
    this.dispute = await api<DisputeLike>(`/v1/disputes/${encodeURIComponent(this.caseId)}`);
  }

  override render() {
    const d = this.dispute;
    if (!d) return this.pending(`Dispute ${this.caseId}`);
    return html`
      <h2>Contract dispute ${d.id}</h2>
      <p><a href="#/">Back</a></p>
      <dl>
        <dt>Status</dt><dd class="status" data-testid="dispute-status">${d.status}</dd>
        <dt>Contract</dt><dd><code>${d.contractId}</code> (signing <code>${d.signingId}</code>, ${d.reportedFrom} when reported)</dd>
        <dt>Client</dt><dd><code>${d.client}</code></dd>
        <dt>Issuer</dt><dd><code>${d.issuer}</code></dd>
        <dt>Delegate</dt><dd><code>${d.delegate}</code></dd>
        <dt>Opened</dt><dd>${when(d.openedAt)}</dd>
        <dt>Deadline</dt><dd class=${past(d.deadline) && d.status !== 'RULED' ? 'overdue' : ''}>${when(d.deadline)}</dd>
        ${d.statement ? html`<dt>Statement</dt><dd>${d.statement}</dd>` : ''}
        ${d.escalatedAt ? html`<dt>Escalated</dt><dd>${when(d.escalatedAt)} by <code>${d.escalatedBy}</code>${d.escalationReason ? `: ${d.escalationReason}` : ''}</dd>` : ''}
      </dl>
      <table>
        <caption>Evidence (${d.evidence.length})</caption>
        <thead><tr><th scope="col">Time</th><th scope="col">By</th><th scope="col">Evidence</th><th scope="col">Transaction</th></tr></thead>
        <tbody>
          ${d.evidence.map(
            (ev) => html`<tr>
              <td>${when(ev.at)}</td>
              <td><code>${ev.by}</code> (${ev.role})</td>
              <td>${ev.kind === 'text' ? ev.text : html`document SHA-256 <span class="hash">${ev.documentHash}</span>`}${ev.description ? html`<br />${ev.description}` : ''}</td>
              <td class="hash">${ev.txId}</td>
            </tr>`,
          )}
        </tbody>
      </table>
      ${d.ruling
        ? html`<section aria-labelledby="ruling-result-heading">
            <h3 id="ruling-result-heading">Ruling</h3>
            <dl>
              <dt>Ruling</dt><dd class="status" data-testid="ruling-outcome">${d.ruling.ruling} (${d.ruling.outcome})</dd>
              <dt>Reasons</dt><dd>${d.ruling.reason}</dd>
              <dt>Arbitrator</dt><dd><code>${d.ruling.arbitrator}</code> on ${when(d.ruling.at)}</dd>
            </dl>
            <table>
              <caption>Money moved by the ruling</caption>
              <thead><tr><th scope="col">What</th><th scope="col">From</th><th scope="col">To</th><th scope="col" class="num">Amount</th></tr></thead>
              <tbody>${d.ruling.movements.map((m) => html`<tr><td>${m.kind}</td><td><code>${m.from}</code></td><td><code>${m.to}</code></td><td class="num">${money(m.amount)}</td></tr>`)}</tbody>
            </table>
          </section>`
        : ''}
      ${d.status !== 'RULED' && this.arbitrator ? html`<ruling-form kind="dispute" case-id=${d.id} @ruled=${() => this.load()}></ruling-form>` : ''}
    `;
  }
}
customElements.define('dispute-case', DisputeCase);
