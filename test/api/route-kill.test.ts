import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { TEST_LEDGER, registerAll, startTestGateway } from '../support/gateway';
import { SpawnedGateway, launchGateway } from '../support/spawned-gateway';
import { startSwitchProxy } from '../support/switch-proxy';

/**
 * Killing the payer's gateway mid-route loses nothing (issue 14), for both settlements of a
 * routed payment (HTLCs hop by hop, and one multiparty channel over the route). Org1's gateway runs as its own
 * process (`node gateway/dist/server.js`) on the running network; Org2's and Org3's gateways run in
 * the test and reach it through a proxy that follows it across restarts. alice (Org1) pays dave
 * (Org2) along routes through bob (Org2) and carol (Org3) while the gateway is killed with SIGKILL
 * at random moments and started again over the same data dir; every request left unanswered is
 * sent again with its Idempotency-Key until it is answered. Then: exactly the amounts answered 201
 * moved (alice's side of her channels down by their sum, dave's sides up by it), every route's
 * channels are released, and every request answers the same again.
 *
 * Fabric only: the spawned gateway and the others must share one ledger, which the embedded
 * ledger (one process's store) cannot give; the crash points of route-payments.test.ts cover the
 * embedded ledger.
 *
 *   alice ──60── bob ──60── dave
 *     └────60── carol ──60──┘
 */
const KILLS = 8;
const PAYMENTS = 24;
const run = Date.now().toString(36);
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

