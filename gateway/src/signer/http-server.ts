import { createHash, timingSafeEqual } from 'node:crypto';
import Fastify, { type FastifyError, type FastifyInstance, type FastifyRequest, type FastifyServerOptions } from 'fastify';
import type { StealthOutput } from '@covenant/chaincode/dist/privacy/stealth';
import type { SignerCore } from './core';
import { SignerError } from './errors';

/**
 * The signer's HTTP/1.1 JSON API (design section 2), for the gateway on the same host or pod:
 *
 *   GET  /v1/attestation?nonce=<base64url 32 bytes>  → Attestation {evidence, publicKey, signature}
 *   POST /v1/keys {owner}                             → {owner, viewPublicKey, spendPublicKey} (created on first call)
 *   GET  /v1/keys/{owner}                             → the same, 404 NOT_FOUND when unknown
 *   POST /v1/scan {owner, outputs}                    → {results: [{index, status: 'mine', oneTimePublicKey, keyImage, sharedSecret}]}
 *   POST /v1/sign {owner, output, ring, message}      → {signature} (message base64url bytes)
 *
 * Every request carries `Authorization: Bearer <token>` (compared in constant time over SHA-256
 * digests, so neither content nor length leaks by timing); bodies are JSON of at most `bodyLimit`
 * bytes. Refusals are JSON `{code, message}` with the stable codes of errors.ts: 400
 * INVALID_ARGUMENT, 401 UNAUTHENTICATED, 403 FORBIDDEN, 404 NOT_FOUND, 413 PAYLOAD_TOO_LARGE, 415
 * UNSUPPORTED_MEDIA_TYPE, 500 INTERNAL.
 */

/** Default largest request body: 1 MiB (a scan of SCAN_MAX_OUTPUTS outputs fits). */
export const DEFAULT_BODY_LIMIT = 1024 * 1024;

export interface SignerServerOptions {
  core: SignerCore;
  /** The bearer token every request must carry (at least 16 characters). */
  token: string;
  bodyLimit?: number;
  logger?: FastifyServerOptions['logger'];
}

const digest = (value: string) => createHash('sha256').update(value, 'utf8').digest();

/** True iff the request's single Authorization header is `Bearer <token>`, compared in constant time. */
function authorized(request: FastifyRequest, expected: Buffer): boolean {
  const headers = request.raw.rawHeaders.filter((_, i) => i % 2 === 0 && request.raw.rawHeaders[i].toLowerCase() === 'authorization');
  const match = headers.length === 1 ? /^Bearer ([\x21-\x7e]+)$/.exec(request.headers.authorization ?? '') : null;
  return timingSafeEqual(digest(match ? match[1] : ''), expected) && match !== null;
}

/** The JSON body as an object; INVALID_ARGUMENT otherwise. */
function bodyOf(request: FastifyRequest): Record<string, unknown> {
  const body = request.body;
  if (typeof body !== 'object' || body === null || Array.isArray(body)) throw new SignerError('INVALID_ARGUMENT', 'the body must be a JSON object');
  return body as Record<string, unknown>;
}

/** The bytes of a base64url (no padding) string; INVALID_ARGUMENT otherwise. */
function base64urlBytes(raw: unknown, field: string): Uint8Array {
  if (typeof raw !== 'string' || !/^[A-Za-z0-9_-]*$/.test(raw) || Buffer.from(raw, 'base64url').toString('base64url') !== raw) {
    throw new SignerError('INVALID_ARGUMENT', `${field} must be base64url without padding`);
  }
  return new Uint8Array(Buffer.from(raw, 'base64url'));
}

/** The JSON answer of an error: a SignerError as is, Fastify's refusals by status, anything else INTERNAL. */
function errorAnswer(error: FastifyError | SignerError): SignerError {
  if (error instanceof SignerError) return error;
  if (error.statusCode === 413) return new SignerError('PAYLOAD_TOO_LARGE', 'the request body is too large');
  if (error.statusCode === 415) return new SignerError('UNSUPPORTED_MEDIA_TYPE', 'send Content-Type: application/json');
  if (error.statusCode === 400) return new SignerError('INVALID_ARGUMENT', error.message);
  return new SignerError('INTERNAL', 'internal error');
}

/** Builds (does not listen) the signer's Fastify instance over `core`. Throws RangeError for a token shorter than 16 characters. */
export function buildSignerServer(options: SignerServerOptions): FastifyInstance {
  if (typeof options.token !== 'string' || options.token.length < 16) throw new RangeError('the signer token must be at least 16 characters');
  const expected = digest(options.token);
  const { core } = options;
  const app = Fastify({ logger: options.logger ?? false, bodyLimit: options.bodyLimit ?? DEFAULT_BODY_LIMIT, requestTimeout: 30_000 });

  app.removeContentTypeParser('text/plain'); // JSON only: anything else is 415
  app.addHook('onRequest', async (request, reply) => {
    if (authorized(request, expected)) return;
    reply.header('www-authenticate', 'Bearer');
    throw new SignerError('UNAUTHENTICATED', 'send Authorization: Bearer <signer token>');
  });
  app.setErrorHandler((error: FastifyError | SignerError, request, reply) => {
    const answer = errorAnswer(error);
    if (answer.code === 'INTERNAL') request.log.error({ err: error }, 'signer request failed');
    return reply.status(answer.status).type('application/json').send({ code: answer.code, message: answer.detail });
  });
  app.setNotFoundHandler((request, reply) => {
    return reply.status(404).send({ code: 'NOT_FOUND', message: `no route ${request.method} ${request.url.split('?')[0]}` });
  });

  app.get('/v1/attestation', async (request) => core.attest((request.query as Record<string, unknown>).nonce as string));
  app.post('/v1/keys', async (request) => core.createKeys(bodyOf(request).owner as string));
  app.get('/v1/keys/:owner', async (request) => core.getKeys((request.params as { owner: string }).owner));
  app.post('/v1/scan', async (request) => {
    const body = bodyOf(request);
    return core.scan(body.owner as string, body.outputs as StealthOutput[]);
  });
  app.post('/v1/sign', async (request) => {
    const body = bodyOf(request);
    return core.sign(body.owner as string, body.output as StealthOutput, body.ring as string[], base64urlBytes(body.message, 'message'));
  });
  return app;
}

