import type { FastifyRequest } from 'fastify';

/**
 * A URL for the log: the path, with any query string replaced by `?[redacted]`. Query values
 * never reach the log (issue 9, finding 2: an API key sent as `?key=...` was logged).
 */
export function redactQuery(url: string): string {
  const i = url.indexOf('?');
  return i < 0 ? url : `${url.slice(0, i)}?[redacted]`;
}

/** pino serializers for Fastify's request log lines: method, path without query values, client. */
export const logSerializers = {
  req(request: FastifyRequest) {
    return { method: request.method, url: redactQuery(request.url), host: request.host, remoteAddress: request.ip, remotePort: request.socket?.remotePort };
  },
};
