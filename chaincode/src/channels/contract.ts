import { Info, Returns, Transaction } from 'fabric-contract-api';
import { CovenantContract } from '../shared/contract';
import { CovenantContext } from '../shared/context';
import { forbidden } from '../shared/errors';
import { parseId } from '../shared/args';
import { addSeconds } from '../shared/time';
import { canonicalJson } from '../shared/canonical';
import { keyHistory } from '../shared/history';
import { EVERYONE, partiesAudience } from '../shared/audience';
import { Channel, challengeClosing, checkpointChannel, closeChannelCooperatively, decodeChannel, requireParty, settleChannel, startClosing, viewChannel } from './channel';
import { Multiparty, closeMultiparty, isMultipartyParty, updateMultiparty, viewMultiparty } from './multiparty';
import { noneGiven } from './signed';
import { changeChannelSetting, currentChannelSettings, parseChallengePeriod, parseMultipartyTimeout } from './settings';
import { ChannelStore, MultipartyStore } from './store';
import { channelArgs, openChannelOnLedger, readableChannel, requirePairSignatures } from './two-party-ledger';
import { membersOf, multipartyArgs, multipartyPage, openMultipartyOnLedger, requireMultipartySignatures, saveMultiparty, signedMultipartyStep } from './multiparty-ledger';
import { payOut } from './settlement';
import { exitMultiparty, registerMultipartyState, settleMultiparty } from './multiparty-close';
import { preimageOf, revealOnLedger, revealsFor } from './preimage-ledger';

/**
 * Payment channels, two-party and multiparty ("Research on Multiparty Payment Technology Based on
 * Blockchain and Smart Contract Mechanism", J. Math. 2022, section 3), with Lightning/Perun-style
 * unilateral close. Contract name `channels`.
 *
 * | paper                 | here                                          |
 * |-----------------------|-----------------------------------------------|
 * | createTPC + L.remove  | openChannel                                   |
 * | updateTPC             | checkpoint                                    |
 * | closeTPC + L.add      | closeChannel                                  |
 * | (beyond) dispute      | startClose, challengeClose, settle            |
 * | createMPC             | openMultiparty                                |
 * | updateMPC             | updateMultiparty                              |
 * | closeMPC              | closeMultiparty                               |
 * | (beyond) dispute      | registerMultipartyState, settleMultiparty     |
 * | (beyond) way out      | exitMultiparty (after the multiparty timeout) |
 *
 * Money: opening debits both deposits from the parties' balances into the channel (`total`);
 * closing or settling credits the agreed balances back; nothing else moves money, so the sum of
 * every account's balance + held plus every OPEN or CLOSING channel's total is invariant. States
 * are signed off-chain over `tpcStateBytes` / `mpcStateBytes` (state.ts) and verified against the
 * certificates on the parties' accounts. Every submit emits exactly one chaincode event.
 *
 * Refusals: INVALID_ARGUMENT (malformed; balances not conserving the total; channel lists that
 * are not the members), NOT_FOUND, ALREADY_EXISTS (id taken, also by a closed one), FORBIDDEN
 * (caller not a party; a signature missing or not verifying), INSUFFICIENT_FUNDS (a deposit above
 * the balance; a state giving a party a negative balance), FAILED_PRECONDITION (replayed or old
 * version, wrong status, busy channel, challenge period over or not yet over).
 */
@Info({ title: 'channels', description: 'Two-party and multiparty payment channels: open, checkpoint, close, unilateral close, settle' })
export class ChannelsContract extends CovenantContract {
  constructor() {
    super('channels');
  }

  // ------------------------------------------------------------ two-party channels

