import { TestGateway, startTestGateway } from '../support/gateway';
import { CONSOLE_CSP } from '../../gateway/src/http/console';

/**
 * The console's files as the gateway serves them (issue 15), without a browser: /console
 * redirects to /console/, the page and its bundle carry the strict Content-Security-Policy
 * (script-src 'self', no inline script or style) and are not cached, the page loads nothing from
 * another origin, and /console is absent from the OpenAPI document.
 */
describe('the console as served', () => {
  let gw: TestGateway;
  beforeAll(async () => {
    gw = await startTestGateway();
  });
  afterAll(() => gw.close());

  test('/console redirects to the page, served with a strict CSP and no caching', async () => {
    const redirect = await fetch(`${gw.url}/console`, { redirect: 'manual' });
    expect([redirect.status, redirect.headers.get('location')]).toEqual([302, '/console/']);
    const page = await gw.raw('GET', '/console/');
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    expect(page.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect(CONSOLE_CSP).toContain("script-src 'self'");
    expect(CONSOLE_CSP).not.toMatch(/unsafe-inline|unsafe-eval/);
    expect(page.headers.get('cache-control')).toBe('no-store');
    expect(page.headers.get('x-frame-options')).toBe('DENY');
    // Only same-origin assets, and no inline script.
    const html = String(page.body);
    expect([...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]).filter((u) => !u.startsWith('/') && !u.startsWith('#'))).toEqual([]);
    expect(html).not.toMatch(/<script(?![^>]*\bsrc=)[^>]*>/);
    const bundle = await gw.raw('GET', '/console/app.js');
    expect([bundle.status, bundle.headers.get('content-type')]).toEqual([200, expect.stringMatching(/^(text\/|application\/)javascript/)]);
    expect(bundle.headers.get('content-security-policy')).toBe(CONSOLE_CSP);
    expect((await gw.raw('GET', '/console/missing.js')).status).toBe(404);
  });

  test('the console is not part of the OpenAPI document', async () => {
    const doc = (await gw.raw('GET', '/docs/json')).body;
    expect(Object.keys(doc.paths).filter((p) => p.startsWith('/console'))).toEqual([]);
  });
});
