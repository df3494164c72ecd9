import { ChaincodeError, LedgerEvent } from '@covenant/embedded-ledger';
import type { ErrorCode } from '../src/shared/errors';
import type { Audience } from '../src/shared/audience';
import { callerOfCertificate } from '../src/shared/identity';
import { TestNetwork, USERS, UserName } from './network';

export const USER_NAMES = Object.keys(USERS) as UserName[];

/** A committed chaincode event with its payload parsed; its audience apart (as the gateway strips it). */
export interface SeenEvent {
  name: string;
  payload: any;
  audience: Audience;
  txId: string;
  blockNumber: bigint;
}

/** Runs `work` and returns what it returned together with every chaincode event committed meanwhile. */
export async function withEvents<T>(net: TestNetwork, work: () => Promise<T>): Promise<{ result: T; events: SeenEvent[] }> {
  const events: SeenEvent[] = [];
  const listener = (e: LedgerEvent) => {
    const { audience, ...payload } = JSON.parse(Buffer.from(e.payload).toString('utf8'));
    events.push({ name: e.name, payload, audience, txId: e.txId, blockNumber: e.blockNumber });
  };
  net.ledger.events.on('event', listener);
  try {
    return { result: await work(), events };
  } finally {
    net.ledger.events.off('event', listener);
  }
}

/** Submits and returns the result with the one event the transaction must emit. */
export async function submitWithEvent<T = any>(
  net: TestNetwork,
  as: UserName,
  fn: string,
  ...args: string[]
): Promise<{ result: T; event: SeenEvent }> {
  const { result, events } = await withEvents(net, () => net.submit<T>(as, fn, ...args));
  if (events.length !== 1) throw new Error(`${fn} emitted ${events.length} events: ${events.map((e) => e.name).join(', ')}`);
  return { result, event: events[0] };
}

/** The refusal code of a query (evaluate) that must fail. */
export async function evalRefusal(net: TestNetwork, as: UserName, fn: string, ...args: string[]): Promise<ErrorCode> {
  try {
    await net.ledger.evaluate(net.ids[as], fn, args);
  } catch (err) {
    if (err instanceof ChaincodeError) return err.code;
    throw err;
  }
  throw new Error(`${fn} by ${as} was expected to be refused but succeeded`);
}

/** The account id the chaincode derives for a user's certificate (works before registering). */
export function accountIdOfUser(net: TestNetwork, user: UserName): string {
  return callerOfCertificate(net.ids[user].mspId, net.ids[user].certificate).accountId;
}

export interface Money {
  balance: bigint;
  held: bigint;
  activeEscrows: number;
}

/** Every registered user's balance, hold and active-escrow count, each read by its owner. */
export async function moneyOf(net: TestNetwork, users: UserName[] = USER_NAMES): Promise<Record<string, Money>> {
  const out: Record<string, Money> = {};
  for (const user of users.filter((u) => net.account[u])) {
    const a = await net.evaluate(user, 'accounts:getOwnAccount');
    out[user] = { balance: BigInt(a.balance), held: BigInt(a.held), activeEscrows: a.activeEscrows };
  }
  return out;
}

/** Balances (as decimal strings) of the given users, for compact expectations. */
export async function balances(net: TestNetwork, users: UserName[]): Promise<Record<string, { balance: string; held: string }>> {
  const out: Record<string, { balance: string; held: string }> = {};
  for (const user of users) {
    const a = await net.evaluate(user, 'accounts:getOwnAccount');
    out[user] = { balance: a.balance, held: a.held };
  }
  return out;
}

/**
 * Expects a submit to be refused with `code` and to change nothing: no block committed, no event,
 * every user's balance, hold and active-escrow count as before.
 */
export async function expectRefusedUnchanged(
  net: TestNetwork,
  code: ErrorCode,
  as: UserName,
  fn: string,
  ...args: string[]
): Promise<void> {
  const before = await moneyOf(net);
  const height = net.ledger.blockHeight;
  const { result, events } = await withEvents(net, () => net.refusal(as, fn, ...args));
  expect({ fn, args, code: result }).toEqual({ fn, args, code });
  expect(events).toEqual([]);
  expect(net.ledger.blockHeight).toBe(height);
  expect(await moneyOf(net)).toEqual(before);
}

/** Closes the test's network after each test: `let net: TestNetwork; closeAfterEach(() => net);`. */
export function closeAfterEach(network: () => TestNetwork | undefined): void {
  afterEach(async () => {
    await network()?.close();
  });
}
