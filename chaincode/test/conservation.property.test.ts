import fc from 'fast-check';
import { TestNetwork, UserName, testNetwork } from './network';
import { withEvents } from './helpers';
import { assertSequences } from './property';

/**
 * Property: random sequences of mint, transfer, withdraw and escrow create/confirm/complete/cancel/
 * decline/reclaim/dispute/rule by random users with random (often invalid) arguments. Some escrows
 * name the arbitrator; some have an acceptance deadline a moment ahead (the run waits for it to
 * pass before confirming or reclaiming such an escrow, so the model knows it has passed). After
 * every step:
 * - the sum of all balances and holds equals everything minted minus everything withdrawn;
 * - no balance or hold is negative;
 * - each account's hold equals the sum of its open (PROPOSED, ACTIVE or DISPUTED) escrows as
 *   initiator, and its activeEscrows the number of open escrows it confirmed as a recipient;
 * - a refused transaction commits nothing and changes nothing;
 * - the ledger agrees exactly with a small reference model of the rules (which operations succeed,
 *   every balance, hold and escrow state).
 */

const USERS = ['bank', 'alice', 'bob', 'carol', 'dave'] as const;
type User = (typeof USERS)[number];
const THRESHOLD = 2;
const GHOST = 'c'.repeat(40); // an account nobody registered
/**
 * How far ahead a `soon` acceptance deadline is set, in ms: far enough that the transaction
 * creating the escrow is timestamped before it even on a loaded machine (150 ms was not).
 */
const SOON_MS = 1_000;
type EscrowStep = 'confirm' | 'complete' | 'cancel' | 'decline' | 'reclaim' | 'dispute';

// ---------------------------------------------------------------- operations

type Op =
  | { kind: 'mint'; by: User; to: User; amount: string }
  | { kind: 'transfer'; by: User; to: User; amount: string }
  | { kind: 'withdraw'; by: User; amount: string }
  | {
      kind: 'create';
      by: User;
      id?: string;
      amount: string;
      rule: 'bps' | 'amount' | 'mixed';
      others: User[];
      /** How the recipient list is spoiled, if at all. */
      corrupt: 'none' | 'self' | 'duplicate' | 'ghost' | 'empty';
      weights: number[];
      skew: number;
      /** none: the default deadline (7 days); soon: a moment ahead; past: refused. */
      acceptBy: 'none' | 'soon' | 'past';
      /** arbiter: the user with the arbitrator role; carol: no role (refused unless she has it); self: refused. */
      arbitrator: 'none' | 'arbiter' | 'carol' | 'self';
    }
  /** `pick` chooses the escrow (mostly open ones, sometimes an unknown id); `who` the caller. */
  | { kind: EscrowStep; pick: number; who: number; anyone: boolean }
  /** The arbitrator (or, when `anyone`, some user) rules the escrow `pick` chooses. */
  | { kind: 'rule'; pick: number; who: number; anyone: boolean; outcome: 'COMPLETE' | 'REFUND' };

const user = fc.constantFrom(...USERS);
const amount = fc.oneof(
  { weight: 6, arbitrary: fc.bigInt(1n, 400n).map(String) },
  { weight: 1, arbitrary: fc.bigInt(401n, 5000n).map(String) },
  { weight: 1, arbitrary: fc.constantFrom('0', '-1', '1.5', '', '012', '1e3', ' 7', '9'.repeat(31)) },
);
const escrowStep = (kind: EscrowStep) =>
  fc.record({ kind: fc.constant(kind), pick: fc.nat(), who: fc.nat(), anyone: fc.integer({ min: 0, max: 5 }).map((n) => n === 0) });

