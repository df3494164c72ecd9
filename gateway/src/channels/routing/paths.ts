/**
 * Path searches over an arc network (see ./network): least-cost paths (Dijkstra), widest paths
 * (Dijkstra on the bottleneck) and plain connectivity. Deterministic: ties break by fewer hops,
 * then by lower node index. Paths are returned as the steps taken from src to dst.
 */
import { Heap } from 'heap-js';
import type { ArcView } from './network';

/** A node offered to the search with its key; settled in increasing (key, hops, node) order. */
interface Label {
  readonly key: number;
  readonly hops: number;
  readonly node: number;
}

function compareLabels(x: Label, y: Label): number {
  if (x.key !== y.key) return x.key < y.key ? -1 : 1;
  if (x.hops !== y.hops) return x.hops - y.hops;
  return x.node - y.node;
}

type Offer = (node: number, key: number, hops: number) => void;

/**
 * The label-setting loop both searches share: starting from src with key `start`, settles nodes
 * in increasing (key, hops, node) order, each once (offers for settled nodes are skipped), until
 * dst is settled. `expand` is called for every settled node other than dst and offers its
 * neighbours. Returns which nodes were settled (1) or not (0).
 */
function settle(n: number, src: number, dst: number, start: number, expand: (top: Label, settled: Uint8Array, offer: Offer) => void): Uint8Array {
  const settled = new Uint8Array(n);
  const heap = new Heap<Label>(compareLabels);
  const offer: Offer = (node, key, hops) => {
    heap.push({ key, hops, node });
  };
  offer(src, start, 0);
  for (let top = heap.pop(); top !== undefined; top = heap.pop()) {
    if (settled[top.node]) continue;
    settled[top.node] = 1;
    if (top.node === dst) break;
    expand(top, settled, offer);
  }
  return settled;
}

/** The steps from src to dst, given each reached node's predecessor and the step into it. */
function trace(src: number, dst: number, prev: Int32Array, via: Int32Array): number[] {
  const steps: number[] = [];
  for (let v = dst; v !== src; v = prev[v]) steps.push(via[v]);
  return steps.reverse();
}

/**
 * Dijkstra from `src` to `dst` over the arcs with `usable(arc)`, minimising (Σ cost, hops)
 * lexicographically. Costs must be ≥ 0. Returns the arcs of the path ([] when src = dst), or
 * null when dst cannot be reached.
 */
export function shortestPath(net: ArcView, src: number, dst: number, usable: (arc: number) => boolean, cost: (arc: number) => number): number[] | null {
  const n = net.nodeCount;
  const best = new Float64Array(n).fill(Infinity);
  const hops = new Float64Array(n).fill(Infinity);
  const prev = new Int32Array(n).fill(-1);
  const via = new Int32Array(n).fill(-1);
  best[src] = 0;
  hops[src] = 0;
  const settled = settle(n, src, dst, 0, (top, done, offer) => {
    for (const arc of net.arcsFrom(top.node)) {
      const v = net.head(arc);
      if (done[v] || !usable(arc)) continue;
      const d = top.key + cost(arc);
      const h = top.hops + 1;
      if (d < best[v] || (d === best[v] && h < hops[v])) {
        best[v] = d;
        hops[v] = h;
        prev[v] = top.node;
        via[v] = arc;
        offer(v, d, h);
      }
    }
  });
  return settled[dst] ? trace(src, dst, prev, via) : null;
}

/** Enumerates the steps out of node u: visit(v, room, step) for each step to v with `room` (minor units) left on it. */
export type Steps = (u: number, visit: (v: number, room: bigint, step: number) => void) => void;

/**
 * The path from src to dst whose narrowest step is widest (Dijkstra on the bottleneck, ties to
 * fewer hops) over n nodes and the steps `steps` gives. Returns the steps and the bottleneck
 * (minor units), or null when dst cannot be reached or is src.
 */
export function widestPath(n: number, src: number, dst: number, steps: Steps): { steps: number[]; width: bigint } | null {
  const width: (bigint | null)[] = new Array(n).fill(null);
  const hops = new Float64Array(n).fill(Infinity);
  const prev = new Int32Array(n).fill(-1);
  const via = new Int32Array(n);
  width[src] = -1n; // unbounded
  hops[src] = 0;
  const settled = settle(n, src, dst, -Infinity, ({ node: u }, done, offer) => {
    const wu = width[u] as bigint;
    steps(u, (v, room, step) => {
      if (done[v]) return;
      const w = wu < 0n || room < wu ? room : wu;
      const wv = width[v];
      if (wv === null || w > wv || (w === wv && hops[u] + 1 < hops[v])) {
        width[v] = w;
        hops[v] = hops[u] + 1;
        prev[v] = u;
        via[v] = step;
        offer(v, -Number(w), hops[v]);
      }
    });
  });
  if (!settled[dst] || dst === src) return null;
  return { steps: trace(src, dst, prev, via), width: width[dst] as bigint };
}

/** Whether dst can be reached from src over open arcs, whatever their capacities. */
export function connected(net: ArcView, src: number, dst: number): boolean {
  const seen = new Uint8Array(net.nodeCount);
  const stack = [src];
  seen[src] = 1;
  while (stack.length) {
    const u = stack.pop() as number;
    if (u === dst) return true;
    for (const arc of net.arcsFrom(u)) {
      const v = net.head(arc);
      if (!seen[v]) {
        seen[v] = 1;
        stack.push(v);
      }
    }
  }
  return false;
}
