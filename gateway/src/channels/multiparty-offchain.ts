import type { MultipartyView } from '@covenant/chaincode';
import type { ChaincodeClient } from '../ledger/chaincode';
import type { Principal } from '../identity/store';
import type { OffchainMessenger } from './messenger';
import type { Faults } from './context';
import { KeyedLocks } from './locks';
import { HeldMultiparty, MultipartyStates, PAID_REQUESTS_KEPT } from './multiparty-states';
import { AllSigned, ChannelMessage, MpcStateJson, OffchainAnswer, expectAnswer, mpcBytes, refuse } from './protocol';

/** A multiparty channel's parties and member channels. */
export type Members = { parties: string[]; channels: string[] };

/** A held record without its write stamp, as it is put. */
export type HeldRecord = Omit<HeldMultiparty, 'updatedAt'>;

/** The state the ledger records for a multiparty channel (its opening, or the last state put on it). */
export function ledgerState(view: MultipartyView): MpcStateJson {
  return { version: view.version, final: false, channels: view.states.map((s) => ({ channel: s.channel, version: s.version, balances: s.balances as [string, string] })) };
}

/**
 * The view a party's gateway shows of a multiparty channel: the ledger's, with `version` and
 * `states` those of the latest all-signed off-chain state it holds when that is newer (while the
 * channel is OPEN or CLOSING), and `ledgerVersion` the version recorded on the ledger.
 */
export function heldView(view: MultipartyView, held: HeldMultiparty | undefined): MultipartyView {
  const latest = held?.latest?.state;
  if (!latest || view.status === 'CLOSED' || latest.version <= view.version) return { ...view, ledgerVersion: view.version };
  return { ...view, version: latest.version, states: latest.channels, ledgerVersion: view.version };
}

/**
 * The off-chain half of a multiparty channel (protocol/multiparty-offchain.ts has the rules): the
 * coordinator collects every party's signature in parallel (mpc-sign → mpc-agree) and then
 * distributes the all-signed state in parallel (mpc-commit → mpc-stored); every receiving gateway
 * verifies every party's signature and stores the state durably (multiparty-states.ts) before it
 * answers. Every mpc-sign also carries the coordinator's latest all-signed state (`previous`): a
 * gateway that missed its mpc-commit (down, or crashed before storing) stores it first, with the
 * same checks (catchUp), so it decides on the new state, or the final one, over the newest state.
 * The coordinator's own copy records the idempotent request that paid it, so a repeat of
 * the request after a crash answers that state instead of paying again. Work on one user's record of one multiparty channel is serialized (KeyedLocks).
 */
export class MultipartyOffchain {
  private readonly locks = new KeyedLocks();

  constructor(
    private readonly chaincode: ChaincodeClient,
    private readonly messenger: OffchainMessenger,
    readonly states: MultipartyStates,
    private readonly faults: Pick<Faults, 'beforeMpcCommitStore'> = {},
  ) {}

  /** Runs `work` after every earlier work on `account`'s record of `mpc` (the coordinator uses its own key). */
  run<T>(mpc: string, account: string, work: () => Promise<T>): Promise<T> {
    return this.locks.run(`${mpc}!${account}`, work);
  }

  /**
   * `self`'s record of `mpc` and the state updates are built over: the latest all-signed state it
   * holds, else the one the ledger records (the record then starts from the ledger's parties).
   * Refusals: the ledger's (NOT_FOUND, FORBIDDEN).
   */
  async held(principal: Principal, self: string, mpc: string): Promise<{ record: HeldRecord; base: MpcStateJson }> {
    const stored = await this.states.get(mpc, self);
    if (stored?.latest) return { record: stored, base: stored.latest.state };
    const view = await this.chaincode.evaluate<MultipartyView>(principal, 'channels:getMultiparty', [mpc]);
    return { record: stored ?? { mpc, account: self, parties: view.parties }, base: ledgerState(view) };
  }

  /**
   * Every party's signature over `state`, collected in parallel (each verified), by account;
   * refused with the first refusing party's error in the parties' order. `previous`, the latest
   * all-signed state the coordinator holds, goes with every mpc-sign (catchUp).
   */
  async collect(principal: Principal, id: string, members: Members, state: MpcStateJson, previous?: AllSigned): Promise<Record<string, string>> {
    const self = this.messenger.accountIdOf(principal);
    const bytes = mpcBytes(id, state);
    const mine = this.messenger.sign(principal, bytes);
    const answers = await Promise.allSettled(
      members.parties.map(async (party) => {
        const message: ChannelMessage = { type: 'mpc-sign', channel: id, from: self, to: party, members: { parties: members.parties, channels: members.channels }, mpcState: state, ...(previous && { previous }), signature: mine };
        const { signature } = expectAnswer(await this.messenger.deliver(principal, message), 'mpc-agree');
        await this.messenger.verify(principal, party, bytes, signature);
        return [party, signature] as const;
      }),
    );
    // Every answer is awaited, and a refusal is reported for the first refusing party in the
    // parties' order, whichever gateway answered first: the same request gets the same error.
    const refused = answers.find((a): a is PromiseRejectedResult => a.status === 'rejected');
    if (refused) throw refused.reason;
    return Object.fromEntries(answers.map((a) => (a as PromiseFulfilledResult<readonly [string, string]>).value));
  }