  /**
   * createTPC: opens a channel. `request` is JSON `{id, parties: [accountA, accountB],
   * deposits: ["dA", "dB"], signatures: [sigA, sigB]}`; each signature (base64 DER or r||s) is by
   * that party over `tpcStateBytes({channel: id, version: 0, balances: [dA, dB], final: false})`.
   * The caller must be one of the parties; deposits are ≥ 0 with a positive sum and are debited
   * from the parties' balances into the channel (L.remove), atomically. The channel key requires
   * the endorsement of both parties' organisations. Returns the channel view (OPEN, version 0).
   * Errors: INVALID_ARGUMENT, FORBIDDEN (caller not a party, signature missing or invalid),
   * ALREADY_EXISTS, NOT_FOUND (party not registered), INSUFFICIENT_FUNDS. Event `ChannelOpened`.
   */
  @Transaction()
  @Returns('string')
  async openChannel(ctx: CovenantContext, request: string): Promise<string> {
    return this.channelEvent(ctx, 'ChannelOpened', await openChannelOnLedger(ctx, request));
  }

  /**
   * updateTPC: registers a newer off-chain state. `state` is JSON `{version, balances: ["bA", "bB"],
   * final: false, htlcs?}` (a `channel` member, if present, must be `id`; `htlcs` the pending HTLCs
   * `[{id, hash, amount, expiresAt, payer}]`, htlc.ts, stored with the state); `signatures` is JSON
   * `[sigA, sigB]` over `tpcStateBytes` of that state. Caller: a party. Errors: INVALID_ARGUMENT
   * (malformed, final state, balances and HTLCs not summing to the total), NOT_FOUND, FORBIDDEN (not a
   * party; signature missing or invalid), FAILED_PRECONDITION (version not above the stored one,
   * channel not OPEN or busy), INSUFFICIENT_FUNDS (a negative balance). Event `ChannelCheckpointed`.
   */
  @Transaction()
  @Returns('string')
  async checkpoint(ctx: CovenantContext, id: string, state: string, signatures: string): Promise<string> {
    const { channel, s, sigs } = await channelArgs(ctx, id, state, signatures);
    requireParty(channel, ctx.caller.accountId, 'checkpoint it');
    const next = checkpointChannel(channel, s, ctx.now);
    await requirePairSignatures(ctx, channel, s, sigs);
    await new ChannelStore(ctx).save(next);
    return this.channelEvent(ctx, 'ChannelCheckpointed', next);
  }

  /**
   * closeTPC (cooperative): `state` `{version, balances, final: true}` signed by both; its version
   * is at least the stored one (or, during a unilateral close, the registered one), and a state of
   * the same version must be the same state. The balances are credited to the parties'
   * accounts (L.add); the channel is CLOSED. Caller: a party. Errors: INVALID_ARGUMENT (not final,
   * carrying HTLCs, not conserving), NOT_FOUND, FORBIDDEN, FAILED_PRECONDITION (CLOSED, busy, older or conflicting
   * version), INSUFFICIENT_FUNDS (a negative balance). Event `ChannelClosed`.
   */
  @Transaction()
  @Returns('string')
  async closeChannel(ctx: CovenantContext, id: string, state: string, signatures: string): Promise<string> {
    const { channel, s, sigs } = await channelArgs(ctx, id, state, signatures);
    requireParty(channel, ctx.caller.accountId, 'close it');
    const next = closeChannelCooperatively(channel, s, ctx.now);
    await requirePairSignatures(ctx, channel, s, sigs);
    await payOut(ctx, next);
    await new ChannelStore(ctx).save(next);
    return this.channelEvent(ctx, 'ChannelClosed', next);
  }

