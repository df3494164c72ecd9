import fc from 'fast-check';
import { TestNetwork, UserName } from './network';
import { withEvents } from './helpers';
import { assertSequences } from './property';
import { Mpc, Tpc, fundedNetwork, mpcBytes, mpcStateArg, openRequest, signBytes, stateArg, tpcBytes } from './channels-fixture';

/**
 * Property: random sequences of channel operations (open, checkpoint, cooperative close, start
 * close, challenge, settle, open/update/close multiparty, plus account transfers) by random users,
 * each either built to be valid against the current ledger state or spoiled in one way (forged
 * signature, old version, non-conserving or overdrawing balances, outsider caller, busy channel).
 * After every step:
 * - sum over accounts of balance + held, plus the totals of OPEN and CLOSING channels, equals
 *   everything minted (40 000): money is neither created nor lost;
 * - every channel's balances (and registered closing balances) are non-negative and sum to its total;
 * - a channel is busy exactly when an OPEN multiparty channel lists it;
 * - the ledger accepts exactly the operations the rules allow, with one event; a refused one
 *   commits nothing and changes nothing.
 */

const USERS = ['alice', 'bob', 'carol', 'dave'] as const;
type User = (typeof USERS)[number];
const OUTSIDER: UserName = 'bank';
const MINTED = 40_000n;

type Corrupt = 'none' | 'forge' | 'old' | 'nonConserving' | 'overdraw' | 'outsider';
type ChannelKind = 'checkpoint' | 'closeChannel' | 'startClose' | 'challengeClose';
type Op =
  | { kind: 'open'; a: number; b: number; deposits: [number, number]; corrupt: Corrupt }
  | { kind: ChannelKind; pick: number; delta: number; step: number; who: number; corrupt: Corrupt }
  | { kind: 'settle'; pick: number; who: number }
  | { kind: 'openMultiparty'; picks: number[]; who: number; corrupt: Corrupt }
  | { kind: 'updateMultiparty' | 'closeMultiparty'; pick: number; deltas: number[]; step: number; who: number; corrupt: Corrupt }
  | { kind: 'transfer'; from: number; to: number; amount: number };

const corrupt = fc.constantFrom<Corrupt>(...(Array(10).fill('none') as Corrupt[]), 'forge', 'old', 'nonConserving', 'overdraw', 'outsider');
const small = fc.integer({ min: 0, max: 1000 });
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('open' as const), a: fc.nat(3), b: fc.nat(2), deposits: fc.tuple(fc.integer({ min: 0, max: 400 }), fc.integer({ min: 0, max: 400 })), corrupt }) },
  ...(['checkpoint', 'closeChannel', 'startClose', 'challengeClose'] as const).map((kind) => ({
    weight: kind === 'checkpoint' ? 5 : 2,
    arbitrary: fc.record({ kind: fc.constant(kind), pick: small, delta: fc.integer({ min: -300, max: 300 }), step: fc.nat(3), who: fc.nat(7), corrupt }),
  })),
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('settle' as const), pick: small, who: fc.nat(4) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('openMultiparty' as const), picks: fc.array(small, { minLength: 2, maxLength: 3 }), who: fc.nat(7), corrupt }) },
  ...(['updateMultiparty', 'closeMultiparty'] as const).map((kind) => ({
    weight: kind === 'updateMultiparty' ? 4 : 2,
    arbitrary: fc.record({ kind: fc.constant(kind), pick: small, deltas: fc.array(fc.integer({ min: -60, max: 60 }), { minLength: 3, maxLength: 3 }), step: fc.nat(3), who: fc.nat(7), corrupt }),
  })),
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('transfer' as const), from: fc.nat(3), to: fc.nat(3), amount: fc.integer({ min: 1, max: 3000 }) }) },
);

// ---------------------------------------------------------------- observing the ledger

interface Observed {
  accounts: Record<string, { balance: bigint; held: bigint }>;
  channels: Map<string, any>;
  multiparties: Map<string, any>;
}

async function observe(net: TestNetwork): Promise<Observed> {
  const accounts: Observed['accounts'] = {};
  const channels = new Map<string, any>();
  const multiparties = new Map<string, any>();
  for (const u of [...USERS, OUTSIDER]) {
    const a = await net.evaluate(u, 'accounts:getOwnAccount');
    accounts[u] = { balance: BigInt(a.balance), held: BigInt(a.held) };
    const cs = await net.evaluate(u, 'channels:listChannels', '100', '');
    const ms = await net.evaluate(u, 'channels:listMultiparties', '100', '');
    expect([cs.bookmark, ms.bookmark]).toEqual(['', '']);
    for (const c of cs.records) channels.set(c.id, c);
    for (const m of ms.records) multiparties.set(m.id, m);
  }
  return { accounts, channels, multiparties };
}

