import fc from 'fast-check';
import { ChannelGraph, type ChannelInfo, type RoutePart, type RouteResult, ratio, routeByWeight, routeMultipath } from '../src/channels/routing';

/** Channel shorthand: [id, a, b, b_ab, b_ba]. */
type Spec = [string, string, string, number, number];
const graphOf = (specs: Spec[]) => new ChannelGraph(specs.map(([id, a, b, x, y]): ChannelInfo => ({ id, a, b, balanceA: BigInt(x), balanceB: BigInt(y) })));
const nodesOf = (part: RoutePart) => [part.path[0].from, ...part.path.map((h) => h.to)];
const channelsOf = (part: RoutePart) => part.path.map((h) => h.channel);
function parts(r: RouteResult): readonly RoutePart[] {
  if (!r.ok) throw new Error(`expected a route, got ${r.reason}: ${r.detail}`);
  return r.parts;
}
const sum = (ps: readonly RoutePart[]) => ps.reduce((s, p) => s + p.amount, 0n);
/** Channels along each route 'S-A-B' (ids from the lower-cased ends: sa, ab), all with balances [b_ab, b_ba]. */
const chains = ([x, y]: [number, number], ...routes: string[]): Spec[] =>
  routes.flatMap((route) => {
    const ns = route.split('-');
    return ns.slice(1).map((b, i): Spec => [`${ns[i]}${b}`.toLowerCase(), ns[i], b, x, y]);
  });
/** Two 2-hop routes S→T: via X (channels sx, xt) and via Y (sy, yt). */
const twoRoutes = (x: [number, number], y: [number, number]): Spec[] => chains(x, 'S-X-T').concat(chains(y, 'S-Y-T'));

/**
 *      A ---ab(30|10)--- B ---bd(20|20)--- D
 *       \               /
 *      ac(5|5)     bc(10|0)
 *         \         /
 *             C
 */
const diamond = (): Spec[] => [
  ['ab', 'A', 'B', 30, 10],
  ['ac', 'A', 'C', 5, 5],
  ['bc', 'B', 'C', 10, 0],
  ['bd', 'B', 'D', 20, 20],
];

