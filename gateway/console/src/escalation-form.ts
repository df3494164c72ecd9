import { html } from 'lit';
import { ActionForm } from './action-form';

/** Longest referral reason the API accepts from an arbitrator (`POST /v1/disputes/{id}/escalate`). */
const MAX_REASON = 4096;

/**
 * An arbitrator's "Escalate to the panel" action on an OPEN contract dispute: the written reason
 * for referring the case to the arbitration institution's panel (required, 1..4096 characters),
 * sent to `POST /v1/disputes/{id}/escalate` as `{reason}`. The dispute becomes ESCALATED, stays in
 * the queue and can still be ruled. One idempotency key per form, so a double click or a retry
 * escalates once. Fires `escalated` with the dispute on success.
 */
export class EscalationForm extends ActionForm {
  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const reason = String(new FormData(e.target as HTMLFormElement).get('reason') ?? '').trim();
    if (!reason) {
      this.error = 'Write the reason for referring the case to the panel.';
      return;
    }
    await this.post(`/v1/disputes/${encodeURIComponent(this.caseId)}/escalate`, { reason }, 'escalated', 'The escalation was not recorded');
  }

  override render() {
    return html`
      <form @submit=${this.submit} aria-labelledby="escalation-heading" novalidate>
        <h3 id="escalation-heading">Escalate to the panel</h3>
        <p id="escalation-help">Refers the case to the institution’s panel: the dispute becomes ESCALATED, stays in the queue and can still be ruled.</p>
        <label for="escalation-reason">Reason for the referral</label>
        <textarea id="escalation-reason" name="reason" rows="3" maxlength=${MAX_REASON} required aria-describedby="escalation-help escalation-error"></textarea>
        <p id="escalation-error" class="error" role="alert">${this.error}</p>
        <button type="submit" class="secondary" ?disabled=${this.busy}>Escalate to the panel</button>
      </form>
    `;
  }
}
customElements.define('escalation-form', EscalationForm);
