/**
 * The simulator with waiting (Spider-style queues, Sivaraman et al., NSDI 2020): a payment that
 * cannot be carried when it arrives is kept in a queue and retried after every later payment that
 * moves money, until it goes through or its deadline of `deadline` later payments passes.
 *
 * Definitions (payments are numbered 1..P in arrival order; "step j" is the arrival of payment j):
 * - payment i is tried at step i; if refused and deadline > 0 it joins the queue;
 * - after each step in which some payment was applied, the queue is retried in `order` ('oldest':
 *   by arrival; 'smallest': by amount, then arrival), pass after pass until a pass applies nothing;
 *   payment i may be delivered at steps i..i+deadline, then it is dropped (a failure);
 * - at checkpoint n a payment counts as a success if it arrived among the first n AND was
 *   delivered by step n (so the ratio at n is delivered-by-n / n, as without waiting);
 * - value% is the value delivered by the end of the run over the value attempted.
 *
 * Retrying every queued payment with the router after every step would cost a min-cost flow per
 * queued payment per step, so each refusal keeps a certificate that it still cannot pass, and the
 * router is called again only when the certificate may have broken:
 * - a cut S (payer side) of capacity below a needed amount: a payment a → b of y along any route
 *   changes the capacity of S by −y (a ∈ S, b ∉ S), +y (a ∉ S, b ∈ S) or 0, whatever its route;
 * - a width set (nodes the payer reaches over channel directions that hold the whole amount): a
 *   single path appears only after some direction leaving the set rises to the amount.
 * Both are exact necessary conditions, so the filter never changes which payments go through.
 */
import { type ChannelGraph, type RouteResult, routeByWeight, routeMultipath } from '../../../gateway/src/channels/routing';
import { widestFlow } from '../../../gateway/src/channels/routing/flow';
import { type ArcView, arcsInto } from '../../../gateway/src/channels/routing/network';
import { buildGraph, type SimResult, type Workload } from './simulate';

/**
 * Which payments a router accepts and how it routes them.
 * - 'W': the paper's single path of least W (routeByWeight): needs a single path ≥ amount.
 * - 'ours': routeMultipath: needs max flow ≥ amount (and at most 16 parts).
 * - 'rule': routeMultipath, accepted only if (a single path carries the amount and the max flow
 *   is ≥ single·amount) or the max flow is ≥ split·amount (the README's admission rules).
 */
export type Policy = { kind: 'W' } | { kind: 'ours' } | { kind: 'rule'; single: number; split: number };

export type QueueOrder = 'oldest' | 'smallest';

export interface WaitOptions {
  /** Later payments a refused payment may wait for (0: no waiting, as simulate()). */
  readonly deadline: number;
  readonly order: QueueOrder;
}

/**
 * As {@link SimResult}, with ratios and successes per the definition above (delivered by the
 * checkpoint among those that arrived by it) and value% over what was delivered by the end.
 */
export interface WaitResult extends SimResult {
  /** Payments delivered after waiting (not at their arrival). */
  readonly waited: number;
}

/** Why a queued payment still cannot pass, and the state that tells when it might. */
interface Entry {
  readonly i: number;
  readonly from: string;
  readonly to: string;
  readonly src: number;
  readonly dst: number;
  readonly amount: bigint;
  /** Payer side of a cut, its capacity now and the capacity that would allow a retry; null: none. */
  cut: Uint8Array | null;
  cutCap: bigint;
  cutNeed: bigint;
  /** Nodes reached over directions ≥ amount; null: no width certificate. */
  width: Uint8Array | null;
  /** A retry is due (a certificate may have broken, or none was found). */
  due: boolean;
}

const ceilTimes = (x: bigint, k: number): bigint => BigInt(Math.ceil(Number(x) * k - 1e-9));