describe('the paper weights (formulas 16-18)', () => {
  /** Exact for whole numbers (0 and 1 must come out exactly), within 1e-12 otherwise. */
  const expectNear = (actual: number, expected: number) => (Number.isInteger(expected) ? expect(actual).toBe(expected) : expect(actual).toBeCloseTo(expected, 12));

  test.each([
    // ab: total 40; common neighbour C with A–C total 10 and B–C total 10.
    ['ab', 40 / 60, 20 / 40, 0.5 * (1 - 40 / 60) + 0.5 * 0.5], // W 5/12
    // ac: total 10; common neighbour B with A–B 40 and C–B 10.
    ['ac', 10 / 60, 0, 0.5 * (5 / 6)],
    // bc: total 10, all on B's side; common neighbour A with B–A 40 and C–A 10.
    ['bc', 10 / 60, 1, 0.5 * (5 / 6) + 0.5],
    // bd: no common neighbour, balanced: Dist 1, Bal 0, W 0.
    ['bd', 1, 0, 0],
  ])('Dist, Bal and W of %s match hand-computed values', (id, dist, bal, weight) => {
    const g = graphOf(diamond());
    expectNear(g.dist(id), dist);
    expectNear(g.bal(id), bal);
    expectNear(g.weight(id), weight);
  });

  test('k1 and k2 are configurable', () => {
    const g = graphOf(diamond());
    expect(g.weight('ab', { k1: 1, k2: 2 })).toBeCloseTo(1 / 3 + 2 * 0.5, 12);
    expect(g.weight('ab', { k1: 1, k2: 0 })).toBeCloseTo(1 / 3, 12);
    expect(g.weight('bc', { k1: 0, k2: 1 })).toBe(1);
  });

  test('W is symmetric in direction; Bal changes with payments, Dist does not', () => {
    const g = graphOf(diamond());
    const before = g.dist('ab');
    g.apply({ ok: true, amount: 10n, parts: [{ amount: 10n, path: [{ channel: 'ab', from: 'B', to: 'A' }] }] }, 'B', 'A');
    expect(g.channel('ab')).toMatchObject({ balanceA: 40n, balanceB: 0n });
    expect(g.bal('ab')).toBe(1);
    expect(g.dist('ab')).toBe(before);
  });

  test('parallel channels to a common neighbour count together; an empty channel has Bal 1', () => {
    const g = graphOf([
      ['ij', 'i', 'j', 0, 0],
      ['ik1', 'i', 'k', 3, 2],
      ['ik2', 'i', 'k', 1, 4],
      ['jk', 'j', 'k', 6, 4],
    ]);
    expect(g.pairCapacity('i', 'k')).toBe(4n);
    expect(g.pairCapacity('k', 'i')).toBe(6n);
    expect(g.dist('ij')).toBe(0); // 0 / (0 + 10 + 10)
    expect(g.bal('ij')).toBe(1);
    expect(g.dist('jk')).toBeCloseTo(10 / (10 + 0 + 10), 12); // common neighbour i: j–i 0, k–i 10
  });

  test('adding, resizing and removing channels refreshes Dist', () => {
    const g = graphOf([
      ['ij', 'i', 'j', 5, 5],
      ['ik', 'i', 'k', 5, 5],
    ]);
    expect(g.dist('ij')).toBe(1);
    g.addChannel({ id: 'jk', a: 'j', b: 'k', balanceA: 5n, balanceB: 5n });
    expect(g.dist('ij')).toBeCloseTo(10 / 30, 12);
    g.setBalances('jk', 25n, 5n);
    expect(g.dist('ij')).toBeCloseTo(10 / 50, 12);
    g.removeChannel('jk');
    expect(g.dist('ij')).toBe(1);
    expect(() => g.channel('jk')).toThrow('unknown channel');
  });

  test('ratio stays exact enough for very large balances', () => {
    expect(ratio(1n << 200n, 3n << 200n)).toBeCloseTo(1 / 3, 12);
    expect(ratio(5n, 0n)).toBe(0);
  });
});

describe('path choice', () => {
  test('the W router takes the path of least ΣW among paths that can carry the amount', () => {
    const g = graphOf(twoRoutes([50, 50], [80, 20]));
    expect(nodesOf(parts(routeByWeight(g, 'S', 'T', 10n))[0])).toEqual(['S', 'X', 'T']); // W 0 vs 0.3 per hop
    expect(nodesOf(parts(routeByWeight(g, 'S', 'T', 60n))[0])).toEqual(['S', 'Y', 'T']); // only Y has 60
  });

  test('W ties go to the path with fewer hops', () => {
    // Every channel balanced and without common neighbours: W = 0 everywhere.
    const g = graphOf(chains([9, 9], 'S-P-Q-T', 'S-R-T'));
    expect(nodesOf(parts(routeByWeight(g, 'S', 'T', 5n))[0])).toEqual(['S', 'R', 'T']);
  });

  test('our router looks at the payment direction: it prefers hops the payment moves toward balance', () => {
    // Via Y the channels hold 80 on the payer's side: paying 10 moves them toward 50/50.
    const g = graphOf(twoRoutes([50, 50], [80, 20]));
    expect(nodesOf(parts(routeMultipath(g, 'S', 'T', 10n))[0])).toEqual(['S', 'Y', 'T']);
    // The W router, blind to direction, picks the balanced X route that the payment unbalances.
    expect(nodesOf(parts(routeByWeight(g, 'S', 'T', 10n))[0])).toEqual(['S', 'X', 'T']);
  });

  test('our router prefers fewer hops over balance', () => {
    const g = graphOf([['st', 'S', 'T', 10, 90], ...chains([90, 10], 'S-A-B-T')]);
    expect(channelsOf(parts(routeMultipath(g, 'S', 'T', 5n))[0])).toEqual(['st']);
  });

  test('a route never uses a hop without enough balance in its direction', () => {
    const g = graphOf([...chains([100, 0], 'S-A'), ['at', 'A', 'T', 0, 100] /* A cannot pay T */, ...chains([100, 0], 'S-B-C-T')]);
    for (const r of [routeByWeight(g, 'S', 'T', 10n), routeMultipath(g, 'S', 'T', 10n)]) {
      expect(nodesOf(parts(r)[0])).toEqual(['S', 'B', 'C', 'T']);
    }
  });
});

