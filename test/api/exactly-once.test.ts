import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openLedger, startGateway, RunningGateway, GatewayExtras } from '../../gateway/src/start';
import type { GatewayConfig } from '../../gateway/src/config';
import { LedgerConflictError, LedgerUnavailableError } from '../../gateway/src/ledger/port';
import type { EventCheckpoint, Ledger, LedgerEvent, PreparedTransaction, SigningIdentity, SubmitOptions, SubmitResult } from '../../gateway/src/ledger/port';
import { LoggedEvent, committedEvents } from '../support/embedded-log';

/**
 * Exactly once across crashes and 5xx (issue 8, finding 3; DESIGN.md "Consent, exactly-once,
 * visibility"): a repeat with the same Idempotency-Key after a crash between commit and response,
 * or after a 5xx answered once the transaction had committed, resolves the recorded transaction
 * and answers the original result; it never commits a second time.
 */

const config = (dataDir: string): GatewayConfig => ({ ledger: 'embedded', dataDir, host: '127.0.0.1', port: 0, org: 'Org1MSP', logLevel: 'silent' });

interface Harness {
  gw: RunningGateway;
  post(user: string, path: string, body: unknown, key?: string): Promise<{ status: number; body: any; headers: Headers }>;
  get(user: string, path: string): Promise<{ status: number; body: any }>;
}

async function start(dataDir: string, extras: GatewayExtras = {}): Promise<Harness> {
  const gw = await startGateway(config(dataDir), false, extras);
  const users = JSON.parse(await readFile(join(gw.identitiesDir, 'dev-credentials.json'), 'utf8')).users as { name: string; apiKey: string }[];
  const key = (user: string) => users.find((u) => u.name === user)!.apiKey;
  const call = async (method: string, user: string, path: string, body?: unknown, idem?: string) => {
    const headers: Record<string, string> = { authorization: `Bearer ${key(user)}` };
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (idem) headers['idempotency-key'] = idem;
    const res = await fetch(gw.url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const text = await res.text();
    return { status: res.status, body: text ? JSON.parse(text) : undefined, headers: res.headers };
  };
  return { gw, post: (user, path, body, idem) => call('POST', user, path, body, idem), get: (user, path) => call('GET', user, path) };
}

/**
 * The embedded ledger with a commit status that fails once after the commit: what a Fabric
 * gateway sees when the commit status call times out although the transaction committed.
 */
class CommitStatusFailsOnce implements Ledger {
  readonly kind = 'embedded' as const;
  failNext = false;
  constructor(private readonly inner: Ledger) {}
  async submit(identity: SigningIdentity, fn: string, args: string[], options?: SubmitOptions): Promise<SubmitResult> {
    const result = await this.inner.submit(identity, fn, args, options);
    if (this.failNext) {
      this.failNext = false;
      throw new LedgerUnavailableError(`commit status of ${result.txId}: 4 DEADLINE_EXCEEDED`, 'commit-status', 'DEADLINE_EXCEEDED', result.txId);
    }
    return result;
  }
  resolve(identity: SigningIdentity, recorded: PreparedTransaction): Promise<SubmitResult | undefined> {
    return this.inner.resolve(identity, recorded);
  }
  evaluate(identity: SigningIdentity, fn: string, args: string[]): Promise<Uint8Array> {
    return this.inner.evaluate(identity, fn, args);
  }
  chaincodeEvents(identity: SigningIdentity, options: { after?: EventCheckpoint; from: 'start' | 'now'; signal: AbortSignal }): AsyncIterable<LedgerEvent> {
    return this.inner.chaincodeEvents(identity, options);
  }
  ready(): Promise<void> {
    return this.inner.ready();
  }
  close(): Promise<void> {
    return this.inner.close();
  }
}

/**
 * The embedded ledger crashing after the journal write, before the commit; or, with
 * `conflictNext`, failing there as a Fabric transaction does whose every proposal conflicted
 * until the deadline (nothing committed).
 */
class CrashAfterRecordOnce extends CommitStatusFailsOnce {
  crashNext = false;
  conflictNext = false;
  override async submit(identity: SigningIdentity, fn: string, args: string[], options: SubmitOptions = {}): Promise<SubmitResult> {
    if (!this.crashNext && !this.conflictNext) return super.submit(identity, fn, args, options);
    const failure = this.crashNext ? new Error('crash after the record, before the commit') : new LedgerConflictError('transaction conflicted 9 times', 'MVCC_READ_CONFLICT', 9);
    this.crashNext = this.conflictNext = false;
    return super.submit(identity, fn, args, {
      ...options,
      record: async (prepared) => {
        await options.record?.(prepared);
        throw failure;
      },
    });
  }
}

const transfers = (events: LoggedEvent[], amount: string) => events.filter((e) => e.name === 'Transferred' && e.payload.amount === amount);

/** These run the embedded ledger whatever COVENANT_TEST_LEDGER says: skipped in the Fabric run. */
const embeddedOnly = process.env.COVENANT_TEST_LEDGER === 'fabric' ? describe.skip : describe;

embeddedOnly('exactly once across a crash between commit and response', () => {
  let dataDir: string;
  beforeEach(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'covenant-once-'));
  });
  afterEach(() => rm(dataDir, { recursive: true, force: true }));

  test('a transfer and an escrow create retried after the crash answer their original result and commit once', async () => {
    let armed = false;
    const afterCommitBeforeResponse = () => {
      if (armed) {
        armed = false;
        throw new Error('simulated crash after the commit');
      }
    };
    let h = await start(dataDir, { faults: { afterCommitBeforeResponse } });
    const alice = (await h.post('alice', '/v1/accounts', {})).body.id as string;
    const bob = (await h.post('bob', '/v1/accounts', {})).body.id as string;
    await h.post('bank', `/v1/accounts/${alice}/mint`, { amount: '1000' });

    armed = true;
    const lost = await h.post('alice', '/v1/transfers', { to: bob, amount: '251' }, 'pay-251');
    expect(lost.status).toBe(500);
    armed = true;
    const escrowBody = { id: 'escrow-crash', amount: '300', recipients: [{ account: bob, shareBps: 10000 }] };
    expect((await h.post('alice', '/v1/escrows', escrowBody, 'escrow-crash')).status).toBe(500);
    await h.gw.close();

    h = await start(dataDir);
    const retried = await h.post('alice', '/v1/transfers', { to: bob, amount: '251' }, 'pay-251');
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ from: alice, to: bob, amount: '251' });
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    const escrow = await h.post('alice', '/v1/escrows', escrowBody, 'escrow-crash');
    expect(escrow.status).toBe(201);
    expect(escrow.body).toMatchObject({ id: 'escrow-crash', amount: '300', status: 'PROPOSED' });
    expect(escrow.headers.get('location')).toBe('/v1/escrows/escrow-crash');
    // Once answered, the answer is stored: the same again, byte for byte.
    const again = await h.post('alice', '/v1/escrows', escrowBody, 'escrow-crash');
    expect(again.status).toBe(201);
    expect(again.body).toEqual(escrow.body);
    expect((await h.get('alice', '/v1/accounts/me')).body).toMatchObject({ balance: '449', held: '300' });
    expect((await h.get('bob', '/v1/accounts/me')).body.balance).toBe('251');
    await h.gw.close();

    const events = await committedEvents(dataDir);
    const paid = transfers(events, '251');
    expect(paid).toHaveLength(1);
    expect(retried.body.txId).toBe(paid[0].txId);
    expect(retried.headers.get('x-transaction-id')).toBe(paid[0].txId);
    expect(events.filter((e) => e.name === 'EscrowCreated' && e.payload.escrow.id === 'escrow-crash')).toHaveLength(1);
  });
});

