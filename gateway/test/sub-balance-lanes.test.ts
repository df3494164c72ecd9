import { SubBalanceLanes } from '../src/ledger/sub-balance-lanes';

describe('SubBalanceLanes', () => {
  test('no lane until the count is known; then each concurrent request gets the least-used lane, lowest first', () => {
    const lanes = new SubBalanceLanes();
    expect(lanes.lease('alice')).toBeUndefined();
    lanes.learn('alice', 3);
    const held = [lanes.lease('alice')!, lanes.lease('alice')!, lanes.lease('alice')!];
    expect(held.map((l) => l.lane)).toEqual([0, 1, 2]);
    // All busy: the lanes are shared, least used first.
    const fourth = lanes.lease('alice')!;
    expect(fourth.lane).toBe(0);
    held[1].release();
    held[1].release(); // a second release changes nothing
    expect(lanes.lease('alice')!.lane).toBe(1);
    // Payers do not share lanes.
    lanes.learn('bob', 2);
    expect(lanes.lease('bob')!.lane).toBe(0);
  });

  test('a count below 2 (merged back, or absent from the view) means no lanes', () => {
    const lanes = new SubBalanceLanes();
    lanes.learn('alice', 4);
    expect(lanes.count('alice')).toBe(4);
    lanes.learn('alice', undefined);
    expect(lanes.lease('alice')).toBeUndefined();
    lanes.learn('alice', 1);
    expect(lanes.count('alice')).toBe(0);
  });
});
