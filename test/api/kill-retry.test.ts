import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { committedEvents } from '../support/embedded-log';
import { TEST_LEDGER, registerAll, startTestGateway } from '../support/gateway';
import { SpawnedGateway as Gateway, launchGateway as launch } from '../support/spawned-gateway';

/**
 * Exactly once under SIGKILL (issue 8, finding 3; DESIGN.md "Consent, exactly-once,
 * visibility"). The built gateway (`node gateway/dist/server.js`, built by `npm test`) runs on
 * the embedded ledger (or, with COVENANT_TEST_LEDGER=fabric, as Org1's gateway on the running
 * network, where a killed gateway's transactions may still commit) while concurrent clients send transfers (each with its own Idempotency-Key
 * and its own amount) and escrow creates (with and without a client-chosen id). The gateway is
 * killed with SIGKILL at random moments (once each new process has answered a request, so every
 * cycle makes progress), KILLS times, and restarted over the same data dir; every request left unanswered is retried with the same key until it is answered. Then: no
 * transfer or escrow committed twice, every answered request's effect is on the ledger once, the
 * balances are exact, and every request (retried or not) answers its original result again.
 */
const KILLS = 20;

interface Operation {
  key: string;
  user: string;
  path: string;
  body: Record<string, unknown>;
  kind: 'transfer' | 'escrow';
  amount: bigint;
  from: string;
  to: string;
  attempts: number;
  answer?: { status: number; body: any };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Who pays whom. Embedded: three payers, two payees, six clients. Fabric: the spawned gateway
 * serves Org1's users only, and each client pays its own payee (no two concurrent transactions
 * write the same account, so the run measures crashes, not MVCC conflicts).
 */
const PLAN =
  TEST_LEDGER === 'fabric'
    ? { clients: [['alice', 'bob'], ['bank', 'carol']], payers: ['alice', 'bank'], payees: ['bob', 'carol'] }
    : { clients: Array.from({ length: 6 }, (_, c) => [['alice', 'bob', 'carol'][c % 3], '']), payers: ['alice', 'bob', 'carol'], payees: ['dave', 'bank'] };

