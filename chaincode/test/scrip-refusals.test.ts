import { TestNetwork, UserName } from './network';
import { closeAfterEach, expectRefusedUnchanged } from './helpers';
import { BROKER, Held, SwapSpec, VENDOR_A, VENDOR_B, buildSwap, holderSign, newHolder, outstanding, scripNetwork, swap } from './scrip-fixture';

/**
 * What the swap refuses (issue 12), each refusal committing nothing and moving nothing: double
 * spend, replay, scrip at the wrong vendor, forged or missing signatures and consent, broken sum
 * and fee rules, flow shapes.
 */
let net: TestNetwork;
closeAfterEach(() => net);

/** A refused swap: its code, and no balance or series reserve changed. */
async function refused(code: string, as: UserName, spec: SwapSpec | [string, string]): Promise<void> {
  const args = Array.isArray(spec) ? spec : buildSwap(net, spec).args;
  const reserves = await outstanding(net);
  await expectRefusedUnchanged(net, code as never, as, 'scrip:swap', ...args);
  expect(await outstanding(net)).toEqual(reserves);
}

/** alice's BrokerScrip of 1000 and VendorScrip of bob (300) and of dave (200). */
async function funded(): Promise<{ broker: Held; atBob: Held; atDave: Held }> {
  net = await scripNetwork();
  const [b] = await swap(net, BROKER, { flow: 'buy', moneyIn: [['alice', 1502]], scripOut: [{ series: 'b1', value: 1500 }], fee: 2, consent: ['alice'] });
  const [atBob, b2] = await swap(net, BROKER, { flow: 'convert', scripIn: [b], scripOut: [{ series: 'va1', value: 300 }, { series: 'b1', value: 1197 }], fee: 3 });
  const [atDave, broker] = await swap(net, BROKER, { flow: 'convert', scripIn: [b2], scripOut: [{ series: 'vb1', value: 200 }, { series: 'b1', value: 994 }], fee: 3 });
  return { broker, atBob, atDave };
}

test('a serial is spent once: a second spend is DOUBLE_SPEND, a replayed request ALREADY_EXISTS', async () => {
  const { atBob } = await funded();
  const purchase = buildSwap(net, { flow: 'purchase', scripIn: [atBob], moneyOut: [[VENDOR_A, 300]], fee: 0 });
  await net.submit(VENDOR_A, 'scrip:swap', ...purchase.args);
  await refused('ALREADY_EXISTS', VENDOR_A, purchase.args);
  await refused('DOUBLE_SPEND', VENDOR_A, { flow: 'purchase', scripIn: [atBob], moneyOut: [[VENDOR_A, 300]], fee: 0 });
  await refused('DOUBLE_SPEND', VENDOR_A, { flow: 'withdraw-vendor', scripIn: [atBob], moneyOut: [['alice', 300]], fee: 0 });
  // A replayed buy (no scrip input) does not debit the customer twice.
  const buy = buildSwap(net, { flow: 'buy', moneyIn: [['alice', 12]], scripOut: [{ series: 'b1', value: 10 }], fee: 2, consent: ['alice'] });
  await net.submit(BROKER, 'scrip:swap', ...buy.args);
  await refused('ALREADY_EXISTS', BROKER, buy.args);
});

test("VendorScrip is spent only at its vendor; one swap never mixes vendors' scrip", async () => {
  const { broker, atBob, atDave } = await funded();
  await refused('FORBIDDEN', VENDOR_B, { flow: 'purchase', scripIn: [atBob], moneyOut: [[VENDOR_B, 300]], fee: 0 });
  await refused('FORBIDDEN', VENDOR_B, { flow: 'withdraw-vendor', scripIn: [atBob], moneyOut: [['alice', 300]], fee: 0 });
  await refused('INVALID_ARGUMENT', VENDOR_B, { flow: 'purchase', scripIn: [atBob], moneyOut: [[VENDOR_B, 199]], scripOut: [{ series: 'vb1', value: 100 }], fee: 1, consent: [VENDOR_A] });
  await refused('INVALID_ARGUMENT', VENDOR_A, { flow: 'purchase', scripIn: [atBob, atDave], moneyOut: [[VENDOR_A, 500]], fee: 0, consent: [VENDOR_B] });
  // BrokerScrip too is accepted only with its broker's consent.
  await refused('FORBIDDEN', VENDOR_A, { flow: 'withdraw-broker', scripIn: [broker], moneyOut: [[VENDOR_A, 994]], fee: 0 });
});

