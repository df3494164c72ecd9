import { expectRefusedUnchanged, closeAfterEach } from '../helpers';
import type { UserName } from '../network';
import { NotesNetwork, OwnedNote, SpendSpec, buildSpend, deposit, notesNetwork, outputsTo, reserve, ringAround } from './fixture';

/**
 * What notes:spend refuses (issue 13), each refusal committing nothing, moving no money and
 * leaving the reserve and the key images as they were: forged signatures, rings that are not
 * notes of the input's denomination or are too small, broken conservation, and a note spent twice.
 */
let net: NotesNetwork;
closeAfterEach(() => net);

let pool: OwnedNote[];

/** Twelve notes of 100: alice's six and dave's six. */
async function setup(): Promise<void> {
  net = await notesNetwork();
  pool = [...(await deposit(net, 'alice', Array(6).fill(100))), ...(await deposit(net, 'dave', Array(6).fill(100)))];
}

/** A payment of alice's first note to bob, ring 11. */
function payment(overrides: Partial<SpendSpec> = {}): SpendSpec {
  return { inputs: [{ note: pool[0], ring: ringAround(pool[0], pool, 11) }], outputs: outputsTo(net.keys.bob!, [100]).outputs, ...overrides };
}

async function refused(code: string, body: unknown, as: UserName = 'carol'): Promise<void> {
  const before = await reserve(net);
  await expectRefusedUnchanged(net, code as never, as, 'notes:spend', JSON.stringify(body));
  expect(await reserve(net)).toBe(before);
  expect(await net.evaluate('alice', 'notes:keyImageStatus', pool[0].keyImage)).toEqual({ spent: false });
}

test('a tampered signature, a changed output or a changed ring after signing: FORBIDDEN', async () => {
  await setup();
  const signed = buildSpend(payment());
  const tampered = structuredClone(signed);
  const r = Buffer.from(tampered.inputs[0].signature.responses[3], 'base64url');
  r[0] ^= 1;
  tampered.inputs[0].signature.responses[3] = r.toString('base64url');
  await refused('FORBIDDEN', tampered);
  const c0 = structuredClone(signed);
  c0.inputs[0].signature.c0 = signed.inputs[0].signature.responses[0];
  await refused('FORBIDDEN', c0);
  const redirected = { ...signed, outputs: outputsTo(net.keys.dave!, [100]).outputs };
  await refused('FORBIDDEN', redirected);
  const reordered = structuredClone(signed);
  reordered.inputs[0].ring.reverse();
  await refused('FORBIDDEN', reordered);
  const otherImage = structuredClone(signed);
  otherImage.inputs[0].signature.keyImage = pool[1].keyImage;
  await refused('FORBIDDEN', otherImage);
});

test('a ring member that is not a note, or not of the input denomination: NOT_FOUND; a ring below minRingSize: INVALID_ARGUMENT', async () => {
  await setup();
  const stranger = outputsTo(net.keys.bob!, [100]).notes[0];
  const ring = [...ringAround(pool[0], pool, 10), stranger.output.oneTimePublicKey];
  await refused('NOT_FOUND', buildSpend(payment({ inputs: [{ note: pool[0], ring }] })));
  // The same notes claimed as 200s (the outputs sum to 200): not notes of that denomination.
  const asTwoHundred = buildSpend(payment({ outputs: outputsTo(net.keys.bob!, [200]).outputs }));
  asTwoHundred.inputs[0].denomination = '200';
  await refused('NOT_FOUND', asTwoHundred);
  await refused('INVALID_ARGUMENT', buildSpend(payment({ inputs: [{ note: pool[0], ring: ringAround(pool[0], pool, 10) }] })));
  // A denomination outside the 1-2-5 series, and a ring naming a note twice.
  await refused('INVALID_ARGUMENT', buildSpend(payment({ outputs: outputsTo(net.keys.bob!, [30, 70]).outputs })));
  const twice = ringAround(pool[0], pool, 11);
  twice[twice.indexOf(pool[0].output.oneTimePublicKey) === 0 ? 1 : 0] = pool[0].output.oneTimePublicKey;
  await refused('INVALID_ARGUMENT', { ...buildSpend(payment()), inputs: [{ ...buildSpend(payment()).inputs[0], ring: twice }] });
});

test('a spend that creates or destroys value, or pays nobody: INVALID_ARGUMENT', async () => {
  await setup();
  await refused('INVALID_ARGUMENT', buildSpend(payment({ outputs: outputsTo(net.keys.bob!, [100, 1]).outputs })));
  await refused('INVALID_ARGUMENT', buildSpend(payment({ outputs: outputsTo(net.keys.bob!, [50]).outputs })));
  await refused('INVALID_ARGUMENT', buildSpend(payment({ outputs: [] })));
  await refused('INVALID_ARGUMENT', buildSpend(payment({ outputs: [], withdrawal: { account: net.account.bob, amount: '101' } })));
  const twoInputs = buildSpend({ inputs: [0, 0].map(() => ({ note: pool[0], ring: ringAround(pool[0], pool, 11) })), outputs: outputsTo(net.keys.bob!, [200]).outputs });
  await refused('INVALID_ARGUMENT', twoInputs);
  await refused('NOT_FOUND', buildSpend(payment({ outputs: [], withdrawal: { account: 'f'.repeat(40), amount: '100' } })));
});

test('a note is spent once: the same key image again is DOUBLE_SPEND, the identical payment retried ALREADY_EXISTS', async () => {
  await setup();
  const first = buildSpend(payment());
  const { txId } = await net.submit('carol', 'notes:spend', JSON.stringify(first));
  const spentReserve = await reserve(net);
  await expectRefusedUnchanged(net, 'ALREADY_EXISTS', 'bob', 'notes:spend', JSON.stringify(first));
  // Another payment of the same note, in another ring, to someone else.
  const again = buildSpend({ inputs: [{ note: pool[0], ring: ringAround(pool[0], pool.slice().reverse(), 11) }], outputs: outputsTo(net.keys.dave!, [100]).outputs });
  await expectRefusedUnchanged(net, 'DOUBLE_SPEND', 'carol', 'notes:spend', JSON.stringify(again));
  const withdrawal = buildSpend({ inputs: [{ note: pool[0], ring: ringAround(pool[0], pool, 11) }], outputs: [], withdrawal: { account: net.account.alice, amount: '100' } });
  await expectRefusedUnchanged(net, 'DOUBLE_SPEND', 'alice', 'notes:spend', JSON.stringify(withdrawal));
  expect(await reserve(net)).toBe(spentReserve);
  expect(await net.evaluate('dave', 'notes:keyImageStatus', pool[0].keyImage)).toEqual({ spent: true, txId });
});

test('two spends of one note submitted together: one commits, the other is DOUBLE_SPEND', async () => {
  // The embedded ledger serialises transactions (it does not model Fabric's MVCC validation), so
  // this shows the key-image check under concurrent submission; the concurrent-endorsement case
  // (both endorsed before either commits: MVCC_READ_CONFLICT on the key image) is the network's.
  await setup();
  const a = buildSpend(payment());
  const b = buildSpend(payment({ outputs: outputsTo(net.keys.dave!, [100]).outputs }));
  const outcomes = await Promise.all([a, b].map((body) => net.submit('carol', 'notes:spend', JSON.stringify(body)).then(() => 'committed', (e) => e.code)));
  expect(outcomes.sort()).toEqual(['DOUBLE_SPEND', 'committed']);
  expect(await reserve(net)).toBe(1200n);
});
