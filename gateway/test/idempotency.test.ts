import Fastify from 'fastify';
import { MemoryLevel } from 'memory-level';
import { idempotency } from '../src/http/idempotency';
import type { LevelDb } from '@covenant/embedded-ledger';
import { HttpProblem, problem, sendProblem, toProblem } from '../src/http/problem';

/**
 * The idempotency hooks on their own, with a handler as slow as a real Fabric commit (about a
 * second there; 150 ms here) and a store whose reads take time, as on a busy disk.
 */
async function appWithSlowHandler() {
  const db = new MemoryLevel({ keyEncoding: 'utf8', valueEncoding: 'view' }) as unknown as LevelDb;
  const get = db.get.bind(db);
  (db as { get: unknown }).get = async (key: string) => {
    await new Promise((r) => setTimeout(r, 20));
    return get(key);
  };
  const app = Fastify();
  let submissions = 0;
  app.setErrorHandler((error, request, reply) => sendProblem(request, reply, toProblem(error)));
  app.addHook('onRequest', async (request) => {
    request.principal = { name: String(request.headers['x-user'] ?? 'alice'), mspId: 'Org1MSP', identity: {} as never };
  });
  await app.register(idempotency, { db });
  let busyOnce = false;
  app.post('/busy-then-ok', { config: { idempotent: true } }, async (_request, reply) => {
    submissions += 1;
    if (!busyOnce) {
      busyOnce = true;
      throw new HttpProblem(problem(409, 'FAILED_PRECONDITION', 'the other side is busy: retry'), true);
    }
    return reply.code(201).send({ submission: submissions });
  });
  app.post('/pay', { config: { idempotent: true } }, async (_request, reply) => {
    submissions += 1;
    const n = submissions;
    await new Promise((r) => setTimeout(r, 150));
    return reply.code(201).header('x-transaction-id', `tx-${n}`).send({ submission: n });
  });
  return { app, submissions: () => submissions };
}

describe('Idempotency-Key', () => {
  test('concurrent repeats submit once and all get the first response', async () => {
    const { app, submissions } = await appWithSlowHandler();
    const send = () => app.inject({ method: 'POST', url: '/pay', headers: { 'idempotency-key': 'k1' }, payload: { amount: '5' } });
    const responses = await Promise.all([send(), send(), send(), send()]);
    expect(submissions()).toBe(1);
    expect(responses.map((r) => r.statusCode)).toEqual([201, 201, 201, 201]);
    expect(new Set(responses.map((r) => r.body))).toEqual(new Set(['{"submission":1}']));
    expect(responses.filter((r) => r.headers['idempotent-replayed'] === 'true')).toHaveLength(3);
    expect(new Set(responses.map((r) => r.headers['x-transaction-id']))).toEqual(new Set(['tx-1']));
    await app.close();
  });

  test('a different body under the same key is refused, a different caller is not affected', async () => {
    const { app, submissions } = await appWithSlowHandler();
    await app.inject({ method: 'POST', url: '/pay', headers: { 'idempotency-key': 'k2' }, payload: { amount: '5' } });
    const reused = await app.inject({ method: 'POST', url: '/pay', headers: { 'idempotency-key': 'k2' }, payload: { amount: '6' } });
    expect(reused.statusCode).toBe(422);
    expect(reused.json().code).toBe('IDEMPOTENCY_KEY_REUSED');
    const other = await app.inject({ method: 'POST', url: '/pay', headers: { 'idempotency-key': 'k2', 'x-user': 'bob' }, payload: { amount: '6' } });
    expect(other.statusCode).toBe(201);
    expect(submissions()).toBe(2);
    await app.close();
  });

  test('a malformed key is refused before anything is submitted', async () => {
    const { app, submissions } = await appWithSlowHandler();
    const res = await app.inject({ method: 'POST', url: '/pay', headers: { 'idempotency-key': 'has space' }, payload: {} });
    expect(res.statusCode).toBe(400);
    expect(submissions()).toBe(0);
    await app.close();
  });

  test('a transient refusal ("busy: retry") is not replayed: the retry with the same key goes through', async () => {
    const { app, submissions } = await appWithSlowHandler();
    const send = () => app.inject({ method: 'POST', url: '/busy-then-ok', headers: { 'idempotency-key': 'k3' }, payload: {} });
    expect((await send()).statusCode).toBe(409);
    const retry = await send();
    expect(retry.statusCode).toBe(201);
    expect(retry.headers['idempotent-replayed']).toBeUndefined();
    expect((await send()).headers['idempotent-replayed']).toBe('true');
    expect(submissions()).toBe(2);
    await app.close();
  });
});
