import { sign } from 'node:crypto';
import { TestNetwork, UserName, testNetwork } from './network';
import { USER_NAMES } from './helpers';
import { MpcChannelState, mpcStateBytes, tpcStateBytes } from '../src/channels/state';

/**
 * Shared setup of the payment channel tests: funded users, off-chain signing of channel states
 * with the users' identity keys (as their gateways do), and the conservation measure.
 */

/** A network where alice, bob, carol and dave hold 10 000 each. */
export async function fundedNetwork(): Promise<TestNetwork> {
  const net = await testNetwork();
  for (const u of ['alice', 'bob', 'carol', 'dave'] as UserName[]) await net.submit('bank', 'accounts:mint', net.account[u], '10000');
  return net;
}

/** ECDSA P-256/SHA-256 signature of `bytes` by `user`'s identity key, base64 DER. */
export function signBytes(net: TestNetwork, user: UserName, bytes: Uint8Array): string {
  return sign('sha256', bytes, { key: net.ids[user].privateKey, dsaEncoding: 'der' }).toString('base64');
}

/** An HTLC of a test state (state.ts Htlc), amounts in any integer form. */
export interface TestHtlc {
  id: string;
  hash: string;
  amount: bigint | number | string;
  expiresAt: string;
  payer: 0 | 1;
}

export interface Tpc {
  version: number;
  balances: [bigint | number | string, bigint | number | string];
  final?: boolean;
  htlcs?: TestHtlc[];
}

const big = (b: bigint | number | string) => BigInt(b);

/** The bytes both parties sign for state `s` of channel `id`. */
export function tpcBytes(id: string, s: Tpc): Uint8Array {
  const htlcs = s.htlcs?.map((h) => ({ ...h, amount: big(h.amount) }));
  return tpcStateBytes({ channel: id, version: s.version, balances: [big(s.balances[0]), big(s.balances[1])], final: s.final ?? false, htlcs });
}

/** The `state` argument of a channel transaction (`htlcs` only when the state has some). */
export function stateArg(s: Tpc): string {
  const htlcs = s.htlcs?.map((h) => ({ ...h, amount: big(h.amount).toString() }));
  return JSON.stringify({ version: s.version, balances: s.balances.map((b) => big(b).toString()), final: s.final ?? false, htlcs });
}

/** The `signatures` argument: each signer signs state `s` of channel `id`. */
export function signedBy(net: TestNetwork, id: string, s: Tpc, signers: UserName[]): string {
  return JSON.stringify(signers.map((u) => signBytes(net, u, tpcBytes(id, s))));
}

/** `[state, signatures]` signed by both `parties`. */
export function agreed(net: TestNetwork, id: string, parties: [UserName, UserName], s: Tpc): [string, string] {
  return [stateArg(s), signedBy(net, id, s, parties)];
}

/** The openChannel request with both parties' signatures over the opening state. */
export function openRequest(net: TestNetwork, id: string, parties: [UserName, UserName], deposits: [number | string, number | string]): string {
  const opening = { version: 0, balances: deposits as Tpc['balances'] };
  return JSON.stringify({
    id,
    parties: parties.map((p) => net.account[p]),
    deposits: deposits.map(String),
    signatures: parties.map((p) => signBytes(net, p, tpcBytes(id, opening))),
  });
}

/** Opens a channel by its first party. */
export function openChannel(net: TestNetwork, id: string, parties: [UserName, UserName], deposits: [number | string, number | string]): Promise<any> {
  return net.submit(parties[0], 'channels:openChannel', openRequest(net, id, parties, deposits));
}

export interface Mpc {
  version: number;
  channels: { channel: string; version: number; balances: [bigint | number | string, bigint | number | string] }[];
  final?: boolean;
}

function mpcChannels(s: Mpc): MpcChannelState[] {
  return s.channels.map((c) => ({ channel: c.channel, version: c.version, balances: [big(c.balances[0]), big(c.balances[1])] }));
}

export function mpcBytes(id: string, s: Mpc): Uint8Array {
  return mpcStateBytes({ mpc: id, version: s.version, channels: mpcChannels(s), final: s.final ?? false });
}

export function mpcStateArg(s: Mpc): string {
  return JSON.stringify({
    version: s.version,
    channels: s.channels.map((c) => ({ channel: c.channel, version: c.version, balances: c.balances.map((b) => big(b).toString()) })),
    final: s.final ?? false,
  });
}

/** `{accountId: sig}` of every signer over multiparty state `s` of `id`. */
export function mpcSignedBy(net: TestNetwork, id: string, s: Mpc, signers: UserName[]): string {
  return JSON.stringify(Object.fromEntries(signers.map((u) => [net.account[u], signBytes(net, u, mpcBytes(id, s))])));
}

/**
 * Every user's balance + held plus the total of every OPEN or CLOSING channel, each channel
 * counted once (channels are read through their parties' listings).
 */
export async function moneyInSystem(net: TestNetwork): Promise<{ accounts: bigint; channels: bigint; total: bigint }> {
  let accounts = 0n;
  const totals = new Map<string, bigint>();
  for (const u of USER_NAMES) {
    const a = await net.evaluate(u, 'accounts:getOwnAccount');
    accounts += BigInt(a.balance) + BigInt(a.held);
    let bookmark = '';
    do {
      const page = await net.evaluate(u, 'channels:listChannels', '100', bookmark);
      for (const c of page.records) if (c.status !== 'CLOSED') totals.set(c.id, BigInt(c.total));
      bookmark = page.bookmark;
    } while (bookmark !== '');
  }
  const channels = [...totals.values()].reduce((s, t) => s + t, 0n);
  return { accounts, channels, total: accounts + channels };
}

export const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
