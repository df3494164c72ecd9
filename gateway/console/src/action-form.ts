import { LightElement } from './light-element';
import { api, newIdempotencyKey } from './api';

/**
 * A form that records one act on a case (a ruling, an escalation): it keeps the case id, an error
 * message shown to the user and a busy flag, and posts with one idempotency key per form, so a
 * double click or a retry applies the act once; a failure keeps what was typed and draws a new key.
 */
export class ActionForm extends LightElement {
  static override properties = { caseId: { attribute: 'case-id' }, error: { state: true }, busy: { state: true } };
  declare caseId: string;
  declare error: string;
  declare busy: boolean;
  private idempotencyKey = newIdempotencyKey();

  constructor() {
    super();
    this.caseId = '';
    this.error = '';
    this.busy = false;
  }

  /** POSTs `body` to `path`; on success fires `event` (bubbling) with the answer, else shows `failure: <why>`. */
  protected async post(path: string, body: unknown, event: string, failure: string): Promise<void> {
    this.busy = true;
    this.error = '';
    try {
      const result = await api(path, { method: 'POST', body, idempotencyKey: this.idempotencyKey });
      this.dispatchEvent(new CustomEvent(event, { detail: result, bubbles: true }));
    } catch (err) {
      this.error = `${failure}: ${(err as Error).message}`;
      this.idempotencyKey = newIdempotencyKey();
    } finally {
      this.busy = false;
    }
  }
}
