import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth';
import type { EventCheckpoint, Ledger } from '../ledger/port';
import { HttpProblem, problem } from '../http/problem';
import { bearer, problems } from './common';

const HEARTBEAT_MS = 15_000;
const EVENT_ID = /^([0-9]{1,20}):([0-9a-f]{1,128})$/;

/** `Last-Event-ID` / `after`: `<block number>:<transaction id>`. */
export function parseEventId(raw: string | undefined): EventCheckpoint | undefined {
  if (raw === undefined || raw === '') return undefined;
  const m = EVENT_ID.exec(raw);
  if (!m) throw new HttpProblem(problem(400, 'INVALID_ARGUMENT', 'an event id is <block number>:<transaction id>'));
  return { blockNumber: BigInt(m[1]), txId: m[2] };
}

/**
 * Chaincode events as Server-Sent Events (DESIGN.md, "The gateway"): every committed event on the
 * channel, as Fabric delivers them to channel members, in commit order. Each message carries
 * `id: <block>:<txId>`, `event: <event name>` and `data: <canonical JSON payload>`. A client that
 * reconnects with `Last-Event-ID` (EventSource does so by itself) resumes right after that event;
 * without it the stream starts at the next commit (`from=now`, default) or the first block
 * (`from=start`). `names` keeps only the listed event names. A comment line is sent every 15 s to
 * keep proxies from closing an idle stream. If the ledger connection breaks, an `error` event is
 * sent and the stream ends: reconnect with the last id.
 */
export const eventRoutes: FastifyPluginAsyncTypebox<{ ledger: Ledger; closing: AbortSignal }> = async (app, { ledger, closing }) => {
  app.get(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Chaincode events as a Server-Sent Events stream (resumable with Last-Event-ID)',
        security: bearer,
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 160 })) }),
        querystring: Type.Object({
          from: Type.Optional(Type.Union([Type.Literal('now'), Type.Literal('start')], { default: 'now' })),
          after: Type.Optional(Type.String({ maxLength: 160, description: 'Same as Last-Event-ID' })),
          names: Type.Optional(Type.String({ maxLength: 1024, description: 'Comma-separated event names to keep, e.g. EscrowCreated,EscrowCompleted' })),
        }),
        response: { 200: Type.String({ description: 'text/event-stream' }), ...problems() },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const after = parseEventId(request.headers['last-event-id'] ?? request.query.after);
      const names = request.query.names ? new Set(request.query.names.split(',').map((n) => n.trim())) : undefined;
      const abort = new AbortController();
      const stop = () => abort.abort();
      request.raw.on('close', stop);
      closing.addEventListener('abort', stop);
      reply.hijack();
      const out = reply.raw;
      out.writeHead(200, { 'content-type': 'text/event-stream; charset=utf-8', 'cache-control': 'no-cache', connection: 'keep-alive', 'x-accel-buffering': 'no' });
      out.write(': covenant events\n\n');
      const heartbeat = setInterval(() => out.write(': keep-alive\n\n'), HEARTBEAT_MS);
      try {
        for await (const e of ledger.chaincodeEvents(principal.identity, { after, from: request.query.from ?? 'now', signal: abort.signal })) {
          if (names && !names.has(e.name)) continue;
          out.write(`id: ${e.blockNumber}:${e.txId}\nevent: ${e.name}\ndata: ${Buffer.from(e.payload).toString('utf8')}\n\n`);
        }
      } catch (err) {
        request.log.warn({ err }, 'event stream ended by a ledger error');
        out.write(`event: error\ndata: ${JSON.stringify({ code: 'LEDGER_UNAVAILABLE', detail: (err as Error).message })}\n\n`);
      } finally {
        clearInterval(heartbeat);
        closing.removeEventListener('abort', stop);
        request.raw.off('close', stop);
        out.end();
      }
    },
  );
};