/** Max flow src → dst up to `want` and, if below it, the payer side of a minimum cut (residual reach). */
function maxFlowCut(net: ArcView, src: number, dst: number, want: bigint): { total: bigint; side: Uint8Array | null } {
  const flow = widestFlow(net, src, dst, want);
  if (flow.total >= want) return { total: flow.total, side: null };
  const into = arcsInto(net);
  const side = new Uint8Array(net.nodeCount);
  side[src] = 1;
  const stack = [src];
  while (stack.length) {
    const u = stack.pop() as number;
    for (const arc of net.arcsFrom(u)) if (net.capacity(arc) - flow.f[arc] > 0n && !side[net.head(arc)]) stack.push(net.head(arc)), (side[net.head(arc)] = 1);
    for (const arc of into[u]) if (flow.f[arc] > 0n && !side[net.tail(arc)]) stack.push(net.tail(arc)), (side[net.tail(arc)] = 1);
  }
  return { total: flow.total, side };
}

/** Capacity of the arcs leaving `side`. */
function cutCapacity(net: ArcView, side: Uint8Array): bigint {
  let cap = 0n;
  for (let u = 0; u < net.nodeCount; u++) if (side[u]) for (const arc of net.arcsFrom(u)) if (!side[net.head(arc)]) cap += net.capacity(arc);
  return cap;
}

/**
 * The cheapest certificates: the payer alone, or everyone but the payee, as the payer side of a
 * cut, if its capacity is below `need`; else null. Most refusals under skewed demand are these.
 */
function endCut(net: ArcView, src: number, dst: number, need: bigint): Uint8Array | null {
  const alone = new Uint8Array(net.nodeCount);
  alone[src] = 1;
  if (cutCapacity(net, alone) < need) return alone;
  const allBut = new Uint8Array(net.nodeCount).fill(1);
  allBut[dst] = 0;
  let into = 0n;
  for (const arc of net.arcsFrom(dst)) into += net.capacity(arc ^ 1);
  return into < need ? allBut : null;
}

/** Nodes src reaches over arcs of capacity ≥ amount. */
function widthSet(net: ArcView, src: number, amount: bigint): Uint8Array {
  const seen = new Uint8Array(net.nodeCount);
  seen[src] = 1;
  const stack = [src];
  while (stack.length) {
    const u = stack.pop() as number;
    for (const arc of net.arcsFrom(u)) if (net.capacity(arc) >= amount && !seen[net.head(arc)]) stack.push(net.head(arc)), (seen[net.head(arc)] = 1);
  }
  return seen;
}

/** Tries `e` under `policy`: the route if accepted, otherwise null with e's certificate renewed. */
function attempt(g: ChannelGraph, policy: Policy, e: Entry): RouteResult | null {
  const net = g.network;
  e.cut = null;
  e.width = null;
  e.due = false;
  const setCut = (side: Uint8Array, need: bigint) => {
    e.cut = side;
    e.cutCap = cutCapacity(net, side);
    e.cutNeed = need;
  };
  if (policy.kind === 'W') {
    const r = routeByWeight(g, e.from, e.to, e.amount);
    if (r.ok) return r;
    e.width = widthSet(net, e.src, e.amount);
    return null;
  }
  const ends = endCut(net, e.src, e.dst, policy.kind === 'ours' ? e.amount : ceilTimes(e.amount, policy.single));
  if (ends) {
    setCut(ends, policy.kind === 'ours' ? e.amount : ceilTimes(e.amount, policy.single));
    return null;
  }
  if (policy.kind === 'ours') {
    // Same decision as routeMultipath alone, without its failing min-cost flow: a single path or
    // a max flow ≥ amount is what it needs.
    if (!widthSet(net, e.src, e.amount)[e.dst]) {
      const m = maxFlowCut(net, e.src, e.dst, e.amount);
      if (m.side) {
        setCut(m.side, e.amount);
        return null;
      }
    }
    const r = routeMultipath(g, e.from, e.to, e.amount);
    if (r.ok) return r;
    e.due = true; // TOO_MANY_PARTS: no certificate, retry after every change
    return null;
  }
  const single = ceilTimes(e.amount, policy.single);
  const split = ceilTimes(e.amount, policy.split);
  const m = maxFlowCut(net, e.src, e.dst, split);
  if (m.total < single) {
    setCut(m.side as Uint8Array, single);
    return null;
  }
  const width = m.total >= split ? null : widthSet(net, e.src, e.amount);
  if (width === null || width[e.dst]) {
    const r = routeMultipath(g, e.from, e.to, e.amount);
    if (r.ok) return r;
    e.due = true;
    return null;
  }
  setCut(m.side as Uint8Array, split);
  e.width = width;
  return null;
}