(TEST_LEDGER === 'fabric' ? describe.each(['htlc', 'multiparty'] as const) : describe.skip.each(['htlc', 'multiparty'] as const))('payer gateway killed with SIGKILL mid-route, settlement %s (fabric)', (settlement) => {
  test(`nothing lost or paid twice across ${KILLS} kills`, async () => {
    // What a party holds in a channel: on the ledger once a multiparty route closed; in the
    // state both signed off-chain for HTLCs (nothing of theirs goes on the ledger).
    const view = (channel: string) => (settlement === 'htlc' ? `/v1/channels/${channel}/state` : `/v1/channels/${channel}`);
    const proxy = await startSwitchProxy();
    const harness = await startTestGateway(undefined, {
      peerUrl: async (org, url) => {
        if (org !== 'Org1MSP') return url;
        proxy.target = url;
        return proxy.url;
      },
    });
    let gw: SpawnedGateway | undefined;
    try {
      const id = await registerAll(harness, ['alice', 'bob', 'carol', 'dave']);
      expect((await harness.as('bank').post(`/v1/accounts/${id.alice}/mint`, { amount: '1000' })).status).toBe(200);
      for (const who of ['bob', 'carol']) expect((await harness.as('bank').post(`/v1/accounts/${id[who]}/mint`, { amount: '1000' })).status).toBe(200);
      // Each settlement's run opens its own channels (both runs share `run`).
      const ch = { ab: `kab-${settlement}-${run}`, bd: `kbd-${settlement}-${run}`, ac: `kac-${settlement}-${run}`, cd: `kcd-${settlement}-${run}` };
      for (const [who, channel, counterparty] of [['alice', ch.ab, 'bob'], ['bob', ch.bd, 'dave'], ['alice', ch.ac, 'carol'], ['carol', ch.cd, 'dave']]) {
        expect((await harness.as(who).post('/v1/channels', { id: channel, counterparty: id[counterparty], deposit: '60', counterpartyDeposit: '0' })).status).toBe(201);
      }
      for (const [who, channels] of [['bob', [ch.ab, ch.bd]], ['carol', [ch.ac, ch.cd]], ['dave', [ch.bd, ch.cd]]] as const) {
        for (const channel of channels) expect((await harness.as(who).post(`/v1/channels/${channel}/forwarding`, { allow: true })).status).toBe(200);
      }
      const received = async () => BigInt((await harness.as('bob').get(view(ch.bd))).body.balances[1]) + BigInt((await harness.as('carol').get(view(ch.cd))).body.balances[1]);
      const before = await received();

      // Org1's gateway becomes a process over the same data dir.
      await harness.gateways[0].close();
      proxy.target = undefined;
      const peers = ['--peers', `Org2MSP=${harness.gateways[1].url},Org3MSP=${harness.gateways[2].url}`];
      gw = await launchGateway(harness.dataDir, peers);
      proxy.target = gw.url;
      let up: Promise<SpawnedGateway> = Promise.resolve(gw);
      const users = JSON.parse(await readFile(join(harness.dataDir, 'fabric', 'dev-credentials.json'), 'utf8')).users as { name: string; apiKey: string }[];
      const aliceKey = users.find((u) => u.name === 'alice')!.apiKey;
      const call = async (url: string, method: string, path: string, body?: unknown, key?: string) => {
        const headers: Record<string, string> = { authorization: `Bearer ${aliceKey}` };
        if (body !== undefined) headers['content-type'] = 'application/json';
        if (key) headers['idempotency-key'] = key;
        const res = await fetch(url + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body), signal: AbortSignal.timeout(90_000) });
        const text = await res.text();
        return { status: res.status, body: text ? JSON.parse(text) : undefined };
      };

      const operations: { key: string; amount: bigint; answer?: { status: number; body: any }; attempts: number }[] = [];
      let answered = 0;
      let done = false;
      const payer = (async () => {
        for (let n = 1; n <= PAYMENTS; n++) {
          const op = { key: `rk-${settlement}-${run}-${n}`, amount: BigInt((n % 3) + 1), attempts: 0 } as (typeof operations)[number];
          operations.push(op);
          for (;;) {
            const current = await up;
            op.attempts += 1;
            try {
              const answer = await call(current.url, 'POST', '/v1/payments', { to: id.dave, amount: op.amount.toString(), settlement }, op.key);
              if (answer.status < 500) {
                op.answer = answer;
                answered += 1;
                break;
              }
            } catch {
              // The gateway died mid-request: send again once it is back.
            }
            await sleep(100);
          }
        }
        done = true;
      })();
      for (let kills = 0; kills < KILLS && !done; kills++) {
        // Kill at a random moment of a route, once the new process has answered something.
        answered = 0;
        for (const until = Date.now() + 20_000; answered === 0 && !done && Date.now() < until; ) await sleep(20);
        await sleep(Math.floor(Math.random() * 1500));
        let restarted!: (g: SpawnedGateway) => void;
        up = new Promise((r) => (restarted = r));
        proxy.target = undefined;
        gw.child.kill('SIGKILL');
        await gw.exited;
        gw = await launchGateway(harness.dataDir, peers);
        proxy.target = gw.url;
        restarted(gw);
      }
      await payer;

      const statuses = operations.map((o) => o.answer!.status);
      // Every answer is a payment made (201) or a refusal that moved nothing (409 stopped before
      // paying; 422 no idle route while an earlier route was still being closed).
      expect(statuses.filter((s) => ![201, 409, 422].includes(s))).toEqual([]);
      expect(statuses.filter((s) => s === 201).length).toBeGreaterThan(PAYMENTS / 3);
      // Every route's channels are released: no multiparty binding, no HTLC in flight.
      const bound = async () =>
        (await Promise.all([ch.ab, ch.ac].map(async (c) => (await call(gw!.url, 'GET', view(c))).body))).filter((b) => (settlement === 'htlc' ? (b.htlcs?.length ?? 0) > 0 : b.busy !== null));
      for (let i = 0; i < 150 && (await bound()).length > 0; i++) await sleep(200);
      expect(await bound()).toEqual([]);
      // Exactly the amounts answered 201 moved.
      const paid = operations.filter((o) => o.answer!.status === 201).reduce((s, o) => s + o.amount, 0n);
      const aliceSide = async () => BigInt((await call(gw!.url, 'GET', view(ch.ab))).body.balances[0]) + BigInt((await call(gw!.url, 'GET', view(ch.ac))).body.balances[0]);
      expect(await aliceSide()).toBe(120n - paid);
      expect(await received()).toBe(before + paid);
      // Every request answers the same again.
      for (const op of operations) {
        const again = await call(gw.url, 'POST', '/v1/payments', { to: id.dave, amount: op.amount.toString(), settlement }, op.key);
        expect({ key: op.key, status: again.status }).toEqual({ key: op.key, status: op.answer!.status });
      }
    } finally {
      if (gw) {
        gw.child.kill('SIGTERM');
        await gw.exited;
      }
      await harness.stop();
      await proxy.close();
    }
  }, 900_000);
});