describe('multipath splitting', () => {
  test('an amount no single path can carry is split across paths', () => {
    const g = graphOf(twoRoutes([6, 0], [6, 0]));
    const w = routeByWeight(g, 'S', 'T', 10n);
    expect(w).toMatchObject({ ok: false, reason: 'INSUFFICIENT_CAPACITY' });
    const r = routeMultipath(g, 'S', 'T', 10n);
    const ps = parts(r);
    expect(ps).toHaveLength(2);
    expect(sum(ps)).toBe(10n);
    for (const p of ps) expect(p.amount <= 6n).toBe(true);
    expect(new Set(ps.map((p) => nodesOf(p).join('>')))).toEqual(new Set(['S>X>T', 'S>Y>T']));
    expect(g.check(r as { parts: readonly RoutePart[] }, 'S', 'T')).toBeNull();
  });

  test('the flow undoes an earlier augmentation when that is the only way to reach the amount', () => {
    // Shortest first path S-A-B-T blocks B→T; the maximum flow 2 needs S-A-E-F-T and S-C-X-B-T.
    const g = graphOf(chains([1, 0], 'S-A-B-T', 'S-C-X-B', 'A-E-F-T'));
    const ps = parts(routeMultipath(g, 'S', 'T', 2n));
    expect(ps.map((p) => nodesOf(p).join('>')).sort()).toEqual(['S>A>E>F>T', 'S>C>X>B>T']);
    expect(ps.every((p) => p.amount === 1n)).toBe(true);
  });

  test('when the cheapest split has too many parts, fewer and wider parts are tried', () => {
    // Three short paths of 1 and one long path of 10; 11 needs a split.
    const g = graphOf([...chains([1, 0], 'S-M1-T', 'S-M2-T', 'S-M3-T'), ...chains([10, 0], 'S-L1-L2-L3-T')]);
    const cheapest = parts(routeMultipath(g, 'S', 'T', 11n));
    expect(cheapest.map((p) => [p.path.length, p.amount])).toEqual([[4, 8n], [2, 1n], [2, 1n], [2, 1n]]);
    const few = parts(routeMultipath(g, 'S', 'T', 11n, { maxParts: 2, balanceWeight: 1 }));
    expect(few.map((p) => [p.path.length, p.amount])).toEqual([[4, 10n], [2, 1n]]);
    expect(routeMultipath(g, 'S', 'T', 11n, { maxParts: 1, balanceWeight: 1 })).toMatchObject({ ok: false, reason: 'TOO_MANY_PARTS', detail: 'needs 2 parts, at most 1 allowed' });
  });

  test('parts through the same channel direction fit its balance together', () => {
    // Three paths share the first hop S→H (capacity 9) and fan out over 3-capacity channels.
    const g = graphOf([...chains([9, 0], 'S-H'), ...chains([3, 0], 'H-P', 'H-Q', 'H-R', 'P-T', 'Q-T', 'R-T')]);
    const r = routeMultipath(g, 'S', 'T', 9n);
    expect(parts(r)).toHaveLength(3);
    expect(routeMultipath(g, 'S', 'T', 10n)).toMatchObject({ ok: false, reason: 'INSUFFICIENT_CAPACITY' });
    g.apply(r, 'S', 'T');
    expect(g.channel('sh')).toMatchObject({ balanceA: 0n, balanceB: 9n });
  });
});

