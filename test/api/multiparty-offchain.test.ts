import { sign } from 'node:crypto';
import { mpcStateBytes } from '@covenant/chaincode';
import { IdentityStore } from '../../gateway/src/identity/store';
import { TransactionJournal, journalContext } from '../../gateway/src/ledger/journal';
import { TestGateway, registerAll, startTestGateway } from '../support/gateway';

/**
 * Off-chain multiparty states and the unilateral close of a multiparty channel (issue 14), over
 * HTTP with one gateway per organisation: alice (Org1), bob (Org2) and carol (Org3), each with a
 * channel with carol bound into one multiparty channel. A multiparty payment is a state every
 * party signs and every party's gateway stores; the ledger sees the opening and the close, or a
 * dispute (register, challenge, settle).
 */
const run = Date.now().toString(36);
type Name = 'alice' | 'bob' | 'carol';
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('off-chain multiparty states between three organisations', () => {
  let gw: TestGateway;
  let id: Record<string, string>;
  let identities: IdentityStore;
  /** `${mpc}!${account}`: the next mpc-commit of that state to bob's gateway (Org2) fails as a crash before storing it would. */
  const missCommit = new Set<string>();

  beforeAll(async () => {
    const beforeMpcCommitStore = (mpc: string, account: string) => {
      if (missCommit.delete(`${mpc}!${account}`)) throw new Error('crashed before storing the mpc-commit');
    };
    gw = await startTestGateway(undefined, { perOrg: true, faults: { Org2MSP: { beforeMpcCommitStore } } });
    id = await registerAll(gw, ['bank', 'alice', 'bob', 'carol']);
    for (const p of ['alice', 'bob', 'carol']) await gw.as('bank').post(`/v1/accounts/${id[p]}/mint`, { amount: '100000' });
    identities = await IdentityStore.load(gw.identitiesDir);
  }, 120_000);
  afterAll(() => gw.close());

  const height = () => (gw.gateways[0].app.ledger as unknown as { blockHeight?: bigint }).blockHeight;
  const ledgerChannel = async (as: Name, channel: string) => (await gw.as(as).get(`/v1/channels/${channel}`)).body;
  const view = async (as: Name, mpc: string) => (await gw.as(as).get(`/v1/multiparty/${mpc}`)).body;

  /** Opens ac = alice–carol and bc = bob–carol (parties in that order, each side depositing 1000) and binds them into multiparty channel `mpc`, opened by carol. */
  async function setUp(tag: string): Promise<{ mpc: string; ac: string; bc: string }> {
    const ac = `ac-${tag}-${run}`;
    const bc = `bc-${tag}-${run}`;
    const mpc = `mpc-${tag}-${run}`;
    for (const [opener, channel] of [['alice', ac], ['bob', bc]] as const) {
      expect((await gw.as(opener).post('/v1/channels', { id: channel, counterparty: id.carol, deposit: '1000', counterpartyDeposit: '1000' })).status).toBe(202);
      expect((await gw.as('carol').post(`/v1/channels/${channel}/accept`)).status).toBe(201);
    }
    const parties = [id.alice, id.bob, id.carol];
    for (const p of ['alice', 'bob'] as const) expect((await gw.as(p).post(`/v1/multiparty/${mpc}/consent`, { parties, channels: [ac, bc] })).status).toBe(201);
    expect((await gw.as('carol').post('/v1/multiparty', { id: mpc, parties, channels: [ac, bc] })).status).toBe(201);
    return { mpc, ac, bc };
  }

  /** A multiparty payment coordinated by `as` (who pays, or is paid: its request is its consent). */
  const pay = (as: Name, mpc: string, payments: { from: Name; to: Name; amount: bigint }[]) =>
    gw.as(as).post(`/v1/multiparty/${mpc}/payments`, { payments: payments.map((p) => ({ from: id[p.from], to: id[p.to], amount: p.amount.toString() })) });

  test('100 multiparty payments leave the ledger height unchanged; the cooperative close puts the exact balances on the ledger', async () => {
    const { mpc, ac, bc } = await setUp('hundred');
    const before = height();
    const b = { ac: [1000n, 1000n], bc: [1000n, 1000n] };
    for (let i = 0; i < 100; i++) {
      // carol pays both; alice or bob pays carol, coordinating its own payment (its request is its consent)
      const res =
        i % 3 === 0
          ? await pay('alice', mpc, [{ from: 'alice', to: 'carol', amount: 3n }])
          : i % 3 === 1
            ? await pay('bob', mpc, [{ from: 'bob', to: 'carol', amount: 2n }])
            : await pay('carol', mpc, [{ from: 'carol', to: 'alice', amount: 5n }, { from: 'carol', to: 'bob', amount: 1n }]);
      expect(res.status).toBe(200);
      if (i % 3 === 0) (b.ac[0] -= 3n), (b.ac[1] += 3n);
      else if (i % 3 === 1) (b.bc[0] -= 2n), (b.bc[1] += 2n);
      else (b.ac[0] += 5n), (b.ac[1] -= 5n), (b.bc[0] += 1n), (b.bc[1] -= 1n);
      expect(res.body).toMatchObject({ version: i + 1, ledgerVersion: 0 });
    }
    // Off-chain: the ledger did not move.
    if (before !== undefined) expect(height()).toBe(before);
    const states = [
      { channel: ac, version: 100, balances: b.ac.map(String) },
      { channel: bc, version: 100, balances: b.bc.map(String) },
    ];
    for (const p of ['alice', 'bob', 'carol'] as const) expect(await view(p, mpc)).toMatchObject({ status: 'OPEN', version: 100, ledgerVersion: 0, states });
    expect(await ledgerChannel('alice', ac)).toMatchObject({ version: 0, balances: ['1000', '1000'] });

    const closed = await gw.as('bob').post(`/v1/multiparty/${mpc}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'CLOSED', version: 100, states });
    expect(await ledgerChannel('alice', ac)).toMatchObject({ version: 100, balances: b.ac.map(String), busy: null });
    expect(await ledgerChannel('bob', bc)).toMatchObject({ version: 100, balances: b.bc.map(String), busy: null });
    // The released channel pays out exactly: alice closes hers cooperatively.
    const aliceBefore = BigInt((await gw.as('alice').get('/v1/accounts/me')).body.balance);
    const ended = await gw.as('alice').post(`/v1/channels/${ac}/close`);
    expect(ended.status).toBe(200);
    expect(ended.body).toMatchObject({ status: 'CLOSED', balances: b.ac.map(String) });
    expect(BigInt((await gw.as('alice').get('/v1/accounts/me')).body.balance)).toBe(aliceBefore + b.ac[0]);
  }, 600_000);

  test('a gateway signs at most one state per version: a conflicting state for a version it signed is refused', async () => {
    const { mpc, ac, bc } = await setUp('conflict');
    expect((await pay('carol', mpc, [{ from: 'carol', to: 'alice', amount: 10n }])).status).toBe(200);
    const carol = identities.principals.find((p) => p.name === 'carol')!.identity;
    /** An mpc-sign of version 2 from carol (signed with her key), carol paying alice `amount` over version 1, straight to alice's gateway. */
    const propose = (amount: bigint) => {
      const channels = [
        { channel: ac, version: 2, balances: [1010n + amount, 990n - amount] as [bigint, bigint] },
        { channel: bc, version: 2, balances: [1000n, 1000n] as [bigint, bigint] },
      ].sort((x, y) => (x.channel < y.channel ? -1 : 1));
      const signature = sign('sha256', mpcStateBytes({ mpc, version: 2, channels, final: false }), { key: carol.privateKey, dsaEncoding: 'der' }).toString('base64');
      const message = {
        type: 'mpc-sign',
        channel: mpc,
        from: id.carol,
        to: id.alice,
        members: { parties: [id.alice, id.bob, id.carol], channels: [ac, bc] },
        mpcState: { version: 2, final: false, channels: channels.map((c) => ({ ...c, balances: c.balances.map(String) })) },
        signature,
      };
      return fetch(`${gw.gateways[0].url}/v1/offchain`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(message) });
    };
    expect((await propose(1n)).status).toBe(200);
    // the same state again (a retry) is signed again; another one of the same version is refused
    expect((await propose(1n)).status).toBe(200);
    const conflicting = await propose(2n);
    expect(conflicting.status).toBe(409);
    expect(((await conflicting.json()) as { detail: string }).detail).toContain('at most one state per version');
    // alice's gateway still holds version 1; the next payment is proposed above the version alice signed
    expect(await view('alice', mpc)).toMatchObject({ version: 1 });
    const next = await pay('carol', mpc, [{ from: 'carol', to: 'alice', amount: 2n }]);
    expect(next.status).toBe(200);
    expect(next.body.version).toBe(3);
    expect((await view('alice', mpc)).states.find((s: any) => s.channel === ac)).toEqual({ channel: ac, version: 2, balances: ['1012', '988'] });
  }, 120_000);

  test('a repeat of an idempotent payment request whose answer was lost answers the state it paid and pays nothing again', async () => {
    const { mpc, ac } = await setUp('repeat');
    // carol's gateway, called as the HTTP layer calls it for a request with an Idempotency-Key
    const app = gw.gateways[2].app;
    const carol = app.identities.principals.find((p) => p.name === 'carol')!;
    const request = (key: string) =>
      journalContext.run(new TransactionJournal([], async () => undefined, `${key}-${run}`), () => app.multiparty.pay(carol, mpc, [{ from: id.carol, to: id.alice, amount: '5' }]));
    const first = await request('lost');
    expect(first).toMatchObject({ version: 1, ledgerVersion: 0 });
    // the answer was lost (a crash before the idempotency record kept it): the repeat runs the request again
    const repeat = await request('lost');
    expect(repeat).toMatchObject({ version: 1, states: first.states });
    expect((await view('alice', mpc)).states.find((s: any) => s.channel === ac)).toEqual({ channel: ac, version: 1, balances: ['1005', '995'] });
    expect((await request('another')).version).toBe(2);
  }, 120_000);

  test('a gateway restarted after a payment still holds the latest state and registers it in a unilateral close', async () => {
    const { mpc, ac, bc } = await setUp('restart');
    for (let i = 0; i < 3; i++) expect((await pay('carol', mpc, [{ from: 'carol', to: 'alice', amount: 7n }])).status).toBe(200);
    await gw.restart('Org1MSP');
    expect(await view('alice', mpc)).toMatchObject({ version: 3, ledgerVersion: 0 });
    // 3 s: the early settle below must fall inside the challenge period, even on a loaded machine.
    await gw.as('admin1').patch('/v1/channels/settings', { challengePeriodSeconds: 3 });
    try {
      const started = await gw.as('alice').post(`/v1/multiparty/${mpc}/unilateral-close`);
      expect(started.status).toBe(200);
      expect(started.body).toMatchObject({ status: 'CLOSING', closing: { version: 3, registeredBy: id.alice } });
      expect((await gw.as('alice').post(`/v1/multiparty/${mpc}/settle`)).status).toBe(409);
      await sleep(Math.max(0, Date.parse(started.body.closing.deadline) - Date.now()) + 200);
      const settled = await gw.as('bob').post(`/v1/multiparty/${mpc}/settle`);
      expect(settled.status).toBe(200);
      expect(settled.body).toMatchObject({ status: 'CLOSED', version: 3 });
      expect(await ledgerChannel('alice', ac)).toMatchObject({ version: 3, balances: ['1021', '979'], busy: null });
      expect(await ledgerChannel('bob', bc)).toMatchObject({ version: 3, balances: ['1000', '1000'], busy: null });
      // released: the two-party channel continues off-chain from the settled state
      const paid = await gw.as('alice').post(`/v1/channels/${ac}/payments`, { amount: '21' });
      expect(paid.status).toBe(201);
      expect(paid.body).toMatchObject({ version: 4, balances: ['1000', '1000'] });
    } finally {
      await gw.as('admin1').patch('/v1/channels/settings', { challengePeriodSeconds: 3600 });
    }
  }, 120_000);

  test('a stale state registered for close (the exit with the recorded state) is beaten by a newer one within the challenge period, the parties\' gateways answering on their own', async () => {
    const { mpc, ac, bc } = await setUp('stale');
    for (let i = 0; i < 2; i++) expect((await pay('alice', mpc, [{ from: 'alice', to: 'carol', amount: 50n }])).status).toBe(200);
    await gw.as('admin1').patch('/v1/channels/settings', { multipartyTimeoutSeconds: 1, challengePeriodSeconds: 6 });
    try {
      await sleep(1100);
      // carol exits: the ledger's recorded state (version 0) is registered, older than the off-chain version 2
      const exited = await gw.as('carol').post(`/v1/multiparty/${mpc}/exit`);
      expect(exited.status).toBe(200);
      expect(exited.body).toMatchObject({ status: 'CLOSING', closing: { version: 0 } });
      // Every party's gateway holds version 2 and answers the stale registration on its own.
      let registered = exited.body;
      for (let i = 0; i < 100 && registered.closing.version !== 2; i++) {
        await sleep(50);
        registered = await view('bob', mpc);
      }
      expect(registered).toMatchObject({ status: 'CLOSING', closing: { version: 2, deadline: exited.body.closing.deadline } });
      expect([id.alice, id.bob, id.carol]).toContain(registered.closing.registeredBy);
      // nothing newer to answer with: refused
      const challenged = await gw.as('alice').post(`/v1/multiparty/${mpc}/challenge`);
      expect(challenged.status).toBe(409);
      await sleep(Math.max(0, Date.parse(exited.body.closing.deadline) - Date.now()) + 200);
      expect((await gw.as('carol').post(`/v1/multiparty/${mpc}/settle`)).body).toMatchObject({ status: 'CLOSED', version: 2 });
      expect(await ledgerChannel('alice', ac)).toMatchObject({ version: 2, balances: ['900', '1100'], busy: null });
      expect(await ledgerChannel('bob', bc)).toMatchObject({ version: 2, balances: ['1000', '1000'], busy: null });
    } finally {
      await gw.as('admin1').patch('/v1/channels/settings', { multipartyTimeoutSeconds: 86400, challengePeriodSeconds: 3600 });
    }
  }, 120_000);

  test('a gateway that missed an mpc-commit stores it from the next proposal, then decides on that proposal over it', async () => {
    const { mpc, bc } = await setUp('catchup');
    // bob lets the next update take 10 from him; his gateway then misses the commit of that update
    expect((await gw.as('bob').post(`/v1/multiparty/${mpc}/authorizations`, { amount: '10' })).status).toBe(201);
    missCommit.add(`${mpc}!${id.bob}`);
    const first = await pay('carol', mpc, [{ from: 'bob', to: 'carol', amount: 10n }]);
    expect(first.status).toBe(200);
    expect(first.body).toMatchObject({ version: 1, ledgerVersion: 0 });
    expect(missCommit.size).toBe(0);
    expect(await view('bob', mpc)).toMatchObject({ version: 0, ledgerVersion: 0 });
    expect(await view('alice', mpc)).toMatchObject({ version: 1 });
    // Over the version 0 it held, the next update would take 15 from bob, who authorizes 5: his
    // gateway signs it only because the proposal showed it version 1 with every signature.
    expect((await gw.as('bob').post(`/v1/multiparty/${mpc}/authorizations`, { amount: '5' })).status).toBe(201);
    const next = await pay('carol', mpc, [{ from: 'bob', to: 'carol', amount: 5n }]);
    expect(next.status).toBe(200);
    expect(next.body).toMatchObject({ version: 2, ledgerVersion: 0 });
    const bobs = await view('bob', mpc);
    expect(bobs).toMatchObject({ status: 'OPEN', version: 2, ledgerVersion: 0 });
    expect(bobs.states.find((s: any) => s.channel === bc)).toEqual({ channel: bc, version: 2, balances: ['985', '1015'] });
  }, 120_000);

  test('a close cannot undo an update a party holds: a stale final state is refused naming the version held; a gateway that missed the update learns it from the close proposal', async () => {
    const { mpc, ac, bc } = await setUp('close');
    // alice pays carol 10; bob's gateway misses the commit and still holds version 0
    missCommit.add(`${mpc}!${id.bob}`);
    expect((await pay('alice', mpc, [{ from: 'alice', to: 'carol', amount: 10n }])).status).toBe(200);
    expect(await view('bob', mpc)).toMatchObject({ version: 0 });
    // bob's close proposes version 0 as final: it would undo the payment; alice's and carol's gateways hold version 1
    const stale = await gw.as('bob').post(`/v1/multiparty/${mpc}/close`);
    expect(stale.status).toBe(409);
    expect(stale.body.code).toBe('FAILED_PRECONDITION');
    expect(stale.body.detail).toContain('this gateway holds the all-signed version 1');
    expect(await view('carol', mpc)).toMatchObject({ status: 'OPEN', version: 1, ledgerVersion: 0 });
    // alice's close shows version 1 with every signature: bob's gateway stores it and signs it as final
    const closed = await gw.as('alice').post(`/v1/multiparty/${mpc}/close`);
    expect(closed.status).toBe(200);
    expect(closed.body).toMatchObject({ status: 'CLOSED', version: 1 });
    expect(await ledgerChannel('alice', ac)).toMatchObject({ version: 1, balances: ['990', '1010'], busy: null });
    expect(await ledgerChannel('bob', bc)).toMatchObject({ version: 1, balances: ['1000', '1000'], busy: null });
  }, 120_000);

  test('GET /v1/multiparty lists each multiparty channel with the off-chain version and balances the caller\'s gateway holds, as GET /v1/multiparty/{id} does', async () => {
    const { mpc, ac } = await setUp('list');
    for (let i = 0; i < 2; i++) expect((await pay('carol', mpc, [{ from: 'carol', to: 'alice', amount: 4n }])).status).toBe(200);
    for (const p of ['alice', 'bob', 'carol'] as const) {
      const listed = await gw.as(p).get('/v1/multiparty?pageSize=100');
      expect(listed.status).toBe(200);
      const item = listed.body.items.find((m: any) => m.id === mpc);
      expect(item).toMatchObject({ status: 'OPEN', version: 2, ledgerVersion: 0 });
      expect(item.states.find((s: any) => s.channel === ac)).toEqual({ channel: ac, version: 2, balances: ['1008', '992'] });
      expect(item).toEqual(await view(p, mpc));
      // every listed channel says which version the ledger records
      for (const m of listed.body.items) expect(typeof m.ledgerVersion).toBe('number');
    }
  }, 120_000);

  test('a member that stops answering is closed out unilaterally: every balance exact', async () => {
    const { mpc, ac, bc } = await setUp('silent');
    expect((await pay('bob', mpc, [{ from: 'bob', to: 'carol', amount: 40n }])).status).toBe(200);
    expect((await pay('carol', mpc, [{ from: 'carol', to: 'alice', amount: 15n }])).status).toBe(200);
    // bob's gateway stops answering: no further multiparty payment can be agreed
    await gw.gateways[1].close();
    try {
      const stuck = await pay('carol', mpc, [{ from: 'carol', to: 'alice', amount: 1n }]);
      expect(stuck.status).toBeGreaterThanOrEqual(500);
      expect(await view('carol', mpc)).toMatchObject({ version: 2 });
      await gw.as('admin1').patch('/v1/channels/settings', { challengePeriodSeconds: 1 });
      const started = await gw.as('alice').post(`/v1/multiparty/${mpc}/unilateral-close`);
      expect(started.status).toBe(200);
      expect(started.body.closing).toMatchObject({ version: 2, registeredBy: id.alice });
      await sleep(1100);
      expect((await gw.as('carol').post(`/v1/multiparty/${mpc}/settle`)).body).toMatchObject({ status: 'CLOSED', version: 2 });
      expect(await ledgerChannel('alice', ac)).toMatchObject({ version: 2, balances: ['1015', '985'], busy: null });
      expect(await ledgerChannel('carol', bc)).toMatchObject({ version: 2, balances: ['960', '1040'], busy: null });
      // carol closes her channel with the silent bob alone and gets exactly her balance
      const carolBefore = BigInt((await gw.as('carol').get('/v1/accounts/me')).body.balance);
      expect((await gw.as('carol').post(`/v1/channels/${bc}/unilateral-close`)).status).toBe(200);
      await sleep(1100);
      expect((await gw.as('carol').post(`/v1/channels/${bc}/settle`)).body).toMatchObject({ status: 'CLOSED', balances: ['960', '1040'] });
      expect(BigInt((await gw.as('carol').get('/v1/accounts/me')).body.balance)).toBe(carolBefore + 1040n);
    } finally {
      await gw.as('admin1').patch('/v1/channels/settings', { challengePeriodSeconds: 3600 });
      await gw.restart('Org2MSP');
    }
  }, 120_000);
});
