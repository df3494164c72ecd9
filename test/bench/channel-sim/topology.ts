/**
 * Topology generators for the channel simulator, following NetworkX's algorithms (the paper
 * generated its random topologies "using NetworkX's algorithm" without naming one). The random
 * choices come from our own seeded {@link Rng}, so graphs are NetworkX-shaped but not bit-identical
 * to NetworkX's for the same seed. Nodes are 0..n-1; edges are undirected pairs [u, v], u < v,
 * sorted, without duplicates or self-loops.
 */
import { Rng } from './prng';

export type Edge = [number, number];

class SimpleGraph {
  readonly adj: Set<number>[];
  constructor(readonly n: number) {
    this.adj = Array.from({ length: n }, () => new Set<number>());
  }
  add(u: number, v: number): void {
    this.adj[u].add(v);
    this.adj[v].add(u);
  }
  remove(u: number, v: number): void {
    this.adj[u].delete(v);
    this.adj[v].delete(u);
  }
  has(u: number, v: number): boolean {
    return this.adj[u].has(v);
  }
  edges(): Edge[] {
    const list: Edge[] = [];
    for (let u = 0; u < this.n; u++) for (const v of this.adj[u]) if (u < v) list.push([u, v]);
    return list.sort((x, y) => x[0] - y[0] || x[1] - y[1]);
  }
  connected(): boolean {
    const seen = new Uint8Array(this.n);
    const stack = [0];
    seen[0] = 1;
    let count = 1;
    while (stack.length) {
      const u = stack.pop() as number;
      for (const v of this.adj[u]) {
        if (!seen[v]) {
          seen[v] = 1;
          count++;
          stack.push(v);
        }
      }
    }
    return count === this.n;
  }
}

/**
 * networkx.watts_strogatz_graph(n, k, p): a ring where each node joins its k/2 nearest neighbours
 * on each side; then each lattice edge (u, u+j), j = 1..k/2, is rewired with probability p to
 * (u, w), w uniform among nodes other than u and u's current neighbours.
 */
export function wattsStrogatz(n: number, k: number, p: number, rng: Rng): Edge[] {
  return wattsStrogatzGraph(n, k, p, rng).edges();
}

function wattsStrogatzGraph(n: number, k: number, p: number, rng: Rng): SimpleGraph {
  if (k >= n) throw new Error('k must be below n');
  const g = new SimpleGraph(n);
  const half = Math.floor(k / 2);
  for (let j = 1; j <= half; j++) for (let u = 0; u < n; u++) g.add(u, (u + j) % n);
  for (let j = 1; j <= half; j++) {
    for (let u = 0; u < n; u++) {
      const v = (u + j) % n;
      if (rng.next() < p) {
        let w = rng.int(0, n - 1);
        let skip = false;
        while (w === u || g.has(u, w)) {
          if (g.adj[u].size >= n - 1) {
            skip = true;
            break;
          }
          w = rng.int(0, n - 1);
        }
        if (!skip) {
          g.remove(u, v);
          g.add(u, w);
        }
      }
    }
  }
  return g;
}

/** networkx.connected_watts_strogatz_graph(n, k, p, tries=100): redraw until connected. */
export function connectedWattsStrogatz(n: number, k: number, p: number, rng: Rng, tries = 100): Edge[] {
  for (let t = 0; t < tries; t++) {
    const g = wattsStrogatzGraph(n, k, p, rng);
    if (g.connected()) return g.edges();
  }
  throw new Error(`no connected Watts-Strogatz graph in ${tries} tries`);
}

/**
 * networkx.barabasi_albert_graph(n, m): start from a star on m+1 nodes; each new node joins m
 * distinct existing nodes drawn with probability proportional to their degree (uniform draws from
 * the list of edge endpoints until m distinct). Always connected.
 */
export function barabasiAlbert(n: number, m: number, rng: Rng): Edge[] {
  if (m < 1 || m >= n) throw new Error('need 1 <= m < n');
  const g = new SimpleGraph(n);
  const repeated: number[] = [];
  for (let v = 1; v <= m; v++) {
    g.add(0, v);
    repeated.push(0, v);
  }
  for (let source = m + 1; source < n; source++) {
    const targets = new Set<number>();
    while (targets.size < m) targets.add(repeated[rng.int(0, repeated.length - 1)]);
    for (const t of targets) {
      g.add(source, t);
      repeated.push(t, source);
    }
  }
  return g.edges();
}

/** Hub and spoke: node 0 is the hub, joined to each of nodes 1..n-1 by one channel. */
export function hubAndSpoke(n: number): Edge[] {
  const edges: Edge[] = [];
  for (let v = 1; v < n; v++) edges.push([0, v]);
  return edges;
}
