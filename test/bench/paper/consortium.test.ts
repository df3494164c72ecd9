/**
 * The paper benches' instruments measure what they claim, on three gateways over the embedded
 * ledger: a two-party payment crosses a link as one request and one answer carrying both
 * parties' signatures and commits nothing; a checkpoint commits one transaction; the link delay
 * holds each direction; the block clock holds a submit until the next block boundary.
 */
import { Consortium, startConsortium } from './consortium';
import { evaluate } from './paper';
import * as s from './stages';

const run = Date.now().toString(36);

describe('paper bench instruments', () => {
  let c: Consortium;
  const channel = `inst-${run}`;

  beforeAll(async () => {
    c = await startConsortium(['bank', 'alice', 'bob'], { alice: '1000' });
    await s.openChannel(c, 'alice', 'bob', channel, '500');
  }, 120_000);
  afterAll(() => c?.close());

  test('an off-chain payment: 2 messages (tpc-update and its answer), 2 signatures, 0 on-chain transactions', async () => {
    const { cost } = await c.measure(() => s.payInChannel(c, 'alice', channel, '1'));
    expect(cost.byType).toEqual({ 'tpc-update': 2 });
    expect(cost.messages).toBe(2);
    expect(cost.signatures).toBe(2);
    expect(cost.onchain).toBe(0);
  }, 60_000);

  test('a checkpoint: one on-chain transaction carrying the two signatures, no message', async () => {
    const { cost } = await c.measure(() => s.checkpoint(c, 'alice', channel));
    expect(cost.onchain).toBe(1);
    expect(cost.functions).toEqual({ 'channels:checkpoint': 1 });
    expect(cost.messages).toBe(0);
    expect(cost.signatures).toBe(2);
  }, 60_000);

  test('the link delay holds the request and the answer; the block clock holds a submit to the next boundary', async () => {
    c.delay.ms = 150;
    try {
      const { cost } = await c.measure(() => s.payInChannel(c, 'alice', channel, '1'));
      expect(cost.ms).toBeGreaterThanOrEqual(300);
    } finally {
      c.delay.ms = 0;
    }
    c.ledger.setBlockTime(1000);
    try {
      const first = await c.measure(() => s.payInChannel(c, 'alice', channel, '1').then(() => s.checkpoint(c, 'alice', channel)));
      // Right after a boundary, the next submit waits for the following one: about a whole block.
      const second = await c.measure(async () => {
        await s.payInChannel(c, 'alice', channel, '1');
        await s.checkpoint(c, 'alice', channel);
      });
      expect(first.cost.onchain).toBe(1);
      expect(second.cost.ms).toBeGreaterThanOrEqual(800);
    } finally {
      c.ledger.setBlockTime(0);
    }
  }, 60_000);

  test("the paper's counts in n evaluate as Table 1 writes them", () => {
    expect(evaluate('3n-1', 3)).toBe(8);
    expect(evaluate('5n+1', 4)).toBe(21);
    expect(evaluate('n', 4)).toBe(4);
    expect(evaluate('2', 7)).toBe(2);
    expect(evaluate(null, 3)).toBeNull();
    expect(() => evaluate('n^2', 3)).toThrow();
  });
});