const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('mint' as const), by: fc.constantFrom<User>('bank', 'bank', 'bank', 'alice'), to: user, amount }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('transfer' as const), by: user, to: user, amount }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), by: user, amount }) },
  {
    weight: 4,
    arbitrary: fc.record({
      kind: fc.constant('create' as const),
      by: user,
      // Mostly no id (the transaction id is used); sometimes a client id that may be taken.
      id: fc.oneof({ weight: 3, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('x1', 'x2', 'x3') }),
      amount,
      rule: fc.constantFrom<'bps' | 'amount' | 'mixed'>('bps', 'bps', 'bps', 'amount', 'amount', 'amount', 'mixed'),
      others: fc.shuffledSubarray([...USERS], { minLength: 1, maxLength: 4 }),
      corrupt: fc.constantFrom<'none' | 'self' | 'duplicate' | 'ghost' | 'empty'>(...Array(16).fill('none'), 'self', 'duplicate', 'ghost', 'empty'),
      weights: fc.array(fc.integer({ min: 1, max: 100 }), { minLength: 5, maxLength: 5 }),
      skew: fc.constantFrom(...Array(10).fill(0), 1, -1),
      acceptBy: fc.constantFrom<'none' | 'soon' | 'past'>(...Array(10).fill('none'), 'soon', 'soon', 'past'),
      arbitrator: fc.constantFrom<'none' | 'arbiter' | 'carol' | 'self'>(...Array(3).fill('none'), ...Array(8).fill('arbiter'), 'carol', 'self'),
    }),
  },
  { weight: 7, arbitrary: escrowStep('confirm') },
  { weight: 3, arbitrary: escrowStep('complete') },
  { weight: 2, arbitrary: escrowStep('cancel') },
  { weight: 1, arbitrary: escrowStep('decline') },
  { weight: 1, arbitrary: escrowStep('reclaim') },
  { weight: 3, arbitrary: escrowStep('dispute') },
  {
    weight: 3,
    arbitrary: fc.record({
      kind: fc.constant('rule' as const),
      pick: fc.nat(),
      who: fc.nat(),
      anyone: fc.integer({ min: 0, max: 4 }).map((n) => n === 0),
      outcome: fc.constantFrom<'COMPLETE' | 'REFUND'>('COMPLETE', 'REFUND'),
    }),
  },
);

/** The recipients a create op names: other users, possibly spoiled as the op says. */
function recipientsOf(op: Extract<Op, { kind: 'create' }>): (User | 'ghost')[] {
  let list: (User | 'ghost')[] = op.others.filter((u) => u !== op.by);
  if (list.length === 0) list = [USERS.find((u) => u !== op.by)!];
  switch (op.corrupt) {
    case 'self':
      return [...list, op.by];
    case 'duplicate':
      return [...list, list[0]];
    case 'ghost':
      return [list[0], 'ghost', ...list.slice(1)];
    case 'empty':
      return [];
    default:
      return list;
  }
}

/** Splits `total` by weights (largest remainder to the first); used to build valid-looking rules. */
function split(total: bigint, weights: number[]): bigint[] {
  const sum = BigInt(weights.reduce((s, w) => s + w, 0));
  const parts = weights.map((w) => (total * BigInt(w)) / sum);
  parts[0] += total - parts.reduce((s, p) => s + p, 0n);
  return parts;
}

// ---------------------------------------------------------------- reference model

interface ModelAccount {
  balance: bigint;
  held: bigint;
  activeEscrows: number;
}
interface ModelEscrow {
  id: string;
  initiator: User;
  amount: bigint;
  recipients: { user: User; amount: bigint; confirmed: boolean }[];
  status: 'PROPOSED' | 'ACTIVE' | 'DISPUTED' | 'COMPLETED' | 'CANCELLED' | 'DECLINED' | 'EXPIRED' | 'REFUNDED';
  approvals: User[];
  /** Epoch ms of a `soon` acceptance deadline (the default one never passes during a run). */
  soonDeadline?: number;
  arbitrated: boolean;
}
interface Model {
  accounts: Record<User, ModelAccount>;
  escrows: ModelEscrow[];
  minted: bigint;
  withdrawn: bigint;
}

/** The chaincode's amount rule: a plain positive decimal integer of at most 18 digits (10^18 - 1). */
function parse(raw: unknown): bigint | undefined {
  if (typeof raw !== 'string' || !/^(0|[1-9][0-9]*)$/.test(raw) || raw.length > 18) return undefined;
  const v = BigInt(raw);
  return v > 0n ? v : undefined;
}

const isOpen = (e: ModelEscrow) => e.status === 'PROPOSED' || e.status === 'ACTIVE' || e.status === 'DISPUTED';

/** One op resolved against the current state: who submits it, to which escrow, with what body. */
interface Step {
  by: User | 'arbiter';
  recipients?: (User | 'ghost')[];
  request?: any;
  escrow?: ModelEscrow;
}

