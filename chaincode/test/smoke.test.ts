import { testNetwork } from './network';

test('smoke', async () => {
  const net = await testNetwork();
  const a = await net.submit('bank', 'accounts:mint', net.account.alice, '1000');
  expect(a.balance).toBe('1000');
  expect(await net.refusal('alice', 'accounts:mint', net.account.alice, '1000')).toBe('FORBIDDEN');
  await net.close();
});