function checkInvariants(o: Observed): void {
  let total = 0n;
  for (const a of Object.values(o.accounts)) {
    expect(a.balance >= 0n && a.held >= 0n).toBe(true);
    total += a.balance + a.held;
  }
  for (const c of o.channels.values()) {
    const sum = (b: string[]) => BigInt(b[0]) + BigInt(b[1]);
    expect(c.balances.every((b: string) => BigInt(b) >= 0n)).toBe(true);
    expect(sum(c.balances)).toBe(BigInt(c.total));
    if (c.closing) expect(sum(c.closing.balances)).toBe(BigInt(c.total));
    if (c.status !== 'CLOSED') total += BigInt(c.total);
    const owner = [...o.multiparties.values()].find((m) => m.status === 'OPEN' && m.channels.includes(c.id));
    expect({ channel: c.id, busy: c.busy }).toEqual({ channel: c.id, busy: owner ? owner.id : null });
  }
  expect(total).toBe(MINTED);
}

// ---------------------------------------------------------------- building a step

interface Step {
  by: UserName;
  fn: string;
  args: string[];
  /** Whether the rules accept it, judged from the observed state before it. */
  valid: boolean;
}

const shift = (b: [bigint, bigint], d: bigint): [bigint, bigint] => [b[0] - d, b[1] + d];
const clampShift = (b: [bigint, bigint], d: bigint): [bigint, bigint] => {
  const bounded = d > b[0] ? b[0] : d < -b[1] ? -b[1] : d;
  return shift(b, bounded);
};
const pair = (b: string[]): [bigint, bigint] => [BigInt(b[0]), BigInt(b[1])];