/** Applies `op` to a copy of the model; undefined when the rules refuse it. */
function apply(model: Model, op: Op, step: Step): Model | undefined {
  const m: Model = structuredClone(model);
  const by = step.by as User;
  const acc = (u: User) => m.accounts[u];
  /** The hold pays every recipient (`pay`) or returns to the initiator; confirmed recipients are freed. */
  const settle = (e: ModelEscrow, how: 'pay' | 'refund') => {
    acc(e.initiator).held -= e.amount;
    if (how === 'refund') acc(e.initiator).balance += e.amount;
    for (const r of e.recipients) {
      if (how === 'pay') acc(r.user).balance += r.amount;
      if (r.confirmed) acc(r.user).activeEscrows -= 1;
    }
  };
  switch (op.kind) {
    case 'mint': {
      const v = parse(op.amount);
      if (by !== 'bank' || v === undefined) return undefined;
      acc(op.to).balance += v;
      m.minted += v;
      return m;
    }
    case 'transfer': {
      const v = parse(op.amount);
      if (v === undefined || by === op.to || acc(by).balance < v) return undefined;
      acc(by).balance -= v;
      acc(op.to).balance += v;
      return m;
    }
    case 'withdraw': {
      const v = parse(op.amount);
      if (v === undefined || acc(by).balance < v) return undefined;
      acc(by).balance -= v;
      m.withdrawn += v;
      return m;
    }
    case 'create': {
      const req = step.request;
      const total = parse(req.amount);
      if (total === undefined || req.recipients.length === 0) return undefined;
      if (op.id !== undefined && m.escrows.some((e) => e.id === op.id)) return undefined;
      const byShare = req.recipients.every((r: any) => r.shareBps !== undefined);
      const byAmount = req.recipients.every((r: any) => r.amount !== undefined);
      if (!byShare && !byAmount) return undefined;
      if (req.recipients.some((r: any) => r.shareBps !== undefined && (r.shareBps < 1 || r.shareBps > 10000))) return undefined;
      if (req.recipients.some((r: any) => r.amount !== undefined && parse(r.amount) === undefined)) return undefined;
      const users = step.recipients!;
      if (users.includes('ghost') || users.includes(by) || new Set(users).size !== users.length) return undefined;
      if (op.acceptBy === 'past' || (op.arbitrator !== 'none' && op.arbitrator !== 'arbiter')) return undefined;
      if (users.some((u) => acc(u as User).activeEscrows >= THRESHOLD)) return undefined;
      let amounts: bigint[];
      if (byShare) {
        if (req.recipients.reduce((s: number, r: any) => s + r.shareBps, 0) !== 10000) return undefined;
        amounts = req.recipients.map((r: any) => (total * BigInt(r.shareBps)) / 10000n);
        amounts[0] += total - amounts.reduce((s, a) => s + a, 0n);
        if (amounts.some((a) => a === 0n)) return undefined; // a share that rounds to nothing
      } else {
        amounts = req.recipients.map((r: any) => BigInt(r.amount));
        if (amounts.reduce((s, a) => s + a, 0n) !== total) return undefined;
      }
      if (acc(by).balance < total) return undefined;
      acc(by).balance -= total;
      acc(by).held += total;
      m.escrows.push({
        id: op.id ?? '(from the ledger)',
        initiator: by,
        amount: total,
        recipients: users.map((u, i) => ({ user: u as User, amount: amounts[i], confirmed: false })),
        status: 'PROPOSED',
        approvals: [],
        soonDeadline: step.request.acceptBy === undefined ? undefined : Date.parse(step.request.acceptBy),
        arbitrated: op.arbitrator === 'arbiter',
      });
      return m;
    }
    default: {
      if (!step.escrow) return undefined; // unknown escrow
      const e = m.escrows.find((x) => x.id === step.escrow!.id)!;
      const recipient = e.recipients.find((r) => r.user === by);
      // The run waits for a soon deadline to pass before a confirm or reclaim (see `run`).
      const expired = e.soonDeadline !== undefined;
      if (op.kind === 'confirm') {
        if (!recipient || e.status !== 'PROPOSED' || recipient.confirmed || expired || acc(by).activeEscrows >= THRESHOLD) return undefined;
        recipient.confirmed = true;
        acc(by).activeEscrows += 1;
        if (e.recipients.every((r) => r.confirmed)) e.status = 'ACTIVE';
        return m;
      }
      if (op.kind === 'complete') {
        if (by !== e.initiator || (e.status !== 'ACTIVE' && e.status !== 'DISPUTED')) return undefined;
        settle(e, 'pay');
        e.status = 'COMPLETED';
        return m;
      }
      if (op.kind === 'decline') {
        if (!recipient || e.status !== 'PROPOSED' || recipient.confirmed) return undefined;
        settle(e, 'refund');
        e.status = 'DECLINED';
        return m;
      }
      if (op.kind === 'reclaim') {
        if (by !== e.initiator || e.status !== 'PROPOSED' || !expired) return undefined;
        settle(e, 'refund');
        e.status = 'EXPIRED';
        return m;
      }
      if (op.kind === 'dispute') {
        if ((by !== e.initiator && !recipient) || e.status !== 'ACTIVE' || !e.arbitrated) return undefined;
        e.status = 'DISPUTED';
        return m;
      }
      if (op.kind === 'rule') {
        if (step.by !== 'arbiter' || !e.arbitrated || e.status !== 'DISPUTED') return undefined;
        settle(e, op.outcome === 'COMPLETE' ? 'pay' : 'refund');
        e.status = op.outcome === 'COMPLETE' ? 'COMPLETED' : 'REFUNDED';
        return m;
      }
      // cancel
      if ((by !== e.initiator && !recipient) || !isOpen(e)) return undefined;
      const anyConfirmed = e.recipients.some((r) => r.confirmed);
      if (anyConfirmed || by !== e.initiator) {
        if (e.approvals.includes(by)) return undefined;
      }
      e.approvals.push(by);
      const parties = [e.initiator, ...e.recipients.map((r) => r.user)];
      if ((!anyConfirmed && by === e.initiator) || parties.every((p) => e.approvals.includes(p))) {
        settle(e, 'refund');
        e.status = 'CANCELLED';
      }
      return m;
    }
  }
}

