import { CoalescedReads } from '../src/ledger/coalesced-reads';

test('callers of one moment share one read that starts after all of them; a later caller gets a new read', async () => {
  const reads = new CoalescedReads<number>();
  let value = 0;
  let fetches = 0;
  const fetch = async () => {
    fetches += 1;
    return value;
  };
  const first = [reads.read('alice', fetch), reads.read('alice', fetch)];
  value = 1; // a commit both callers made before asking: the shared read starts after it
  expect(await Promise.all(first)).toEqual([1, 1]);
  expect(fetches).toBe(1);
  value = 2;
  expect(await reads.read('alice', fetch)).toBe(2);
  expect(await reads.read('bob', fetch)).toBe(2);
  expect(fetches).toBe(3);
  await expect(reads.read('alice', () => Promise.reject(new Error('ledger down')))).rejects.toThrow('ledger down');
});
