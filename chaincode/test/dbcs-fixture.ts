import { KeyEndorsementPolicy } from 'fabric-shim';
import { TestNetwork, UserName, testNetwork } from './network';

/**
 * Shared setup of the DBCS-SC chaincode tests: a fresh test network (bank: issuer, arbiter:
 * arbitrator) where everyone has money, plus small helpers for the usual steps.
 * Cast: bank is the contract issuer, alice (Org1) its sales manager / delegate, bob (Org2) the
 * client, dave (Org2) another client or manager, carol (Org3) an outsider, arbiter (Org3) the
 * arbitration institution.
 */
export const HOUR = 3600_000;
export const DAY = 24 * HOUR;
export const FUNDS: Partial<Record<UserName, bigint>> = { bank: 1_000_000n, alice: 100_000n, bob: 100_000n, dave: 100_000n, carol: 100_000n };
export const DELEGATE_DEPOSIT = 500n;
export const CLIENT_DEPOSIT = 1000n;
export const PUBLISH_DEPOSIT = 50_000n;

/** ISO time `offsetMs` from the wall clock (the embedded ledger's transaction times follow it). */
export const iso = (offsetMs: number) => new Date(Date.now() + offsetMs).toISOString();
export const json = (value: unknown) => JSON.stringify(value);
export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export async function fundedNetwork(): Promise<TestNetwork> {
  const net = await testNetwork();
  for (const [user, amount] of Object.entries(FUNDS) as [UserName, bigint][]) {
    await net.submit('bank', 'accounts:mint', net.account[user], amount.toString());
  }
  return net;
}

export function createRegistry(net: TestNetwork, deposit = DELEGATE_DEPOSIT, as: UserName = 'bank'): Promise<any> {
  return net.submit(as, 'delegates:createRegistry', net.account[as], json({ delegateDeposit: deposit.toString() }));
}

/** `manager` requests and `issuer` authorizes it for one day (or the given terms). */
export async function authorize(net: TestNetwork, manager: UserName, terms: Record<string, unknown> = {}, issuer: UserName = 'bank'): Promise<any> {
  await net.submit(manager, 'delegates:requestDelegate', net.account[issuer], '{}');
  return net.submit(issuer, 'delegates:addSalesManager', net.account[issuer], net.account[manager], json({ qualification: 'signatory', validUntil: iso(DAY), ...terms }));
}

export function publish(net: TestNetwork, overrides: Record<string, unknown> = {}, as: UserName = 'bank'): Promise<any> {
  return net.submit(
    as,
    'investment:publishContract',
    json({
      id: 'fund-a',
      name: 'Fund A',
      content: 'Invest in Fund A for 12 months.',
      clientDeposit: CLIENT_DEPOSIT.toString(),
      publishDeposit: PUBLISH_DEPOSIT.toString(),
      ratio: { client: 9, delegate: 1 },
      ...overrides,
    }),
  );
}

/** A network with bank's registry, alice authorized, contract `fund-a` published. */
export async function dbcsWorld(): Promise<TestNetwork> {
  const net = await fundedNetwork();
  await createRegistry(net);
  await authorize(net, 'alice');
  await publish(net);
  return net;
}

export function requestSigning(net: TestNetwork, id: string, client: UserName = 'bob', delegate: UserName = 'alice', contract = 'fund-a'): Promise<any> {
  return net.submit(client, 'investment:requestSigning', contract, json({ id, delegate: net.account[delegate] }));
}

/** Requests signing `id` and has both parties commit: delegate 1000, client 9000 (ratio 9:1). */
export async function signed(net: TestNetwork, id: string, client: UserName = 'bob', delegate: UserName = 'alice'): Promise<any> {
  await requestSigning(net, id, client, delegate);
  await net.submit(delegate, 'investment:signedByEntity', 'fund-a', id, '1000');
  return net.submit(client, 'investment:signedByEntity', 'fund-a', id, '9000');
}

export function reportFraud(net: TestNetwork, id: string, client: UserName = 'bob', statement = 'guaranteed returns were promised'): Promise<any> {
  return net.submit(client, 'investment:contractConfirmed', 'fund-a', id, json({ decision: 2, statement }));
}

/** Sum of balance + held over every account: what conservation keeps constant. */
export async function totalMoney(net: TestNetwork): Promise<bigint> {
  let total = 0n;
  for (const user of Object.keys(net.account) as UserName[]) {
    const a = await net.evaluate(user, 'accounts:getOwnAccount');
    total += BigInt(a.balance) + BigInt(a.held);
  }
  return total;
}

/** Balance and hold of a user as bigints. */
export async function money(net: TestNetwork, user: UserName): Promise<{ balance: bigint; held: bigint }> {
  const a = await net.evaluate(user, 'accounts:getOwnAccount');
  return { balance: BigInt(a.balance), held: BigInt(a.held) };
}

/** The MSP IDs of the key-level endorsement policy stored for a composite key (sorted). */
export async function endorsersOf(net: TestNetwork, objectType: string, attributes: string[]): Promise<string[]> {
  const key = `\u0000${objectType}\u0000${attributes.map((a) => `${a}\u0000`).join('')}`;
  const store = (net.ledger as unknown as { store: { getMetadata(key: string): Promise<Uint8Array | undefined> } }).store;
  const bytes = await store.getMetadata(key);
  if (!bytes || bytes.length === 0) return [];
  return new KeyEndorsementPolicy(Buffer.from(bytes)).listOrgs().sort();
}
