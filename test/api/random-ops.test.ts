import { Rng } from '../bench/channel-sim/prng';
import { committedEvents } from '../support/embedded-log';
import { TEST_LEDGER, TestGateway, registerAll, startTestGateway } from '../support/gateway';

/**
 * Concurrent random operations against one gateway (DESIGN.md "Money and accounts": every
 * transaction conserves money except mint and withdraw). Several clients at once mint, transfer,
 * withdraw, and create, confirm, complete and cancel escrows, each request with its own
 * Idempotency-Key. Afterwards the sum of every account's balance and held amount equals what was
 * minted less what was withdrawn, exactly, and every request answered 2xx has its chaincode event
 * on the ledger under the transaction id it answered with.
 */
const CLIENTS = 6;
const OPS_PER_CLIENT = 40;
const SEED = Number(process.env.COVENANT_TEST_SEED ?? Date.now() % 2 ** 31);

interface Done {
  op: string;
  txId: string;
  events: string[];
}

(TEST_LEDGER === 'embedded' ? describe : describe.skip)('concurrent random operations (embedded ledger)', () => {
  let gw: TestGateway;
  let id: Record<string, string>;
  const users = ['alice', 'bob', 'dave', 'carol', 'arbiter'];

  beforeAll(async () => {
    gw = await startTestGateway();
    id = await registerAll(gw, ['bank', ...users]);
  });
  afterAll(() => gw.close());

  test('money is conserved and every 2xx is on the ledger', async () => {
    let minted = 0n;
    let withdrawn = 0n;
    let refused = 0;
    let serial = 0;
    const done: Done[] = [];
    /** Escrows known to the clients: id, initiator, recipients. */
    const escrows: { id: string; initiator: string; recipients: string[] }[] = [];

    const client = async (c: number) => {
      const rng = Rng.derive(SEED, 'client', c);
      const pick = <T>(xs: T[]): T => xs[rng.int(0, xs.length - 1)];
      for (let i = 0; i < OPS_PER_CLIENT; i++) {
        const key = `rand-${c}-${++serial}`;
        const user = pick(users);
        const other = pick(users.filter((u) => u !== user));
        const amount = BigInt(rng.int(1, 500));
        const kind = rng.int(0, 9);
        let res;
        let op: string;
        let events: string[];
        if (kind <= 1) {
          op = 'mint';
          events = ['Minted'];
          res = await gw.as('bank').post(`/v1/accounts/${id[user]}/mint`, { amount: amount.toString() }, { 'idempotency-key': key });
          if (res.status === 200) minted += amount;
        } else if (kind <= 4) {
          op = 'transfer';
          events = ['Transferred'];
          res = await gw.as(user).post('/v1/transfers', { to: id[other], amount: amount.toString() }, { 'idempotency-key': key });
        } else if (kind === 5) {
          op = 'withdraw';
          events = ['Withdrawn'];
          res = await gw.as(user).post('/v1/withdrawals', { amount: amount.toString() }, { 'idempotency-key': key });
          if (res.status === 201) withdrawn += amount;
        } else if (kind === 6 || escrows.length === 0) {
          op = 'escrow create';
          events = ['EscrowCreated'];
          const recipients = rng.int(0, 1) === 0 ? [other] : [other, pick(users.filter((u) => u !== user && u !== other))];
          res = await gw.as(user).post(
            '/v1/escrows',
            { amount: amount.toString(), recipients: recipients.map((r, n) => ({ account: id[r], shareBps: recipients.length === 1 ? 10000 : n === 0 ? 6000 : 4000 })) },
            { 'idempotency-key': key },
          );
          if (res.status === 201) escrows.push({ id: res.body.id, initiator: user, recipients });
        } else {
          const e = pick(escrows);
          const step = pick(['confirm', 'complete', 'cancel']);
          const party = step === 'confirm' ? pick(e.recipients) : step === 'complete' ? e.initiator : pick([e.initiator, ...e.recipients]);
          op = `escrow ${step}`;
          events = { confirm: ['EscrowConfirmed', 'EscrowActivated'], complete: ['EscrowCompleted'], cancel: ['EscrowCancelled', 'EscrowCancelApproved'] }[step]!;
          res = await gw.as(party).post(`/v1/escrows/${e.id}/${step}`, {}, { 'idempotency-key': key });
        }
        expect({ op, status: res.status < 500 ? 'answered' : res.body }).toEqual({ op, status: 'answered' });
        if (res.status < 300) done.push({ op, txId: res.headers.get('x-transaction-id')!, events });
        else refused += 1;
      }
    };
    await Promise.all(Array.from({ length: CLIENTS }, (_, c) => client(c)));

    let total = 0n;
    for (const name of ['bank', ...users]) {
      const account = (await gw.as(name).get('/v1/accounts/me')).body;
      total += BigInt(account.balance) + BigInt(account.held);
    }
    process.stdout.write(`random-ops (seed ${SEED}): ${done.length} accepted, ${refused} refused; minted ${minted}, withdrawn ${withdrawn}, held+balance ${total}\n`);
    expect(total).toBe(minted - withdrawn);

    await gw.stop();
    const byTx = new Map((await committedEvents(gw.dataDir)).map((e) => [e.txId, e.name]));
    const missing = done.filter((d) => !d.events.includes(byTx.get(d.txId) ?? ''));
    expect(missing).toEqual([]);
    expect(done.length).toBeGreaterThan(CLIENTS * OPS_PER_CLIENT * 0.3);
  }, 120_000);
});
