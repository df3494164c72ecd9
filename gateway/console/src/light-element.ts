import { LitElement } from 'lit';

/**
 * A Lit element rendering into the light DOM: the page's one stylesheet applies (no inline
 * styles, so the Content-Security-Policy can forbid them) and labels, headings and landmarks stay
 * in the document's accessibility tree.
 */
export class LightElement extends LitElement {
  protected override createRenderRoot(): HTMLElement {
    return this;
  }
}
