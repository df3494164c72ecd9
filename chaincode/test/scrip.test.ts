import { TestNetwork } from './network';
import { closeAfterEach, evalRefusal, expectRefusedUnchanged, submitWithEvent } from './helpers';
import { endorsersOf } from './dbcs-fixture';
import { BROKER, Held, VENDOR_A, VENDOR_B, balanceOf, buildSwap, outstanding, scripNetwork, swap, totalValue } from './scrip-fixture';

/**
 * The scrip system (issue 12; seeds/001 s. 6.1-6.7) on the embedded ledger: every flow as a swap
 * with balances, fees and series reserves checked, the broker log and who reads it, key-level
 * endorsement. Expiry and renewal (6.8): scrip-expiry.test.ts; refusals: scrip-refusals.test.ts.
 */
let net: TestNetwork;
closeAfterEach(() => net);

test('a customer buys BrokerScrip, converts it, buys with change, tops up both ways and withdraws both scrip to money (6.1-6.7)', async () => {
  net = await scripNetwork();
  const total = await totalValue(net);
  const expectState = async (alice: number, carol: number, bob: number, reserves: Record<string, number>) => {
    expect({ alice: await balanceOf(net, 'alice'), carol: await balanceOf(net, BROKER), bob: await balanceOf(net, VENDOR_A) }).toEqual({ alice: BigInt(alice), carol: BigInt(carol), bob: BigInt(bob) });
    expect(await outstanding(net, ['b1', 'va1'])).toEqual({ b1: BigInt(reserves.b1), va1: BigInt(reserves.va1) });
    expect(await totalValue(net)).toBe(total);
  };

  // 6.1 buy: 1002 of alice's money (her consent) -> BrokerScrip 1000, fee 2 to the broker.
  const [broker1] = await swap(net, BROKER, { flow: 'buy', moneyIn: [['alice', 1002]], scripOut: [{ series: 'b1', value: 1000 }], fee: 2, consent: ['alice'] });
  await expectState(8998, 2, 0, { b1: 1000, va1: 0 });
  expect(await net.evaluate('dave', 'scrip:getScrip', broker1.serial)).toMatchObject({ status: 'unspent', scrip: { serial: broker1.serial, series: 'b1', value: '1000', holder: broker1.holder.commitment } });

  // 6.2 convert: BrokerScrip 1000 -> VendorScrip 300 (bob signs it) + change BrokerScrip 697; fees 1 + 2.
  const [vendor1, broker2] = await swap(net, BROKER, { flow: 'convert', scripIn: [broker1], scripOut: [{ series: 'va1', value: 300 }, { series: 'b1', value: 697 }], fee: 3 });
  await expectState(8998, 4, 1, { b1: 697, va1: 300 });
  expect(await net.evaluate('dave', 'scrip:getScrip', broker1.serial)).toMatchObject({ status: 'spent', spent: { serial: broker1.serial } });

  // 6.3 purchase at bob: VendorScrip 300 -> 120 to bob + change VendorScrip 179, fee 1. No customer account on it.
  const purchase = buildSwap(net, { flow: 'purchase', scripIn: [vendor1], moneyOut: [[VENDOR_A, 120]], scripOut: [{ series: 'va1', value: 179 }], fee: 1, envelopes: { [net.account.alice]: 'v1.kA.enc.receipt', [net.account.carol]: 'v1.kC.enc.order' } });
  const { result, event } = await submitWithEvent(net, VENDOR_A, 'scrip:swap', ...purchase.args);
  const [vendor2] = purchase.issued;
  await expectState(8998, 4, 122, { b1: 697, va1: 179 });
  expect(result).toMatchObject({ flow: 'purchase', spent: [vendor1.serial], issued: [{ serial: vendor2.serial, value: '179' }], fee: '1' });
  expect(event).toMatchObject({ name: 'ScripSwapped', payload: { flow: 'purchase', broker: net.account.carol, spent: [vendor1.serial], issued: [vendor2.serial], series: ['va1'] } });
  expect(event.audience.accounts.sort()).toEqual([net.account.alice, net.account.bob, net.account.carol].sort());

  // 6.4 top up from the broker: BrokerScrip 697 + 500 of alice's money -> BrokerScrip 1195, fee 2.
  const [broker3] = await swap(net, BROKER, { flow: 'topup-broker', scripIn: [broker2], moneyIn: [['alice', 500]], scripOut: [{ series: 'b1', value: 1195 }], fee: 2, consent: ['alice'] });
  await expectState(8498, 6, 122, { b1: 1195, va1: 179 });

  // 6.5 top up through the vendor: BrokerScrip 1195 + VendorScrip 179 -> VendorScrip 400 + change BrokerScrip 971 (the broker signs it).
  const [vendor3, broker4] = await swap(net, VENDOR_A, { flow: 'topup-vendor', scripIn: [broker3, vendor2], scripOut: [{ series: 'va1', value: 400 }, { series: 'b1', value: 971 }], fee: 3 });
  await expectState(8498, 8, 123, { b1: 971, va1: 400 });

  // 6.6 BrokerScrip withdrawal to alice's account; 6.7 VendorScrip withdrawal through bob.
  await swap(net, BROKER, { flow: 'withdraw-broker', scripIn: [broker4], moneyOut: [['alice', 971]], fee: 0 });
  await swap(net, VENDOR_A, { flow: 'withdraw-vendor', scripIn: [vendor3], moneyOut: [['alice', 400]], fee: 0 });
  await expectState(9869, 8, 123, { b1: 0, va1: 0 });

  // The broker's log has every step, oldest first; the envelopes of the purchase are the broker's to see.
  const log = await net.evaluate(BROKER, 'scrip:brokerLog', '', '');
  expect(log.records.map((e: any) => e.flow)).toEqual(['buy', 'convert', 'purchase', 'topup-broker', 'topup-vendor', 'withdraw-broker', 'withdraw-vendor']);
  const entry = log.records[2];
  expect(entry).toMatchObject({ broker: net.account.carol, submitter: net.account.bob, inputs: { scrip: [{ serial: vendor1.serial, value: '300' }], money: [] }, outputs: { money: [{ account: net.account.bob, amount: '120' }] } });
  expect(entry.parties).toEqual([net.account.bob, net.account.carol].sort());
  expect(Object.keys(entry.envelopes).sort()).toEqual([net.account.alice, net.account.carol].sort());
  // A party reads its entry; the customer, reader of an envelope, sees only her own; others are refused.
  expect((await net.evaluate(VENDOR_A, 'scrip:logEntry', entry.txId)).envelopes).toEqual({});
  expect((await net.evaluate('alice', 'scrip:logEntry', entry.txId)).envelopes).toEqual({ [net.account.alice]: 'v1.kA.enc.receipt' });
  expect(await evalRefusal(net, VENDOR_B, 'scrip:logEntry', entry.txId)).toBe('FORBIDDEN');
  expect(await evalRefusal(net, 'alice', 'scrip:logEntry', log.records[4].txId)).toBe('FORBIDDEN');
  expect((await net.evaluate('alice', 'scrip:logEntry', log.records[0].txId)).parties).toContain(net.account.alice);
  expect((await net.evaluate(VENDOR_A, 'scrip:brokerLog', '', '')).records).toEqual([]);
});

