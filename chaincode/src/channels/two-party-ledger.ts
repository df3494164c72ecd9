import type { CovenantContext } from '../shared/context';
import { alreadyExists, forbidden } from '../shared/errors';
import { parseId, parseJsonArg, parseObjectArg } from '../shared/args';
import { Account, AccountStore } from '../accounts/account';
import { Channel, StateArg, isChannelParty, newChannel, openingState, parseOpenRequest, parseStateArg, tpcState } from './channel';
import { Signature, Signer, parsePairSignatures, requireSignatures } from './signed';
import { tpcStateBytes } from './state';
import { ChannelStore } from './store';
import { payIn } from './settlement';

/**
 * The ledger side of a two-party channel transaction: parsing its arguments against the stored
 * channel, checking the parties' signatures against the certificates on their accounts, and the
 * read rule. The rules themselves are channel.ts (pure).
 */

/** The signer an account stands for: its id and the certificate its signatures verify against. */
export function signer(a: Account): Signer {
  return { account: a.id, certificate: a.certificate };
}

/**
 * createTPC on the ledger: parses the request, checks the caller is a party (FORBIDDEN), the id
 * is new (ALREADY_EXISTS), both parties' signatures over the opening state, then moves the
 * deposits in (L.remove) and creates the channel with both organisations' key-level policy.
 */
export async function openChannelOnLedger(ctx: CovenantContext, request: string): Promise<Channel> {
  const r = parseOpenRequest(parseObjectArg(request, 'request'));
  if (!r.parties.includes(ctx.caller.accountId)) throw forbidden('the caller must be one of the channel parties');
  const channels = new ChannelStore(ctx);
  if (await channels.find(r.id)) throw alreadyExists(`channel ${r.id} already exists`);
  const accounts = new AccountStore(ctx);
  const parties = [await accounts.get(r.parties[0]), await accounts.get(r.parties[1])];
  requireSignatures(tpcStateBytes(openingState(r)), parties.map(signer), r.signatures, `the opening state of channel ${r.id}`);
  const channel = newChannel(r, parties.map((p) => p.mspId), ctx.now);
  await payIn(ctx, parties, r.deposits);
  return channels.save(channel, { create: true });
}

/** Parses a channel transaction's arguments (INVALID_ARGUMENT), then loads the channel (NOT_FOUND). */
export async function channelArgs(ctx: CovenantContext, id: string, state: string, signatures: string): Promise<{ channel: Channel; s: StateArg; sigs: (Signature | undefined)[] }> {
  const channelId = parseId(id, 'id');
  const s = parseStateArg(parseObjectArg(state, 'state'), channelId);
  const sigs = parsePairSignatures(parseJsonArg(signatures, 'signatures'), 'signatures');
  return { channel: await new ChannelStore(ctx).get(channelId), s, sigs };
}

/** FORBIDDEN unless both parties signed `tpcStateBytes` of state `s` of `channel`. */
export async function requirePairSignatures(ctx: CovenantContext, channel: Channel, s: StateArg, sigs: (Signature | undefined)[]): Promise<void> {
  const accounts = new AccountStore(ctx);
  const signers = [signer(await accounts.get(channel.parties[0])), signer(await accounts.get(channel.parties[1]))];
  requireSignatures(tpcStateBytes(tpcState(channel, s)), signers, sigs, `state version ${s.version} of channel ${channel.id}`);
}

/** The channel `id` if the caller is one of its parties: NOT_FOUND, FORBIDDEN. */
export async function readableChannel(ctx: CovenantContext, id: string): Promise<Channel> {
  const channel = await new ChannelStore(ctx).get(parseId(id, 'id'));
  if (!isChannelParty(channel, ctx.caller.accountId)) throw forbidden(`only a party to channel ${id} may read it`);
  return channel;
}
