/**
 * Flows over an arc network (see ./network): a min-cost flow by successive shortest paths, a
 * flow of widest augmenting paths, and the decomposition of a flow into paths. Amounts are minor
 * units (`bigint`); costs are dimensionless numbers per unit of flow.
 */
import { type ArcView, arcsInto } from './network';
import { type Steps, widestPath } from './paths';

/** A flow: f[arc] ≤ capacity(arc) on each arc, carrying `total` from src to dst. */
export interface Flow {
  readonly total: bigint;
  readonly f: readonly bigint[];
}

/** One path of a decomposed flow: its arcs from src to dst and the amount it carries. */
export interface PathFlow {
  readonly arcs: number[];
  readonly amount: bigint;
}

/**
 * A flow being built and its residual graph. A step is either an arc (≥ 0: send more along it,
 * room capacity - f) or ~arc (< 0: undo flow on it, from its head to its tail, room f).
 */
class Residual {
  readonly f: bigint[];
  private readonly into: number[][];

  constructor(private readonly net: ArcView) {
    this.f = new Array<bigint>(net.arcCount).fill(0n);
    this.into = arcsInto(net);
  }

  /** The residual steps out of u with room > 0: forward arcs first, then undo steps. */
  readonly steps: Steps = (u, visit) => {
    for (const arc of this.net.arcsFrom(u)) {
      const room = this.room(arc);
      if (room > 0n) visit(this.net.head(arc), room, arc);
    }
    for (const arc of this.into[u]) if (this.f[arc] > 0n) visit(this.net.tail(arc), this.f[arc], ~arc);
  };

  room(step: number): bigint {
    return step >= 0 ? this.net.capacity(step) - this.f[step] : this.f[~step];
  }

  /** The node a step leaves. */
  tail(step: number): number {
    return step >= 0 ? this.net.tail(step) : this.net.head(~step);
  }

  /** Pushes `amount` more along a path of steps. */
  augment(steps: readonly number[], amount: bigint): void {
    for (const step of steps) {
      if (step >= 0) this.f[step] += amount;
      else this.f[~step] -= amount;
    }
  }
}

/** Float noise below which Bellman-Ford does not count a relaxation as an improvement. */
const EPS = 1e-9;

/**
 * Min-cost flow of up to `want` from src to dst by successive shortest paths, `cost(arc)` per
 * unit (≥ 0) on each arc; an undo step costs the negative of its arc. Bellman-Ford (queue based)
 * handles the negative undo costs; there are no negative cycles because each augmentation is a
 * shortest path (a cycle from float noise only stops the search with the flow so far).
 */
export function minCostFlow(net: ArcView, src: number, dst: number, want: bigint, cost: (arc: number) => number): Flow {
  const n = net.nodeCount;
  const res = new Residual(net);
  const c = new Float64Array(net.arcCount);
  for (let u = 0; u < n; u++) for (const arc of net.arcsFrom(u)) c[arc] = cost(arc);
  let total = 0n;
  const dist = new Float64Array(n);
  const via = new Int32Array(n);
  const inQueue = new Uint8Array(n);
  const pops = new Int32Array(n);
  while (total < want) {
    dist.fill(Infinity);
    pops.fill(0);
    inQueue.fill(0);
    dist[src] = 0;
    const queue: number[] = [src];
    inQueue[src] = 1;
    for (let qi = 0; qi < queue.length; qi++) {
      const u = queue[qi];
      inQueue[u] = 0;
      // A node dequeued n times would mean a negative cycle (float noise only): stop relaxing it.
      if (++pops[u] > n) continue;
      const du = dist[u];
      res.steps(u, (v, _room, step) => {
        const d = du + (step >= 0 ? c[step] : -c[~step]);
        if (d < dist[v] - EPS) {
          dist[v] = d;
          via[v] = step;
          if (!inQueue[v]) {
            inQueue[v] = 1;
            queue.push(v);
          }
        }
      });
    }
    if (dist[dst] === Infinity) break;
    const steps: number[] = [];
    for (let v = dst; v !== src && steps.length <= n; v = res.tail(via[v])) steps.push(via[v]);
    if (steps.length > n) break; // the predecessor walk loops: float noise; stop with the flow so far
    steps.reverse();
    let push = want - total;
    for (const step of steps) if (res.room(step) < push) push = res.room(step);
    if (push <= 0n) break;
    res.augment(steps, push);
    total += push;
  }
  return { total, f: res.f };
}

/**
 * A flow of up to `want` built from widest augmenting paths (each augmentation carries as much as
 * the residual graph allows along one path, undo steps included): few, wide parts.
 */
export function widestFlow(net: ArcView, src: number, dst: number, want: bigint): Flow {
  const res = new Residual(net);
  let total = 0n;
  while (total < want) {
    const found = widestPath(net.nodeCount, src, dst, res.steps);
    if (!found || found.width <= 0n) break;
    const push = found.width < want - total ? found.width : want - total;
    res.augment(found.steps, push);
    total += push;
  }
  return { total, f: res.f };
}

/**
 * Splits an arc flow into paths from src to dst, widest path first (so few parts). Opposite flows
 * on one channel cancel first (only the net direction is paid); flow left on cycles once no path
 * remains carries nothing from src to dst and is dropped.
 */
export function decompose(net: ArcView, src: number, dst: number, flow: readonly bigint[]): PathFlow[] {
  const f = flow.slice();
  for (let arc = 0; arc < f.length; arc += 2) {
    const m = f[arc] < f[arc + 1] ? f[arc] : f[arc + 1];
    f[arc] -= m;
    f[arc + 1] -= m;
  }
  const paths: PathFlow[] = [];
  for (;;) {
    const found = widestPath(net.nodeCount, src, dst, (u, visit) => {
      for (const arc of net.arcsFrom(u)) if (f[arc] > 0n) visit(net.head(arc), f[arc], arc);
    });
    if (!found || found.width <= 0n) break;
    for (const arc of found.steps) f[arc] -= found.width;
    paths.push({ arcs: found.steps, amount: found.width });
  }
  return paths;
}
