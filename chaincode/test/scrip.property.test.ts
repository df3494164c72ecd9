import fc from 'fast-check';
import { TestNetwork, UserName } from './network';
import { assertSequences } from './property';
import { BROKER, Held, SwapSpec, VENDOR_A, VENDOR_B, buildSwap, outstanding, scripNetwork, totalValue } from './scrip-fixture';

/**
 * Property (issue 12): random sequences of the flows of seeds/001 s. 6.1-6.7 (buy, convert,
 * purchase, top-ups, withdrawals) by two customers, with some double spends, broken sums and
 * purchases beyond a balance. A small reference model says what each step must do. After every
 * step:
 * - the ledger agrees with the model: every balance, every series' outstanding value;
 * - Σ balances + Σ held + Σ outstanding is constant (only mint and withdraw change it);
 * - Σ outstanding over series = Σ value of the unspent scrip the model holds;
 * - a refused step commits nothing; spending a spent serial is DOUBLE_SPEND;
 * and at the end every serial the model spent reads as spent, every one it holds as unspent.
 */

const CUSTOMERS = ['alice', 'bank'] as const;
type Customer = (typeof CUSTOMERS)[number];
const VENDORS: Record<'A' | 'B', { user: UserName; series: string }> = { A: { user: VENDOR_A, series: 'va1' }, B: { user: VENDOR_B, series: 'vb1' } };
const FEE = { b1: 2n, va1: 1n, vb1: 1n } as Record<string, bigint>;

type Op =
  | { kind: 'buy'; customer: Customer; value: number }
  | { kind: 'convert'; pick: number; vendor: 'A' | 'B'; frac: number }
  | { kind: 'purchase'; pick: number; frac: number }
  | { kind: 'topup-broker'; pick: number; customer: Customer; add: number }
  | { kind: 'topup-vendor'; pick: number; with: number; frac: number }
  | { kind: 'withdraw'; pick: number; customer: Customer; broker: boolean }
  | { kind: 'double-spend'; pick: number }
  | { kind: 'bad-sum'; pick: number };

const frac = fc.integer({ min: 0, max: 1000 }).map((n) => n / 1000);
const customer = fc.constantFrom<Customer>(...CUSTOMERS);
const op: fc.Arbitrary<Op> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('buy' as const), customer, value: fc.oneof(fc.integer({ min: 1, max: 3000 }), fc.constant(20_000)) }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('convert' as const), pick: fc.nat(), vendor: fc.constantFrom<'A' | 'B'>('A', 'B'), frac }) },
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('purchase' as const), pick: fc.nat(), frac }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('topup-broker' as const), pick: fc.nat(), customer, add: fc.integer({ min: 1, max: 2000 }) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('topup-vendor' as const), pick: fc.nat(), with: fc.nat(), frac }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('withdraw' as const), pick: fc.nat(), customer, broker: fc.boolean() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('double-spend' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('bad-sum' as const), pick: fc.nat() }) },
);

interface Model {
  balances: Record<UserName, bigint>;
  live: Held[];
  spent: Held[];
}

const isBroker = (h: Held) => h.series === 'b1';
const vendorOf = (h: Held) => (h.series === 'va1' ? VENDORS.A : VENDORS.B);
const pickFrom = <T>(list: T[], n: number): T | undefined => (list.length === 0 ? undefined : list[n % list.length]);
const part = (total: bigint, f: number) => BigInt(Math.floor(Number(total) * f));

/** A step resolved against the model: who submits what, and what must come of it. */
interface Step {
  as: UserName;
  spec: SwapSpec;
  expect: 'ok' | 'DOUBLE_SPEND' | 'INVALID_ARGUMENT' | 'INSUFFICIENT_FUNDS';
}