describe('applying a route', () => {
  test('balances shift along every hop and every channel keeps its total', () => {
    const g = graphOf(diamond());
    const totals = new Map(g.channels().map((c) => [c.id, c.balanceA + c.balanceB]));
    const r = routeMultipath(g, 'A', 'D', 25n); // D is reached only through bd, where B can pay 20
    expect(r).toMatchObject({ ok: false, reason: 'INSUFFICIENT_CAPACITY' });
    const ok = routeMultipath(g, 'A', 'D', 20n);
    expect(channelsOf(parts(ok)[0])).toEqual(['ab', 'bd']);
    g.apply(ok, 'A', 'D');
    expect(g.channel('ab')).toMatchObject({ balanceA: 10n, balanceB: 30n });
    expect(g.channel('bd')).toMatchObject({ balanceA: 0n, balanceB: 40n });
    for (const c of g.channels()) expect(c.balanceA + c.balanceB).toBe(totals.get(c.id));
  });

  test('a route that does not fit is refused whole and changes nothing', () => {
    const g = graphOf(diamond());
    const before = g.channels();
    const tooMuch: RouteResult = {
      ok: true,
      amount: 15n,
      parts: [
        { amount: 10n, path: [{ channel: 'ab', from: 'A', to: 'B' }, { channel: 'bd', from: 'B', to: 'D' }] },
        { amount: 5n, path: [{ channel: 'ac', from: 'A', to: 'C' }, { channel: 'bc', from: 'C', to: 'B' }, { channel: 'bd', from: 'B', to: 'D' }] },
      ],
    };
    expect(g.check(tooMuch as { parts: readonly RoutePart[] }, 'A', 'D')).toMatch(/channel bc: C can pay 0/);
    expect(() => g.apply(tooMuch, 'A', 'D')).toThrow('route does not fit');
    expect(g.channels()).toEqual(before);
    const broken: RouteResult = { ok: true, amount: 5n, parts: [{ amount: 5n, path: [{ channel: 'bd', from: 'B', to: 'D' }] }] };
    expect(() => g.apply(broken, 'A', 'D')).toThrow('starts at B, expected A');
    expect(() => g.apply({ ok: false, amount: 5n, reason: 'NO_PATH', detail: '' }, 'A', 'D')).toThrow('failed route');
  });

  test('parts sharing a channel direction must fit its balance together', () => {
    const g = graphOf([['st', 'S', 'T', 10, 0]]);
    const twice = { parts: [1, 2].map(() => ({ amount: 6n, path: [{ channel: 'st', from: 'S', to: 'T' }] })) };
    expect(g.check(twice, 'S', 'T')).toMatch(/S can pay 10, route needs 12/);
  });
});

describe('failures', () => {
  const g = graphOf([...diamond(), ['yz', 'Y', 'Z', 5, 5]]);
  test.each([
    ['a zero amount', 'A', 'D', 0n, 'INVALID_ARGUMENT'],
    ['a negative amount', 'A', 'D', -1n, 'INVALID_ARGUMENT'],
    ['payer = payee', 'A', 'A', 1n, 'INVALID_ARGUMENT'],
    ['an unknown payer', 'Q', 'D', 1n, 'UNKNOWN_NODE'],
    ['an unknown payee', 'A', 'Q', 1n, 'UNKNOWN_NODE'],
    ['another component', 'A', 'Z', 1n, 'NO_PATH'],
    ['more than the maximum flow', 'A', 'D', 21n, 'INSUFFICIENT_CAPACITY'],
  ] as const)('%s', (_, from, to, amount, reason) => {
    for (const r of [routeByWeight(g, from, to, amount), routeMultipath(g, from, to, amount)]) {
      expect(r).toMatchObject({ ok: false, reason, amount });
      expect((r as { detail: string }).detail.length).toBeGreaterThan(0);
    }
  });

  test('a split over maxParts is refused as TOO_MANY_PARTS', () => {
    const g2 = graphOf(twoRoutes([6, 0], [6, 0]));
    expect(routeMultipath(g2, 'S', 'T', 10n, { maxParts: 1, balanceWeight: 1 })).toMatchObject({ ok: false, reason: 'TOO_MANY_PARTS' });
  });

  test('a removed channel is no longer routed over', () => {
    const g2 = graphOf(diamond());
    g2.removeChannel('bd');
    expect(routeMultipath(g2, 'A', 'D', 1n)).toMatchObject({ ok: false, reason: 'UNKNOWN_NODE' });
  });

  test('malformed channels are refused', () => {
    expect(() => graphOf([['x', 'A', 'A', 1, 1]])).toThrow('to itself');
    expect(() => graphOf([['x', 'A', 'B', -1, 1]])).toThrow('negative');
    expect(() => graphOf([['x', 'A', 'B', 1, 1], ['x', 'B', 'C', 1, 1]])).toThrow('already');
  });
});