function build(net: TestNetwork, o: Observed, op: Op, counter: { n: number }): Step {
  const userOf = new Map(USERS.map((u) => [net.account[u], u]));
  const channels = [...o.channels.values()];
  switch (op.kind) {
    case 'transfer': {
      const [from, to] = [USERS[op.from], USERS[op.to]];
      return { by: from, fn: 'accounts:transfer', args: [net.account[to], String(op.amount)], valid: from !== to && o.accounts[from].balance >= BigInt(op.amount) };
    }
    case 'open': {
      const a = USERS[op.a];
      const b = USERS[(op.a + 1 + op.b) % 4];
      const deposits: [number, number] = op.deposits[0] + op.deposits[1] === 0 ? [1, 0] : [op.deposits[0], op.deposits[1]];
      let id = `c${counter.n++}`;
      let by: UserName = op.corrupt === 'outsider' ? OUTSIDER : a;
      if (op.corrupt === 'old' && channels.length > 0) id = channels[op.a % channels.length].id; // id taken
      if (op.corrupt === 'overdraw') deposits[0] = Number(o.accounts[a].balance) + 1;
      let request = openRequest(net, id, [a, b], deposits);
      if (op.corrupt === 'forge') {
        const body = JSON.parse(request);
        body.signatures[1] = signBytes(net, a, tpcBytes(id, { version: 0, balances: deposits }));
        request = JSON.stringify(body);
      }
      if (op.corrupt === 'nonConserving') by = b; // a valid variant: the other party submits
      const funded = o.accounts[a].balance >= BigInt(deposits[0]) && o.accounts[b].balance >= BigInt(deposits[1]);
      const spoiled = op.corrupt === 'forge' || op.corrupt === 'outsider' || op.corrupt === 'overdraw' || (op.corrupt === 'old' && channels.length > 0);
      return { by, fn: 'channels:openChannel', args: [request], valid: funded && !spoiled };
    }
    case 'settle': {
      const c = channels[op.pick % Math.max(channels.length, 1)];
      // the challenge period (1 hour) never ends within a run: settling is always refused
      return { by: [...USERS, OUTSIDER][op.who % 5], fn: 'channels:settle', args: [c?.id ?? 'zz'], valid: false };
    }
    case 'checkpoint':
    case 'closeChannel':
    case 'startClose':
    case 'challengeClose': {
      // mostly channels not yet closed; sometimes any channel
      const live = channels.filter((x) => x.status !== 'CLOSED');
      const pool = op.pick % 4 !== 0 && live.length > 0 ? live : channels;
      const c = pool[op.pick % Math.max(pool.length, 1)];
      if (!c) return { by: 'alice', fn: `channels:${op.kind}`, args: ['zz', stateArg({ version: 1, balances: [1, 1] }), '[]'], valid: false };
      const parties = c.parties.map((p: string) => userOf.get(p)!) as [User, User];
      const closing = c.status === 'CLOSING' && c.closing;
      const base = { version: closing ? c.closing.version : c.version, balances: pair(closing ? c.closing.balances : c.balances) };
      // newer (by 1 or 2) for checkpoint and challenge; for close and startClose sometimes the same state
      const mustIncrease = op.kind === 'checkpoint' || op.kind === 'challengeClose';
      const bump = mustIncrease ? 1 + (op.step % 2) : op.step % 2;
      // closeChannel needs a final state; startClose and challengeClose take either kind
      const final = op.kind === 'closeChannel' || (op.kind !== 'checkpoint' && op.step === 3);
      let s: Tpc = { version: base.version + bump, balances: bump === 0 ? base.balances : clampShift(base.balances, BigInt(op.delta)), final };
      const total = BigInt(c.total);
      if (op.corrupt === 'old') {
        s = mustIncrease
          ? { ...s, version: base.version, balances: base.balances }
          : base.version > 0
            ? { ...s, version: base.version - 1, balances: base.balances }
            : { ...s, version: 0, balances: base.balances[0] > 0n ? shift(base.balances, 1n) : shift(base.balances, -1n) };
      }
      if (op.corrupt === 'nonConserving') s = { ...s, balances: [BigInt(s.balances[0]) + 1n, s.balances[1]] };
      if (op.corrupt === 'overdraw') s = { ...s, balances: [-1n, total + 1n] };
      const signers: UserName[] = op.corrupt === 'forge' ? [parties[0], USERS.find((u) => !parties.includes(u))!] : parties;
      const signatures = JSON.stringify(signers.map((u) => signBytes(net, u, tpcBytes(c.id, s))));
      const outsiders = [...USERS.filter((u) => !parties.includes(u)), OUTSIDER];
      const by: UserName = op.corrupt === 'outsider' ? outsiders[op.who % outsiders.length] : parties[op.who % 2];
      const rules: Record<ChannelKind, boolean> = {
        checkpoint: c.status === 'OPEN' && c.busy === null,
        closeChannel: c.status !== 'CLOSED' && c.busy === null,
        startClose: c.status === 'OPEN' && c.busy === null,
        challengeClose: c.status === 'CLOSING',
      };
      // a watchtower (outsider) may challenge; nobody else outside the channel may act on it
      const spoiled = op.corrupt !== 'none' && !(op.corrupt === 'outsider' && op.kind === 'challengeClose');
      return { by, fn: `channels:${op.kind}`, args: [c.id, stateArg(s), signatures], valid: rules[op.kind] && !spoiled };
    }
    case 'openMultiparty': {
      // mostly channels that may join (OPEN, idle); sometimes any channel
      const idle = channels.filter((c) => c.status === 'OPEN' && c.busy === null);
      const pool = op.picks[0] % 4 !== 0 && idle.length >= 2 ? idle : channels;
      const picked = [...new Set(op.picks.map((p) => pool[p % Math.max(pool.length, 1)]).filter((c) => c))];
      const ids = picked.map((c) => c.id).sort();
      const members = new Set(picked.flatMap((c) => c.parties.map((p: string) => userOf.get(p)!)));
      const parties = USERS.filter((u) => members.has(u));
      const id = `m${counter.n++}`;
      const opening: Mpc = { version: 0, channels: [...picked].sort((x, y) => (x.id < y.id ? -1 : 1)).map((c) => ({ channel: c.id, version: c.version, balances: c.balances })) };
      const signatures: Record<string, string> = {};
      parties.forEach((u, i) => {
        const key = op.corrupt === 'forge' && i === parties.length - 1 ? parties[0] : u;
        signatures[net.account[u]] = signBytes(net, key, mpcBytes(id, opening));
      });
      const by: UserName = op.corrupt === 'outsider' || parties.length === 0 ? OUTSIDER : parties[op.who % parties.length];
      const request = JSON.stringify({ id, parties: parties.map((u) => net.account[u]), channels: ids, signatures });
      const fine = picked.length >= 2 && picked.every((c) => c.status === 'OPEN' && c.busy === null);
      return { by, fn: 'channels:openMultiparty', args: [request], valid: fine && (op.corrupt === 'none' || op.corrupt === 'old' || op.corrupt === 'nonConserving' || op.corrupt === 'overdraw') };
    }
    case 'updateMultiparty':
    case 'closeMultiparty': {
      const all = [...o.multiparties.values()];
      const open = all.filter((m) => m.status === 'OPEN');
      const pool = op.pick % 5 !== 0 && open.length > 0 ? open : all;
      const m = pool[op.pick % Math.max(pool.length, 1)];
      if (!m) return { by: 'alice', fn: `channels:${op.kind}`, args: ['zz', mpcStateArg({ version: 1, channels: [] }), '{}'], valid: false };
      const parties = m.parties.map((p: string) => userOf.get(p)!) as User[];
      const close = op.kind === 'closeMultiparty';
      const keep = close && op.step % 2 === 0; // close with the stored states
      let s: Mpc = {
        version: keep ? m.version : m.version + 1 + (op.step % 2),
        final: close,
        channels: m.states.map((st: any, i: number) => {
          const b = pair(st.balances);
          return keep ? { channel: st.channel, version: st.version, balances: b } : { channel: st.channel, version: st.version + 1, balances: shift(b, BigInt(op.deltas[i % 3])) };
        }),
      };
      if (op.corrupt === 'old') s = { ...s, version: close ? m.version - 1 : m.version };
      if (op.corrupt === 'nonConserving') s = { ...s, channels: s.channels.map((c, i) => (i === 0 ? { ...c, balances: [BigInt(c.balances[0]) + 1n, c.balances[1]] } : c)) };
      if (op.corrupt === 'overdraw') s = { ...s, channels: s.channels.map((c, i) => (i === 0 ? { ...c, balances: [-1n, BigInt(c.balances[0]) + BigInt(c.balances[1]) + 1n] } : c)) };
      const signatures: Record<string, string> = {};
      parties.forEach((u, i) => {
        const key = op.corrupt === 'forge' && i === 0 ? parties[1] : u;
        signatures[net.account[u]] = signBytes(net, key, mpcBytes(m.id, s));
      });
      const by: UserName = op.corrupt === 'outsider' ? OUTSIDER : parties[op.who % parties.length];
      const nonNegative = s.channels.every((c) => BigInt(c.balances[0]) >= 0n && BigInt(c.balances[1]) >= 0n);
      return { by, fn: `channels:${op.kind}`, args: [m.id, mpcStateArg(s), JSON.stringify(signatures)], valid: m.status === 'OPEN' && nonNegative && op.corrupt === 'none' };
    }
  }
}

