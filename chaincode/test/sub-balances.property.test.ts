import fc from 'fast-check';
import { TestNetwork, UserName, testNetwork } from './network';
import { assertSequences } from './property';

/**
 * Property: random sequences of mint, setSubBalances, transfers and withdrawals with random lane
 * hints (or none), and escrow create/confirm/complete/cancel, by users whose accounts are split
 * into random numbers of sub-balances. After every step:
 * - Σ (account key + sub-balances) + Σ holds = minted − withdrawn (holds are the open escrows);
 * - no account key, sub-balance or hold is negative;
 * - each account view's balance = its account key + Σ its sub-balances, and its `subBalances` is
 *   the count set (sub-balance keys exist exactly for lanes 0..n-1);
 * - a debit is refused with INSUFFICIENT_FUNDS exactly when the spendable total is short, and a
 *   refusal changes nothing;
 * - every balance equals a reference model's, where an account is just its spendable total.
 */

const USERS = ['alice', 'bob', 'carol', 'dave'] as const;
type User = (typeof USERS)[number];

type Op =
  | { kind: 'mint'; to: User; amount: bigint }
  | { kind: 'split'; by: User; count: number }
  | { kind: 'transfer'; by: User; to: User; amount: bigint; lane?: number }
  | { kind: 'withdraw'; by: User; amount: bigint; lane?: number }
  | { kind: 'create'; by: User; to: User; amount: bigint }
  | { kind: 'confirm' | 'complete' | 'cancel'; pick: number };

const user = fc.constantFrom(...USERS);
const amount = fc.oneof({ weight: 5, arbitrary: fc.bigInt(1n, 120n) }, { weight: 2, arbitrary: fc.bigInt(121n, 900n) });
const lane = fc.option(fc.integer({ min: 0, max: 9 }), { nil: undefined, freq: 4 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('mint' as const), to: user, amount }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('split' as const), by: user, count: fc.constantFrom(0, 1, 2, 3, 4, 7, 8) }) },
  { weight: 8, arbitrary: fc.record({ kind: fc.constant('transfer' as const), by: user, to: user, amount, lane }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), by: user, amount, lane }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('create' as const), by: user, to: user, amount }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constantFrom('confirm' as const, 'complete' as const, 'cancel' as const), pick: fc.nat() }) },
);

interface Escrow {
  id: string;
  by: User;
  to: User;
  amount: bigint;
  status: 'PROPOSED' | 'ACTIVE' | 'DONE';
}
interface Model {
  balance: Record<User, bigint>;
  held: Record<User, bigint>;
  lanes: Record<User, number>;
  escrows: Escrow[];
  minted: bigint;
  withdrawn: bigint;
}

/** The committed value of a key, parsed; undefined when absent. */
async function raw(net: TestNetwork, objectType: string, ...attributes: string[]): Promise<any> {
  const store = net.ledger['store'] as { getState(key: string): Promise<Uint8Array | undefined> };
  const bytes = await store.getState(`\u0000${objectType}\u0000${attributes.map((a) => `${a}\u0000`).join('')}`);
  return bytes && JSON.parse(Buffer.from(bytes).toString('utf8'));
}

async function checkInvariants(net: TestNetwork, model: Model): Promise<void> {
  let total = 0n;
  for (const u of USERS) {
    const id = net.account[u as UserName];
    const view = await net.evaluate(u, 'accounts:getOwnAccount');
    const record = await raw(net, 'account', id);
    const n = model.lanes[u];
    const lanes: bigint[] = [];
    for (let lane = 0; lane < 10; lane++) {
      const found = await raw(net, 'subBalance', id, String(lane));
      expect({ user: u, lane, exists: found !== undefined }).toEqual({ user: u, lane, exists: lane < n });
      if (found) lanes.push(BigInt(found.balance));
    }
    const parts = [BigInt(record.balance), BigInt(record.held), ...lanes];
    expect(parts.every((p) => p >= 0n)).toBe(true);
    const spendable = BigInt(record.balance) + lanes.reduce((s, l) => s + l, 0n);
    expect({ user: u, balance: view.balance, held: view.held, subBalances: view.subBalances }).toEqual({
      user: u,
      balance: spendable.toString(),
      held: model.held[u].toString(),
      subBalances: n === 0 ? undefined : n,
    });
    expect({ user: u, balance: spendable }).toEqual({ user: u, balance: model.balance[u] });
    total += spendable + BigInt(record.held);
  }
  expect(total).toBe(model.minted - model.withdrawn);
}

