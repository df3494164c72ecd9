import { html } from 'lit';
import { LightElement } from './light-element';
import { ApiError, api } from './api';

/**
 * The sign-in form: the user pastes its API key (from `.covenant/dev-credentials.json` or its
 * administrator). The key is checked with `GET /v1/accounts/me` (401 refused) and handed to the
 * shell in a `signed-in` event; the field is a password field without autocomplete, so the key
 * is neither shown nor remembered by the browser.
 */
export class SignInForm extends LightElement {
  static override properties = { error: { state: true }, busy: { state: true } };
  declare error: string;
  declare busy: boolean;

  constructor() {
    super();
    this.error = '';
    this.busy = false;
  }

  private async submit(e: SubmitEvent) {
    e.preventDefault();
    const form = e.target as HTMLFormElement;
    const input = form.elements.namedItem('apiKey') as HTMLInputElement;
    const key = input.value.trim();
    if (!key) {
      this.error = 'Enter your API key.';
      return;
    }
    this.busy = true;
    this.error = '';
    try {
      await api('/v1/accounts/me', { key }).catch((err) => {
        if (err instanceof ApiError && err.status === 404) return undefined; // a valid key without an account yet
        throw err;
      });
      input.value = '';
      this.dispatchEvent(new CustomEvent('signed-in', { detail: key, bubbles: true }));
    } catch (err) {
      this.error = err instanceof ApiError && err.status === 401 ? 'This API key is not valid.' : `Sign-in failed: ${(err as Error).message}`;
    } finally {
      this.busy = false;
    }
  }

  override render() {
    return html`
      <h2>Sign in</h2>
      <p>Sign in with your Covenant API key. It is kept in this browser tab only, until you sign out or close the tab.</p>
      <form @submit=${this.submit} novalidate>
        <label for="api-key">API key</label>
        <input id="api-key" name="apiKey" type="password" autocomplete="off" spellcheck="false" required aria-describedby="sign-in-error" />
        <p id="sign-in-error" class="error" role="alert">${this.error}</p>
        <button type="submit" ?disabled=${this.busy}>Sign in</button>
      </form>
    `;
  }
}
customElements.define('sign-in-form', SignInForm);
