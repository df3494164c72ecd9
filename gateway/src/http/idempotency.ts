import { createHash } from 'node:crypto';
import type { FastifyError, FastifyReply, FastifyRequest, HookHandlerDoneFunction } from 'fastify';
import fp from 'fastify-plugin';
import { GatewayDb, JsonSublevel, jsonSublevel } from '../gateway-db';
import { IDEMPOTENCY_TTL_MS, JournalEntry, TransactionJournal, journalContext } from '../ledger/journal';
import { canonicalJson } from '@covenant/chaincode';
import { principalOf } from './auth';
import { HttpProblem, isTransient, problem } from './problem';

/**
 * Idempotent POSTs, exactly once across crashes and 5xx (DESIGN.md, "The gateway" and "Consent,
 * exactly-once, visibility"). A client may send `Idempotency-Key` (1-255 visible ASCII
 * characters) on a POST that creates or moves value. One durable record per caller and key holds
 * the request's fingerprint (method, URL, canonical body), its journal and, once there is one,
 * its final response:
 * - journal: before each ledger submit the request makes (in routes or in the services they
 *   call; TransactionJournal bound with AsyncLocalStorage), its transaction id, signed
 *   transaction bytes and endorsed result are written with `sync: true`;
 * - final response: the first answer with a status below 500 (and not marked transient, such as
 *   "the other side is busy: retry") is stored before it is sent.
 * A repeat with the same key and request gets the stored response, marked
 * `Idempotent-Replayed: true`, and submits nothing. A repeat of a request that has a journal but
 * no final response (the gateway crashed, or answered 5xx, after recording) runs the request
 * again with the journal: its Nth submit resolves the Nth recorded transaction and answers the
 * original result (also marked replayed), proposing a new transaction only where the ledger knows
 * the recorded one did not commit validly. The same key with a different request is refused
 * (422 IDEMPOTENCY_KEY_REUSED); a repeat while the first is still in progress waits for it (409
 * IDEMPOTENCY_KEY_IN_USE after 60 s). Records are kept for 24 hours from their first write.
 * Semantics follow the IETF draft "The Idempotency-Key HTTP Header Field".
 */
interface StoredResponse {
  statusCode: number;
  headers: Record<string, string>;
  body: string;
}

/** A journal entry as stored: bytes and result base64. */
interface StoredTransaction {
  txId: string;
  fn: string;
  bytes: string;
  result: string;
}

interface IdempotencyRecord {
  fingerprint: string;
  /** When the record was first written (ms since the epoch): the retention starts there. */
  storedAt: number;
  transactions: StoredTransaction[];
  response?: StoredResponse;
}

/** A key claimed by the request in progress. */
interface Claim {
  storeKey: string;
  fingerprint: string;
  done: () => void;
}

interface Pending extends Claim {
  storedAt?: number;
  journal: TransactionJournal;
  /** The final response once stored. */
  response?: StoredResponse;
  /** The answer is one a plain retry may change (a transient HttpProblem): not stored for replay. */
  transient?: boolean;
}

declare module 'fastify' {
  interface FastifyRequest {
    idempotency?: Pending;
  }
  interface FastifyContextConfig {
    /** Marks a route whose POSTs honour Idempotency-Key. */
    idempotent?: boolean;
  }
}

const KEY = /^[\x21-\x7e]{1,255}$/;
const KEPT_HEADERS = ['content-type', 'location', 'x-transaction-id'];
const WAIT_MS = 60_000;

/** The records behind the idempotency hooks: one per caller and key, with the keys claimed by requests in progress. */
class IdempotencyStore {
  private readonly inFlight = new Map<string, Promise<void>>();

  /** One record per caller and key, by SHA-256 of both (hex), in the `idempotency` sublevel. */
  private readonly records: JsonSublevel<IdempotencyRecord>;

  constructor(db: GatewayDb) {
    this.records = jsonSublevel(db, 'idempotency');
  }

  /**
   * preHandler: replays a stored response, or registers this request as the one in progress for
   * its key, with the journal recorded so far (empty for a first request).
   */
  readonly preHandler = async (request: FastifyRequest, reply: FastifyReply): Promise<FastifyReply | void> => {
    if (!request.routeOptions.config.idempotent) return;
    const header = request.headers['idempotency-key'];
    if (header === undefined) return;
    if (typeof header !== 'string' || !KEY.test(header)) {
      throw new HttpProblem(problem(400, 'INVALID_ARGUMENT', 'Idempotency-Key must be 1-255 visible ASCII characters'));
    }
    const principal = principalOf(request);
    const storeKey = createHash('sha256').update(`${principal.name}\u0000${header}`).digest('hex');
    const fingerprint = createHash('sha256')
      .update(`${request.method} ${request.url}\n${canonicalBody(request.body)}`)
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
    const claim: Claim = { storeKey, fingerprint, done };
    let stored: IdempotencyRecord | undefined;
    try {
      stored = await this.find(storeKey);
    } catch (err) {
      this.release(claim);
      throw err;
    }
    if (stored && stored.fingerprint !== fingerprint) {
      this.release(claim);
      throw new HttpProblem(problem(422, 'IDEMPOTENCY_KEY_REUSED', 'this Idempotency-Key was used with a different request'));
    }
    if (stored?.response) {
      this.release(claim);
      reply.code(stored.response.statusCode).headers({ ...stored.response.headers, 'idempotent-replayed': 'true' });
      return reply.send(stored.response.body);
    }
    const pending: Pending = {
      ...claim,
      storedAt: stored?.storedAt,
      journal: new TransactionJournal((stored?.transactions ?? []).map(fromStored), (entries) => this.write(pending, entries.map(toStored)), storeKey),
    };
    request.idempotency = pending;
  };