  /**
   * Stores the all-signed `state` for the coordinator's own user (with `requestId`, the idempotent
   * request that paid it, in the same write), then sends it to every other party's gateway in
   * parallel (mpc-commit). Own store first: if the coordinator stops in between, no other gateway
   * holds a state newer than the coordinator's, so its close after a restart proposes the newest
   * state (a party holding a newer one would refuse a final state below it). Another gateway that
   * does not answer keeps its older state (every party's signature is on this one already, so the
   * payment stands; any party holding it can answer a dispute with it).
   */
  async distribute(principal: Principal, id: string, members: Members, state: MpcStateJson, signatures: Record<string, string>, requestId?: string): Promise<void> {
    const self = this.messenger.accountIdOf(principal);
    await this.store(principal, id, self, state, signatures, requestId);
    const others = members.parties
      .filter((p) => p !== self)
      .map(async (party) => {
        const message: ChannelMessage = { type: 'mpc-commit', channel: id, from: self, to: party, members: { parties: members.parties, channels: members.channels }, mpcState: state, signatures, signature: signatures[self] };
        expectAnswer(await this.messenger.deliver(principal, message), 'mpc-stored');
      });
    await Promise.allSettled(others);
  }

  /** `views` (as the ledger shows them to `account`) with the latest off-chain state this gateway holds for it (heldView), in order. */
  heldViews(views: MultipartyView[], account: string): Promise<MultipartyView[]> {
    return Promise.all(views.map(async (v) => heldView(v, await this.states.get(v.id, account))));
  }

  /** The state an earlier run of idempotent request `requestId` paid (coordinator), if it was stored. */
  async paidBy(mpc: string, account: string, requestId: string | undefined): Promise<MpcStateJson | undefined> {
    if (requestId === undefined) return undefined;
    return (await this.states.get(mpc, account))?.paid?.find((p) => p.requestId === requestId)?.state;
  }

  /**
   * mpc-commit: verifies every party's signature over the state (the parties as the ledger
   * records them: FORBIDDEN for a missing or wrong one) and stores it as the latest when it is
   * newer than the one held, durably, before answering `mpc-stored` with the held version.
   */
  async receiveCommit(principal: Principal, m: ChannelMessage): Promise<OffchainAnswer> {
    if (!m.mpcState || !m.signatures) throw refuse('INVALID_ARGUMENT', 'mpc-commit needs mpcState and signatures');
    this.faults.beforeMpcCommitStore?.(m.channel, m.to);
    return { type: 'mpc-stored', version: await this.store(principal, m.channel, m.to, m.mpcState, m.signatures) };
  }

  /**
   * mpc-sign's `previous`: the coordinator's latest all-signed state, stored as `account`'s latest
   * when it is newer than the one held, with mpc-commit's checks (every party's signature, as the
   * ledger records the parties: FORBIDDEN otherwise; an update, not a final state:
   * INVALID_ARGUMENT), durably, before the gateway decides on the proposed state. An older or
   * equal one is ignored unchecked (nothing is stored from it). Runs outside `account`'s lock.
   */
  async catchUp(principal: Principal, mpc: string, account: string, previous: AllSigned | undefined): Promise<void> {
    if (!previous) return;
    const held = (await this.states.get(mpc, account))?.latest?.state.version ?? -1;
    if (previous.state.version > held) await this.store(principal, mpc, account, previous.state, previous.signatures);
  }

  /**
   * Verifies every party's signature over `state` and stores it as `account`'s latest when newer
   * than the one held (with `requestId` among the paid requests), durably. Returns the version
   * held afterwards.
   */
  private async store(principal: Principal, mpc: string, account: string, state: MpcStateJson, signatures: Record<string, string>, requestId?: string): Promise<number> {
    if (state.final) throw refuse('INVALID_ARGUMENT', 'mpc-commit carries an update, not a final state');
    return this.run(mpc, account, async () => {
      const { record } = await this.held(principal, account, mpc);
      const bytes = mpcBytes(mpc, state);
      for (const party of record.parties) {
        const signature = signatures[party];
        if (!signature) throw refuse('FORBIDDEN', `the signature of ${party} on version ${state.version} of ${mpc} is missing`);
        await this.messenger.verify(principal, party, bytes, signature);
      }
      const held = record.latest?.state.version ?? -1;
      if (state.version <= held) return held;
      const kept = Object.fromEntries(record.parties.map((p) => [p, signatures[p]]));
      // A signed final state stays: the gateway signs no update after it (protocol/multiparty-offchain.ts).
      const signed = record.signed && (record.signed.final || record.signed.version > state.version) ? record.signed : state;
      const paid = requestId === undefined ? record.paid : [...(record.paid ?? []), { requestId, state }].slice(-PAID_REQUESTS_KEPT);
      await this.states.put({ ...record, latest: { state, signatures: kept }, signed, paid });
      return state.version;
    });
  }
}