  /**
   * Unilateral close, step 1: a party registers its latest fully signed state (final or not) whose
   * version is at least the stored one (the stored state itself may be registered with
   * `signatures` `[]`: both parties already agreed to it on the ledger). The channel becomes
   * CLOSING with `closing` = the state (its HTLCs too), `deadline` = tx time + the challenge period.
   * Errors: INVALID_ARGUMENT, NOT_FOUND, FORBIDDEN (not a party; signature missing or invalid),
   * FAILED_PRECONDITION (not OPEN, busy, older or conflicting version), INSUFFICIENT_FUNDS.
   * Event `ChannelCloseStarted`.
   */
  @Transaction()
  @Returns('string')
  async startClose(ctx: CovenantContext, id: string, state: string, signatures: string): Promise<string> {
    const { channel, s, sigs } = await channelArgs(ctx, id, state, signatures);
    requireParty(channel, ctx.caller.accountId, 'start closing it');
    const { challengePeriodSeconds } = await currentChannelSettings(ctx);
    const { next, isStored } = startClosing(channel, s, ctx.caller.accountId, addSeconds(ctx.now, challengePeriodSeconds), ctx.now);
    if (!(isStored && noneGiven(sigs))) await requirePairSignatures(ctx, channel, s, sigs);
    await new ChannelStore(ctx).save(next);
    return this.channelEvent(ctx, 'ChannelCloseStarted', next);
  }

  /**
   * Unilateral close, step 2: before the deadline, anyone holding a fully signed state with a
   * version above the registered one replaces it (the deadline is unchanged). Errors:
   * INVALID_ARGUMENT, NOT_FOUND, FORBIDDEN (signature missing or invalid), FAILED_PRECONDITION
   * (not CLOSING, deadline passed, version not newer), INSUFFICIENT_FUNDS.
   * Event `ChannelCloseChallenged`.
   */
  @Transaction()
  @Returns('string')
  async challengeClose(ctx: CovenantContext, id: string, state: string, signatures: string): Promise<string> {
    const { channel, s, sigs } = await channelArgs(ctx, id, state, signatures);
    const next = challengeClosing(channel, s, ctx.caller.accountId, ctx.now);
    await requirePairSignatures(ctx, channel, s, sigs);
    await new ChannelStore(ctx).save(next);
    return this.channelEvent(ctx, 'ChannelCloseChallenged', next);
  }

  /**
   * Unilateral close, step 3: once the deadline has passed, anyone settles: the registered
   * balances are credited to the parties (L.add) and the channel is CLOSED. Each HTLC of the
   * registered state goes to its payee if its preimage was revealed by its expiry, else to its
   * payer once expired (htlc.ts; the registry keys are read). Errors: NOT_FOUND,
   * FAILED_PRECONDITION (not CLOSING, still in the challenge period, an HTLC neither revealed nor
   * expired: the message gives when it can settle). Event `ChannelSettled`.
   */
  @Transaction()
  @Returns('string')
  async settle(ctx: CovenantContext, id: string): Promise<string> {
    const channels = new ChannelStore(ctx);
    const channel = await channels.get(parseId(id, 'id'));
    const next = settleChannel(channel, await revealsFor(ctx, channel), ctx.now);
    await payOut(ctx, next);
    await channels.save(next);
    return this.channelEvent(ctx, 'ChannelSettled', next);
  }

  /** A channel's view; only its parties may read it. Errors: NOT_FOUND, FORBIDDEN. */
  @Transaction(false)
  @Returns('string')
  async getChannel(ctx: CovenantContext, id: string): Promise<string> {
    return canonicalJson(viewChannel(await readableChannel(ctx, id)));
  }

  /**
   * The caller's channels, one page, oldest first: `{records: [channel...], bookmark}`.
   * `pageSize` 1..100 (default 20), `bookmark` from the previous page ('' for the first).
   */
  @Transaction(false)
  @Returns('string')
  async listChannels(ctx: CovenantContext, pageSize: string, bookmark: string): Promise<string> {
    const page = await new ChannelStore(ctx).listByParty(ctx.caller.accountId, pageSize, bookmark);
    return canonicalJson({ records: page.records.map(viewChannel), bookmark: page.bookmark });
  }

  /**
   * Every committed version of a channel, oldest first (GetHistoryForKey):
   * `[{txId, timestamp, channel}]`. Only parties may read it. Errors: NOT_FOUND, FORBIDDEN.
   */
  @Transaction(false)
  @Returns('string')
  async channelHistory(ctx: CovenantContext, id: string): Promise<string> {
    const channel = await readableChannel(ctx, id);
    const versions = await keyHistory(ctx, new ChannelStore(ctx).key(channel.id), (raw) => viewChannel(decodeChannel(raw)));
    return canonicalJson(versions.map(({ txId, timestamp, value }) => ({ txId, timestamp, channel: value })));
  }

