import Fastify from 'fastify';
import { MemoryLevel } from 'memory-level';
import { idempotency } from '../src/http/idempotency';
import { ChaincodeClient } from '../src/ledger/chaincode';
import type { LevelDb } from '@covenant/embedded-ledger';
import { LedgerUnavailableError } from '../src/ledger/port';
import type { Ledger, PreparedTransaction, SigningIdentity, SubmitOptions, SubmitResult } from '../src/ledger/port';
import type { Principal } from '../src/identity/store';
import { sendProblem, toProblem } from '../src/http/problem';

/**
 * The per-request transaction journal, bound with AsyncLocalStorage: every submit made while an
 * idempotent request is handled, also from a service after timers and awaits, is recorded in
 * order, and a repeat after a 5xx resolves the Nth recorded transaction instead of submitting.
 */

/** A ledger that commits into a map; `failStatusOf` names functions whose commit status fails once after the commit. */
class MapLedger implements Ledger {
  readonly kind = 'embedded' as const;
  readonly committed = new Map<string, { fn: string; payload: Uint8Array; block: bigint }>();
  readonly failStatusOf = new Set<string>();
  /** When set, resolve cannot tell once (peers unreachable). */
  resolveUnavailable = false;
  private n = 0;
  async submit(_identity: SigningIdentity, fn: string, args: string[], options: SubmitOptions = {}): Promise<SubmitResult> {
    const txId = `tx-${++this.n}`;
    const payload = Buffer.from(JSON.stringify({ fn, args, txId }));
    await options.record?.({ txId, bytes: Buffer.from(`signed ${txId}`), result: payload });
    const block = BigInt(this.committed.size + 1);
    this.committed.set(txId, { fn, payload, block });
    if (this.failStatusOf.delete(fn)) throw new LedgerUnavailableError(`commit status of ${txId} timed out`, 'commit-status', 'DEADLINE_EXCEEDED', txId);
    return { txId, blockNumber: block, payload };
  }
  async resolve(_identity: SigningIdentity, recorded: PreparedTransaction): Promise<SubmitResult | undefined> {
    if (this.resolveUnavailable) {
      this.resolveUnavailable = false;
      throw new LedgerUnavailableError(`commit status of ${recorded.txId}: 14 UNAVAILABLE`, 'commit-status', 'UNAVAILABLE', recorded.txId);
    }
    const tx = this.committed.get(recorded.txId);
    return tx && { txId: recorded.txId, blockNumber: tx.block, payload: tx.payload };
  }
  async evaluate(): Promise<Uint8Array> {
    return new Uint8Array(0);
  }
  async *chaincodeEvents(): AsyncIterable<never> {}
  async ready(): Promise<void> {}
  async close(): Promise<void> {}
}

const alice = { name: 'alice', mspId: 'Org1MSP', identity: { name: 'alice' } } as unknown as Principal;

/** A service as the channel services are: awaits and timers between its submits. */
class TwoStepService {
  constructor(private readonly chaincode: ChaincodeClient) {}
  async run(): Promise<unknown[]> {
    await new Promise((r) => setTimeout(r, 5));
    const first = await this.chaincode.submit(alice, 'svc:first', []);
    await new Promise((r) => setImmediate(r));
    const second = await Promise.resolve().then(() => this.chaincode.submit(alice, 'svc:second', []));
    return [first, second];
  }
}

