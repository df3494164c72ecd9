import { html } from 'lit';
import { LightElement } from './light-element';
import { ApiError, api } from './api';
import { apiKey, signIn, signOut } from './session';
import { followEvents } from './event-stream';
import './sign-in-form';
import './arbitration-queue';
import './escrow-case';
import './dispute-case';
import './party-overview';

/** A page that reloads itself when a ledger event arrives. */
interface Reloadable extends HTMLElement {
  load(): Promise<void>;
}

/**
 * The console's shell: sign-in, then the signed-in user's role found from the API itself (an
 * arbitrator is whoever `GET /v1/disputes` answers; others get 403 and see no queue), navigation
 * by the URL's fragment (`#/`, `#/me`, `#/case/escrow/{id}`, `#/case/dispute/{id}`: ids only,
 * never the key), and live updates: each ledger event the user may see reloads the page shown.
 */
export class CovenantConsole extends LightElement {
  static override properties = { signedIn: { state: true }, arbitrator: { state: true }, me: { state: true }, route: { state: true }, live: { state: true } };
  declare signedIn: boolean;
  declare arbitrator: boolean | undefined;
  declare me: string;
  declare route: string;
  declare live: boolean;
  private events: { stop(): void } | undefined;
  private readonly onHash = () => {
    this.route = location.hash;
  };

  constructor() {
    super();
    this.signedIn = apiKey() !== undefined;
    this.arbitrator = undefined;
    this.me = '';
    this.route = location.hash;
    this.live = false;
  }

  override connectedCallback() {
    super.connectedCallback();
    window.addEventListener('hashchange', this.onHash);
    if (this.signedIn) void this.identify();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    window.removeEventListener('hashchange', this.onHash);
    this.events?.stop();
  }

  private async identify() {
    const me = await api<{ id: string }>('/v1/accounts/me').catch((e) => (e instanceof ApiError && e.status === 404 ? undefined : Promise.reject(e))).catch(() => undefined);
    this.me = me?.id ?? '';
    this.arbitrator = await api('/v1/disputes?pageSize=1').then(
      () => true,
      () => false,
    );
    const key = apiKey();
    if (key) this.events = followEvents(key, () => void this.reloadPage(), (live) => (this.live = live));
  }

  private async reloadPage() {
    const page = this.querySelector<Reloadable>('arbitration-queue, escrow-case, dispute-case, party-overview');
    await page?.load();
  }

  private signedInWith(e: CustomEvent<string>) {
    signIn(e.detail);
    this.signedIn = true;
    void this.identify();
    queueMicrotask(() => this.querySelector<HTMLElement>('main')?.focus());
  }

  private signOut() {
    signOut();
    this.events?.stop();
    this.events = undefined;
    this.signedIn = false;
    this.arbitrator = undefined;
    this.me = '';
    this.live = false;
    location.hash = '';
  }

  private page() {
    if (!this.signedIn) return html`<sign-in-form @signed-in=${this.signedInWith}></sign-in-form>`;
    if (this.arbitrator === undefined) return html`<p aria-live="polite">Loading…</p>`;
    const [, section, kind, id] = this.route.split('/');
    if (section === 'case' && kind === 'escrow' && id) return html`<escrow-case case-id=${decodeURIComponent(id)} .me=${this.me}></escrow-case>`;
    if (section === 'case' && kind === 'dispute' && id) return html`<dispute-case case-id=${decodeURIComponent(id)} ?arbitrator=${this.arbitrator}></dispute-case>`;
    if (section === 'me' || !this.arbitrator) return html`<party-overview></party-overview>`;
    return html`<arbitration-queue></arbitration-queue>`;
  }

  override render() {
    return html`
      <header class="bar">
        <h1>Covenant console</h1>
        ${this.signedIn
          ? html`<nav aria-label="Main">
              <ul>
                ${this.arbitrator ? html`<li><a href="#/">Arbitration queue</a></li>` : ''}
                <li><a href="#/me">My account</a></li>
                <li><span role="status">${this.live ? 'Live updates on' : 'Live updates off'}</span></li>
                <li><button type="button" class="secondary" @click=${this.signOut}>Sign out</button></li>
              </ul>
            </nav>`
          : ''}
      </header>
      <main id="main" tabindex="-1">${this.page()}</main>
    `;
  }
}
customElements.define('covenant-console', CovenantConsole);
