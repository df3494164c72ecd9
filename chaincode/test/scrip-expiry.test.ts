import { TestNetwork } from './network';
import { closeAfterEach, expectRefusedUnchanged, submitWithEvent } from './helpers';
import { BROKER, VENDOR_A, advanceClock, resetClock, balanceOf, buildSwap, outstanding, scripNetwork, seriesRequest, swap, totalValue } from './scrip-fixture';

/**
 * Expiry and renewal (seeds/001 s. 6.8; issue 12): scrip past its series' spendBy is
 * SCRIP_EXPIRED, renewable into the issuer's issuing series (new serial, new holder key, same
 * value, fee 0) until renewBy; after it renewal is refused and the issuer sweeps what is left.
 * The ledger clock is moved forward (Date.now, which stamps embedded-ledger transactions).
 */
let net: TestNetwork;
closeAfterEach(() => net);
afterEach(resetClock);

const HOUR = 3600_000;

test('expired scrip is refused, renewed into the active series, then spent', async () => {
  net = await scripNetwork();
  const total = await totalValue(net);
  const [held] = await swap(net, BROKER, { flow: 'buy', moneyIn: [['alice', 502]], scripOut: [{ series: 'b1', value: 500 }], fee: 2, consent: ['alice'] });
  advanceClock(49 * HOUR); // past b1's spendBy (48 h), before its renewBy (72 h)
  await expectRefusedUnchanged(net, 'SCRIP_EXPIRED', BROKER, 'scrip:swap', ...buildSwap(net, { flow: 'withdraw-broker', scripIn: [held], moneyOut: [['alice', 500]], fee: 0 }).args);
  // Renewal needs an issuing series of the same issuer: b1 issued its last scrip at 24 h.
  await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', BROKER, 'scrip:swap', ...buildSwap(net, { flow: 'renew', scripIn: [held], scripOut: [{ series: 'b1', value: 500 }], fee: 0 }).args);
  await net.submit(BROKER, 'scrip:createSeries', seriesRequest('b2', 'broker', 2));
  await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', BROKER, 'scrip:swap', ...buildSwap(net, { flow: 'renew', scripIn: [held], scripOut: [{ series: 'b2', value: 498 }], fee: 2 }).args);
  await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', BROKER, 'scrip:swap', ...buildSwap(net, { flow: 'renew', scripIn: [held], scripOut: [{ series: 'va1', value: 500 }], fee: 0 }).args);
  const renewal = buildSwap(net, { flow: 'renew', scripIn: [held], scripOut: [{ series: 'b2', value: 500 }], fee: 0 });
  const { event } = await submitWithEvent(net, BROKER, 'scrip:swap', ...renewal.args);
  const [renewed] = renewal.issued;
  expect(event.payload).toMatchObject({ flow: 'renew', spent: [held.serial], issued: [renewed.serial], series: ['b1', 'b2'] });
  expect(renewed.serial).not.toBe(held.serial);
  expect(renewed.holder.commitment).not.toBe(held.holder.commitment);
  expect(await outstanding(net, ['b1', 'b2'])).toEqual({ b1: 0n, b2: 500n });
  await expectRefusedUnchanged(net, 'DOUBLE_SPEND', BROKER, 'scrip:swap', ...buildSwap(net, { flow: 'renew', scripIn: [held], scripOut: [{ series: 'b2', value: 500 }], fee: 0 }).args);
  await swap(net, BROKER, { flow: 'withdraw-broker', scripIn: [renewed], moneyOut: [['alice', 500]], fee: 0 });
  expect(await balanceOf(net, 'alice')).toBe(9998n);
  expect(await totalValue(net)).toBe(total);
});

test('after renewBy renewal is refused and the issuer sweeps the outstanding value to its account, once', async () => {
  net = await scripNetwork();
  const [held] = await swap(net, BROKER, { flow: 'buy', moneyIn: [['alice', 302]], scripOut: [{ series: 'b1', value: 300 }], fee: 2, consent: ['alice'] });
  const [atBob] = await swap(net, BROKER, { flow: 'convert', scripIn: [held], scripOut: [{ series: 'va1', value: 299 }], fee: 1 });
  await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', VENDOR_A, 'scrip:sweepSeries', 'va1');
  advanceClock(73 * HOUR);
  await net.submit(VENDOR_A, 'scrip:createSeries', seriesRequest('va2', 'vendor', 1, undefined, net.account.carol));
  await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', VENDOR_A, 'scrip:swap', ...buildSwap(net, { flow: 'renew', scripIn: [atBob], scripOut: [{ series: 'va2', value: 299 }], fee: 0 }).args);
  await expectRefusedUnchanged(net, 'SCRIP_EXPIRED', VENDOR_A, 'scrip:swap', ...buildSwap(net, { flow: 'purchase', scripIn: [atBob], moneyOut: [[VENDOR_A, 299]], fee: 0 }).args);
  await expectRefusedUnchanged(net, 'FORBIDDEN', BROKER, 'scrip:sweepSeries', 'va1');
  const total = await totalValue(net);
  const before = await balanceOf(net, VENDOR_A);
  const { event } = await submitWithEvent(net, VENDOR_A, 'scrip:sweepSeries', 'va1');
  expect(event).toMatchObject({ name: 'ScripSeriesSwept', payload: { series: 'va1', amount: '299' }, audience: { accounts: [net.account.bob] } });
  expect(await balanceOf(net, VENDOR_A)).toBe(before + 299n);
  expect(await outstanding(net, ['va1'])).toEqual({ va1: 0n });
  expect(await net.evaluate('alice', 'scrip:getSeries', 'va1')).toMatchObject({ swept: '299', sweptAt: expect.any(String) });
  expect(await totalValue(net)).toBe(total);
  await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', VENDOR_A, 'scrip:sweepSeries', 'va1');
  await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', VENDOR_A, 'scrip:swap', ...buildSwap(net, { flow: 'purchase', scripIn: [atBob], moneyOut: [[VENDOR_A, 299]], fee: 0 }).args);
});
