/**
 * The directed view routing algorithms work on: a multigraph over nodes 0..nodeCount-1 whose arcs
 * come in pairs, one pair per two-party channel. Pair c has arc 2c (a→b) and arc 2c+1 (b→a), so
 * {@link reverse}(arc) = arc ^ 1 and an arc's pair is arc >> 1. An arc's capacity is what its tail
 * can pay its head through the channel (minor units, `bigint` ≥ 0). A removed pair keeps its arc
 * numbers but leaves every out-list, so no search walks it.
 */

/** Read-only access to an arc network; what path and flow algorithms take. */
export interface ArcView {
  /** Nodes are 0..nodeCount-1. */
  readonly nodeCount: number;
  /** Arcs are 0..arcCount-1 (twice the pairs ever added, removed ones included). */
  readonly arcCount: number;
  /** Arcs leaving `u` that are open, in insertion order. */
  arcsFrom(u: number): readonly number[];
  /** The node an arc leaves. */
  tail(arc: number): number;
  /** The node an arc enters. */
  head(arc: number): number;
  /** What the arc's tail can pay its head (minor units). */
  capacity(arc: number): bigint;
}

/** The opposite direction of the same channel. */
export const reverse = (arc: number): number => arc ^ 1;

/** Per node, the open arcs entering it, in the order of the nodes' out-lists. */
export function arcsInto(net: ArcView): number[][] {
  const into: number[][] = Array.from({ length: net.nodeCount }, () => []);
  for (let u = 0; u < net.nodeCount; u++) for (const arc of net.arcsFrom(u)) into[net.head(arc)].push(arc);
  return into;
}

/** A mutable arc network (see the module comment for the numbering). */
export class ArcNetwork implements ArcView {
  /** tails[arc]: the node the arc leaves; the head is tails[arc ^ 1]. */
  private readonly tails: number[] = [];
  private readonly caps: bigint[] = [];
  private readonly open: boolean[] = [];
  private readonly out: number[][] = [];

  get nodeCount(): number {
    return this.out.length;
  }

  get arcCount(): number {
    return this.caps.length;
  }

  /** Adds a node without arcs; returns its index. */
  addNode(): number {
    this.out.push([]);
    return this.out.length - 1;
  }

  /** Adds the pair a→b (capacity ab) and b→a (capacity ba); returns the pair's index c (arcs 2c and 2c+1). */
  addPair(a: number, b: number, ab: bigint, ba: bigint): number {
    const c = this.open.length;
    this.tails.push(a, b);
    this.caps.push(ab, ba);
    this.open.push(true);
    this.out[a].push(2 * c);
    this.out[b].push(2 * c + 1);
    return c;
  }

  /** Takes pair c out of every out-list; its arcs keep their numbers and capacities. */
  removePair(c: number): void {
    if (!this.open[c]) return;
    this.open[c] = false;
    for (const arc of [2 * c, 2 * c + 1]) this.out[this.tails[arc]] = this.out[this.tails[arc]].filter((x) => x !== arc);
  }

  /** Whether pair c was added and not removed. */
  isOpen(c: number): boolean {
    return this.open[c] === true;
  }

  /** Sets what the arc's tail can pay its head (minor units). */
  setCapacity(arc: number, capacity: bigint): void {
    this.caps[arc] = capacity;
  }

  arcsFrom(u: number): readonly number[] {
    return this.out[u];
  }

  tail(arc: number): number {
    return this.tails[arc];
  }

  head(arc: number): number {
    return this.tails[arc ^ 1];
  }

  capacity(arc: number): bigint {
    return this.caps[arc];
  }
}