/** The submit an op makes, and the model after it (undefined: it must be refused, with `code`). */
function plan(model: Model, o: Op, ids: Record<User, string>): { as: UserName; fn: string; args: string[]; next?: Model; code?: string; escrow?: Escrow } {
  const m: Model = structuredClone(model);
  const hinted = (fn: string, args: string[], l?: number) => (l === undefined ? { fn: `accounts:${fn}`, args } : { fn: `accounts:${fn}FromSubBalance`, args: [...args, String(l)] });
  switch (o.kind) {
    case 'mint':
      m.balance[o.to] += o.amount;
      m.minted += o.amount;
      return { as: 'bank', fn: 'accounts:mint', args: [ids[o.to], o.amount.toString()], next: m };
    case 'split':
      m.lanes[o.by] = o.count < 2 ? 0 : o.count;
      return { as: o.by, fn: 'accounts:setSubBalances', args: [ids[o.by], String(o.count)], next: m };
    case 'transfer': {
      const call = { as: o.by as UserName, ...hinted('transfer', [ids[o.to], o.amount.toString()], o.lane) };
      if (o.by === o.to) return { ...call, code: 'INVALID_ARGUMENT' };
      if (m.balance[o.by] < o.amount) return { ...call, code: 'INSUFFICIENT_FUNDS' };
      m.balance[o.by] -= o.amount;
      m.balance[o.to] += o.amount;
      return { ...call, next: m };
    }
    case 'withdraw': {
      const call = { as: o.by as UserName, ...hinted('withdraw', [o.amount.toString()], o.lane) };
      if (m.balance[o.by] < o.amount) return { ...call, code: 'INSUFFICIENT_FUNDS' };
      m.balance[o.by] -= o.amount;
      m.withdrawn += o.amount;
      return { ...call, next: m };
    }
    case 'create': {
      const to = o.to === o.by ? USERS[(USERS.indexOf(o.by) + 1) % USERS.length] : o.to;
      const request = JSON.stringify({ amount: o.amount.toString(), recipients: [{ account: ids[to], shareBps: 10000 }] });
      const call = { as: o.by as UserName, fn: 'escrow:create', args: [request] };
      if (m.balance[o.by] < o.amount) return { ...call, code: 'INSUFFICIENT_FUNDS' };
      m.balance[o.by] -= o.amount;
      m.held[o.by] += o.amount;
      m.escrows.push({ id: '', by: o.by, to, amount: o.amount, status: 'PROPOSED' });
      return { ...call, next: m };
    }
    default: {
      const wanted = o.kind === 'complete' ? 'ACTIVE' : 'PROPOSED';
      const open = m.escrows.filter((e) => e.status === wanted);
      if (open.length === 0) return { as: 'alice', fn: 'accounts:getOwnAccount', args: [] }; // nothing to do: a no-op query
      const e = open[o.pick % open.length];
      if (o.kind === 'confirm') {
        e.status = 'ACTIVE';
        return { as: e.to, fn: 'escrow:confirm', args: [e.id], next: m };
      }
      m.held[e.by] -= e.amount;
      m.balance[o.kind === 'complete' ? e.to : e.by] += e.amount;
      e.status = 'DONE';
      return { as: e.by, fn: `escrow:${o.kind}`, args: [e.id], next: m };
    }
  }
}

async function run(net: TestNetwork, ops: Op[]): Promise<void> {
  const ids = Object.fromEntries(USERS.map((u) => [u, net.account[u as UserName]])) as Record<User, string>;
  const zero = () => Object.fromEntries(USERS.map((u) => [u, 0n])) as Record<User, bigint>;
  let model: Model = { balance: zero(), held: zero(), lanes: Object.fromEntries(USERS.map((u) => [u, 0])) as Record<User, number>, escrows: [], minted: 0n, withdrawn: 0n };
  for (const u of USERS) {
    await net.submit('bank', 'accounts:mint', ids[u], '500');
    model.balance[u] += 500n;
    model.minted += 500n;
  }
  for (const o of ops) {
    const step = plan(model, o, ids);
    if (step.fn === 'accounts:getOwnAccount') continue;
    const context = { op: o, fn: step.fn, args: step.args };
    const height = net.ledger.blockHeight;
    let outcome: { ok: true; value: any } | { ok: false; code?: string };
    try {
      outcome = { ok: true, value: await net.submit(step.as, step.fn, ...step.args) };
    } catch (err) {
      if (!(err instanceof Error && err.name === 'ChaincodeError')) throw err;
      outcome = { ok: false, code: (err as { code?: string }).code };
    }
    if (step.code) {
      expect({ ...context, refused: outcome.ok ? undefined : outcome.code }).toEqual({ ...context, refused: step.code });
      expect(net.ledger.blockHeight).toBe(height);
    } else {
      expect({ ...context, committed: outcome.ok }).toEqual({ ...context, committed: true });
      model = step.next!;
      if (step.fn === 'escrow:create' && outcome.ok) model.escrows[model.escrows.length - 1].id = outcome.value.id;
    }
    await checkInvariants(net, model);
  }
}

test('sub-balances: no overdraft, money exact, views equal account key plus lanes, under random sequences', async () => {
  await assertSequences(op, { minLength: 20, maxLength: 50, numRuns: 25, budgetMs: 45_000 }, () => testNetwork(), run);
}, 120_000);