  /**
   * The preimage registry (preimage.ts): `request` is JSON `{preimage}`, 1-64 bytes as lowercase
   * hex; anyone with an account publishes it. Returns `{hash, preimage, revealedAt}`; the first
   * reveal wins (a repeat writes nothing and returns the first record). Errors: INVALID_ARGUMENT,
   * FAILED_PRECONDITION (no account). Event `PreimageRevealed` `{preimage, txId}` to everyone.
   */
  @Transaction()
  @Returns('string')
  async revealPreimage(ctx: CovenantContext, request: string): Promise<string> {
    const { record } = await revealOnLedger(ctx, request);
    return this.emitted(ctx, 'PreimageRevealed', record, { preimage: record }, EVERYONE);
  }

  /** The registry record `{hash, preimage, revealedAt}` of `hash`; anyone may read. Errors: INVALID_ARGUMENT, NOT_FOUND. */
  @Transaction(false)
  @Returns('string')
  async getPreimage(ctx: CovenantContext, hash: string): Promise<string> {
    return canonicalJson(await preimageOf(ctx, hash));
  }

  // ------------------------------------------------------------ multiparty channels

  /**
   * createMPC: `request` is JSON `{id, parties: [accountId...], channels: [channelId...],
   * signatures: {accountId: sig}}`; every party signs `mpcStateBytes({mpc: id, version: 0,
   * channels: <each member channel's current {channel, version, balances}>, final: false})`.
   * Needs ≥ 2 channels, each OPEN and not busy with both parties among `parties`, and every party
   * in some channel; the caller must be a party. Marks every member busy = id. The multiparty key
   * requires every party's organisation. Returns the multiparty view.
   * Errors: INVALID_ARGUMENT, FORBIDDEN, ALREADY_EXISTS, NOT_FOUND (channel),
   * FAILED_PRECONDITION (a channel not OPEN or busy). Event `MultipartyOpened`.
   */
  @Transaction()
  @Returns('string')
  async openMultiparty(ctx: CovenantContext, request: string): Promise<string> {
    const { multiparty, members } = await openMultipartyOnLedger(ctx, request);
    return this.emittedMultiparty(ctx, 'MultipartyOpened', multiparty, members);
  }

  /**
   * updateMPC: applies a multiparty state to every member channel, all or nothing. `state` is JSON
   * `{version, channels: [{channel, version, balances}], final: false}` listing exactly the member
   * channels; `signatures` is JSON `{accountId: sig}` of every party over `mpcStateBytes`. The
   * multiparty version must be above the stored one, and each channel's version above its stored
   * one with balances conserving its total. Caller: a party. Errors: INVALID_ARGUMENT (malformed,
   * final, wrong channel list, not conserving), NOT_FOUND, FORBIDDEN, FAILED_PRECONDITION (CLOSED,
   * replayed or old version), INSUFFICIENT_FUNDS (a member channel lacks funds: negative balance).
   * Event `MultipartyUpdated`.
   */
  @Transaction()
  @Returns('string')
  async updateMultiparty(ctx: CovenantContext, id: string, state: string, signatures: string): Promise<string> {
    return this.multipartySaved(ctx, 'MultipartyUpdated', await signedMultipartyStep(ctx, [id, state, signatures], 'update it', updateMultiparty));
  }

  /**
   * closeMPC: releases every member channel (busy = null; they stay OPEN). `state` is a final
   * multiparty state `{version, channels, final: true}` signed by every party, with a version at
   * least the stored one; its member states may carry a last update (same rules as
   * updateMultiparty) or repeat the stored ones. Caller: a party. Errors: as updateMultiparty.
   * Event `MultipartyClosed`.
   */
  @Transaction()
  @Returns('string')
  async closeMultiparty(ctx: CovenantContext, id: string, state: string, signatures: string): Promise<string> {
    return this.multipartySaved(ctx, 'MultipartyClosed', await signedMultipartyStep(ctx, [id, state, signatures], 'close it', closeMultiparty));
  }