/** After `route` (from → to, amount) was applied: updates every queued certificate. */
function notify(g: ChannelGraph, queue: readonly Entry[], src: number, dst: number, route: RouteResult & { ok: true }): void {
  const raised: [number, number, bigint][] = []; // [tail, head, capacity] of directions that gained
  for (const part of route.parts) {
    for (const hop of part.path) {
      const tail = g.nodeIndex(hop.to) as number;
      raised.push([tail, g.nodeIndex(hop.from) as number, g.capacity(hop.channel, hop.to)]);
    }
  }
  for (const e of queue) {
    if (e.cut) {
      if (e.cut[src] && !e.cut[dst]) e.cutCap -= route.amount;
      else if (!e.cut[src] && e.cut[dst]) e.cutCap += route.amount;
      if (e.cutCap >= e.cutNeed) e.due = true;
    }
    if (e.width && !e.due) for (const [t, h, cap] of raised) if (e.width[t] && !e.width[h] && cap >= e.amount) e.due = true;
  }
}

/**
 * Replays `w.payments` with `policy`, refused payments waiting as the module comment defines.
 * Checks after the run that every channel kept its total.
 */
export function simulateWithWaiting(w: Workload, policy: Policy, opts: WaitOptions, checkpoints: readonly number[]): WaitResult {
  const started = process.hrtime.bigint();
  const g = buildGraph(w);
  const deliveredAt = new Int32Array(w.payments.length).fill(-1);
  let queue: Entry[] = [];
  let waited = 0;
  let split = 0;
  const apply = (e: Entry, route: RouteResult & { ok: true }, step: number) => {
    g.apply(route, e.from, e.to);
    if (route.parts.length > 1) split++;
    deliveredAt[e.i] = step;
    notify(g, queue, e.src, e.dst, route);
  };
  w.payments.forEach((p, step) => {
    queue = queue.filter((e) => e.i + opts.deadline >= step);
    const from = `n${p.from}`;
    const to = `n${p.to}`;
    const e: Entry = { i: step, from, to, src: g.nodeIndex(from) as number, dst: g.nodeIndex(to) as number, amount: p.amount, cut: null, cutCap: 0n, cutNeed: 0n, width: null, due: false };
    const r = attempt(g, policy, e);
    if (!r || !r.ok) {
      if (opts.deadline > 0) queue.push(e);
      return;
    }
    apply(e, r, step);
    if (opts.order === 'smallest') queue.sort((x, y) => (x.amount === y.amount ? x.i - y.i : x.amount < y.amount ? -1 : 1));
    for (let moved = true; moved; ) {
      moved = false;
      for (const q of queue) {
        if (!q.due) continue;
        const rq = attempt(g, policy, q);
        if (rq && rq.ok) {
          queue = queue.filter((x) => x !== q);
          apply(q, rq, step);
          waited++;
          moved = true;
          break; // restart the pass in order: the applied payment may unblock older ones
        }
      }
    }
    if (opts.order === 'smallest') queue.sort((x, y) => x.i - y.i);
  });
  g.channels().forEach((c, k) => {
    if (c.balanceA + c.balanceB !== w.deposits[k][0] + w.deposits[k][1]) throw new Error(`channel ${c.id} lost money`);
  });
  const successes = checkpoints.map((n) => {
    let ok = 0;
    for (let i = 0; i < n; i++) if (deliveredAt[i] >= 0 && deliveredAt[i] < n) ok++;
    return ok;
  });
  const ratios = successes.map((ok, k) => (100 * ok) / checkpoints[k]);
  let delivered = 0n;
  let attempted = 0n;
  w.payments.forEach((p, i) => {
    attempted += p.amount;
    if (deliveredAt[i] >= 0) delivered += p.amount;
  });
  const valueRatio = attempted === 0n ? 100 : Number((delivered * 1000000n) / attempted) / 10000;
  return { ratios, successes, valueRatio, split, waited, ms: Number(process.hrtime.bigint() - started) / 1e6 };
}