/** The JSON body sent for a create op. */
function createRequest(op: Extract<Op, { kind: 'create' }>, users: (User | 'ghost')[], ids: Record<User, string>, arbiterId: string): any {
  const n = users.length;
  const weights = op.weights.slice(0, Math.max(n, 1));
  const shares = split(10000n, weights).map(Number);
  const total = parse(op.amount);
  const parts = total !== undefined ? split(total, weights) : weights.map(() => 1n);
  if (op.skew !== 0) {
    shares[0] += op.skew;
    parts[0] += BigInt(op.skew);
  }
  const recipients = users.map((u, i) => {
    const account = u === 'ghost' ? GHOST : ids[u];
    const useShare = op.rule === 'bps' || (op.rule === 'mixed' && i % 2 === 0);
    return useShare ? { account, shareBps: shares[i] } : { account, amount: parts[i].toString() };
  });
  const extra: Record<string, string> = {};
  if (op.acceptBy !== 'none') extra.acceptBy = new Date(Date.now() + (op.acceptBy === 'soon' ? SOON_MS : -60_000)).toISOString();
  if (op.arbitrator !== 'none') extra.arbitrator = { arbiter: arbiterId, carol: ids.carol, self: ids[op.by] }[op.arbitrator];
  return { ...(op.id !== undefined ? { id: op.id } : {}), amount: op.amount, recipients, ...extra };
}

// ---------------------------------------------------------------- the ledger side

interface Observed {
  accounts: Record<User, ModelAccount>;
  escrows: Map<string, { status: string; initiator: string; amount: bigint; recipients: { account: string; amount: bigint; confirmed: boolean }[]; cancelApprovals: string[] }>;
}

async function observe(net: TestNetwork): Promise<Observed> {
  const accounts = {} as Record<User, ModelAccount>;
  const escrows: Observed['escrows'] = new Map();
  for (const u of USERS) {
    const a = await net.evaluate(u, 'accounts:getOwnAccount');
    accounts[u] = { balance: BigInt(a.balance), held: BigInt(a.held), activeEscrows: a.activeEscrows };
    const page = await net.evaluate(u, 'escrow:list', 'initiator', '', '100', '');
    expect(page.bookmark).toBe('');
    for (const e of page.records) {
      escrows.set(e.id, {
        status: e.status,
        initiator: e.initiator,
        amount: BigInt(e.amount),
        recipients: e.recipients.map((r: any) => ({ account: r.account, amount: BigInt(r.amount), confirmed: r.confirmed })),
        cancelApprovals: e.cancelApprovals,
      });
    }
  }
  return { accounts, escrows };
}