describe(`gateway killed with SIGKILL while clients pay (${TEST_LEDGER} ledger)`, () => {
  test(`no double payment and original answers across ${KILLS} kills`, async () => {
    const MINT = 1_000_000_000n;
    // Fabric: fresh identities from the organisations' CAs (the harness), accounts and money set up
    // through the organisations' gateways, which then stop so the spawned one owns the data dir.
    const harness = TEST_LEDGER === 'fabric' ? await startTestGateway() : undefined;
    const dataDir = harness?.dataDir ?? (await mkdtemp(join(tmpdir(), 'covenant-kill-')));
    const id: Record<string, string> = {};
    if (harness) {
      Object.assign(id, await registerAll(harness, [...PLAN.payers, ...PLAN.payees]));
      for (const name of PLAN.payers) expect((await harness.as('bank').post(`/v1/accounts/${id[name]}/mint`, { amount: MINT.toString() })).status).toBe(200);
      await harness.stop();
    }
    let gw = await launch(dataDir);
    let up: Promise<Gateway> = Promise.resolve(gw);
    try {
      const credentials = join(dataDir, ...(harness ? ['fabric'] : []), 'dev-credentials.json');
      const users = JSON.parse(await readFile(credentials, 'utf8')).users as { name: string; apiKey: string }[];
      const apiKey = (name: string) => users.find((u) => u.name === name)!.apiKey;
      const call = async (url: string, user: string, method: string, path: string, body?: unknown, key?: string) => {
        const headers: Record<string, string> = { authorization: `Bearer ${apiKey(user)}` };
        if (body !== undefined) headers['content-type'] = 'application/json';
        if (key) headers['idempotency-key'] = key;
        const res = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(harness ? 90_000 : 15_000) });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
      };
      if (!harness) {
        for (const name of [...PLAN.payers, ...PLAN.payees]) id[name] = (await call(gw.url, name, 'POST', '/v1/accounts', {})).body.id;
        for (const name of PLAN.payers) expect((await call(gw.url, 'bank', 'POST', `/v1/accounts/${id[name]}/mint`, { amount: MINT.toString() })).status).toBe(200);
      }

      let stopping = false;
      let retries = 0;
      /** Answers since the last restart: the killer waits for one, so every cycle makes progress. */
      let answered = 0;
      let serial = 0;
      const operations: Operation[] = [];
      /** Sends until answered (any HTTP status below 500), following the gateway across restarts. */
      const run = async (op: Operation) => {
        for (;;) {
          const current = await up;
          op.attempts += 1;
          if (op.attempts > 1) retries += 1;
          try {
            const answer = await call(current.url, op.user, 'POST', op.path, op.body, op.key);
            if (answer.status < 500) {
              op.answer = answer;
              answered += 1;
              return;
            }
          } catch {
            // Connection refused or reset: the gateway died; wait for the next one.
          }
          await sleep(20);
        }
      };
      const client = async ([from, fixedTo]: string[]) => {
        while (!stopping) {
          const n = ++serial;
          const to = fixedTo || PLAN.payees[n % PLAN.payees.length];
          const amount = BigInt(1000 + n);
          const op: Operation =
            n % 3 === 0
              ? { key: `kr-${n}`, user: from, kind: 'escrow', amount, from, to, attempts: 0, path: '/v1/escrows', body: { ...(n % 2 === 0 ? { id: `kr-escrow-${dataDir.slice(-6)}-${n}` } : {}), amount: amount.toString(), recipients: [{ account: id[to], shareBps: 10000 }] } }
              : { key: `kr-${n}`, user: from, kind: 'transfer', amount, from, to, attempts: 0, path: '/v1/transfers', body: { to: id[to], amount: amount.toString() } };
          operations.push(op);
          await run(op);
        }
      };
      const clients = PLAN.clients.map(client);
      let kills = 0;
      const started = Date.now();
      while (kills < KILLS) {
        // Kill at a random moment once the new gateway has answered something, requests in flight.
        answered = 0;
        for (const until = Date.now() + 5_000; answered === 0 && Date.now() < until; ) await sleep(10);
        await sleep(Math.floor(Math.random() * 250));
        let restarted!: (g: Gateway) => void;
        up = new Promise((r) => (restarted = r));
        gw.child.kill('SIGKILL');
        await gw.exited;
        kills += 1;
        gw = await launch(dataDir);
        restarted(gw);
      }
      stopping = true;
      await Promise.all(clients);
      const elapsed = Date.now() - started;

      // Every request again, now that its answer is stored: the same status and body.
      let changed = 0;
      for (const op of operations) {
        const again = await call(gw.url, op.user, 'POST', op.path, op.body, op.key);
        if (again.status !== op.answer!.status || JSON.stringify(again.body) !== JSON.stringify(op.answer!.body)) changed += 1;
      }
      const balances: Record<string, { balance: string; held: string }> = {};
      for (const name of harness ? PLAN.payers : [...PLAN.payers, ...PLAN.payees]) balances[name] = (await call(gw.url, name, 'GET', '/v1/accounts/me')).body;
      gw.child.kill('SIGTERM');
      await gw.exited;
      if (harness) {
        // The payees belong to the other organisations: read them through their own gateways.
        const again = await startTestGateway(dataDir);
        try {
          for (const name of PLAN.payees) balances[name] = (await again.as(name).get('/v1/accounts/me')).body;
        } finally {
          await again.stop();
        }
      }

      // Embedded: every committed event, read from the ledger's store. Fabric: the balances below
      // are exact only if nothing committed twice (every amount is unique).
      const events = harness ? [] : await committedEvents(dataDir);
      const transferred = new Map<string, number>();
      const created = new Map<string, number>();
      for (const e of events) {
        if (e.name === 'Transferred') transferred.set(e.payload.amount, (transferred.get(e.payload.amount) ?? 0) + 1);
        if (e.name === 'EscrowCreated') created.set(e.payload.escrow.amount, (created.get(e.payload.escrow.amount) ?? 0) + 1);
      }
      const transfers = operations.filter((o) => o.kind === 'transfer');
      const escrows = operations.filter((o) => o.kind === 'escrow');
      const sum = (ops: Operation[]) => ops.reduce((s, o) => s + o.amount, 0n);
      const received = PLAN.payees.reduce((s, name) => s + BigInt(balances[name].balance), 0n);
      const excess = received - sum(transfers);
      const doublePayments = [...transferred.values(), ...created.values()].filter((n) => n > 1).length;
      const retried = operations.filter((o) => o.attempts > 1);
      process.stdout.write(
        `kill-retry: ${kills} kills in ${(elapsed / 1000).toFixed(1)} s, ${operations.length} requests (${transfers.length} transfers, ${escrows.length} escrow creates), ` +
          `${retries} retries of ${retried.length} requests, ${doublePayments} double payments (events), ${excess} minor units received beyond the answered transfers, ${changed} changed answers\n`,
      );

      expect(kills).toBeGreaterThanOrEqual(KILLS);
      expect(doublePayments).toBe(0);
      expect(excess).toBe(0n);
      expect(changed).toBe(0);
      expect(retried.length).toBeGreaterThan(0);
      for (const op of transfers) {
        expect({ key: op.key, status: op.answer!.status }).toEqual({ key: op.key, status: 201 });
        expect(op.answer!.body).toMatchObject({ from: id[op.from], to: id[op.to], amount: op.amount.toString() });
        if (!harness) expect(transferred.get(op.amount.toString())).toBe(1);
      }
      for (const op of escrows) {
        expect({ key: op.key, status: op.answer!.status, code: op.answer!.body.code }).toEqual({ key: op.key, status: 201, code: undefined });
        expect(op.answer!.body).toMatchObject({ amount: op.amount.toString(), status: 'PROPOSED', ...(op.body.id ? { id: op.body.id } : {}) });
        if (!harness) expect(created.get(op.amount.toString())).toBe(1);
      }
      // Exact balances: each payer's mint less what it sent and what it holds; each payee what it received.
      for (const name of PLAN.payers) {
        expect(BigInt(balances[name].held)).toBe(sum(escrows.filter((o) => o.from === name)));
        expect(BigInt(balances[name].balance)).toBe(MINT - sum(transfers.filter((o) => o.from === name)) - sum(escrows.filter((o) => o.from === name)));
      }
      for (const name of PLAN.payees) expect(BigInt(balances[name].balance)).toBe(sum(transfers.filter((o) => o.to === name)));
    } finally {
      if (gw.child.exitCode === null && gw.child.signalCode === null) {
        gw.child.kill('SIGKILL');
        await gw.exited;
      }
      if (harness) await harness.close();
      else await rm(dataDir, { recursive: true, force: true });
    }
  }, TEST_LEDGER === 'fabric' ? 420_000 : 150_000);
});