/** The swap an op means in the model's state; undefined when it has nothing to act on. */
function resolve(m: Model, o: Op): Step | undefined {
  const brokers = m.live.filter(isBroker);
  const vendors = m.live.filter((h) => !isBroker(h));
  switch (o.kind) {
    case 'buy': {
      const cost = BigInt(o.value) + FEE.b1;
      return { as: BROKER, spec: { flow: 'buy', moneyIn: [[o.customer, cost]], scripOut: [{ series: 'b1', value: o.value }], fee: FEE.b1, consent: [o.customer] }, expect: m.balances[o.customer] >= cost ? 'ok' : 'INSUFFICIENT_FUNDS' };
    }
    case 'convert': {
      const b = pickFrom(brokers, o.pick);
      const series = VENDORS[o.vendor].series;
      if (!b || b.value < 2n) return undefined;
      let value = 1n + part(b.value - 4n, o.frac);
      const change = b.value - value - FEE[series] - FEE.b1;
      if (change <= 0n) value = b.value - FEE[series];
      const scripOut = [{ series, value }, ...(change > 0n ? [{ series: 'b1', value: change }] : [])];
      return { as: BROKER, spec: { flow: 'convert', scripIn: [b], scripOut, fee: FEE[series] + (change > 0n ? FEE.b1 : 0n) }, expect: 'ok' };
    }
    case 'purchase': {
      const s = pickFrom(vendors, o.pick);
      if (!s) return undefined;
      const vendor = vendorOf(s);
      const price = 1n + part(s.value - 1n, o.frac);
      const change = s.value - price - FEE[s.series];
      const spec: SwapSpec =
        change > 0n
          ? { flow: 'purchase', scripIn: [s], moneyOut: [[vendor.user, price]], scripOut: [{ series: s.series, value: change }], fee: FEE[s.series] }
          : { flow: 'purchase', scripIn: [s], moneyOut: [[vendor.user, s.value]], fee: 0 };
      return { as: vendor.user, spec, expect: 'ok' };
    }
    case 'topup-broker': {
      const b = pickFrom(brokers, o.pick);
      if (!b || b.value + BigInt(o.add) <= FEE.b1) return undefined;
      const spec: SwapSpec = { flow: 'topup-broker', scripIn: [b], moneyIn: [[o.customer, o.add]], scripOut: [{ series: 'b1', value: b.value + BigInt(o.add) - FEE.b1 }], fee: FEE.b1, consent: [o.customer] };
      return { as: BROKER, spec, expect: m.balances[o.customer] >= BigInt(o.add) ? 'ok' : 'INSUFFICIENT_FUNDS' };
    }
    case 'topup-vendor': {
      const b = pickFrom(brokers, o.pick);
      const s = pickFrom(vendors, o.with);
      if (!b || !s) return undefined;
      const vendor = vendorOf(s);
      const inValue = b.value + s.value;
      if (inValue < 2n) return undefined;
      let value = 1n + part(inValue - 4n, o.frac);
      const change = inValue - value - FEE[s.series] - FEE.b1;
      if (change <= 0n) value = inValue - FEE[s.series];
      const scripOut = [{ series: s.series, value }, ...(change > 0n ? [{ series: 'b1', value: change }] : [])];
      return { as: vendor.user, spec: { flow: 'topup-vendor', scripIn: [b, s], scripOut, fee: FEE[s.series] + (change > 0n ? FEE.b1 : 0n), consent: [BROKER] }, expect: 'ok' };
    }
    case 'withdraw': {
      const h = pickFrom(o.broker ? brokers : vendors, o.pick);
      if (!h) return undefined;
      const as = isBroker(h) ? BROKER : vendorOf(h).user;
      return { as, spec: { flow: isBroker(h) ? 'withdraw-broker' : 'withdraw-vendor', scripIn: [h], moneyOut: [[o.customer, h.value]], fee: 0 }, expect: 'ok' };
    }
    case 'double-spend': {
      const h = pickFrom(m.spent, o.pick);
      if (!h) return undefined;
      const as = isBroker(h) ? BROKER : vendorOf(h).user;
      return { as, spec: { flow: isBroker(h) ? 'withdraw-broker' : 'withdraw-vendor', scripIn: [h], moneyOut: [['alice', h.value]], fee: 0 }, expect: 'DOUBLE_SPEND' };
    }
    case 'bad-sum': {
      const h = pickFrom(m.live, o.pick);
      if (!h) return undefined;
      const as = isBroker(h) ? BROKER : vendorOf(h).user;
      return { as, spec: { flow: isBroker(h) ? 'withdraw-broker' : 'withdraw-vendor', scripIn: [h], moneyOut: [['alice', h.value + 1n]], fee: 0 }, expect: 'INVALID_ARGUMENT' };
    }
  }
}

