/**
 * Vega-Lite specs of the benchmarks' charts: ring-signature time by ring size
 * (test/bench/ring-signatures.ts) and REST against direct Fabric throughput by concurrency
 * (test/bench/fabric-throughput.ts, read from the JSON result it writes).
 */
import type { TopLevelSpec } from 'vega-lite';

/** One ring size's medians, milliseconds (ring-signatures.ts). */
export interface RingPoint {
  size: number;
  signMs: number;
  verifyMs: number;
  /** One ristretto255 scalar multiplication, measured in the same rounds. */
  multMs: number;
}

/** The medians of one run of ring-signatures.ts. */
export interface RingResult {
  rounds: number;
  node: string;
  points: RingPoint[];
}

/** One concurrency level of fabric-throughput.ts: medians over rounds, transactions per second. */
export interface ThroughputPoint {
  clients: number;
  rest: number;
  direct: number;
}

/** A recorded run of fabric-throughput.ts (the file it writes; see test/bench/figures/data/). */
export interface ThroughputResult {
  /** Where the figures come from (a run's date and machine, or the README's recorded run). */
  source: string;
  rounds: number;
  points: ThroughputPoint[];
}

/**
 * Sign and verify milliseconds against ring size (log-2 x axis), one line each, with the time of
 * one multiplication × size × 4 as a dashed guide: bLSAG costs about four multiplications per member.
 */
export function ringChart(result: RingResult): TopLevelSpec {
  const values = result.points.flatMap((p) => [
    { size: p.size, series: 'sign', ms: p.signMs },
    { size: p.size, series: 'verify', ms: p.verifyMs },
    { size: p.size, series: '4 × size multiplications', ms: 4 * p.size * p.multMs },
  ]);
  const series = ['sign', 'verify', '4 × size multiplications'];
  return {
    title: { text: 'bLSAG ring signature time by ring size', subtitle: `medians of ${result.rounds} rounds, ristretto255 (libsodium), Node ${result.node}; test/bench/ring-signatures.ts` },
    data: { values },
    width: 420,
    height: 260,
    mark: { type: 'line', point: { size: 36 } },
    encoding: {
      x: { field: 'size', type: 'quantitative', title: 'ring size (members)', scale: { type: 'log', base: 2 }, axis: { values: result.points.map((p) => p.size) } },
      y: { field: 'ms', type: 'quantitative', title: 'milliseconds' },
      color: { field: 'series', type: 'nominal', title: null, scale: { domain: series, range: ['#4c78a8', '#f58518', '#9e9e9e'] } },
      strokeDash: { field: 'series', type: 'nominal', title: null, scale: { domain: series, range: [[1, 0], [1, 0], [4, 3]] } },
    },
    config: { legend: { orient: 'bottom' } },
  } as TopLevelSpec;
}

/**
 * REST transfers against the same transfers submitted directly with fabric-gateway, grouped bars
 * per number of concurrent clients, transactions per second, each bar labelled with its value.
 */
export function throughputChart(result: ThroughputResult): TopLevelSpec {
  const values = result.points.flatMap((p) => [
    { clients: `${p.clients}`, side: 'REST (gateway)', tps: p.rest },
    { clients: `${p.clients}`, side: 'direct (fabric-gateway)', tps: p.direct },
  ]);
  const sides = ['REST (gateway)', 'direct (fabric-gateway)'];
  const encoding = {
    x: { field: 'clients', type: 'ordinal', title: 'concurrent clients', sort: result.points.map((p) => `${p.clients}`), axis: { labelAngle: 0 } },
    xOffset: { field: 'side', sort: sides },
    y: { field: 'tps', type: 'quantitative', title: 'transfers per second' },
    color: { field: 'side', type: 'nominal', title: null, sort: sides, scale: { domain: sides, range: ['#4c78a8', '#f58518'] } },
  };
  return {
    title: { text: 'Fabric transfers: REST against direct, by concurrency', subtitle: `medians of ${result.rounds} interleaved rounds; ${result.source}` },
    data: { values },
    width: 420,
    height: 260,
    encoding,
    layer: [{ mark: 'bar' }, { mark: { type: 'text', dy: -6, fontSize: 11 }, encoding: { text: { field: 'tps', type: 'quantitative', format: '.1f' } } }],
    config: { legend: { orient: 'bottom' } },
  } as TopLevelSpec;
}