test('series are public, their reserve is the issuer\'s to see; keys need the issuer\'s (or broker\'s) organisation', async () => {
  net = await scripNetwork();
  const [held] = await swap(net, BROKER, { flow: 'buy', moneyIn: [['alice', 102]], scripOut: [{ series: 'b1', value: 100 }], fee: 2, consent: ['alice'] });
  const seen = await net.evaluate('alice', 'scrip:getSeries', 'b1');
  expect(seen).toMatchObject({ id: 'b1', kind: 'broker', issuer: net.account.carol, broker: net.account.carol, fee: '2', active: true });
  expect(seen.outstanding).toBeUndefined();
  expect((await net.evaluate(BROKER, 'scrip:getSeries', 'b1')).outstanding).toBe('100');
  expect((await net.evaluate('alice', 'scrip:listSeries', '', '')).records.map((s: any) => s.id)).toEqual(['b1', 'va1', 'vb1']);
  expect(await endorsersOf(net, 'scrip-series', ['va1'])).toEqual(['Org2MSP']);
  expect(await endorsersOf(net, 'scrip', [held.serial])).toEqual(['Org3MSP']);
  await swap(net, VENDOR_B, { flow: 'convert', scripIn: [held], scripOut: [{ series: 'vb1', value: 99 }], fee: 1, consent: [BROKER] });
  expect(await endorsersOf(net, 'scrip-spent', [held.serial])).toEqual(['Org3MSP']);
  const log = await net.evaluate(BROKER, 'scrip:brokerLog', '', '');
  expect(await endorsersOf(net, 'scrip-log', [log.records[1].txId])).toEqual(['Org3MSP']);
});

