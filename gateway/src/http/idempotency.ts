import { createHash } from 'node:crypto';
import type { FastifyReply, FastifyRequest } from 'fastify';
import type { LevelDb } from '../ledger/embedded/store';
import { canonicalJson } from '@covenant/chaincode';
import { principalOf } from './auth';
import { HttpProblem, problem } from './problem';

/**
 * Idempotent POSTs (DESIGN.md, "The gateway"): a client may send `Idempotency-Key` (1-255
 * visible ASCII characters) on a POST that creates or moves value. The first response with a
 * status below 500 (and not marked transient, such as "the other side is busy: retry") is stored durably, per caller, before it is sent; a repeat with the same key and
 * the same request gets that response again, marked `Idempotent-Replayed: true`, and submits
 * nothing. The same key with a different request is refused (422 IDEMPOTENCY_KEY_REUSED); a repeat
 * while the first is still in progress waits for it. Records are kept for 24 hours.
 * Semantics follow the IETF draft "The Idempotency-Key HTTP Header Field".
 */
interface StoredResponse {
  fingerprint: string;
  statusCode: number;
  headers: Record<string, string>;
  body: string;
  storedAt: number;
}

interface Pending {
  storeKey: string;
  fingerprint: string;
  done: () => void;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: Pending;
    /** Set for an answer that a plain retry may change (not stored for replay). */
    transientFailure?: boolean;
  }
  interface FastifyContextConfig {
    /** Marks a route whose POSTs honour Idempotency-Key. */
    idempotent?: boolean;
  }
}

const KEY = /^[\x21-\x7e]{1,255}$/;
const PREFIX = 'idem!';
const KEPT_HEADERS = ['content-type', 'location', 'x-transaction-id'];
export const IDEMPOTENCY_TTL_MS = 24 * 3600 * 1000;
const WAIT_MS = 60_000;

export class IdempotencyStore {
  private readonly inFlight = new Map<string, Promise<void>>();

  constructor(private readonly db: LevelDb) {}

  /** preHandler: replays a stored response or registers this request as the first. */
  readonly preHandler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> => {
    if (!request.routeOptions.config.idempotent) return;
    const header = request.headers['idempotency-key'];
    if (header === undefined) return;
    if (typeof header !== 'string' || !KEY.test(header)) {
      throw new HttpProblem(problem(400, 'INVALID_ARGUMENT', 'Idempotency-Key must be 1-255 visible ASCII characters'));
    }
    const principal = principalOf(request);
    const storeKey = PREFIX + createHash('sha256').update(`${principal.name}\u0000${header}`).digest('hex');
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.url}\n${canonicalJson(request.body ?? null)}`)
      .digest('hex');

    // Claim the key before any await, so concurrent repeats cannot all miss the stored record
    // and submit; a repeat finding the key claimed waits for the first to finish, then looks again.
    for (;;) {
      const pending = this.inFlight.get(storeKey);
      if (!pending) break;
      const timeout = new Promise<'timeout'>((resolve) => setTimeout(resolve, WAIT_MS, 'timeout').unref());
      if ((await Promise.race([pending, timeout])) === 'timeout') {
        throw new HttpProblem(problem(409, 'IDEMPOTENCY_KEY_IN_USE', 'a request with this Idempotency-Key is still in progress'));
      }
    }
    let done!: () => void;
    this.inFlight.set(storeKey, new Promise<void>((resolve) => (done = resolve)));
    const claim: Pending = { storeKey, fingerprint, done };
    let stored: StoredResponse | undefined;
    try {
      stored = await this.find(storeKey);
    } catch (err) {
      this.release(claim);
      throw err;
    }
    if (stored) {
      this.release(claim);
      if (stored.fingerprint !== fingerprint) {
        throw new HttpProblem(problem(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request'));
      }
      reply.code(stored.statusCode).headers({ ...stored.headers, 'idempotent-replayed': 'true' });
      return reply.send(stored.body);
    }
    request.idempotency = claim;
  };

  /** onSend: stores the first response (status < 500) before it leaves. */
  readonly onSend = async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const pending = request.idempotency;
    if (!pending || reply.statusCode >= 500 || request.transientFailure || typeof payload !== 'string') return payload;
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    const record: StoredResponse = { fingerprint: pending.fingerprint, statusCode: reply.statusCode, headers, body: payload, storedAt: Date.now() };
    await this.db.put(pending.storeKey, Buffer.from(JSON.stringify(record)));
    return payload;
  };

  /** onResponse: releases waiters of this key, whatever the outcome. */
  readonly onResponse = async (request: FastifyRequest): Promise<void> => {
    if (request.idempotency) this.release(request.idempotency);
  };

  private release(claim: Pending): void {
    this.inFlight.delete(claim.storeKey);
    claim.done();
  }

  private async find(storeKey: string): Promise<StoredResponse | undefined> {
    const raw = await this.db.get(storeKey);
    if (!raw) return undefined;
    const record = JSON.parse(Buffer.from(raw).toString('utf8')) as StoredResponse;
    if (Date.now() - record.storedAt > IDEMPOTENCY_TTL_MS) return undefined;
    return record;
  }
}