  /**
   * Unilateral close of a multiparty channel (multiparty-close.ts): a party registers the newest
   * multiparty state every party signed (`state`, `signatures` as closeMultiparty; final or not).
   * OPEN: not older than the recorded state (which may be registered with `signatures` `{}`); the
   * channel becomes CLOSING with `closing.deadline` = tx time + the challenge period setting.
   * CLOSING, before the deadline: a strictly newer state replaces the registered one (deadline
   * unchanged). Errors: INVALID_ARGUMENT, NOT_FOUND, FORBIDDEN (not a party; signature missing or
   * invalid), FAILED_PRECONDITION (CLOSED, deadline passed, older or conflicting state),
   * INSUFFICIENT_FUNDS. Event `MultipartyCloseStarted` (OPEN) or `MultipartyChallenged` (CLOSING).
   */
  @Transaction()
  @Returns('string')
  async registerMultipartyState(ctx: CovenantContext, id: string, state: string, signatures: string): Promise<string> {
    const { multiparty, s, sigs, members } = await multipartyArgs(ctx, id, state, signatures);
    const { challengePeriodSeconds } = await currentChannelSettings(ctx);
    const r = registerMultipartyState(multiparty, s, members, ctx.caller.accountId, addSeconds(ctx.now, challengePeriodSeconds), ctx.now);
    if (!(r.isStored && noneGiven(sigs))) await requireMultipartySignatures(ctx, multiparty, s, sigs);
    return this.multipartySaved(ctx, r.event, r.next);
  }

  /**
   * Once the registered state's deadline has passed, anyone settles: every member channel takes
   * its registered version and balances and is released (busy = null, OPEN); the multiparty
   * channel is CLOSED. Errors: NOT_FOUND, FAILED_PRECONDITION (not CLOSING, deadline not passed).
   * Event `MultipartySettled`.
   */
  @Transaction()
  @Returns('string')
  async settleMultiparty(ctx: CovenantContext, id: string): Promise<string> {
    const multiparty = await new MultipartyStore(ctx).get(parseId(id, 'id'));
    return this.multipartySaved(ctx, 'MultipartySettled', settleMultiparty(multiparty, await membersOf(ctx, multiparty), ctx.now));
  }

  /**
   * The way out when other parties stop answering: once `multipartyTimeoutSeconds` (default
   * 86400) have passed since the opening or last on-ledger change, any one party starts a
   * unilateral close with the recorded state (no signatures: every party signed it): CLOSING with
   * `exitedBy` = the caller, until tx time + the challenge period, during which a party holding a
   * newer off-chain state registers it (registerMultipartyState); then settleMultiparty.
   * Errors: NOT_FOUND, FORBIDDEN (not a party), FAILED_PRECONDITION (not OPEN, timeout not passed).
   * Event `MultipartyExited`.
   */
  @Transaction()
  @Returns('string')
  async exitMultiparty(ctx: CovenantContext, id: string): Promise<string> {
    const multiparty = await new MultipartyStore(ctx).get(parseId(id, 'id'));
    const { multipartyTimeoutSeconds, challengePeriodSeconds } = await currentChannelSettings(ctx);
    const deadline = addSeconds(ctx.now, challengePeriodSeconds);
    const next = exitMultiparty(multiparty, await membersOf(ctx, multiparty), ctx.caller.accountId, multipartyTimeoutSeconds, deadline, ctx.now);
    return this.multipartySaved(ctx, 'MultipartyExited', next);
  }

