import { applyPayments, type MemberChannel } from '../src/channels/protocol';
import { loadConfig, parseChannelWeights } from '../src/config';

/**
 * Channel selection inside a multiparty channel by the paper's weight W (J. Math. 2022, seeds/003,
 * section 3.3.2, Figure 1): the coordinator's applyPayments picks the member channels of least
 * Σ W_ij that can carry each payment, with the gateway's k1 and k2.
 */
const members = (channels: Record<string, [string, string, number, number]>) =>
  new Map<string, MemberChannel>(Object.entries(channels).map(([id, [a, b, x, y]]) => [id, { parties: [a, b], version: 3, balances: [String(x), String(y)] }]));
const balances = (state: ReturnType<typeof applyPayments>) => Object.fromEntries(state.channels.map((c) => [c.channel, c.balances.map(Number)]));

describe('member channel selection by W inside a multiparty channel', () => {
  test("Figure 1: P1 pays P3 through P5 when P1's side of P1-P3 is empty, and P5 ends where it started", () => {
    const m = members({ p1p3: ['P1', 'P3', 0, 4], p1p5: ['P1', 'P5', 2, 2], p5p3: ['P5', 'P3', 2, 2] });
    const state = applyPayments(7, m, [{ from: 'P1', to: 'P3', amount: '1' }]);
    expect(balances(state)).toEqual({ p1p3: [0, 4], p1p5: [1, 3], p5p3: [1, 3] });
    expect(state.version).toBe(8);
    expect(state.channels.every((c) => c.version === 4)).toBe(true);
  });

  test('k1 and k2 decide between an unbalanced direct channel and a balanced detour', () => {
    const m = members({ p1p3: ['P1', 'P3', 3, 1], p1p5: ['P1', 'P5', 2, 2], p5p3: ['P5', 'P3', 2, 2] });
    // Locality only (k2 = 0): the direct channel (1 - Dist = 2/3 against 4/3 for two hops).
    expect(balances(applyPayments(0, m, [{ from: 'P1', to: 'P3', amount: '1' }], { k1: 1, k2: 0 }))).toEqual({ p1p3: [2, 2], p1p5: [2, 2], p5p3: [2, 2] });
    // Balance only (k1 = 0): the balanced detour (Bal 0 + 0 against 0.5).
    expect(balances(applyPayments(0, m, [{ from: 'P1', to: 'P3', amount: '1' }], { k1: 0, k2: 1 }))).toEqual({ p1p3: [3, 1], p1p5: [1, 3], p5p3: [1, 3] });
  });

  test('payments are applied in order, each on the balances the previous ones left', () => {
    const m = members({ p1p3: ['P1', 'P3', 1, 3], p1p5: ['P1', 'P5', 2, 2], p5p3: ['P5', 'P3', 2, 2] });
    const state = applyPayments(0, m, [{ from: 'P1', to: 'P3', amount: '1' }, { from: 'P1', to: 'P3', amount: '1' }], { k1: 1, k2: 0 });
    // The first takes the direct channel; it is then empty on P1's side, so the second goes round.
    expect(balances(state)).toEqual({ p1p3: [0, 4], p1p5: [1, 3], p5p3: [1, 3] });
  });

  test('a named channel is used as named, and payments that net out within the transaction still pass', () => {
    const m = members({ ab: ['A', 'B', 5, 5], bc: ['B', 'C', 5, 5] });
    expect(balances(applyPayments(0, m, [{ from: 'A', to: 'B', amount: '10' }, { from: 'B', to: 'A', amount: '10' }]))).toEqual({ ab: [5, 5], bc: [5, 5] });
    expect(balances(applyPayments(0, m, [{ from: 'B', to: 'C', amount: '2', channel: 'bc' }]))).toEqual({ ab: [5, 5], bc: [3, 7] });
    expect(() => applyPayments(0, m, [{ from: 'A', to: 'B', amount: '1', channel: 'bc' }])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });

  test('refusals: no member channels join the parties; not enough funds on any path', () => {
    const m = members({ ab: ['A', 'B', 5, 5], cd: ['C', 'D', 5, 5] });
    expect(() => applyPayments(0, m, [{ from: 'A', to: 'C', amount: '1' }])).toThrow(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => applyPayments(0, m, [{ from: 'A', to: 'B', amount: '6' }])).toThrow(expect.objectContaining({ code: 'INSUFFICIENT_FUNDS' }));
  });
});

describe('--channel-weights', () => {
  test('parses k1 and k2, defaults the missing one to 0.5, and refuses anything else', () => {
    expect(parseChannelWeights('')).toEqual({ k1: 0.5, k2: 0.5 });
    expect(parseChannelWeights('k1=0.8')).toEqual({ k1: 0.8, k2: 0.5 });
    expect(parseChannelWeights('k1=1, k2=0')).toEqual({ k1: 1, k2: 0 });
    expect(loadConfig(['node', 'server.js'], { COVENANT_CHANNEL_WEIGHTS: 'k1=0.2,k2=0.9' }).channelWeights).toEqual({ k1: 0.2, k2: 0.9 });
    expect(loadConfig(['node', 'server.js', '--channel-weights', 'k2=0'], { COVENANT_CHANNEL_WEIGHTS: 'k1=0.2' }).channelWeights).toEqual({ k1: 0.5, k2: 0 });
    for (const bad of ['k1=-1', 'k3=1', 'k1=', 'k2=abc', 'k1=Infinity']) expect(() => parseChannelWeights(bad)).toThrow(/k1=/);
  });
});
