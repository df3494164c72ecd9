import { html, type PropertyDeclarations, type TemplateResult } from 'lit';
import { LightElement } from './light-element';

/**
 * A console page whose data comes from the API: it loads when it connects and again on `load()`
 * (after a ruling, on a live ledger event). A subclass's `fetch()` fills its state; a failure
 * becomes `error`, "<what> could not be loaded: <why>", shown with role=alert.
 */
export abstract class LoadedElement extends LightElement {
  static override properties: PropertyDeclarations = { error: { state: true } };
  declare error: string;

  /** What the page loads, for its error message ("The dispute"). */
  protected abstract readonly what: string;

  constructor() {
    super();
    this.error = '';
  }

  override connectedCallback() {
    super.connectedCallback();
    void this.load();
  }

  /** Reloads the page's data. */
  async load(): Promise<void> {
    try {
      await this.fetch();
      this.error = '';
    } catch (err) {
      this.error = `${this.what} could not be loaded: ${(err as Error).message}`;
    }
  }

  /** Reads the page's data from the API into its state; throws what the API refused. */
  protected abstract fetch(): Promise<void>;

  /** The page's heading with its error, or "Loading…", while it has nothing to show yet. */
  protected pending(heading: string): TemplateResult {
    return html`<h2>${heading}</h2>${this.error ? html`<p class="error" role="alert">${this.error}</p>` : html`<p>Loading…</p>`}`;
  }
}
