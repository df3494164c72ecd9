import type { MultipartyView } from '@covenant/chaincode';
import type { ChaincodeClient } from '../ledger/chaincode';
import type { Principal } from '../identity/store';
import type { OffchainMessenger } from './messenger';
import { KeyedLocks } from './locks';
import { HeldMultiparty, MultipartyStates } from './multiparty-states';
import { ChannelMessage, MpcStateJson, OffchainAnswer, expectAnswer, mpcBytes, refuse } from './protocol';

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
 * answers. Work on one user's record of one multiparty channel is serialized (KeyedLocks).
 */
export class MultipartyOffchain {
  private readonly locks = new KeyedLocks();

  constructor(
    private readonly chaincode: ChaincodeClient,
    private readonly messenger: OffchainMessenger,
    readonly states: MultipartyStates,
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

  /** Every party's signature over `state`, collected in parallel (each verified), by account. */
  async collect(principal: Principal, id: string, members: Members, state: MpcStateJson): Promise<Record<string, string>> {
    const self = this.messenger.accountIdOf(principal);
    const bytes = mpcBytes(id, state);
    const mine = this.messenger.sign(principal, bytes);
    const signed = await Promise.all(
      members.parties.map(async (party) => {
        const message: ChannelMessage = { type: 'mpc-sign', channel: id, from: self, to: party, members: { parties: members.parties, channels: members.channels }, mpcState: state, signature: mine };
        const { signature } = expectAnswer(await this.messenger.deliver(principal, message), 'mpc-agree');
        await this.messenger.verify(principal, party, bytes, signature);
        return [party, signature] as const;
      }),
    );
    return Object.fromEntries(signed);
  }

  /**
   * Sends the all-signed `state` to every party's gateway in parallel (mpc-commit), the
   * coordinator's own included. The coordinator's own store must succeed (its answer to its user
   * depends on it); another gateway that does not answer keeps its older state (every party's
   * signature is on this one already, so the payment stands; that party can still be answered in
   * a dispute by any party holding it).
   */
  async distribute(principal: Principal, id: string, members: Members, state: MpcStateJson, signatures: Record<string, string>): Promise<void> {
    const self = this.messenger.accountIdOf(principal);
    const results = await Promise.allSettled(
      members.parties.map(async (party) => {
        const message: ChannelMessage = { type: 'mpc-commit', channel: id, from: self, to: party, members: { parties: members.parties, channels: members.channels }, mpcState: state, signatures, signature: signatures[self] };
        expectAnswer(await this.messenger.deliver(principal, message), 'mpc-stored');
      }),
    );
    const own = results[members.parties.indexOf(self)];
    if (own?.status === 'rejected') throw own.reason;
  }

  /**
   * mpc-commit: verifies every party's signature over the state (the parties as the ledger
   * records them: FORBIDDEN for a missing or wrong one) and stores it as the latest when it is
   * newer than the one held, durably, before answering `mpc-stored` with the held version.
   */
  async receiveCommit(principal: Principal, m: ChannelMessage): Promise<OffchainAnswer> {
    const state = m.mpcState;
    if (!state || !m.signatures) throw refuse('INVALID_ARGUMENT', 'mpc-commit needs mpcState and signatures');
    if (state.final) throw refuse('INVALID_ARGUMENT', 'mpc-commit carries an update, not a final state');
    const signatures = m.signatures;
    return this.run(m.channel, m.to, async () => {
      const { record } = await this.held(principal, m.to, m.channel);
      const bytes = mpcBytes(m.channel, state);
      for (const party of record.parties) {
        const signature = signatures[party];
        if (!signature) throw refuse('FORBIDDEN', `the signature of ${party} on version ${state.version} of ${m.channel} is missing`);
        await this.messenger.verify(principal, party, bytes, signature);
      }
      const held = record.latest?.state.version ?? -1;
      if (state.version > held) {
        const kept = Object.fromEntries(record.parties.map((p) => [p, signatures[p]]));
        const signed = record.signed && record.signed.version > state.version ? record.signed : state;
        await this.states.put({ ...record, latest: { state, signatures: kept }, signed });
      }
      return { type: 'mpc-stored', version: Math.max(held, state.version) };
    });
  }
}
