import type { CovenantContext } from '../shared/context';
import { parseId, parseJsonArg, parseObjectArg } from '../shared/args';
import { AccountStore } from '../accounts/account';
import type { Channel } from './channel';
import { alreadyExists, forbidden } from '../shared/errors';
import { Multiparty, MultipartyStateArg, MultipartyView, memberStates, mpcState, openMultiparty, parseMultipartyStateArg, parseOpenMultipartyRequest, requireMultipartyParty, updateMultiparty, viewMultiparty } from './multiparty';
import { Signature, Signer, parseSignatureMap, requireSignatures } from './signed';
import { mpcStateBytes } from './state';
import { ChannelStore, MultipartyStore } from './store';
import { signer } from './two-party-ledger';

/**
 * The ledger side of a multiparty channel transaction: loading the multiparty channel with its
 * member channels, parsing its arguments, checking every party's signature, and writing the
 * result all or nothing. The rules themselves are multiparty.ts (pure).
 */

/** The member channels of `m`, in its order (NOT_FOUND for a missing one: corrupt state). */
export async function membersOf(ctx: CovenantContext, m: Multiparty): Promise<Channel[]> {
  const channels = new ChannelStore(ctx);
  const members: Channel[] = [];
  for (const id of m.channels) members.push(await channels.get(id));
  return members;
}

/** Loads a multiparty channel (NOT_FOUND) and its members, and parses the state and signatures (INVALID_ARGUMENT). */
export async function multipartyArgs(
  ctx: CovenantContext,
  id: string,
  state: string,
  signatures: string,
): Promise<{ multiparty: Multiparty; s: MultipartyStateArg; sigs: (Signature | undefined)[]; members: Channel[] }> {
  const mpcId = parseId(id, 'id');
  const body = parseObjectArg(state, 'state');
  const rawSignatures = parseJsonArg(signatures, 'signatures');
  const multiparty = await new MultipartyStore(ctx).get(mpcId);
  const s = parseMultipartyStateArg(body, multiparty);
  const sigs = parseSignatureMap(rawSignatures, multiparty.parties, 'signatures');
  return { multiparty, s, sigs, members: await membersOf(ctx, multiparty) };
}

/** FORBIDDEN unless every party of `m` signed `message` (`what` names it in the refusal). */
export async function requireAllSignatures(ctx: CovenantContext, m: Multiparty, message: Uint8Array, sigs: (Signature | undefined)[], what: string): Promise<void> {
  const accounts = new AccountStore(ctx);
  const signers: Signer[] = [];
  for (const party of m.parties) signers.push(signer(await accounts.get(party)));
  requireSignatures(message, signers, sigs, what);
}

/** FORBIDDEN unless every party signed `mpcStateBytes` of multiparty state `s`. */
export async function requireMultipartySignatures(ctx: CovenantContext, m: Multiparty, s: MultipartyStateArg, sigs: (Signature | undefined)[]): Promise<void> {
  const message = mpcStateBytes(mpcState(m, s.version, s.channels, s.final));
  await requireAllSignatures(ctx, m, message, sigs, `state version ${s.version} of multiparty channel ${m.id}`);
}

/** Writes a multiparty channel and its member channels together. */
export async function saveMultiparty(ctx: CovenantContext, next: { multiparty: Multiparty; members: Channel[] }): Promise<void> {
  const channels = new ChannelStore(ctx);
  for (const c of next.members) await channels.save(c);
  await new MultipartyStore(ctx).save(next.multiparty);
}

/**
 * createMPC on the ledger: parses the request, checks the caller is a party, the id is new
 * (ALREADY_EXISTS), the member channels (multiparty.ts openMultiparty) and every party's signature
 * over the opening state, then writes the members (busy) and the multiparty channel.
 */
export async function openMultipartyOnLedger(ctx: CovenantContext, request: string): Promise<{ multiparty: Multiparty; members: Channel[] }> {
  const r = parseOpenMultipartyRequest(parseObjectArg(request, 'request'));
  if (!r.parties.includes(ctx.caller.accountId)) throw forbidden('the caller must be one of the multiparty parties');
  const multiparties = new MultipartyStore(ctx);
  if (await multiparties.find(r.id)) throw alreadyExists(`multiparty channel ${r.id} already exists`);
  const channels = new ChannelStore(ctx);
  const current: Channel[] = [];
  for (const id of r.channels) current.push(await channels.get(id));
  const { multiparty, members } = openMultiparty(r, current, ctx.now);
  const message = mpcStateBytes(mpcState(multiparty, 0, memberStates(current), false));
  await requireAllSignatures(ctx, multiparty, message, r.signatures, `the opening state of multiparty channel ${r.id}`);
  for (const c of members) await channels.save(c);
  await multiparties.save(multiparty, { create: true });
  return { multiparty, members };
}

/** updateMPC, closeMPC: a party applies `transition` to the multiparty channel, every party's signatures required. */
export async function signedMultipartyStep(ctx: CovenantContext, args: [string, string, string], action: string, transition: typeof updateMultiparty): Promise<{ multiparty: Multiparty; members: Channel[] }> {
  const { multiparty, s, sigs, members } = await multipartyArgs(ctx, ...args);
  requireMultipartyParty(multiparty, ctx.caller.accountId, action);
  const next = transition(multiparty, s, members, ctx.now);
  await requireMultipartySignatures(ctx, multiparty, s, sigs);
  return next;
}

/** One page of the caller's multiparty channels as views: `{records, bookmark}`. */
export async function multipartyPage(ctx: CovenantContext, pageSize: string, bookmark: string): Promise<{ records: MultipartyView[]; bookmark: string }> {
  const page = await new MultipartyStore(ctx).listByParty(ctx.caller.accountId, pageSize, bookmark);
  const records = [];
  for (const m of page.records) records.push(viewMultiparty(m, await membersOf(ctx, m)));
  return { records, bookmark: page.bookmark };
}