embeddedOnly('exactly once across a 5xx after submit', () => {
  let dataDir: string;
  let ledger: CrashAfterRecordOnce;
  let h: Harness;
  let alice: string;
  let bank: string;

  beforeAll(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'covenant-once-'));
    const opened = await openLedger(config(dataDir));
    ledger = new CrashAfterRecordOnce(opened.ledger);
    // A gateway over a caller-opened ledger serves its organisation's members: bank and alice.
    h = await start(dataDir, { shared: { ledger, identitiesDir: opened.identitiesDir } });
    alice = (await h.post('alice', '/v1/accounts', {})).body.id;
    bank = (await h.post('bank', '/v1/accounts', {})).body.id;
    await h.post('bank', `/v1/accounts/${alice}/mint`, { amount: '5000' });
  });
  afterAll(async () => {
    await h.gw.close();
    await ledger.close();
    await rm(dataDir, { recursive: true, force: true });
  });

  test('a transfer whose commit status failed (503) is resolved by the same-key retry, not paid again', async () => {
    ledger.failNext = true;
    const failed = await h.post('alice', '/v1/transfers', { to: bank, amount: '17' }, 'after-503');
    expect(failed.status).toBe(503);
    expect(failed.body).toMatchObject({ code: 'LEDGER_UNAVAILABLE', fabricStatus: 'DEADLINE_EXCEEDED' });
    const retried = await h.post('alice', '/v1/transfers', { to: bank, amount: '17' }, 'after-503');
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ from: alice, to: bank, amount: '17', txId: failed.body.txId });
    expect(retried.headers.get('idempotent-replayed')).toBe('true');
    expect((await h.get('alice', '/v1/accounts/me')).body.balance).toBe('4983');
    const events: LedgerEvent[] = [];
    const abort = new AbortController();
    for await (const e of ledger.chaincodeEvents({} as SigningIdentity, { from: 'start', signal: abort.signal })) {
      events.push(e);
      if (e.txId === retried.body.txId) break;
    }
    abort.abort();
    expect(events.filter((e) => e.name === 'Transferred' && JSON.parse(Buffer.from(e.payload).toString()).amount === '17')).toHaveLength(1);
  });

  test('an escrow create that answered 503 after committing gets its 201 on retry, not 409 ALREADY_EXISTS', async () => {
    const body = { id: 'escrow-503', amount: '40', recipients: [{ account: bank, shareBps: 10000 }] };
    ledger.failNext = true;
    expect((await h.post('alice', '/v1/escrows', body, 'escrow-503')).status).toBe(503);
    const retried = await h.post('alice', '/v1/escrows', body, 'escrow-503');
    expect(retried.status).toBe(201);
    expect(retried.body).toMatchObject({ id: 'escrow-503', amount: '40', status: 'PROPOSED' });
    expect((await h.get('alice', '/v1/accounts/me')).body.held).toBe('40');
  });

  test('after a 5xx the same key with a different body is still refused, and nothing is submitted', async () => {
    ledger.failNext = true;
    expect((await h.post('alice', '/v1/transfers', { to: bank, amount: '3' }, 'reuse-after-503')).status).toBe(503);
    const before = (await h.get('alice', '/v1/accounts/me')).body.balance;
    const reused = await h.post('alice', '/v1/transfers', { to: bank, amount: '4' }, 'reuse-after-503');
    expect(reused.status).toBe(422);
    expect(reused.body.code).toBe('IDEMPOTENCY_KEY_REUSED');
    expect((await h.get('alice', '/v1/accounts/me')).body.balance).toBe(before);
  });

  test('a transaction recorded but never committed (crash before the commit) is proposed afresh, once', async () => {
    const before = BigInt((await h.get('alice', '/v1/accounts/me')).body.balance);
    ledger.crashNext = true;
    expect((await h.post('alice', '/v1/transfers', { to: bank, amount: '29' }, 'crash-before-commit')).status).toBe(500);
    expect(BigInt((await h.get('alice', '/v1/accounts/me')).body.balance)).toBe(before);
    const retried = await h.post('alice', '/v1/transfers', { to: bank, amount: '29' }, 'crash-before-commit');
    expect(retried.status).toBe(201);
    expect(retried.headers.get('idempotent-replayed')).toBeNull();
    expect(BigInt((await h.get('alice', '/v1/accounts/me')).body.balance)).toBe(before - 29n);
    const replay = await h.post('alice', '/v1/transfers', { to: bank, amount: '29' }, 'crash-before-commit');
    expect(replay.body).toEqual(retried.body);
    expect(BigInt((await h.get('alice', '/v1/accounts/me')).body.balance)).toBe(before - 29n);
  });

  test('conflicts that outlast the deadline answer 409 LEDGER_CONFLICT with Retry-After; the same key later applies once', async () => {
    const before = BigInt((await h.get('alice', '/v1/accounts/me')).body.balance);
    ledger.conflictNext = true;
    const conflicted = await h.post('alice', '/v1/transfers', { to: bank, amount: '31' }, 'after-conflict');
    expect(conflicted.status).toBe(409);
    expect(conflicted.body).toMatchObject({ code: 'LEDGER_CONFLICT', fabricStatus: 'MVCC_READ_CONFLICT' });
    expect(conflicted.headers.get('retry-after')).toBe('1');
    expect(BigInt((await h.get('alice', '/v1/accounts/me')).body.balance)).toBe(before);
    // Not kept as the key's final answer: the retry is applied, once.
    const retried = await h.post('alice', '/v1/transfers', { to: bank, amount: '31' }, 'after-conflict');
    expect(retried.status).toBe(201);
    expect(BigInt((await h.get('alice', '/v1/accounts/me')).body.balance)).toBe(before - 31n);
    expect((await h.post('alice', '/v1/transfers', { to: bank, amount: '31' }, 'after-conflict')).body).toEqual(retried.body);
    expect(BigInt((await h.get('alice', '/v1/accounts/me')).body.balance)).toBe(before - 31n);
  });
});
