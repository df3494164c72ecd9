import { closeAfterEach, submitWithEvent } from '../helpers';
import { testNetwork } from '../network';
import { NotesNetwork, balanceOf, buildSpend, deposit, depositRequest, notesNetwork, outputsTo, reserve, ringAround } from './fixture';

/**
 * notes (issue 13): deposits move money from the depositor's account into the reserve behind new
 * notes; a payment spends a note hidden in a ring of 11 same-denomination notes and pays new
 * one-time outputs; a withdrawal pays an account out of the reserve.
 */
let net: NotesNetwork;
closeAfterEach(() => net);

test('a deposit debits the account, credits the reserve and writes notes listed by denomination', async () => {
  net = await notesNetwork();
  const { outputs } = outputsTo(net.keys.alice!, [500, 200, 5]);
  const { result, event } = await submitWithEvent(net, 'alice', 'notes:deposit', depositRequest(outputs));
  expect(result).toMatchObject({ amount: '705', outputs, batchId: expect.stringMatching(/^[0-9]{12}$/) });
  expect(event.name).toBe('PrivateDeposit');
  expect(event.payload).toMatchObject({ account: net.account.alice, amount: '705', txId: result.txId });
  expect(event.audience.everyone).toBe(true);
  expect(await balanceOf(net, 'alice')).toBe(100000n - 705n);
  expect(await reserve(net)).toBe(705n);
  const listed = await net.evaluate('bob', 'notes:listNotes', '500', '', '');
  expect(listed.items).toEqual([{ denomination: '500', output: outputs[0].output }]);
  const record = await net.evaluate('bob', 'notes:getTransaction', result.txId);
  expect(record).toMatchObject({ kind: 'deposit', account: net.account.alice, amount: '705', inputs: [] });
});

test('a deposit beyond the balance is INSUFFICIENT_FUNDS; a replayed requestId ALREADY_EXISTS and debits once', async () => {
  net = await notesNetwork();
  const big = outputsTo(net.keys.alice!, Array(16).fill('10000')).outputs;
  expect(await net.refusal('alice', 'notes:deposit', depositRequest(big))).toBe('INSUFFICIENT_FUNDS');
  const request = depositRequest(outputsTo(net.keys.alice!, [100]).outputs);
  await net.submit('alice', 'notes:deposit', request);
  expect(await net.refusal('alice', 'notes:deposit', request)).toBe('ALREADY_EXISTS');
  expect(await balanceOf(net, 'alice')).toBe(99900n);
  expect(await reserve(net)).toBe(100n);
  expect(await net.refusal('alice', 'notes:deposit', depositRequest(outputsTo(net.keys.alice!, [3]).outputs))).toBe('INVALID_ARGUMENT');
});

test('alice pays bob privately with a ring of 11 notes of one denomination; bob withdraws to his account', async () => {
  net = await notesNetwork();
  const pool = [...(await deposit(net, 'alice', Array(6).fill(100))), ...(await deposit(net, 'dave', Array(6).fill(100)))];
  const mine = pool[2];
  const ring = ringAround(mine, pool, 11);
  const toBob = outputsTo(net.keys.bob!, [50, 20, 20, 10]);
  const payment = buildSpend({ inputs: [{ note: mine, ring }], outputs: toBob.outputs });
  const { result, event } = await submitWithEvent(net, 'carol', 'notes:spend', JSON.stringify(payment));
  expect(result).toMatchObject({ keyImages: [mine.keyImage], outputs: toBob.outputs });
  expect(event).toMatchObject({ name: 'PrivatePayment', payload: { keyImages: [mine.keyImage] } });
  expect(event.payload.account).toBeUndefined();
  expect(await reserve(net)).toBe(1200n);
  expect(await net.evaluate('bob', 'notes:keyImageStatus', mine.keyImage)).toEqual({ spent: true, txId: result.txId });

  // bob spends his 50 among other 50s (minRingSize lowered by the consortium for this pool).
  await net.submit('admin1', 'notes:setSettings', '2', '');
  const fifties = [...toBob.notes.slice(0, 1), ...(await deposit(net, 'dave', [50, 50]))];
  const bobBefore = await balanceOf(net, 'bob');
  const withdrawal = buildSpend({ inputs: [{ note: toBob.notes[0], ring: ringAround(toBob.notes[0], fifties, 3) }], outputs: outputsTo(net.keys.bob!, [20]).outputs, withdrawal: { account: net.account.bob, amount: '30' } });
  const w = await submitWithEvent(net, 'alice', 'notes:spend', JSON.stringify(withdrawal));
  expect(w.event).toMatchObject({ name: 'PrivateWithdrawal', payload: { account: net.account.bob, amount: '30' } });
  expect(await balanceOf(net, 'bob')).toBe(bobBefore + 30n);
  expect(await reserve(net)).toBe(1200n + 100n - 30n);
});

test('registerAddress publishes the caller\'s meta-address to everyone and replaces it; malformed keys and unknown accounts are refused', async () => {
  net = await notesNetwork();
  const first = await net.evaluate('dave', 'notes:getAddress', net.account.alice);
  expect(first).toMatchObject({ accountId: net.account.alice, viewPublicKey: net.keys.alice!.viewPublicKey, spendPublicKey: net.keys.alice!.spendPublicKey });
  const other = outputsTo(net.keys.bob!, [1]).outputs[0].output;
  const { event } = await submitWithEvent(net, 'alice', 'notes:registerAddress', JSON.stringify({ viewPublicKey: other.ephemeralPublicKey, spendPublicKey: other.oneTimePublicKey }));
  expect(event).toMatchObject({ name: 'StealthAddressRegistered', payload: { address: { accountId: net.account.alice, viewPublicKey: other.ephemeralPublicKey } } });
  expect(event.audience.everyone).toBe(true);
  expect((await net.evaluate('bob', 'notes:getAddress', net.account.alice)).spendPublicKey).toBe(other.oneTimePublicKey);
  expect(await net.refusal('alice', 'notes:registerAddress', JSON.stringify({ viewPublicKey: 'A'.repeat(43), spendPublicKey: other.oneTimePublicKey }))).toBe('INVALID_ARGUMENT');
  await expect(net.evaluate('bob', 'notes:getAddress', net.account.carol)).rejects.toMatchObject({ code: 'NOT_FOUND' });
  const unregistered = await testNetwork({ register: false });
  try {
    expect(await unregistered.refusal('alice', 'notes:registerAddress', JSON.stringify({ viewPublicKey: other.ephemeralPublicKey, spendPublicKey: other.oneTimePublicKey }))).toBe('FAILED_PRECONDITION');
  } finally {
    await unregistered.close();
  }
});

test('settings: defaults ring 11 and 10 s batches; only member administrators change them', async () => {
  net = await notesNetwork();
  expect(await net.evaluate('alice', 'notes:getSettings')).toEqual({ minRingSize: 11, batchSeconds: 10 });
  expect(await net.refusal('alice', 'notes:setSettings', '2', '')).toBe('FORBIDDEN');
  expect(await net.refusal('admin3', 'notes:setSettings', '1', '')).toBe('INVALID_ARGUMENT');
  expect(await net.submit('admin3', 'notes:setSettings', '16', '60')).toMatchObject({ minRingSize: 16, batchSeconds: 60, updatedBy: net.account.admin3 });
});
