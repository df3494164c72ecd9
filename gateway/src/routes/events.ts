import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth';
import type { EventCheckpoint, Ledger } from '../ledger/port';
import { HttpProblem, problem } from '../http/problem';
import { EventStream } from '../http/sse';
import { bearer, problems } from './common';
import { callerOfCertificate } from '@covenant/chaincode';
import type { Principal } from '../identity/store';
import { Viewer, mayReceive, splitAudience } from '../events/audience';

const EVENT_ID = /^([0-9]{1,20}):([0-9a-f]{1,128})$/;

/** `Last-Event-ID` / `after`: `<block number>:<transaction id>`. */
export function parseEventId(raw: string | undefined): EventCheckpoint | undefined {
  if (raw === undefined || raw === '') return undefined;
  const m = EVENT_ID.exec(raw);
  if (!m) throw new HttpProblem(problem(400, 'INVALID_ARGUMENT', 'an event id is <block number>:<transaction id>'));
  return { blockNumber: BigInt(m[1]), txId: m[2] };
}

/**
 * Chaincode events as Server-Sent Events (DESIGN.md, "The gateway"): the committed events the
 * caller may see, in commit order. Fabric delivers every event of the channel to every member's
 * peer; the gateway passes on only those whose audience includes the caller (events/audience.ts:
 * the parties of the object, their organisations' administrators, holders of a reading role, or
 * everyone for consortium-wide records), with the same data the caller could read, without the
 * audience member. Each message carries
 * `id: <block>:<txId>`, `event: <event name>` and `data: <canonical JSON payload>`. A client that
 * reconnects with `Last-Event-ID` (EventSource does so by itself) resumes right after that event;
 * without it the stream starts at the next commit (`from=now`, default) or the first block
 * (`from=start`). `names` keeps only the listed event names. A comment line is sent every 15 s to
 * keep proxies from closing an idle stream. If the ledger connection breaks, an `error` event is
 * sent and the stream ends: reconnect with the last id. A slow reader holds the stream back
 * (http/sse.ts waits for the socket to drain) instead of filling the gateway's memory.
 */
export const eventRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { ledger, closing } = app;
  app.get(
    '/events',
    {
      schema: {
        tags: ['events'],
        summary: 'Chaincode events as a Server-Sent Events stream (resumable with Last-Event-ID)',
        operationId: 'streamEvents', security: bearer,
        headers: Type.Object({ 'last-event-id': Type.Optional(Type.String({ maxLength: 160 })) }),
        querystring: Type.Object({
          from: Type.Optional(Type.Union([Type.Literal('now'), Type.Literal('start')], { default: 'now' })),
          after: Type.Optional(Type.String({ maxLength: 160, description: 'Same as Last-Event-ID' })),
          names: Type.Optional(Type.String({ maxLength: 1024, description: 'Comma-separated event names to keep, e.g. EscrowCreated,EscrowCompleted' })),
        }),
        response: {
          200: Type.Unsafe<string>({
            description: 'Server-Sent Events: `id: <block>:<txId>`, `event: <event name>`, `data: <canonical JSON payload>`',
            content: { 'text/event-stream': { schema: Type.String() } },
          }),
          ...problems(),
        },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const after = parseEventId(request.headers['last-event-id'] ?? request.query.after);
      const names = request.query.names ? new Set(request.query.names.split(',').map((n) => n.trim())) : undefined;
      const viewer = await viewerOf(ledger, principal);
      const abort = new AbortController();
      const stop = () => abort.abort();
      request.raw.on('close', stop);
      closing.addEventListener('abort', stop);
      reply.hijack();
      const stream = new EventStream(reply.raw, abort.signal, 'covenant events');
      try {
        for await (const e of ledger.chaincodeEvents(principal.identity, { after, from: request.query.from ?? 'now', signal: abort.signal })) {
          const { audience, data } = splitAudience(e.payload);
          // The caller's own role changes change what it may see from the next event on.
          if ((e.name === 'RoleGranted' || e.name === 'RoleRevoked') && (JSON.parse(data) as { accountId?: string }).accountId === viewer.accountId) {
            viewer.roles = await rolesOf(ledger, principal, viewer.accountId);
          }
          if (!mayReceive(audience, viewer)) continue;
          if (names && !names.has(e.name)) continue;
          await stream.send(`${e.blockNumber}:${e.txId}`, e.name, data);
        }
      } catch (err) {
        // A write abandoned because the client left or the app closes is no ledger error.
        if (!abort.signal.aborted) {
          request.log.warn({ err }, 'event stream ended by a ledger error');
          await stream.notify('error', { code: 'LEDGER_UNAVAILABLE', detail: (err as Error).message }).catch(() => undefined);
        }
      } finally {
        closing.removeEventListener('abort', stop);
        request.raw.off('close', stop);
        stream.end();
      }
    },
  );
};

/** The caller as the event audience sees it: account, organisation, admin flag and ledger roles. */
async function viewerOf(ledger: Ledger, principal: Principal): Promise<Viewer> {
  const caller = callerOfCertificate(principal.mspId, principal.identity.certificate);
  return { accountId: caller.accountId, mspId: caller.mspId, isAdmin: caller.isAdmin, roles: await rolesOf(ledger, principal, caller.accountId) };
}

/** The account's ledger roles; none when they cannot be read (the stream then shows less, never more). */
async function rolesOf(ledger: Ledger, principal: Principal, accountId: string): Promise<ReadonlySet<string>> {
  try {
    const raw = await ledger.evaluate(principal.identity, 'consortium:getRoles', [accountId]);
    const parsed = JSON.parse(Buffer.from(raw).toString('utf8')) as { roles?: unknown };
    return new Set(Array.isArray(parsed.roles) ? parsed.roles.filter((r): r is string => typeof r === 'string') : []);
  } catch {
    return new Set();
  }
}