test('series: the role named by its kind, a broker for vendor series, ordered windows, unique ids; an inactive series issues nothing', async () => {
  net = await scripNetwork();
  const request = (id: string, kind: 'broker' | 'vendor', broker?: string, hours: [number, number, number] = [1, 2, 3]) =>
    JSON.stringify({ id, kind, unit: 'USD', fee: '0', lastIssueAt: new Date(Date.now() + hours[0] * 3600e3).toISOString(), spendBy: new Date(Date.now() + hours[1] * 3600e3).toISOString(), renewBy: new Date(Date.now() + hours[2] * 3600e3).toISOString(), broker });
  await expectRefusedUnchanged(net, 'FORBIDDEN', 'alice', 'scrip:createSeries', request('x', 'broker'));
  await expectRefusedUnchanged(net, 'FORBIDDEN', VENDOR_A, 'scrip:createSeries', request('x', 'broker'));
  await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', VENDOR_A, 'scrip:createSeries', request('x', 'vendor'));
  await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', VENDOR_A, 'scrip:createSeries', request('x', 'vendor', net.account.dave));
  await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', VENDOR_A, 'scrip:createSeries', request('x', 'vendor', net.account.carol, [2, 1, 3]));
  await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', BROKER, 'scrip:createSeries', request('x', 'broker', undefined, [-1, 2, 3]));
  await expectRefusedUnchanged(net, 'ALREADY_EXISTS', BROKER, 'scrip:createSeries', request('b1', 'broker'));
  const { event } = await submitWithEvent(net, BROKER, 'scrip:createSeries', request('b2', 'broker'));
  expect(event).toMatchObject({ name: 'ScripSeriesCreated', payload: { series: { id: 'b2', spendBy: expect.any(String), renewBy: expect.any(String) } }, audience: { everyone: true } });

  await expectRefusedUnchanged(net, 'FORBIDDEN', 'alice', 'scrip:setSeriesActive', 'b1', 'false');
  await net.submit(BROKER, 'scrip:setSeriesActive', 'b1', 'false');
  const buy = buildSwap(net, { flow: 'buy', moneyIn: [['alice', 12]], scripOut: [{ series: 'b1', value: 10 }], fee: 2, consent: ['alice'] });
  await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', BROKER, 'scrip:swap', ...buy.args);
  await net.submit(BROKER, 'scrip:setSeriesActive', 'b1', 'true');
  await net.submit(BROKER, 'scrip:swap', ...buy.args);
});

test('getScrip: anyone checks a serial; malformed is INVALID_ARGUMENT, never issued NOT_FOUND', async () => {
  net = await scripNetwork();
  expect(await evalRefusal(net, 'alice', 'scrip:getScrip', 'nope')).toBe('INVALID_ARGUMENT');
  expect(await evalRefusal(net, 'alice', 'scrip:getScrip', 'a'.repeat(64))).toBe('NOT_FOUND');
  const held: Held[] = await swap(net, BROKER, { flow: 'buy', moneyIn: [['alice', 7]], scripOut: [{ series: 'b1', value: 5 }], fee: 2, consent: ['alice'] });
  expect((await net.evaluate('bank', 'scrip:getScrip', held[0].serial)).status).toBe('unspent');
});
