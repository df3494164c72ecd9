import { html } from 'lit';
import { ActionForm } from './action-form';

type Kind = 'escrow' | 'dispute';

/** The choices each kind of case allows, as the API names them. */
const CHOICES: Record<Kind, { value: string; label: string }[]> = {
  escrow: [
    { value: 'COMPLETE', label: 'Completion: pay the recipients by the escrow’s rule' },
    { value: 'REFUND', label: 'Refund: return the amount to the initiator' },
  ],
  dispute: [
    { value: 'FRAUD', label: 'Fraud (Penalty): penalty share to the client, client refunded, contract deactivated' },
    { value: 'NO_FRAUD', label: 'No fraud (Settlement): client’s deposit forfeited to the issuer' },
  ],
};

/**
 * The ruling form of a case: the outcome the API allows for its kind (escrow: COMPLETE or REFUND
 * to `POST /v1/escrows/{id}/ruling` with `reasons`; DBCS dispute: FRAUD or NO_FRAUD to
 * `POST /v1/disputes/{id}/ruling` with `reason`) and the written reasons. One idempotency key per
 * form, so a double click or a retry after a lost answer rules once. Fires `ruled` on success.
 */
export class RulingForm extends ActionForm {
  static override properties = { ...ActionForm.properties, kind: {} };
  declare kind: Kind;

  constructor() {
    super();
    this.kind = 'escrow';
  }

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const data = new FormData(form);
    const outcome = data.get('outcome');
    const reasons = String(data.get('reasons') ?? '').trim();
    if (!outcome) {
      this.error = 'Choose an outcome.';
      return;
    }
    if (!reasons) {
      this.error = 'Write the reasons for the ruling.';
      return;
    }
    const path = `/v1/${this.kind === 'escrow' ? 'escrows' : 'disputes'}/${encodeURIComponent(this.caseId)}/ruling`;
    const body = this.kind === 'escrow' ? { outcome, reasons } : { ruling: outcome, reason: reasons };
    await this.post(path, body, 'ruled', 'The ruling was not recorded');
  }

  override render() {
    return html`
      <form @submit=${this.submit} aria-labelledby="ruling-heading" novalidate>
        <h3 id="ruling-heading">Ruling</h3>
        <fieldset>
          <legend>Outcome</legend>
          ${CHOICES[this.kind].map(
            (c) => html`<div><input type="radio" name="outcome" id=${`outcome-${c.value}`} value=${c.value} required /> <label for=${`outcome-${c.value}`}>${c.label}</label></div>`,
          )}
        </fieldset>
        <label for="reasons">Written reasons</label>
        <textarea id="reasons" name="reasons" rows="5" maxlength="4096" required aria-describedby="ruling-error"></textarea>
        <p id="ruling-error" class="error" role="alert">${this.error}</p>
        <button type="submit" ?disabled=${this.busy}>Record the ruling</button>
      </form>
    `;
  }
}
customElements.define('ruling-form', RulingForm);