/** The model after a successful step: money moved, fees paid, scrip spent and issued. */
function applied(m: Model, spec: SwapSpec, issued: Held[]): Model {
  const balances = { ...m.balances };
  for (const [u, a] of spec.moneyIn ?? []) balances[u] -= BigInt(a);
  for (const [u, a] of spec.moneyOut ?? []) balances[u] += BigInt(a);
  for (const o of spec.scripOut ?? []) {
    const issuer = o.series === 'b1' ? BROKER : o.series === 'va1' ? VENDOR_A : VENDOR_B;
    balances[issuer] += FEE[o.series];
  }
  const spent = spec.scripIn ?? [];
  return { balances, live: [...m.live.filter((h) => !spent.includes(h)), ...issued], spent: [...m.spent, ...spent] };
}

async function check(net: TestNetwork, m: Model, total: bigint): Promise<void> {
  for (const u of ['alice', 'bank', BROKER, VENDOR_A, VENDOR_B] as UserName[]) {
    expect({ u, balance: BigInt((await net.evaluate(u, 'accounts:getOwnAccount')).balance) }).toEqual({ u, balance: m.balances[u] });
  }
  const reserves = await outstanding(net, ['b1', 'va1', 'vb1']);
  const held = (series: string) => m.live.filter((h) => h.series === series).reduce((s, h) => s + h.value, 0n);
  expect(reserves).toEqual({ b1: held('b1'), va1: held('va1'), vb1: held('vb1') });
  expect(await totalValue(net)).toBe(total);
}

test('scrip flows conserve money plus outstanding scrip, and never spend a serial twice', async () => {
  await assertSequences(
    op,
    { minLength: 4, maxLength: 25, numRuns: 20, budgetMs: 90_000 },
    async () => {
      const net = await scripNetwork();
      await net.submit('bank', 'accounts:mint', net.account.bank, '10000');
      return net;
    },
    async (net, ops) => {
      const balances = {} as Record<UserName, bigint>;
      for (const u of ['alice', 'bank', BROKER, VENDOR_A, VENDOR_B] as UserName[]) balances[u] = BigInt((await net.evaluate(u, 'accounts:getOwnAccount')).balance);
      let model: Model = { balances, live: [], spent: [] };
      const total = await totalValue(net);
      for (const o of ops) {
        const step = resolve(model, o);
        if (!step) continue;
        const built = buildSwap(net, step.spec);
        if (step.expect === 'ok') {
          await net.submit(step.as, 'scrip:swap', ...built.args);
          model = applied(model, step.spec, built.issued);
        } else {
          const height = net.ledger.blockHeight;
          expect({ o, code: await net.refusal(step.as, 'scrip:swap', ...built.args) }).toEqual({ o, code: step.expect });
          expect(net.ledger.blockHeight).toBe(height);
        }
        await check(net, model, total);
      }
      for (const h of model.spent) expect((await net.evaluate('bank', 'scrip:getScrip', h.serial)).status).toBe('spent');
      for (const h of model.live) expect((await net.evaluate('bank', 'scrip:getScrip', h.serial)).status).toBe('unspent');
    },
  );
}, 180_000);