  /** A multiparty channel's view with its members' current states; parties only. Errors: NOT_FOUND, FORBIDDEN. */
  @Transaction(false)
  @Returns('string')
  async getMultiparty(ctx: CovenantContext, id: string): Promise<string> {
    const multiparty = await new MultipartyStore(ctx).get(parseId(id, 'id'));
    if (!isMultipartyParty(multiparty, ctx.caller.accountId)) throw forbidden(`only a party to multiparty channel ${id} may read it`);
    return canonicalJson(viewMultiparty(multiparty, await membersOf(ctx, multiparty)));
  }

  /** The caller's multiparty channels, one page, oldest first: `{records, bookmark}`. */
  @Transaction(false)
  @Returns('string')
  async listMultiparties(ctx: CovenantContext, pageSize: string, bookmark: string): Promise<string> {
    return canonicalJson(await multipartyPage(ctx, pageSize, bookmark));
  }

  // ------------------------------------------------------------ settings

  /** The channel settings in force: `{challengePeriodSeconds, multipartyTimeoutSeconds, updatedAt?, updatedBy?}`. Anyone may read. */
  @Transaction(false)
  @Returns('string')
  async getSettings(ctx: CovenantContext): Promise<string> {
    return canonicalJson(await currentChannelSettings(ctx));
  }

  /**
   * Sets the unilateral-close challenge period: `seconds` an integer 1..2592000 (default 3600).
   * Caller: an administrator (OU=admin) of a consortium member. The record requires the
   * endorsement of every member organisation. Applies to closes started afterwards.
   * Errors: FORBIDDEN, INVALID_ARGUMENT, FAILED_PRECONDITION (consortium not initialised).
   * Event `ChannelSettingsChanged`.
   */
  @Transaction()
  @Returns('string')
  async setChallengePeriod(ctx: CovenantContext, seconds: string): Promise<string> {
    return this.settingChanged(ctx, 'challengePeriodSeconds', () => parseChallengePeriod(seconds));
  }

  /**
   * Sets the multiparty timeout: how long a multiparty channel may go without an update before
   * any one party may exit it alone (exitMultiparty). `seconds` an integer 1..2592000 (default
   * 86400). Caller: an administrator (OU=admin) of a consortium member; the record requires the
   * endorsement of every member organisation. Applies at once to every open multiparty channel.
   * Errors: FORBIDDEN, INVALID_ARGUMENT, FAILED_PRECONDITION (consortium not initialised).
   * Event `ChannelSettingsChanged`.
   */
  @Transaction()
  @Returns('string')
  async setMultipartyTimeout(ctx: CovenantContext, seconds: string): Promise<string> {
    return this.settingChanged(ctx, 'multipartyTimeoutSeconds', () => parseMultipartyTimeout(seconds));
  }

  // ------------------------------------------------------------ events

  private channelEvent(ctx: CovenantContext, event: string, channel: Channel): string {
    const view = viewChannel(channel);
    return this.emitted(ctx, event, view, { channel: view }, partiesAudience({ accounts: channel.parties, organizations: channel.organizations }));
  }

  /** Writes a multiparty channel and its members, then emits `event`. */
  private async multipartySaved(ctx: CovenantContext, event: string, next: { multiparty: Multiparty; members: Channel[] }): Promise<string> {
    await saveMultiparty(ctx, next);
    return this.emittedMultiparty(ctx, event, next.multiparty, next.members);
  }

  /** One settings change by an administrator of a consortium member; `from` in the event is the previous value. */
  private async settingChanged(ctx: CovenantContext, field: 'challengePeriodSeconds' | 'multipartyTimeoutSeconds', parse: () => number): Promise<string> {
    const { next, previous } = await changeChannelSetting(ctx, field, parse);
    return this.emitted(ctx, 'ChannelSettingsChanged', next, { settings: next, from: previous[field] }, EVERYONE);
  }

  private emittedMultiparty(ctx: CovenantContext, event: string, multiparty: Multiparty, members: Channel[]): string {
    const view = viewMultiparty(multiparty, members);
    const audience = partiesAudience({ accounts: multiparty.parties, organizations: multiparty.organizations });
    return this.emitted(ctx, event, view, { multiparty: view, channels: members.map(viewChannel) }, audience);
  }
}
