import fc from 'fast-check';
import { assertSequences } from '../property';
import type { UserName } from '../network';
import { decompose } from '../../src/notes/denominations';
import { NotesNetwork, OwnedNote, buildSpend, deposit, notesNetwork, outputsTo, reserve } from './fixture';

/**
 * Conservation across deposits, payments and withdrawals (issue 13, DESIGN.md "Money and
 * accounts"): over random sequences, Σ account balances + reserve stays what was minted, and the
 * reserve always equals the value of the unspent notes (a model of who owns which note). Rings are
 * of 3 (minRingSize lowered) over notes of the same denomination, spent or not.
 */
const USERS: UserName[] = ['alice', 'bob', 'dave'];
const SMALL = [1, 2, 5, 10, 20, 50];

type Op =
  | { kind: 'deposit'; user: number; denominations: number[] }
  | { kind: 'pay'; note: number; to: number; share: number }
  | { kind: 'withdraw'; note: number; share: number };

const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ kind: fc.constant('deposit' as const), user: fc.nat(2), denominations: fc.array(fc.constantFrom(...SMALL), { minLength: 1, maxLength: 3 }) }),
  fc.record({ kind: fc.constant('pay' as const), note: fc.nat(), to: fc.nat(2), share: fc.integer({ min: 1, max: 100 }) }),
  fc.record({ kind: fc.constant('withdraw' as const), note: fc.nat(), share: fc.integer({ min: 1, max: 100 }) }),
);

/** Σ balance + held of every registered user. */
async function accountsTotal(net: NotesNetwork): Promise<bigint> {
  let total = 0n;
  for (const user of Object.keys(net.account) as UserName[]) {
    const a = await net.evaluate(user, 'accounts:getOwnAccount');
    total += BigInt(a.balance) + BigInt(a.held);
  }
  return total;
}

async function setup(): Promise<NotesNetwork> {
  const net = await notesNetwork();
  await net.submit('admin1', 'notes:setSettings', '3', '');
  return net;
}

test('Σ balances + reserve is constant and the reserve is the value of the unspent notes', async () => {
  await assertSequences(op, { minLength: 2, maxLength: 7, numRuns: 6, budgetMs: 40_000 }, setup, async (network, ops) => {
    const net = network as NotesNetwork;
    const all: OwnedNote[] = [...(await deposit(net, 'dave', [...SMALL, ...SMALL])), ...(await deposit(net, 'dave', SMALL))];
    const unspent: { owner: UserName; note: OwnedNote }[] = all.map((note) => ({ owner: 'dave' as UserName, note }));
    const minted = (await accountsTotal(net)) + (await reserve(net));
    const ringOf = (note: OwnedNote) => [note.output.oneTimePublicKey, ...all.filter((n) => n.denomination === note.denomination && n !== note).slice(0, 2).map((n) => n.output.oneTimePublicKey)];

    for (const o of ops) {
      if (o.kind === 'deposit') {
        const owner = USERS[o.user];
        for (const note of await deposit(net, owner, o.denominations)) {
          all.push(note);
          unspent.push({ owner, note });
        }
      } else {
        const [{ owner, note }] = unspent.splice(o.note % unspent.length, 1);
        const value = BigInt(note.denomination);
        const moved = (value * BigInt(o.share)) / 100n || 1n;
        const change = value - moved;
        const changeOut = change > 0n ? outputsTo(net.keys[owner]!, decompose(change)) : { outputs: [], notes: [] };
        const to = o.kind === 'pay' ? USERS[o.to] : owner;
        const paid = o.kind === 'pay' ? outputsTo(net.keys[to]!, decompose(moved)) : { outputs: [], notes: [] };
        const withdrawal = o.kind === 'withdraw' ? { account: net.account[owner], amount: moved.toString() } : undefined;
        const body = buildSpend({ inputs: [{ note, ring: ringOf(note) }], outputs: [...paid.outputs, ...changeOut.outputs], withdrawal });
        await net.submit('carol', 'notes:spend', JSON.stringify(body));
        for (const n of paid.notes) unspent.push({ owner: to, note: n });
        for (const n of changeOut.notes) unspent.push({ owner, note: n });
        all.push(...paid.notes, ...changeOut.notes);
      }
      const held = unspent.reduce((s, u) => s + BigInt(u.note.denomination), 0n);
      expect(await reserve(net)).toBe(held);
      expect((await accountsTotal(net)) + (await reserve(net))).toBe(minted);
    }
  });
}, 120_000);