function checkInvariants(observed: Observed, model: Model, ids: Record<User, string>): void {
  const { accounts, escrows } = observed;
  let total = 0n;
  for (const u of USERS) {
    const a = accounts[u];
    expect(a.balance >= 0n && a.held >= 0n && a.activeEscrows >= 0).toBe(true);
    total += a.balance + a.held;
    const open = [...escrows.values()].filter((e) => e.status === 'PROPOSED' || e.status === 'ACTIVE' || e.status === 'DISPUTED');
    const heldByEscrows = open.filter((e) => e.initiator === ids[u]).reduce((s, e) => s + e.amount, 0n);
    expect({ user: u, held: a.held }).toEqual({ user: u, held: heldByEscrows });
    const confirmedOpen = open.filter((e) => e.recipients.some((r) => r.account === ids[u] && r.confirmed)).length;
    expect({ user: u, activeEscrows: a.activeEscrows }).toEqual({ user: u, activeEscrows: confirmedOpen });
    expect(a.activeEscrows).toBeLessThanOrEqual(THRESHOLD);
  }
  expect(total).toBe(model.minted - model.withdrawn);
  for (const e of escrows.values()) {
    expect(e.recipients.reduce((s, r) => s + r.amount, 0n)).toBe(e.amount);
  }
  // The ledger agrees with the reference model.
  expect(accounts).toEqual(model.accounts);
  expect(escrows.size).toBe(model.escrows.length);
  for (const m of model.escrows) {
    expect(escrows.get(m.id)).toEqual({
      status: m.status,
      initiator: ids[m.initiator],
      amount: m.amount,
      recipients: m.recipients.map((r) => ({ account: ids[r.user], amount: r.amount, confirmed: r.confirmed })),
      cancelApprovals: m.approvals.map((u) => ids[u]),
    });
  }
}

