import { html } from 'lit';
import { LoadedElement } from './loaded-element';
import { api } from './api';
import { money, past, when } from './format';
import type { DisputeLike } from './model';
import { contractEvents, holdRows, penaltyDue, percent, type ContractLike, type ContractVersion, type SigningLike } from './contract-model';
import { historyTable } from './history-table';
import './ruling-form';
import './escalation-form';

/**
 * A DBCS contract fraud dispute's case page (`GET /v1/disputes/{id}`, parties and arbitrators):
 * the contract and signing, the three parties, the deadline and any escalation, the deposits and
 * holds at stake (`GET /v1/investment-contracts/{id}` and its signing: publishing deposit and what
 * is left of it, the client's deposit, both invested amounts, the penalty a FRAUD ruling pays),
 * the evidence (texts and SHA-256 document hashes, each with its transaction), the ruling with
 * every money movement it made, the contract's history (`.../history`), the ruling form while
 * the dispute is OPEN or ESCALATED and the caller is an arbitrator, and the arbitrator's
 * "Escalate to the panel" action while it is OPEN.
 */
export class DisputeCase extends LoadedElement {
  static override properties = {
    caseId: { attribute: 'case-id' },
    arbitrator: { type: Boolean },
    dispute: { state: true },
    contract: { state: true },
    signing: { state: true },
    history: { state: true },
  };
  declare caseId: string;
  declare arbitrator: boolean;
  declare dispute: DisputeLike | undefined;
  declare contract: ContractLike | undefined;
  declare signing: SigningLike | undefined;
  declare history: ContractVersion[];

  constructor() {
    super();
    this.caseId = '';
    this.arbitrator = false;
    this.dispute = undefined;
    this.contract = undefined;
    this.signing = undefined;
    this.history = [];
  }

  protected readonly what = 'The dispute';

  /** Reloads the dispute, its contract, signing and contract history (after a ruling or an escalation, or on a live ledger event). */
  protected async fetch() {
    const dispute = await api<DisputeLike>(`/v1/disputes/${encodeURIComponent(this.caseId)}`);
    const contract = `/v1/investment-contracts/${encodeURIComponent(dispute.contractId)}`;
    const [c, signing, history] = await Promise.all([
      api<ContractLike>(contract),
      api<SigningLike>(`${contract}/signings/${encodeURIComponent(dispute.signingId)}`),
      api<{ items: ContractVersion[] }>(`${contract}/history`),
    ]);
    this.dispute = dispute;
    this.contract = c;
    this.signing = signing;
    this.history = history.items;
  }

  /** After an escalation: reload and move the focus to the new status. */
  private escalated() {
    void this.load().then(() => this.querySelector<HTMLElement>('[data-testid="dispute-status"]')?.focus());
  }

  private holds() {
    const { contract: c, signing } = this;
    if (!c || !signing) return '';
    return html`<table data-testid="holds">
        <caption>Deposits and holds</caption>
        <thead><tr><th scope="col">What</th><th scope="col">Account</th><th scope="col" class="num">Amount</th><th scope="col" class="num">Held now</th></tr></thead>
        <tbody>${holdRows(c, signing).map((r) => html`<tr><td>${r.what}</td><td><code>${r.account}</code></td><td class="num">${money(r.amount)}</td><td class="num">${money(r.held)}</td></tr>`)}</tbody>
      </table>
      <p data-testid="penalty">Penalty share: ${percent(c.penaltyShareBps)} of the publishing deposit; a FRAUD ruling now pays the client ${money(penaltyDue(c))}.</p>`;
  }

  override render() {
    const d = this.dispute;
    if (!d) return this.pending(`Dispute ${this.caseId}`);
    return html`
      <h2>Contract dispute ${d.id}</h2>
      <p><a href="#/">Back</a></p>
      <dl>
        <dt>Status</dt><dd class="status" data-testid="dispute-status" tabindex="-1">${d.status}</dd>
        <dt>Contract</dt><dd><code>${d.contractId}</code>${this.contract ? ` “${this.contract.name}”, ${this.contract.status}` : ''} (signing <code>${d.signingId}</code>${this.signing ? ` ${this.signing.status}` : ''}, ${d.reportedFrom} when reported)</dd>
        <dt>Client</dt><dd><code>${d.client}</code></dd>
        <dt>Issuer</dt><dd><code>${d.issuer}</code></dd>
        <dt>Delegate</dt><dd><code>${d.delegate}</code></dd>
        <dt>Opened</dt><dd>${when(d.openedAt)}</dd>
        <dt>Deadline</dt><dd class=${past(d.deadline) && d.status !== 'RULED' ? 'overdue' : ''}>${when(d.deadline)}</dd>
        ${d.statement ? html`<dt>Statement</dt><dd>${d.statement}</dd>` : ''}
        ${d.escalatedAt ? html`<dt>Escalated</dt><dd>${when(d.escalatedAt)} by <code>${d.escalatedBy}</code>${d.escalationReason ? `: ${d.escalationReason}` : ''}</dd>` : ''}
      </dl>
      ${this.holds()}
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
      ${d.status === 'OPEN' && this.arbitrator ? html`<escalation-form case-id=${d.id} @escalated=${this.escalated}></escalation-form>` : ''}
      ${historyTable(`Contract ${d.contractId} history (every committed version)`, contractEvents(this.history))}
    `;
  }
}
customElements.define('dispute-case', DisputeCase);