// ---------------------------------------------------------------- running

/** Channels every run starts with, so multiparty operations have members from the first step. */
const SEED_CHANNELS: [string, User, User][] = [
  ['s1', 'alice', 'carol'],
  ['s2', 'bob', 'carol'],
  ['s3', 'dave', 'carol'],
  ['s4', 'alice', 'bob'],
];

async function run(net: TestNetwork, ops: Op[]): Promise<void> {
  for (const [id, a, b] of SEED_CHANNELS) await net.submit(a, 'channels:openChannel', openRequest(net, id, [a, b], [200, 200]));
  let observed = await observe(net);
  checkInvariants(observed);
  const counter = { n: 0 };
  for (const o of ops) {
    const step = build(net, observed, o, counter);
    const height = net.ledger.blockHeight;
    const { result, events } = await withEvents(net, async () => {
      try {
        await net.submit(step.by, step.fn, ...step.args);
        return { ok: true as boolean, code: undefined as string | undefined };
      } catch (err) {
        if (err instanceof Error && err.name === 'ChaincodeError') return { ok: false, code: (err as { code?: string }).code };
        throw err;
      }
    });
    const context = { op: o, by: step.by, fn: step.fn };
    expect({ ...context, ok: result.ok, code: result.code }).toEqual({ ...context, ok: step.valid, code: result.code });
    const after = await observe(net);
    if (result.ok) {
      expect(events).toHaveLength(1);
      expect(net.ledger.blockHeight).toBe(height + 1n);
    } else {
      expect(events).toEqual([]);
      expect(net.ledger.blockHeight).toBe(height);
      expect(after).toEqual(observed);
    }
    checkInvariants(after);
    observed = after;
  }
}

test('channel operations conserve money, keep busy flags consistent, and refusals change nothing', async () => {
  await assertSequences(op, { minLength: 25, maxLength: 45, numRuns: 16, budgetMs: 15_000 }, fundedNetwork, run);
}, 60_000);