async function run(net: TestNetwork, ops: Op[]): Promise<void> {
  const ids = Object.fromEntries(USERS.map((u) => [u, net.account[u as UserName]])) as Record<User, string>;
  const arbiterId = net.account.arbiter;
  const zero = (): ModelAccount => ({ balance: 0n, held: 0n, activeEscrows: 0 });
  let model: Model = { accounts: Object.fromEntries(USERS.map((u) => [u, zero()])) as Record<User, ModelAccount>, escrows: [], minted: 0n, withdrawn: 0n };
  // Everyone starts with some money so that escrows get made; later mints add more.
  for (const u of USERS) {
    await net.submit('bank', 'accounts:mint', ids[u], '600');
    model.accounts[u].balance += 600n;
    model.minted += 600n;
  }
  let observed = await observe(net);
  checkInvariants(observed, model, ids);

  for (const o of ops) {
    let fn: string;
    let args: string[];
    let step: Step;
    switch (o.kind) {
      case 'mint':
        [fn, args, step] = ['accounts:mint', [ids[o.to], o.amount], { by: o.by }];
        break;
      case 'transfer':
        [fn, args, step] = ['accounts:transfer', [ids[o.to], o.amount], { by: o.by }];
        break;
      case 'withdraw':
        [fn, args, step] = ['accounts:withdraw', [o.amount], { by: o.by }];
        break;
      case 'create': {
        const recipients = recipientsOf(o);
        const request = createRequest(o, recipients, ids, arbiterId);
        [fn, args, step] = ['escrow:create', [JSON.stringify(request)], { by: o.by, recipients, request }];
        break;
      }
      default: {
        // Mostly an escrow in a state where the step may apply, else any open one.
        const fits: Record<Op['kind'], (e: ModelEscrow) => boolean> = {
          confirm: (e) => e.status === 'PROPOSED' && e.soonDeadline === undefined,
          complete: (e) => e.status === 'ACTIVE' || e.status === 'DISPUTED',
          reclaim: (e) => e.status === 'PROPOSED' && e.soonDeadline !== undefined,
          dispute: (e) => e.status === 'ACTIVE',
          rule: (e) => e.status === 'DISPUTED',
          decline: isOpen,
          cancel: isOpen,
          mint: isOpen,
          transfer: isOpen,
          withdraw: isOpen,
          create: isOpen,
        };
        let targeted = model.escrows.filter(fits[o.kind]);
        if (o.kind === 'confirm' && targeted.length > 0) {
          // The escrows closest to ACTIVE, so that completions, disputes and rulings happen.
          const missing = (e: ModelEscrow) => e.recipients.filter((r) => !r.confirmed).length;
          const fewest = Math.min(...targeted.map(missing));
          targeted = targeted.filter((e) => missing(e) === fewest);
        }
        const open = targeted.length > 0 && o.pick % 3 !== 0 ? targeted : model.escrows.filter(isOpen);
        const pool = o.pick % 4 !== 0 && open.length > 0 ? open : model.escrows;
        const escrow = o.pick % 11 === 0 ? undefined : pool[o.pick % Math.max(pool.length, 1)];
        let by: User | 'arbiter' = USERS[o.who % USERS.length];
        if (o.kind === 'rule') {
          if (!o.anyone) by = 'arbiter';
        } else if (escrow && !o.anyone) {
          // Mostly a party that may act; sometimes any party (repeat confirmations and approvals).
          const recipientsOnly = o.kind === 'confirm' || o.kind === 'decline';
          const parties = recipientsOnly ? escrow.recipients.map((r) => r.user) : [escrow.initiator, ...escrow.recipients.map((r) => r.user)];
          const fresh = parties.filter((u) => (recipientsOnly ? !escrow.recipients.find((r) => r.user === u)!.confirmed : !escrow.approvals.includes(u)));
          const candidates: User[] = o.kind === 'complete' || o.kind === 'reclaim' ? [escrow.initiator] : o.who % 4 === 0 ? parties : fresh;
          if (candidates.length > 0) by = candidates[o.who % candidates.length];
        }
        // A soon deadline is let pass before a confirm or reclaim, so the model knows where it stands.
        if (escrow?.soonDeadline !== undefined && (o.kind === 'confirm' || o.kind === 'reclaim')) {
          const wait = escrow.soonDeadline - Date.now() + 5;
          if (wait > 0) await new Promise((resolve) => setTimeout(resolve, wait));
        }
        const id = escrow?.id ?? 'no-such-escrow';
        const body =
          o.kind === 'decline' ? [JSON.stringify(o.who % 2 === 0 ? {} : { reason: 'no thanks' })]
          : o.kind === 'dispute' ? [JSON.stringify({ reason: 'deadlock' })]
          : o.kind === 'rule' ? [JSON.stringify({ outcome: o.outcome, reasons: 'ruled on the evidence' })]
          : [];
        [fn, args, step] = [`escrow:${o.kind}`, [id, ...body], { by, escrow }];
      }
    }
    const expected = apply(model, o, step);
    const height = net.ledger.blockHeight;
    const { result, events } = await withEvents(net, async () => {
      try {
        return { ok: true as const, value: await net.submit(step.by, fn, ...args) };
      } catch (err) {
        if (err instanceof Error && err.name === 'ChaincodeError') return { ok: false as const, code: (err as { code?: string }).code };
        throw err;
      }
    });
    const context = { op: o, by: step.by, fn, args };
    if (!result.ok) {
      // Refused: nothing committed, nothing changed, and the model agrees it must be refused.
      expect({ ...context, refused: result.code, expectedToSucceed: expected !== undefined }).toEqual({ ...context, refused: result.code, expectedToSucceed: false });
      expect(events).toEqual([]);
      expect(net.ledger.blockHeight).toBe(height);
      const after = await observe(net);
      expect(after).toEqual(observed);
      checkInvariants(after, model, ids);
      continue;
    }
    expect({ ...context, committed: true, expectedToSucceed: expected !== undefined }).toEqual({ ...context, committed: true, expectedToSucceed: true });
    expect(events).toHaveLength(1);
    expect(net.ledger.blockHeight).toBe(height + 1n);
    model = expected!;
    if (o.kind === 'create') model.escrows[model.escrows.length - 1].id = result.value.id;
    if (o.kind === 'create' && o.acceptBy === 'soon') expect(Date.parse(result.value.acceptBy)).toBeGreaterThan(Date.parse(result.value.createdAt));
    observed = await observe(net);
    checkInvariants(observed, model, ids);
  }
}

test('money is conserved and refusals change nothing under random operation sequences', async () => {
  // Normal runs take ~12 s.
  await assertSequences(op, { minLength: 30, maxLength: 60, numRuns: 25, budgetMs: 40_000 }, () => testNetwork({ threshold: THRESHOLD }), run);
}, 120_000);