  /**
   * preHandler, registered after `preHandler`: binds the request's journal (journalContext) for
   * the handler and everything it calls, so each of its ledger submits is journaled in order.
   * Callback style: the handler runs inside this hook's `done`.
   */
  readonly bind = (request: FastifyRequest, _reply: FastifyReply, done: HookHandlerDoneFunction): void => {
    const journal = request.idempotency?.journal;
    if (journal) journalContext.run(journal, done);
    else done();
  };

  /**
   * onSend: stores the first final response (status < 500, not transient) with the journal before
   * it leaves. A 5xx or transient answer stores nothing, so the journal written before each
   * submit stays for the repeat to resolve.
   */
  readonly onSend = async (request: FastifyRequest, reply: FastifyReply, payload: unknown): Promise<unknown> => {
    const pending = request.idempotency;
    if (!pending) return payload;
    if (pending.journal.replayed && reply.statusCode < 500) reply.header('idempotent-replayed', 'true');
    if (reply.statusCode >= 500 || pending.transient || typeof payload !== 'string') return payload;
    const headers: Record<string, string> = {};
    for (const name of KEPT_HEADERS) {
      const value = reply.getHeader(name);
      if (value !== undefined) headers[name] = String(value);
    }
    pending.response = { statusCode: reply.statusCode, headers, body: payload };
    await this.write(pending, pending.journal.recorded.map(toStored));
    return payload;
  };

  /** onError: marks a transient refusal (`isTransient`: 409 LEDGER_CONFLICT, a busy counterparty), which is answered but not stored. */
  readonly onError = async (request: FastifyRequest, _reply: FastifyReply, error: FastifyError): Promise<void> => {
    if (request.idempotency && isTransient(error)) request.idempotency.transient = true;
  };

  /** onResponse: closes the request's journal and releases waiters of this key, whatever the outcome. */
  readonly onResponse = async (request: FastifyRequest): Promise<void> => {
    if (!request.idempotency) return;
    request.idempotency.journal.close();
    this.release(request.idempotency);
  };

  private release(claim: Claim): void {
    this.inFlight.delete(claim.storeKey);
    claim.done();
  }

  /** Writes the request's record durably (fsync): its journal and, once there is one, its final response. */
  private async write(pending: Pending, transactions: StoredTransaction[]): Promise<void> {
    pending.storedAt ??= Date.now();
    const record: IdempotencyRecord = { fingerprint: pending.fingerprint, storedAt: pending.storedAt, transactions, response: pending.response };
    await this.records.put(pending.storeKey, record, { sync: true } as never);
  }

  private async find(storeKey: string): Promise<IdempotencyRecord | undefined> {
    const record = await this.records.get(storeKey);
    return record && Date.now() - record.storedAt <= IDEMPOTENCY_TTL_MS ? record : undefined;
  }
}

function toStored(e: JournalEntry): StoredTransaction {
  return { txId: e.txId, fn: e.fn, bytes: Buffer.from(e.bytes).toString('base64'), result: Buffer.from(e.result).toString('base64') };
}

function fromStored(s: StoredTransaction): JournalEntry {
  return { txId: s.txId, fn: s.fn, bytes: new Uint8Array(Buffer.from(s.bytes, 'base64')), result: new Uint8Array(Buffer.from(s.result, 'base64')) };
}

/** Options of the idempotency plugin. */
export interface IdempotencyOptions {
  /** Durable store of the records (written with `sync: true`). */
  db: GatewayDb;
}

/**
 * The idempotency plugin: Idempotent POSTs for the routes of the context that registers it
 * (those with `config.idempotent`), as described above. It owns its hooks: preHandler (replay
 * or claim the key, then bind the request's journal), onError (transient refusals), onSend (store
 * the final response) and onResponse (release the key).
 */
export const idempotency = fp<IdempotencyOptions>(
  async (app, { db }) => {
    const store = new IdempotencyStore(db);
    app.addHook('preHandler', store.preHandler);
    app.addHook('preHandler', store.bind);
    app.addHook('onError', store.onError);
    app.addHook('onSend', store.onSend);
    app.addHook('onResponse', store.onResponse);
  },
  { name: 'idempotency', fastify: '5.x' },
);

/**
 * The body as canonical JSON for the request's fingerprint. Route schemas admit only safe
 * integers, so a body canonicalJson refuses (a fraction, an unsafe integer) is the caller's
 * error: 400, never a 500.
 */
function canonicalBody(body: unknown): string {
  try {
    return canonicalJson(body ?? null);
  } catch {
    throw new HttpProblem(problem(400, 'INVALID_ARGUMENT', 'the body holds a number that is not a safe integer (amounts are decimal strings)'));
  }
}
