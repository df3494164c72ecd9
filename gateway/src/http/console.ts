import { existsSync } from 'node:fs';
import { join, resolve } from 'node:path';
import type { FastifyPluginAsync } from 'fastify';
import fastifyStatic from '@fastify/static';

/** Where `npm run build` puts the console (gateway/console/build.mjs): gateway/dist/console, from src/http or dist/http alike. */
export const CONSOLE_DIR = resolve(__dirname, '..', '..', 'dist', 'console');

/**
 * The console's Content-Security-Policy: its own script and stylesheet only (no inline script or
 * style, no eval, no CDN), API calls to this origin, no framing, no form posts elsewhere.
 */
export const CONSOLE_CSP = [
  "default-src 'none'",
  "script-src 'self'",
  "style-src 'self'",
  "connect-src 'self'",
  "img-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/**
 * The arbitration console (issue 15) as static files at /console/ (`/console` redirects there):
 * a page that calls the same /v1 API with the user's key, so every API rule holds in it. Served
 * with a strict CSP, no caching of the page, and hidden from the OpenAPI document (it is not
 * API). When the console was not built, /console/ answers 404 naming `npm run build`.
 */
export const consoleRoutes: FastifyPluginAsync<{ dir?: string }> = async (app, options) => {
  const dir = options.dir ?? CONSOLE_DIR;
  app.addHook('onSend', async (_request, reply, payload) => {
    reply.header('content-security-policy', CONSOLE_CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'no-referrer');
    reply.header('x-frame-options', 'DENY');
    reply.header('cache-control', 'no-store');
    return payload;
  });
  if (!existsSync(join(dir, 'index.html'))) {
    app.get('/console/*', { schema: { hide: true } }, async (_request, reply) =>
      reply.code(404).type('text/plain').send('The console is not built: run `npm run build` (gateway/console).'),
    );
    app.get('/console', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/'));
    return;
  }
  await app.register(fastifyStatic, { root: dir, prefix: '/console/', decorateReply: false, schemaHide: true, redirect: true, index: 'index.html' });
  app.get('/console', { schema: { hide: true } }, async (_request, reply) => reply.redirect('/console/'));
};
