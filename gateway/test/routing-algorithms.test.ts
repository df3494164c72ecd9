/** The routing algorithms on plain arc networks, without the channel graph around them. */
import { decompose, minCostFlow, widestFlow } from '../src/channels/routing/flow';
import { ArcNetwork, arcsInto, reverse } from '../src/channels/routing/network';
import { connected, shortestPath, widestPath } from '../src/channels/routing/paths';
import { localities } from '../src/channels/routing/weights';

/** An arc network on n nodes with pairs [a, b, capacity a→b, capacity b→a]; pair c is arcs 2c and 2c+1. */
function networkOf(n: number, pairs: [number, number, number, number][]): ArcNetwork {
  const net = new ArcNetwork();
  for (let i = 0; i < n; i++) net.addNode();
  for (const [a, b, ab, ba] of pairs) net.addPair(a, b, BigInt(ab), BigInt(ba));
  return net;
}

/**
 *   0 --5--> 1 --5--> 3      arcs 0 (0→1), 2 (1→3)
 *   0 --3--> 2 --3--> 3      arcs 4 (0→2), 6 (2→3)
 *   0 <-1-1-> 3              arcs 8 (0→3), 9 (3→0)
 */
const square = () =>
  networkOf(4, [
    [0, 1, 5, 0],
    [1, 3, 5, 0],
    [0, 2, 3, 0],
    [2, 3, 3, 0],
    [0, 3, 1, 1],
  ]);

/** Forward arcs with their capacity as room (no flow yet). */
const forward = (net: ArcNetwork) => (u: number, visit: (v: number, room: bigint, step: number) => void) => {
  for (const arc of net.arcsFrom(u)) visit(net.head(arc), net.capacity(arc), arc);
};

describe('arc network', () => {
  test('pair c is arc 2c from a to b and arc 2c+1 back; a removed pair leaves the out-lists only', () => {
    const net = square();
    expect([net.nodeCount, net.arcCount]).toEqual([4, 10]);
    expect([net.tail(8), net.head(8), net.capacity(8), reverse(8), reverse(9)]).toEqual([0, 3, 1n, 9, 8]);
    expect(net.arcsFrom(0)).toEqual([0, 4, 8]);
    expect(arcsInto(net)[3]).toEqual([8, 2, 6]);
    net.removePair(4);
    expect(net.arcsFrom(0)).toEqual([0, 4]);
    expect(net.arcsFrom(3)).toEqual([3, 7]);
    expect([net.isOpen(4), net.isOpen(3), net.arcCount, net.capacity(8)]).toEqual([false, true, 10, 1n]);
  });

  test('Dist is 0 for a removed pair and 1 for a pair without common neighbours', () => {
    const net = square();
    net.removePair(2);
    const dist = localities(net);
    expect(dist[2]).toBe(0);
    expect(dist[3]).toBe(1);
    expect(dist[0]).toBeCloseTo(5 / (5 + 5 + 2), 12); // common neighbour 3: 1–3 5, 0–3 2
  });
});

describe('paths', () => {
  test('shortestPath minimises cost, then hops, then node index, over usable arcs only', () => {
    const net = square();
    const hop = () => 1;
    expect(shortestPath(net, 0, 3, (arc) => net.capacity(arc) >= 1n, hop)).toEqual([8]);
    expect(shortestPath(net, 0, 3, (arc) => net.capacity(arc) >= 2n, hop)).toEqual([0, 2]);
    expect(shortestPath(net, 0, 3, (arc) => net.capacity(arc) >= 2n, (arc) => (arc === 0 ? 5 : 1))).toEqual([4, 6]);
    expect(shortestPath(net, 0, 3, (arc) => net.capacity(arc) >= 6n, hop)).toBeNull();
    expect(shortestPath(net, 2, 2, () => true, hop)).toEqual([]);
  });

  test('widestPath maximises the narrowest step', () => {
    const net = square();
    expect(widestPath(net.nodeCount, 0, 3, forward(net))).toEqual({ steps: [0, 2], width: 5n });
    expect(widestPath(net.nodeCount, 3, 3, forward(net))).toBeNull();
    expect(widestPath(net.nodeCount, 1, 2, forward(net))).toEqual({ steps: [2, 9, 4], width: 1n }); // 1→3→0→2 beats the empty 1→0 and 3→2
  });

  test('connected ignores capacities', () => {
    const net = square();
    expect(connected(net, 3, 0)).toBe(true);
    const lone = net.addNode();
    expect(connected(net, 0, lone)).toBe(false);
  });
});

describe('flows', () => {
  test.each([
    ['minCostFlow', (net: ArcNetwork, want: bigint) => minCostFlow(net, 0, 3, want, () => 1)],
    ['widestFlow', (net: ArcNetwork, want: bigint) => widestFlow(net, 0, 3, want)],
  ])('%s carries up to the maximum flow within capacities and decomposes into paths, widest first', (_, flowOf) => {
    const net = square();
    const all = flowOf(net, 100n);
    expect(all.total).toBe(9n);
    all.f.forEach((x, arc) => expect(x >= 0n && x <= net.capacity(arc)).toBe(true));
    expect(decompose(net, 0, 3, all.f)).toEqual([
      { arcs: [0, 2], amount: 5n },
      { arcs: [4, 6], amount: 3n },
      { arcs: [8], amount: 1n },
    ]);
    expect(flowOf(net, 4n).total).toBe(4n);
  });

  test('the min-cost flow takes the cheapest arcs first', () => {
    const net = square();
    const { f } = minCostFlow(net, 0, 3, 4n, (arc) => (arc === 8 ? 10 : 1));
    expect([f[0], f[2], f[8]]).toEqual([4n, 4n, 0n]);
  });

  test('decompose cancels opposite flows on one channel and drops what no path carries', () => {
    const net = square();
    const f = new Array<bigint>(net.arcCount).fill(0n);
    f[0] = 2n;
    f[1] = 2n;
    f[8] = 1n;
    expect(decompose(net, 0, 3, f)).toEqual([{ arcs: [8], amount: 1n }]);
  });
});
