import { selectCoins, MAX_INPUTS } from '../src/privacy/coin-selection';
import { chooseDecoys, ringOf } from '../src/privacy/decoys';
import { HttpProblem } from '../src/http/problem';

const coin = (key: string, denomination: bigint) => ({ oneTimePublicKey: key, denomination });
const codeOf = (f: () => unknown) => {
  try {
    f();
  } catch (err) {
    return (err as HttpProblem).problem.code;
  }
  return undefined;
};

describe('coin selection', () => {
  const coins = [coin('a', 100n), coin('b', 500n), coin('c', 200n), coin('d', 100n)];

  test('the smallest single note that covers the amount', () => {
    expect(selectCoins(coins, 150n)).toEqual({ chosen: [coin('c', 200n)], change: 50n });
    expect(selectCoins(coins, 100n)).toEqual({ chosen: [coin('a', 100n)], change: 0n });
  });

  test('otherwise the largest notes first until covered', () => {
    expect(selectCoins(coins, 650n)).toEqual({ chosen: [coin('b', 500n), coin('c', 200n)], change: 50n });
    expect(selectCoins(coins, 900n)).toEqual({ chosen: [coin('b', 500n), coin('c', 200n), coin('a', 100n), coin('d', 100n)], change: 0n });
  });

  test('too little is INSUFFICIENT_FUNDS; too many notes is FAILED_PRECONDITION', () => {
    expect(codeOf(() => selectCoins(coins, 901n))).toBe('INSUFFICIENT_FUNDS');
    const ones = Array.from({ length: MAX_INPUTS + 1 }, (_, i) => coin(`k${i}`, 1n));
    expect(codeOf(() => selectCoins(ones, BigInt(MAX_INPUTS + 1)))).toBe('FAILED_PRECONDITION');
    expect(selectCoins(ones, BigInt(MAX_INPUTS)).chosen).toHaveLength(MAX_INPUTS);
  });
});

describe('decoy selection', () => {
  const notes = Array.from({ length: 20 }, (_, i) => `note-${String(i).padStart(2, '0')}`);

  test('distinct decoys among the other notes, never the real one; the ring is sorted', () => {
    for (let round = 0; round < 50; round++) {
      const decoys = chooseDecoys(notes, 'note-07', 10, '100');
      expect(new Set(decoys).size).toBe(10);
      expect(decoys).not.toContain('note-07');
      for (const d of decoys) expect(notes).toContain(d);
      const ring = ringOf('note-07', decoys);
      expect(ring).toEqual([...ring].sort());
      expect(ring).toContain('note-07');
    }
  });

  test('uniform: every other note is drawn about equally often', () => {
    const counts = new Map<string, number>();
    const rounds = 3000;
    for (let i = 0; i < rounds; i++) for (const d of chooseDecoys(notes, 'note-00', 5, '100')) counts.set(d, (counts.get(d) ?? 0) + 1);
    // Each of the 19 others is drawn with probability 5/19 per round: mean ~789, sd ~24.
    for (const n of notes.slice(1)) expect(Math.abs((counts.get(n) ?? 0) - (rounds * 5) / 19)).toBeLessThan(150);
  });

  test('too few notes of the denomination is FAILED_PRECONDITION', () => {
    expect(codeOf(() => chooseDecoys(notes.slice(0, 5), 'note-00', 10, '100'))).toBe('FAILED_PRECONDITION');
  });
});

describe('denominations of an amount', () => {
  test('the 1-2-5 notes, or a problem past 16 notes', async () => {
    const { denominationsOf } = await import('../src/privacy/payment-builder');
    expect(denominationsOf(1288n, 400)).toEqual([1000n, 200n, 50n, 20n, 10n, 5n, 2n, 1n]);
    const refused = (() => {
      try {
        return denominationsOf(99_999_999n, 409);
      } catch (err) {
        return (err as HttpProblem).problem;
      }
    })();
    expect(refused).toMatchObject({ status: 409, code: 'FAILED_PRECONDITION' });
  });
});
