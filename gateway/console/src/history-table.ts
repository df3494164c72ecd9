import { html, type TemplateResult } from 'lit';
import { when } from './format';

/** One committed version of a record, as a history table shows it. */
export interface HistoryRow {
  /** Commit time, ISO 8601. */
  timestamp: string;
  /** The Fabric transaction that wrote the version. */
  txId: string;
  /** What happened, in words (an escrow's new status, a contract's change). */
  what: string;
}

/**
 * A record's history (`GET .../history`, oldest first) as an accessible table: time, what
 * happened, transaction id; `caption` names it for assistive technology and for tests.
 */
export function historyTable(caption: string, rows: HistoryRow[]): TemplateResult {
  return html`<table data-testid="history">
    <caption>${caption}</caption>
    <thead><tr><th scope="col">Time</th><th scope="col">What happened</th><th scope="col">Transaction</th></tr></thead>
    <tbody>${rows.map((r) => html`<tr><td>${when(r.timestamp)}</td><td>${r.what}</td><td class="hash">${r.txId}</td></tr>`)}</tbody>
  </table>`;
}
