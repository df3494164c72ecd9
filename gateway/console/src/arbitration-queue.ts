import { html } from 'lit';
import { LoadedElement } from './loaded-element';
import { all } from './api';
import { money, past, when } from './format';
import { queueRows, type QueueRow, type DisputeLike, type EscrowLike } from './model';

/**
 * The arbitrator's queue: every open or escalated DBCS dispute (`GET /v1/disputes`) and every
 * DISPUTED escrow naming the caller as arbitrator (`GET /v1/escrows?role=arbitrator&status=DISPUTED`),
 * oldest first, with deadlines (a dispute's ruling deadline; escrows have none), each linking to
 * its case page.
 */
export class ArbitrationQueue extends LoadedElement {
  static override properties = { rows: { state: true } };
  declare rows: QueueRow[] | undefined;

  constructor() {
    super();
    this.rows = undefined;
  }

  protected readonly what = 'The queue';

  /** Reloads the queue (also on a live ledger event). */
  protected async fetch() {
    const [disputes, escrows] = await Promise.all([all<DisputeLike>('/v1/disputes'), all<EscrowLike>('/v1/escrows?role=arbitrator&status=DISPUTED')]);
    this.rows = queueRows(disputes, escrows);
  }

  override render() {
    const rows = this.rows;
    return html`
      <h2>Arbitration queue</h2>
      ${this.error ? html`<p class="error" role="alert">${this.error}</p>` : ''}
      ${rows === undefined
        ? html`<p aria-live="polite">Loading…</p>`
        : rows.length === 0
          ? html`<p>No case awaits a ruling.</p>`
          : html`<table aria-label="Cases awaiting a ruling, oldest first">
              <caption>${rows.length} case${rows.length === 1 ? '' : 's'} awaiting a ruling, oldest first</caption>
              <thead>
                <tr><th scope="col">Case</th><th scope="col">Kind</th><th scope="col">Status</th><th scope="col">Opened</th><th scope="col">Deadline</th><th scope="col" class="num">Amount</th><th scope="col">Opened by / reason</th></tr>
              </thead>
              <tbody>
                ${rows.map(
                  (r) => html`<tr>
                    <td><a href=${`#/case/${r.kind}/${encodeURIComponent(r.id)}`}>${r.id}</a></td>
                    <td>${r.kind === 'escrow' ? 'Escrow' : 'Contract dispute'}</td>
                    <td class="status">${r.status}</td>
                    <td>${when(r.openedAt)}</td>
                    <td class=${past(r.deadline) ? 'overdue' : ''}>${r.deadline ? `${when(r.deadline)}${past(r.deadline) ? ' (passed)' : ''}` : 'none set'}</td>
                    <td class="num">${money(r.amount)}</td>
                    <td>${r.summary}</td>
                  </tr>`,
                )}
              </tbody>
            </table>`}
    `;
  }
}
customElements.define('arbitration-queue', ArbitrationQueue);