test('forged holder signature, wrong holder key, forged issuer signature, money without consent: FORBIDDEN', async () => {
  const { broker, atBob } = await funded();
  // The holder's public key with a signature by another key.
  const forged = buildSwap(net, { flow: 'purchase', scripIn: [atBob], moneyOut: [[VENDOR_A, 300]], fee: 0 });
  const auth = JSON.parse(forged.args[1]);
  auth.holders[0].signature = holderSign(newHolder(), forged.digest);
  await refused('FORBIDDEN', VENDOR_A, [forged.args[0], JSON.stringify(auth)]);
  // Another key with its own valid signature.
  await refused('FORBIDDEN', VENDOR_A, { flow: 'purchase', scripIn: [{ ...atBob, holder: newHolder() }], moneyOut: [[VENDOR_A, 300]], fee: 0 });
  // A signature over another request.
  const other = buildSwap(net, { flow: 'purchase', scripIn: [atBob], moneyOut: [[VENDOR_A, 299]], fee: 0 });
  auth.holders[0].signature = holderSign(atBob.holder, other.digest);
  await refused('FORBIDDEN', VENDOR_A, [forged.args[0], JSON.stringify(auth)]);
  // No holder signature at all.
  await refused('FORBIDDEN', VENDOR_A, [forged.args[0], JSON.stringify({ ...auth, holders: [] })]);
  // An output "signed" by someone who is not its series' issuer.
  await refused('FORBIDDEN', BROKER, { flow: 'convert', scripIn: [broker], scripOut: [{ series: 'va1', value: 993 }], fee: 1, issuers: { va1: BROKER } });
  // Money of alice without her signature; with dave's signature instead of hers.
  await refused('FORBIDDEN', BROKER, { flow: 'buy', moneyIn: [['alice', 12]], scripOut: [{ series: 'b1', value: 10 }], fee: 2 });
  await refused('FORBIDDEN', BROKER, { flow: 'buy', moneyIn: [['alice', 12]], scripOut: [{ series: 'b1', value: 10 }], fee: 2, consent: ['dave'] });
  const bad = buildSwap(net, { flow: 'buy', moneyIn: [['alice', 12]], scripOut: [{ series: 'b1', value: 10 }], fee: 2, consent: ['dave'] });
  const badAuth = JSON.parse(bad.args[1]);
  badAuth.accounts[0].account = net.account.alice;
  await refused('FORBIDDEN', BROKER, [bad.args[0], JSON.stringify(badAuth)]);
  // The customer herself may submit her buy (the broker signs the output).
  await swap(net, 'alice', { flow: 'buy', moneyIn: [['alice', 12]], scripOut: [{ series: 'b1', value: 10 }], fee: 2 });
});

test('the sum rule, the fee, the flow shape and the amounts are INVALID_ARGUMENT; funds INSUFFICIENT_FUNDS', async () => {
  const { broker, atBob } = await funded();
  await refused('INVALID_ARGUMENT', VENDOR_A, { flow: 'purchase', scripIn: [atBob], moneyOut: [[VENDOR_A, 301]], fee: 0 });
  await refused('INVALID_ARGUMENT', VENDOR_A, { flow: 'purchase', scripIn: [atBob], moneyOut: [[VENDOR_A, 100]], scripOut: [{ series: 'va1', value: 200 }], fee: 0 });
  await refused('INVALID_ARGUMENT', VENDOR_A, { flow: 'purchase', scripIn: [atBob], moneyOut: [[VENDOR_A, 100]], scripOut: [{ series: 'va1', value: 198 }], fee: 2 });
  await refused('INVALID_ARGUMENT', BROKER, { flow: 'buy', moneyIn: [['alice', 10]], scripOut: [{ series: 'b1', value: 10 }], fee: 0, consent: ['alice'] });
  await refused('INVALID_ARGUMENT', BROKER, { flow: 'withdraw-broker', scripIn: [broker], scripOut: [{ series: 'b1', value: 992 }], fee: 2 });
  await refused('INVALID_ARGUMENT', BROKER, { flow: 'buy', moneyIn: [['alice', 24]], scripOut: [{ series: 'b1', value: 10 }, { series: 'b1', value: 10 }], fee: 4, consent: ['alice'] });
  await refused('INVALID_ARGUMENT', BROKER, { flow: 'convert', scripIn: [broker, broker], scripOut: [{ series: 'va1', value: 1987 }], fee: 1 });
  await refused('INVALID_ARGUMENT', BROKER, { flow: 'buy', moneyIn: [['alice', '-5' as never]], scripOut: [{ series: 'b1', value: 10 }], fee: 2, consent: ['alice'] });
  await refused('INSUFFICIENT_FUNDS', BROKER, { flow: 'buy', moneyIn: [['alice', 1_000_002]], scripOut: [{ series: 'b1', value: 1_000_000 }], fee: 2, consent: ['alice'] });
  await refused('NOT_FOUND', BROKER, { flow: 'buy', moneyIn: [['alice', 12]], scripOut: [{ series: 'nope', value: 10 }], fee: 2, consent: ['alice'], issuers: { nope: BROKER } });
  await refused('NOT_FOUND', VENDOR_A, { flow: 'purchase', scripIn: [{ ...atBob, serial: 'a'.repeat(64) }], moneyOut: [[VENDOR_A, 300]], fee: 0 });
  await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', BROKER, 'scrip:swap', '{', '{}');
});

test('two spends of one serial submitted together: exactly one commits, the other is DOUBLE_SPEND', async () => {
  const { atBob } = await funded();
  const spends = [
    buildSwap(net, { flow: 'purchase', scripIn: [atBob], moneyOut: [[VENDOR_A, 300]], fee: 0 }),
    buildSwap(net, { flow: 'withdraw-vendor', scripIn: [atBob], moneyOut: [['alice', 300]], fee: 0 }),
  ];
  const outcomes = await Promise.allSettled(spends.map((s) => net.submit(VENDOR_A, 'scrip:swap', ...s.args)));
  expect(outcomes.filter((o) => o.status === 'fulfilled')).toHaveLength(1);
  expect(outcomes.filter((o) => o.status === 'rejected').map((o) => (o as PromiseRejectedResult).reason.code)).toEqual(['DOUBLE_SPEND']);
  expect(await outstanding(net, ['va1'])).toEqual({ va1: 0n });
});
