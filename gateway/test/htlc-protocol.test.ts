import { createHash } from 'node:crypto';
import { tpcStateBytes } from '@covenant/chaincode';
import { parseStateArg, tpcState as chaincodeTpcState } from '@covenant/chaincode/dist/channels/channel';
import {
  ChannelRefusal,
  StateJson,
  addHtlcState,
  channelTotal,
  checkNextState,
  checkPreimage,
  closingState,
  htlcChangeOf,
  nettedPaymentState,
  removeHtlcState,
  stateJson,
  tpcBytes,
} from '../src/channels/protocol';

/** The off-chain HTLC steps (protocol/htlc.ts): each one version, conserving the channel, and nothing else. */
const preimage = '11'.repeat(32);
const hash = createHash('sha256').update(Buffer.from(preimage, 'hex')).digest('hex');
const plain: StateJson = { version: 4, balances: ['60', '40'], final: false };
const channel = (latest: StateJson, self: 0 | 1 = 0) => ({ id: 'ch-1', self, latest });
const htlc = { id: 'h.0', hash, amount: '25', expiresAt: '2030-01-01T00:00:00.000Z' };
const code = (run: () => unknown) => {
  try {
    run();
  } catch (err) {
    return (err as ChannelRefusal).code;
  }
  return 'none';
};

test('add takes the amount from the payer and holds it aside; fulfill pays it to the payee, fail back to the payer', () => {
  const added = addHtlcState(channel(plain), htlc);
  expect(added).toEqual({ version: 5, balances: ['35', '40'], final: false, htlcs: [{ ...htlc, payer: 0 }] });
  expect(channelTotal(added)).toBe(100n);
  expect(removeHtlcState(channel(added), 'h.0', 'fulfill')).toEqual({ version: 6, balances: ['35', '65'], final: false });
  expect(removeHtlcState(channel(added), 'h.0', 'fail')).toEqual({ version: 6, balances: ['60', '40'], final: false });
  expect(code(() => addHtlcState(channel(plain), { ...htlc, amount: '61' }))).toBe('INSUFFICIENT_FUNDS');
  expect(code(() => addHtlcState(channel(added), htlc))).toBe('FAILED_PRECONDITION');
});

test('the other side recognises exactly one step and refuses anything else', () => {
  const added = addHtlcState(channel(plain), htlc);
  expect(htlcChangeOf(channel(plain, 1), added)).toEqual({ kind: 'add', htlc: { ...htlc, payer: 0 } });
  expect(htlcChangeOf(channel(added, 0), removeHtlcState(channel(added), 'h.0', 'fulfill')).kind).toBe('fulfill');
  expect(htlcChangeOf(channel(added, 1), removeHtlcState(channel(added), 'h.0', 'fail')).kind).toBe('fail');
  // An add that also moves a balance, a removal paying a third amount, a changed HTLC, a skipped version.
  expect(code(() => htlcChangeOf(channel(plain), { ...added, balances: ['30', '45'] }))).toBe('INVALID_ARGUMENT');
  expect(code(() => htlcChangeOf(channel(added), { version: 6, balances: ['45', '55'], final: false }))).toBe('INVALID_ARGUMENT');
  expect(code(() => htlcChangeOf(channel(added), { ...added, version: 6, htlcs: [{ ...added.htlcs![0], amount: '20' }], balances: ['40', '40'] }))).toBe('INVALID_ARGUMENT');
  expect(code(() => htlcChangeOf(channel(plain), { ...added, version: 6 }))).toBe('FAILED_PRECONDITION');
  expect(code(() => htlcChangeOf(channel(plain), plain))).toBe('FAILED_PRECONDITION');
});

test('payments keep the HTLCs in flight, a close waits for them, and only the right preimage claims', () => {
  const added = addHtlcState(channel(plain), htlc);
  const paid = nettedPaymentState(channel(added), [5n]).state!;
  expect(paid).toEqual({ version: 6, balances: ['30', '45'], final: false, htlcs: added.htlcs });
  expect(() => checkNextState(channel(added, 1), paid, false)).not.toThrow();
  // A payment state dropping the HTLC is refused even though its balances would be a gain.
  expect(code(() => checkNextState(channel(added, 1), { version: 6, balances: ['35', '65'], final: false }, false))).toBe('INVALID_ARGUMENT');
  expect(code(() => closingState({ id: 'ch-1', latest: added }))).toBe('FAILED_PRECONDITION');
  expect(checkPreimage(added.htlcs![0], preimage)).toBe(preimage);
  expect(code(() => checkPreimage(added.htlcs![0], '22'.repeat(32)))).toBe('FORBIDDEN');
});

test("the bytes both gateways sign for a state with HTLCs are the chaincode's for the same state argument", () => {
  const added = addHtlcState(channel(plain), htlc);
  const arg = parseStateArg(JSON.parse(stateJson(added)), 'ch-1');
  expect(Buffer.from(tpcBytes('ch-1', added))).toEqual(Buffer.from(tpcStateBytes(chaincodeTpcState({ id: 'ch-1' }, arg))));
  // A plain state still signs without an htlcs member.
  expect(Buffer.from(tpcBytes('ch-1', plain)).toString()).not.toMatch(/htlcs/);
});

test('an added HTLC the ledger would refuse in a dispute is refused before signing', () => {
  for (const bad of [{ expiresAt: '2030-01-01' }, { expiresAt: '2030-01-01T00:00:00Z' }, { amount: '0' }, { id: 'has space' }, { hash: 'AB'.repeat(32) }]) {
    const state: StateJson = { version: 5, balances: [String(60 - Number((bad as { amount?: string }).amount ?? 25)), '40'], final: false, htlcs: [{ ...htlc, ...bad, payer: 0 }] };
    expect(code(() => htlcChangeOf(channel(plain, 1), state))).toBe('INVALID_ARGUMENT');
  }
});