async function app() {
  const ledger = new MapLedger();
  const db = new MemoryLevel({ keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as LevelDb;
  const chaincode = new ChaincodeClient(ledger);
  const service = new TwoStepService(chaincode);
  const fastify = Fastify();
  fastify.setErrorHandler((error, request, reply) => sendProblem(request, reply, toProblem(error)));
  fastify.addHook('onRequest', async (request) => {
    request.principal = alice;
  });
  await fastify.register(idempotency, { db });
  fastify.post('/two-step', { config: { idempotent: true } }, async (_request, reply) => reply.code(201).send({ results: await service.run() }));
  const background: Promise<unknown>[] = [];
  const runs = { count: 0 };
  fastify.post('/with-background-work', { config: { idempotent: true } }, async (_request, reply) => {
    runs.count += 1;
    const result = await chaincode.submit(alice, 'svc:first', []);
    // Work started by the request that outlives it, still in its async context.
    background.push(new Promise((r) => setTimeout(r, 50)).then(() => chaincode.submit(alice, 'svc:later', [])));
    return reply.code(201).send({ result });
  });
  return { fastify, ledger, background, runs };
}

describe('transaction journal', () => {
  test('a repeat after a 5xx on the second of two service submits resolves both recorded transactions, submitting nothing new', async () => {
    const { fastify, ledger } = await app();
    ledger.failStatusOf.add('svc:second');
    const send = () => fastify.inject({ method: 'POST', url: '/two-step', headers: { 'idempotency-key': 'k' }, payload: { n: 1 } });
    const failed = await send();
    expect(failed.statusCode).toBe(503);
    expect(ledger.committed.size).toBe(2);

    const retried = await send();
    expect(retried.statusCode).toBe(201);
    expect(retried.headers['idempotent-replayed']).toBe('true');
    expect(retried.json().results.map((r: { fn: string; txId: string }) => [r.fn, r.txId])).toEqual([
      ['svc:first', 'tx-1'],
      ['svc:second', 'tx-2'],
    ]);
    expect(ledger.committed.size).toBe(2);

    const stored = await send();
    expect(stored.body).toBe(retried.body);
    expect(ledger.committed.size).toBe(2);
    await fastify.close();
  });

  test('when the recorded transaction cannot be resolved now, the repeat answers 503 and proposes nothing; a later repeat resolves it', async () => {
    const { fastify, ledger } = await app();
    ledger.failStatusOf.add('svc:first');
    const send = () => fastify.inject({ method: 'POST', url: '/two-step', headers: { 'idempotency-key': 'unknown' }, payload: {} });
    expect((await send()).statusCode).toBe(503);
    ledger.resolveUnavailable = true;
    const unknown = await send();
    expect(unknown.statusCode).toBe(503);
    expect(unknown.json().fabricStatus).toBe('UNAVAILABLE');
    expect(ledger.committed.size).toBe(1);
    const resolved = await send();
    expect(resolved.statusCode).toBe(201);
    expect(resolved.json().results.map((r: { txId: string }) => r.txId)).toEqual(['tx-1', 'tx-2']);
    expect(ledger.committed.size).toBe(2);
    await fastify.close();
  });

  test('a submit made after the response, by work the request started, is not journaled and keeps the stored answer', async () => {
    const { fastify, ledger, background, runs } = await app();
    const send = () => fastify.inject({ method: 'POST', url: '/with-background-work', headers: { 'idempotency-key': 'bg' }, payload: {} });
    const first = await send();
    expect(first.statusCode).toBe(201);
    await Promise.all(background);
    expect(ledger.committed.size).toBe(2);
    const again = await send();
    expect(again.headers['idempotent-replayed']).toBe('true');
    expect(again.body).toBe(first.body);
    expect(runs.count).toBe(1);
    expect(ledger.committed.size).toBe(2);
    await fastify.close();
  });

  test('requests without a key, and other keys, are not journaled into each other', async () => {
    const { fastify, ledger } = await app();
    const [a, b, plain] = await Promise.all([
      fastify.inject({ method: 'POST', url: '/two-step', headers: { 'idempotency-key': 'a' }, payload: {} }),
      fastify.inject({ method: 'POST', url: '/two-step', headers: { 'idempotency-key': 'b' }, payload: {} }),
      fastify.inject({ method: 'POST', url: '/two-step', payload: {} }),
    ]);
    expect([a.statusCode, b.statusCode, plain.statusCode]).toEqual([201, 201, 201]);
    const txIds = [a, b, plain].flatMap((r) => r.json().results.map((x: { txId: string }) => x.txId));
    expect(new Set(txIds).size).toBe(6);
    expect(ledger.committed.size).toBe(6);
    // Each keyed repeat answers its own transactions.
    const again = await fastify.inject({ method: 'POST', url: '/two-step', headers: { 'idempotency-key': 'b' }, payload: {} });
    expect(again.body).toBe(b.body);
    expect(ledger.committed.size).toBe(6);
    await fastify.close();
  });
});