describe('properties on random networks', () => {
  /** A random connected network on n nodes: a random tree plus extra channels. */
  const network = fc
    .integer({ min: 3, max: 9 })
    .chain((n) =>
      fc.record({
        n: fc.constant(n),
        tree: fc.array(fc.nat(), { minLength: n - 1, maxLength: n - 1 }),
        extra: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1)), { maxLength: n }),
        balances: fc.array(fc.tuple(fc.nat(20), fc.nat(20)), { minLength: 2 * n, maxLength: 2 * n }),
        payments: fc.array(fc.tuple(fc.nat(n - 1), fc.nat(n - 1), fc.integer({ min: 1, max: 25 })), { minLength: 1, maxLength: 40 }),
      }),
    );
  type Network = { n: number; tree: number[]; extra: [number, number][]; balances: [number, number][]; payments: [number, number, number][] };
  const build = (x: Network) => {
    const edges: [number, number][] = x.tree.map((r, i) => [i + 1, r % (i + 1)]);
    for (const [u, v] of x.extra) if (u !== v) edges.push([u, v]);
    return graphOf(edges.map(([u, v], i) => [`c${i}`, `n${u}`, `n${v}`, ...x.balances[i % x.balances.length]]));
  };
  /** The network's payments between distinct parties, as [from, to, amount]. */
  const paymentsOf = (x: Network): [string, string, bigint][] => x.payments.filter(([u, v]) => u !== v).map(([u, v, a]) => [`n${u}`, `n${v}`, BigInt(a)]);
  /** Checks `property` on 150 random networks drawn from `seed`. */
  const forNetworks = (seed: number, property: (x: Network) => void) => fc.assert(fc.property(network, property), { seed, numRuns: 150 });

  test('routes carry exactly the amount, fit the graph, and applying them conserves every channel', () => {
    forNetworks(20240605, (x) => {
      const g = build(x);
      const totals = g.channels().map((c) => c.balanceA + c.balanceB);
      for (const [from, to, amount] of paymentsOf(x)) {
        const w = routeByWeight(g, from, to, amount);
        const m = routeMultipath(g, from, to, amount, { maxParts: 1000, balanceWeight: 1 });
        // Whenever one path can carry the payment, the multipath router finds a route too.
        if (w.ok) expect(m.ok).toBe(true);
        for (const r of [w, m]) {
          if (!r.ok) continue;
          expect(sum(r.parts)).toBe(amount);
          expect(g.check(r, from, to)).toBeNull();
        }
        if (m.ok) g.apply(m, from, to);
      }
      g.channels().forEach((c, i) => expect(c.balanceA + c.balanceB).toBe(totals[i]));
    });
  });

  test('with full splitting, success depends only on which payments went through, not on the routes taken', () => {
    // Every cut's capacity changes by the same amount whatever path a payment takes, so the
    // maximum flow between any two parties, and with it the next payment's fate, does not depend
    // on the cost function.
    forNetworks(7, (x) => {
      const a = build(x);
      const b = build(x);
      for (const [from, to, amount] of paymentsOf(x)) {
        const ra = routeMultipath(a, from, to, amount, { maxParts: 1000, balanceWeight: 0 });
        const rb = routeMultipath(b, from, to, amount, { maxParts: 1000, balanceWeight: 5 });
        expect(rb.ok).toBe(ra.ok);
        if (ra.ok) a.apply(ra, from, to);
        if (rb.ok) b.apply(rb, from, to);
      }
    });
  });
});
