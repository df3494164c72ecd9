import { KeyObject, X509Certificate, verify } from 'node:crypto';
import { canonicalBytes, parseSignature, tpcStateBytes, accountOfCertificate } from '@covenant/chaincode';
import type { TpcState } from '@covenant/chaincode';
import type { ChaincodeClient } from '../ledger/chaincode';
import type { IdentityStore, Principal } from '../identity/store';
import { HttpProblem, problem } from '../http/problem';
import { ChaincodeError } from '../ledger/port';
import { ChannelProposal, OffchainChannel, OffchainStore, SignedState } from './offchain-store';
import { DEFAULT_PROPOSAL_SECONDS, checkNextState, checkOpeningAtOnce, checkProposalAcceptable, checkProposedOpening, proposalStatus } from './consent';
import type { PeerDirectory } from './peers';
import { signAs } from '../identity/signing';

/**
 * The off-chain half of the payment channels of "Research on Multiparty Payment Technology Based
 * on Blockchain and Smart Contract Mechanism" (J. Math. 2022, section 3), between the parties'
 * gateways. The paper's messages travel as HTTP POSTs to the other party's gateway at
 * `/v1/offchain`:
 *   tpc-create → tpc-agree | tpc-reject   (opening state, version 0, taking nothing from the receiver)
 *   tpc-propose → tpc-noted | tpc-reject  (an opening that takes the receiver's deposit: a proposal,
 *                                          signed over the proposal, not over a channel state)
 *   tpc-accept → tpc-agree | tpc-reject   (the counterparty accepted the proposal: its signature over
 *                                          the opening state; the opener's gateway countersigns
 *                                          only while the proposal is open and unexpired)
 *   tpc-decline, tpc-withdraw → tpc-noted (the counterparty declines / the opener withdraws)
 *   tpc-update → tpc-agree | tpc-reject   (a payment: version + 1)
 *   tpc-close  → tpc-agree | tpc-reject   (final state for a cooperative close)
 *   tpc-sync   → the latest state both signed (recovery after a crash)
 * Each carries the sender's signature over the exact bytes the chaincode verifies
 * (tpcStateBytes), or over a domain-separated proposal/answer encoding, checked against the
 * sender's certificate on the ledger; a reject is a problem+json answer. What a gateway
 * countersigns is decided in consent.ts: openings that take nothing from its user, openings its
 * user accepted, and next states that conserve the channel, follow its latest agreed version by
 * one, and never lower its own user's balance (money leaves a user only by that user's own
 * request to its own gateway). It stores the fully signed state before it
 * answers, and writes its own proposal before sending it, so a crash never loses an agreed state.
 */
export interface ChannelMessage {
  type: 'tpc-create' | 'tpc-propose' | 'tpc-accept' | 'tpc-decline' | 'tpc-withdraw' | 'tpc-update' | 'tpc-close' | 'tpc-sync' | 'mpc-query' | 'mpc-sign';
  /** Two-party messages: the channel; multiparty messages: the multiparty channel. */
  channel: string;
  from: string;
  to: string;
  /** tpc-create, tpc-propose, tpc-accept: the parties in channel order. */
  parties?: [string, string];
  /** tpc-propose: until when the proposal may be accepted (ISO 8601). */
  expiresAt?: string;
  state?: { version: number; balances: [string, string]; final: boolean };
  /** tpc-sync, tpc-decline, tpc-withdraw, mpc-query: when the request was made (ISO), signed to prove the sender is a party. */
  at?: string;
  /** mpc-query, mpc-sign: the multiparty channel's parties and member channels. */
  members?: { parties: string[]; channels: string[] };
  /** mpc-sign: the multiparty state to sign. */
  mpcState?: { version: number; channels: { channel: string; version: number; balances: [string, string] }[]; final: boolean };
  signature: string;
}

export interface Faults {
  /** Called after the other side agreed, before the agreed state is stored: a crash point. */
  afterAgreeBeforeStore?: (channel: string) => void;
}

const SYNC_DOMAIN = 'covenant/tpc-sync/v1';
const PROPOSE_DOMAIN = 'covenant/tpc-propose/v1';
const ANSWER_DOMAIN = 'covenant/tpc-proposal-answer/v1';
/** Messages that start work on a channel: refused at once while this gateway works on it. */
const PROPOSALS = new Set<ChannelMessage['type']>(['tpc-create', 'tpc-propose', 'tpc-accept', 'tpc-decline', 'tpc-withdraw', 'tpc-update', 'tpc-close']);

/** What a tpc-propose signs: the proposal, not a channel state (nothing the ledger would accept). */
const proposalBytes = (p: { channel: string; parties: [string, string]; deposits: [string, string]; expiresAt: string }) =>
  canonicalBytes({ domain: PROPOSE_DOMAIN, channel: p.channel, parties: p.parties, deposits: p.deposits, expiresAt: p.expiresAt });
/** What a tpc-decline / tpc-withdraw signs. */
const answerBytes = (type: string, channel: string, from: string, at: string) => canonicalBytes({ domain: ANSWER_DOMAIN, type, channel, from, at });

const SYNC_WINDOW_MS = 5 * 60_000;
const CERTIFICATE_TTL_MS = 5 * 60_000;

/**
 * A channel proposal as its parties see it: `{id, status, role, parties, deposits, expiresAt,
 * createdAt, updatedAt}`; `role` is the caller's (opener or counterparty); a PROPOSED one past
 * `expiresAt` shows EXPIRED.
 */
export function viewProposal(p: ChannelProposal, now = Date.now()) {
  return {
    id: p.id,
    status: proposalStatus(p, now),
    role: p.self === 0 ? ('opener' as const) : ('counterparty' as const),
    parties: p.parties,
    deposits: p.deposits,
    expiresAt: p.expiresAt,
    createdAt: p.createdAt,
    updatedAt: p.updatedAt,
  };
}
export type ProposalView = ReturnType<typeof viewProposal>;

const refuse = (status: number, code: 'INVALID_ARGUMENT' | 'FORBIDDEN' | 'FAILED_PRECONDITION' | 'NOT_FOUND', detail: string) =>
  new HttpProblem(problem(status, code, detail));

function stateOf(id: string, s: { version: number; balances: [string, string]; final: boolean }): TpcState {
  return { channel: id, version: s.version, balances: [BigInt(s.balances[0]), BigInt(s.balances[1])], final: s.final };
}

export class ChannelService {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly accountOf = new Map<string, Principal>();
  private readonly accountIds = new Map<Principal, string>();
  /** Certificates read from the ledger, by account: they change only when an identity renews. */
  private readonly certificates = new Map<string, { mspId: string; certificate: string; publicKey: KeyObject; readAt: number }>();

  constructor(
    private readonly chaincode: ChaincodeClient,
    identities: IdentityStore,
    private readonly store: OffchainStore,
    private readonly peers: PeerDirectory,
    private readonly faults: Faults = {},
  ) {
    for (const p of identities.principals) {
      const id = accountOfCertificate(p.mspId, p.identity.certificate);
      this.accountOf.set(id, p);
      this.accountIds.set(p, id);
    }
  }

  /** The account id of a principal of this gateway. */
  accountIdOf(principal: Principal): string {
    const id = this.accountIds.get(principal);
    if (!id) throw new Error(`principal ${principal.name} unknown to the channel service`);
    return id;
  }

  // ------------------------------------------------------------------ user requests

  /**
   * Opens a channel (createTPC). With `counterpartyDeposit` "0" the opening takes nothing from the
   * counterparty: both gateways sign version 0 at once and the opener submits openChannel
   * (`{status: 201, body: channel}`). Otherwise nothing moves: the counterparty's gateway receives
   * a proposal (tpc-propose) that its user accepts or declines at its own gateway, open until
   * `expiresInSeconds` (default 24 h) from now (`{status: 202, body: proposal}`).
   * Errors: 400 same parties, 409 the id is known to this gateway, 403/404/409/503 from the other gateway.
   */
  async open(
    principal: Principal,
    req: { id: string; counterparty: string; deposit: string; counterpartyDeposit: string; expiresInSeconds?: number },
  ): Promise<{ status: 201; body: unknown } | { status: 202; body: ProposalView }> {
    const self = this.accountIdOf(principal);
    if (req.counterparty === self) throw refuse(400, 'INVALID_ARGUMENT', 'a channel needs two different parties');
    const parties: [string, string] = [self, req.counterparty];
    const state = { version: 0, balances: [req.deposit, req.counterpartyDeposit] as [string, string], final: false };
    return this.locked(req.id, async () => {
      if (await this.store.get(req.id, self)) throw refuse(409, 'FAILED_PRECONDITION', `channel ${req.id} is already known to this gateway`);
      if (await this.store.proposal(req.id, self)) throw refuse(409, 'FAILED_PRECONDITION', `channel ${req.id} has already been proposed`);
      if (req.counterpartyDeposit !== '0') {
        return { status: 202 as const, body: await this.proposeOpening(principal, req.id, parties, state.balances, req.expiresInSeconds ?? DEFAULT_PROPOSAL_SECONDS) };
      }
      const mine = signAs(principal, tpcStateBytes(stateOf(req.id, state)));
      const theirs = await this.send(principal, { type: 'tpc-create', channel: req.id, from: self, to: req.counterparty, parties, state, signature: mine });
      const signatures: [string, string] = [mine, theirs];
      const view = await this.chaincode.submit(principal, 'channels:openChannel', [
        JSON.stringify({ id: req.id, parties, deposits: state.balances, signatures }),
      ]);
      await this.store.put({ id: req.id, parties, self: 0, latest: { ...state, signatures }, updatedAt: '' });
      return { status: 201 as const, body: view };
    });
  }

  /** The caller's channel proposals, incoming and outgoing, one page by id. */
  async proposals(principal: Principal, pageSize: number, bookmark: string): Promise<{ items: ProposalView[]; bookmark: string }> {
    const page = await this.store.proposalsOf(this.accountIdOf(principal), pageSize, bookmark);
    const now = Date.now();
    return { items: page.records.map((p) => viewProposal(p, now)), bookmark: page.bookmark };
  }

  /**
   * The counterparty accepts a proposal at its own gateway: it signs the opening state, the
   * opener's gateway countersigns (tpc-accept → tpc-agree) while the proposal is open and
   * unexpired, both signatures are stored, then it submits openChannel (both deposits move).
   * A repeat after a failed submission submits again with the stored signatures.
   * Errors: 404 no such proposal for the caller, 403 the caller is the opener, 409 declined,
   * withdrawn or expired, 422 a party lacks the funds (the proposal stays accepted: retry).
   */
  async accept(principal: Principal, id: string): Promise<unknown> {
    const self = this.accountIdOf(principal);
    return this.locked(id, async () => {
      let p = await this.counterpartyProposal(self, id, 'accept');
      if (p.status !== 'ACCEPTED' || !p.signatures) {
        checkProposalAcceptable(p, Date.now());
        const state = { version: 0, balances: p.deposits, final: false };
        const bytes = tpcStateBytes(stateOf(id, state));
        const mine = signAs(principal, bytes);
        const theirs = await this.send(principal, { type: 'tpc-accept', channel: id, from: self, to: p.parties[0], parties: p.parties, state, signature: mine });
        this.verify(await this.certificate(principal, p.parties[0]), bytes, theirs, p.parties[0]);
        p = { ...p, status: 'ACCEPTED', signatures: [theirs, mine] };
        await this.store.putProposal(p);
      }
      return this.submitOpening(principal, p);
    });
  }

  /** The counterparty declines an open (or expired) proposal; the opener's gateway is told. Errors: 404, 403 (the opener), 409 accepted or withdrawn. */
  async decline(principal: Principal, id: string): Promise<ProposalView> {
    const self = this.accountIdOf(principal);
    return this.locked(id, async () => this.endProposal(principal, await this.counterpartyProposal(self, id, 'decline'), 'DECLINED'));
  }

  /** The opener withdraws its open (or expired) proposal; the counterparty's gateway is told. Errors: 404, 403 (the counterparty), 409 accepted or declined. */
  async withdraw(principal: Principal, id: string): Promise<ProposalView> {
    const self = this.accountIdOf(principal);
    return this.locked(id, async () => {
      const p = await this.store.proposal(id, self);
      if (!p) throw refuse(404, 'NOT_FOUND', `no channel proposal ${id} for the caller at this gateway`);
      if (p.self !== 0) throw refuse(403, 'FORBIDDEN', `only the opener may withdraw channel proposal ${id}; the counterparty declines it`);
      return this.endProposal(principal, p, 'WITHDRAWN');
    });
  }

  /** Pays `amount` to the other party off-chain: a new version both sign; nothing on the ledger. */
  async pay(principal: Principal, id: string, amount: bigint): Promise<{ channel: string; version: number; balances: [string, string]; amount: string }> {
    return this.locked(id, async () => {
      const c = await this.own(principal, id);
      const other = (1 - c.self) as 0 | 1;
      const balances = c.latest.balances.map(BigInt) as [bigint, bigint];
      if (balances[c.self] < amount) {
        throw new HttpProblem(problem(422, 'INSUFFICIENT_FUNDS', `channel ${id} holds ${balances[c.self]} for the payer, ${amount} needed`));
      }
      balances[c.self] -= amount;
      balances[other] += amount;
      const state = { version: c.latest.version + 1, balances: balances.map(String) as [string, string], final: false };
      const latest = await this.propose(principal, c, 'tpc-update', state);
      return { channel: id, version: latest.version, balances: latest.balances, amount: amount.toString() };
    });
  }

  /** Cooperative close: both sign a final state with the latest balances; then closeChannel on-chain. */
  async close(principal: Principal, id: string): Promise<unknown> {
    return this.locked(id, async () => {
      const c = await this.own(principal, id);
      const state = { version: c.latest.version + 1, balances: c.latest.balances, final: true };
      const latest = await this.propose(principal, c, 'tpc-close', state);
      return this.chaincode.submit(principal, 'channels:closeChannel', [id, stateJson(latest), JSON.stringify(latest.signatures)]);
    });
  }

  /** Puts the latest state both signed on the ledger (checkpoint, start or challenge a unilateral close). */
  async onChain(principal: Principal, id: string, fn: 'checkpoint' | 'startClose' | 'challengeClose'): Promise<unknown> {
    return this.locked(id, async () => {
      const c = await this.own(principal, id);
      return this.chaincode.submit(principal, `channels:${fn}`, [id, stateJson(c.latest), JSON.stringify(c.latest.signatures)]);
    });
  }

  /** The latest state both parties signed, as this gateway holds it. */
  async latest(principal: Principal, id: string): Promise<SignedState> {
    return this.locked(id, async () => (await this.own(principal, id)).latest);
  }

  // ------------------------------------------------------------------ other gateways' messages

  /**
   * Handles a message from another party's gateway; returns the countersignature or the state.
   * While this gateway is itself working on the channel (its own user's proposal in flight), a
   * proposal from the other side is refused at once (409, retry) rather than queued: two
   * gateways each waiting for the other would otherwise deadlock on simultaneous payments.
   */
  async receive(m: ChannelMessage): Promise<unknown> {
    if (PROPOSALS.has(m.type) && this.locks.has(m.channel)) {
      throw new HttpProblem(problem(409, 'FAILED_PRECONDITION', `channel ${m.channel} has a proposal in progress on this side: retry`), true);
    }
    return this.handle(m, true);
  }

  private async handle(m: ChannelMessage, lock: boolean): Promise<any> {
    const principal = this.accountOf.get(m.to);
    if (!principal) throw refuse(404, 'NOT_FOUND', `account ${m.to} is not served by this gateway`);
    if (m.type === 'mpc-query' || m.type === 'mpc-sign') {
      if (!this.multiparty) throw refuse(404, 'NOT_FOUND', 'multiparty channels are not served here');
      return this.multiparty.handle(principal, m);
    }
    const senderKey = await this.certificate(principal, m.from);
    if (m.type === 'tpc-sync') {
      const at = Date.parse(m.at ?? '');
      if (!(Math.abs(Date.now() - at) < SYNC_WINDOW_MS)) throw refuse(400, 'INVALID_ARGUMENT', 'tpc-sync needs a current `at`');
      this.verify(senderKey, canonicalBytes({ domain: SYNC_DOMAIN, channel: m.channel, from: m.from, at: m.at }), m.signature, m.from);
      const c = await this.store.get(m.channel, m.to);
      if (!c || c.parties[1 - c.self] !== m.from) throw refuse(404, 'NOT_FOUND', `no channel ${m.channel} with ${m.from}`);
      return { type: 'tpc-state', state: c.latest };
    }
    if (m.type === 'tpc-propose') return lock ? this.locked(m.channel, () => this.noteProposal(m, senderKey)) : this.noteProposal(m, senderKey);
    if (m.type === 'tpc-decline' || m.type === 'tpc-withdraw') return lock ? this.locked(m.channel, () => this.noteAnswer(m, senderKey)) : this.noteAnswer(m, senderKey);
    if (!m.state) throw refuse(400, 'INVALID_ARGUMENT', `${m.type} needs a state`);
    const state = m.state;
    this.verify(senderKey, tpcStateBytes(stateOf(m.channel, state)), m.signature, m.from);
    const work = async () => {
      if (m.type === 'tpc-create') return this.agreeCreate(principal, m, state);
      if (m.type === 'tpc-accept') return this.agreeAccepted(principal, m, state);
      const known = await this.store.get(m.channel, m.to);
      if (!known || known.parties[known.self] !== m.to || known.parties[1 - known.self] !== m.from) throw refuse(404, 'NOT_FOUND', `no channel ${m.channel} between ${m.from} and ${m.to}`);
      const c = await this.usable(principal, known);
      checkNextState(c, state, m.type === 'tpc-close');
      const mine = signAs(principal, tpcStateBytes(stateOf(c.id, state)));
      const signatures: [string, string] = c.self === 0 ? [mine, m.signature] : [m.signature, mine];
      await this.store.put({ ...c, latest: { ...state, signatures }, pending: undefined });
      return { type: 'tpc-agree' as const, signature: mine };
    };
    // A message between two users of this gateway arrives inside the sender's own lock.
    return lock ? this.locked(m.channel, work) : work();
  }

  /** After a restart: asks the other side about every proposal that was sent but not stored. */
  async recover(): Promise<number> {
    let recovered = 0;
    for (const c of await this.store.withPending()) {
      const principal = this.accountOf.get(c.parties[c.self]);
      if (!principal) continue;
      try {
        await this.locked(c.id, async () => {
          if (await this.sync(principal, c)) recovered += 1;
        });
      } catch {
        /* the other gateway is unreachable: try again at the next request on this channel */
      }
    }
    return recovered;
  }

  // ------------------------------------------------------------------ for the multiparty protocol

  /** The multiparty protocol handler (multiparty.ts) that mpc-* messages go to. */
  multiparty?: { handle(principal: Principal, m: ChannelMessage): Promise<unknown> };

  principalFor(account: string): Principal | undefined {
    return this.accountOf.get(account);
  }

  signFor(principal: Principal, bytes: Uint8Array): string {
    return signAs(principal, bytes);
  }

  /** FORBIDDEN unless `signature` is `account`'s signature over `bytes`. */
  async checkSignature(principal: Principal, account: string, bytes: Uint8Array, signature: string): Promise<void> {
    this.verify(await this.certificate(principal, account), bytes, signature, account);
  }

  /** Sends a message to the gateway serving `m.to` (this one included) and returns its answer. */
  exchange(principal: Principal, m: ChannelMessage): Promise<unknown> {
    return this.deliver(principal, m);
  }

  /** Marks `party`'s record of a two-party channel bound to a multiparty channel, or released. */
  async bind(id: string, party: string, boundTo: string | undefined): Promise<void> {
    const c = await this.store.get(id, party);
    if (c) await this.store.put({ ...c, boundTo, rebase: boundTo === undefined ? true : c.rebase });
  }

  /** `party`'s standing forwarding permission on channel `id` (`{cap?}`), if it allows forwarding. */
  forwarding(id: string, party: string): Promise<{ cap?: string } | undefined> {
    return this.store.forwarding(id, party);
  }

  /**
   * The caller allows (`allow`, with an optional `cap` in minor units) or forbids routing others'
   * payments through its channel `id`: with it, its gateway binds the channel into the
   * multiparty channel of a routed payment (POST /v1/payments) and announces it to other gateways
   * for routing; an update moving more than `cap` through it is not signed. The caller must be a
   * party of the channel on the ledger (403/404).
   */
  async setForwarding(principal: Principal, id: string, allow: boolean, cap?: string): Promise<{ channel: string; account: string; allow: boolean; cap?: string }> {
    const account = this.accountIdOf(principal);
    await this.chaincode.evaluate(principal, 'channels:getChannel', [id]);
    await this.store.setForwarding(id, account, allow ? (cap === undefined ? {} : { cap }) : undefined);
    return { channel: id, account, allow, cap: allow ? cap : undefined };
  }

  /** The latest agreed off-chain version of `party`'s channel, if this gateway holds one. */
  async agreedVersion(id: string, party: string): Promise<number | undefined> {
    return (await this.store.get(id, party))?.latest.version;
  }

  // ------------------------------------------------------------------ internals

  private async agreeCreate(principal: Principal, m: ChannelMessage, state: NonNullable<ChannelMessage['state']>) {
    if (!m.parties || m.parties[0] !== m.from || m.parties[1] !== m.to) throw refuse(400, 'INVALID_ARGUMENT', 'tpc-create parties must be [from, to]');
    checkOpeningAtOnce(m.channel, state, 1, m.to);
    const existing = await this.store.get(m.channel, m.to);
    // The same opening proposed again (the opener's on-chain submission failed) is signed again;
    // anything else under a known id is refused.
    const same = existing && existing.latest.version === 0 && existing.parties.join() === m.parties.join() && existing.latest.balances.join() === state.balances.join();
    if (existing && !same) throw refuse(409, 'FAILED_PRECONDITION', `channel ${m.channel} already exists`);
    const mine = signAs(principal, tpcStateBytes(stateOf(m.channel, state)));
    if (m.to === m.from) throw refuse(400, 'INVALID_ARGUMENT', 'a channel needs two different parties');
    await this.store.put({ id: m.channel, parties: m.parties, self: 1, latest: { ...state, signatures: [m.signature, mine] }, updatedAt: '' });
    return { type: 'tpc-agree' as const, signature: mine };
  }

  /** Sends a proposal to the counterparty's gateway and keeps the opener's copy (PROPOSED). */
  private async proposeOpening(principal: Principal, id: string, parties: [string, string], deposits: [string, string], expiresInSeconds: number): Promise<ProposalView> {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + expiresInSeconds * 1000).toISOString();
    const signature = signAs(principal, proposalBytes({ channel: id, parties, deposits, expiresAt }));
    const state = { version: 0, balances: deposits, final: false };
    const answer = (await this.deliver(principal, { type: 'tpc-propose', channel: id, from: parties[0], to: parties[1], parties, state, expiresAt, signature })) as { type?: string };
    if (answer.type !== 'tpc-noted') throw refuse(409, 'FAILED_PRECONDITION', `the other gateway answered ${answer.type}`);
    const p: ChannelProposal = { id, parties, deposits, self: 0, status: 'PROPOSED', expiresAt, createdAt: now.toISOString(), updatedAt: '' };
    await this.store.putProposal(p);
    return viewProposal((await this.store.proposal(id, parties[0]))!);
  }

  /** tpc-propose at the counterparty's gateway: keeps the proposal (PROPOSED) for its user to answer. */
  private async noteProposal(m: ChannelMessage, senderKey: KeyObject) {
    const { parties, state, expiresAt } = m;
    if (!parties || parties[0] !== m.from || parties[1] !== m.to || m.from === m.to) throw refuse(400, 'INVALID_ARGUMENT', 'tpc-propose parties must be [from, to], two different accounts');
    if (!state || state.version !== 0 || state.final) throw refuse(400, 'INVALID_ARGUMENT', 'tpc-propose carries the opening state: version 0, not final');
    const expires = Date.parse(expiresAt ?? '');
    if (!(expires > Date.now())) throw refuse(400, 'INVALID_ARGUMENT', 'tpc-propose needs a future `expiresAt`');
    this.verify(senderKey, proposalBytes({ channel: m.channel, parties, deposits: state.balances, expiresAt: expiresAt! }), m.signature, m.from);
    if (await this.store.get(m.channel, m.to)) throw refuse(409, 'FAILED_PRECONDITION', `channel ${m.channel} already exists`);
    const existing = await this.store.proposal(m.channel, m.to);
    if (existing) {
      // The same proposal sent again (the opener did not get the answer) is noted again.
      const same = existing.self === 1 && existing.parties.join() === parties.join() && existing.deposits.join() === state.balances.join() && existing.expiresAt === expiresAt;
      if (!same) throw refuse(409, 'FAILED_PRECONDITION', `channel ${m.channel} has already been proposed`);
      return { type: 'tpc-noted' as const };
    }
    await this.store.putProposal({ id: m.channel, parties, deposits: state.balances, self: 1, status: 'PROPOSED', expiresAt: expiresAt!, createdAt: new Date().toISOString(), updatedAt: '' });
    return { type: 'tpc-noted' as const };
  }

  /**
   * tpc-accept at the opener's gateway: countersigns the opening state only as the exact proposal,
   * while it is open and unexpired (consent.ts); an accepted one is countersigned again (the
   * acceptor did not get the answer). Stores both signatures and the opener's channel record.
   */
  private async agreeAccepted(principal: Principal, m: ChannelMessage, state: NonNullable<ChannelMessage['state']>) {
    const p = await this.store.proposal(m.channel, m.to);
    if (!p || p.self !== 0 || p.parties[1] !== m.from) throw refuse(404, 'NOT_FOUND', `no channel proposal ${m.channel} from ${m.to} to ${m.from}`);
    if (p.status === 'ACCEPTED' && p.signatures) {
      checkProposedOpening(p, state);
      return { type: 'tpc-agree' as const, signature: p.signatures[0] };
    }
    checkProposalAcceptable(p, Date.now(), state);
    const mine = signAs(principal, tpcStateBytes(stateOf(m.channel, state)));
    const signatures: [string, string] = [mine, m.signature];
    await this.store.putProposal({ ...p, status: 'ACCEPTED', signatures });
    if (!(await this.store.get(m.channel, m.to))) {
      await this.store.put({ id: m.channel, parties: p.parties, self: 0, latest: { ...state, signatures }, updatedAt: '' });
    }
    return { type: 'tpc-agree' as const, signature: mine };
  }

  /** tpc-decline (at the opener's gateway) / tpc-withdraw (at the counterparty's): the proposal ends. */
  private async noteAnswer(m: ChannelMessage, senderKey: KeyObject) {
    const at = Date.parse(m.at ?? '');
    if (!(Math.abs(Date.now() - at) < SYNC_WINDOW_MS)) throw refuse(400, 'INVALID_ARGUMENT', `${m.type} needs a current \`at\``);
    this.verify(senderKey, answerBytes(m.type, m.channel, m.from, m.at!), m.signature, m.from);
    const p = await this.store.proposal(m.channel, m.to);
    const receiver = m.type === 'tpc-decline' ? 0 : 1;
    if (!p || p.self !== receiver || p.parties[1 - receiver] !== m.from) throw refuse(404, 'NOT_FOUND', `no channel proposal ${m.channel} between ${m.from} and ${m.to}`);
    const status = m.type === 'tpc-decline' ? 'DECLINED' : 'WITHDRAWN';
    if (p.status === 'ACCEPTED') throw refuse(409, 'FAILED_PRECONDITION', `channel proposal ${m.channel} is already ACCEPTED`);
    if (p.status === 'PROPOSED') await this.store.putProposal({ ...p, status });
    return { type: 'tpc-noted' as const };
  }

  /** The caller's proposal as its counterparty: 404 none, 403 the caller is its opener. */
  private async counterpartyProposal(self: string, id: string, action: string): Promise<ChannelProposal> {
    const p = await this.store.proposal(id, self);
    if (!p) throw refuse(404, 'NOT_FOUND', `no channel proposal ${id} for the caller at this gateway`);
    if (p.self !== 1) throw refuse(403, 'FORBIDDEN', `only the counterparty may ${action} channel proposal ${id}`);
    return p;
  }

  /** Declines or withdraws: the caller's copy ends first, then the other gateway is told (best effort: its copy expires anyway). */
  private async endProposal(principal: Principal, p: ChannelProposal, status: 'DECLINED' | 'WITHDRAWN'): Promise<ProposalView> {
    if (p.status !== 'PROPOSED') throw refuse(409, 'FAILED_PRECONDITION', `channel proposal ${p.id} is ${p.status}`);
    await this.store.putProposal({ ...p, status });
    const self = p.parties[p.self];
    const at = new Date().toISOString();
    const type = status === 'DECLINED' ? 'tpc-decline' : 'tpc-withdraw';
    try {
      await this.deliver(principal, { type, channel: p.id, from: self, to: p.parties[1 - p.self], at, signature: signAs(principal, answerBytes(type, p.id, self, at)) });
    } catch {
      /* unreachable: the other side can no longer complete it (its acceptance needs this gateway) and it expires */
    }
    return viewProposal((await this.store.proposal(p.id, self))!);
  }

  /** Submits openChannel for an accepted proposal with both stored signatures; a channel already opened by it is read back. */
  private async submitOpening(principal: Principal, p: ChannelProposal): Promise<unknown> {
    const signatures = p.signatures!;
    let view: unknown;
    try {
      view = await this.chaincode.submit(principal, 'channels:openChannel', [JSON.stringify({ id: p.id, parties: p.parties, deposits: p.deposits, signatures })]);
    } catch (err) {
      if (!(err instanceof ChaincodeError && err.code === 'ALREADY_EXISTS')) throw err;
      view = await this.chaincode.evaluate(principal, 'channels:getChannel', [p.id]);
    }
    const self = p.parties[p.self];
    if (!(await this.store.get(p.id, self))) {
      await this.store.put({ id: p.id, parties: p.parties, self: p.self, latest: { version: 0, balances: p.deposits, final: false, signatures }, updatedAt: '' });
    }
    return view;
  }

  /** Writes the proposal, sends it, verifies the countersignature and stores the agreed state. */
  private async propose(principal: Principal, c: OffchainChannel, type: 'tpc-update' | 'tpc-close', state: { version: number; balances: [string, string]; final: boolean }): Promise<SignedState> {
    const mine = signAs(principal, tpcStateBytes(stateOf(c.id, state)));
    await this.store.put({ ...c, pending: state });
    const other = c.parties[1 - c.self];
    let theirs: string;
    try {
      theirs = await this.send(principal, { type, channel: c.id, from: c.parties[c.self], to: other, state, signature: mine });
    } catch (err) {
      // A refusal means the proposal was not countersigned: forget it. Anything else leaves it
      // pending for recovery.
      if (err instanceof HttpProblem && err.problem.status < 500) await this.store.put({ ...c, pending: undefined });
      throw err;
    }
    this.verify(await this.certificate(principal, other), tpcStateBytes(stateOf(c.id, state)), theirs, other);
    this.faults.afterAgreeBeforeStore?.(c.id);
    const signatures: [string, string] = c.self === 0 ? [mine, theirs] : [theirs, mine];
    const latest: SignedState = { ...state, signatures };
    await this.store.put({ ...c, latest, pending: undefined });
    return latest;
  }

  /** The caller's channel, recovered first if a proposal is pending. */
  private async own(principal: Principal, id: string): Promise<OffchainChannel> {
    const self = this.accountIdOf(principal);
    let c = await this.store.get(id, self);
    if (!c || c.parties[c.self] !== self) throw refuse(404, 'NOT_FOUND', `channel ${id} is not one of the caller's channels at this gateway`);
    if (c.pending) {
      await this.sync(principal, c);
      c = (await this.store.get(id, self))!;
    }
    return this.usable(principal, c);
  }

  /**
   * A channel that can take a two-party update: not bound to a multiparty channel, and, once
   * released by one, rebased on the state the multiparty channel left on the ledger.
   */
  private async usable(principal: Principal, c: OffchainChannel): Promise<OffchainChannel> {
    if (!c.boundTo && !c.rebase) return c;
    // The ledger decides: a binding whose multiparty channel never opened, or has closed, lapses.
    const onLedger = await this.chaincode.evaluate<{ version: number; balances: [string, string]; busy: string | null }>(principal, 'channels:getChannel', [c.id]);
    if (onLedger.busy) throw refuse(409, 'FAILED_PRECONDITION', `channel ${c.id} is bound to multiparty channel ${onLedger.busy}`);
    const rebased: OffchainChannel =
      onLedger.version > c.latest.version
        ? { ...c, boundTo: undefined, rebase: undefined, latest: { version: onLedger.version, balances: onLedger.balances, final: false, signatures: ['', ''] } }
        : { ...c, boundTo: undefined, rebase: undefined };
    await this.store.put(rebased);
    return rebased;
  }

  /** Adopts the other side's latest state when it is newer and signed by both. */
  private async sync(principal: Principal, c: OffchainChannel): Promise<boolean> {
    const self = c.parties[c.self];
    const other = c.parties[1 - c.self];
    const at = new Date().toISOString();
    const signature = signAs(principal, canonicalBytes({ domain: SYNC_DOMAIN, channel: c.id, from: self, at }));
    const answer = (await this.deliver(principal, { type: 'tpc-sync', channel: c.id, from: self, to: other, at, signature })) as { state: SignedState };
    const theirs = answer.state;
    let adopted = false;
    if (theirs.version > c.latest.version) {
      const bytes = tpcStateBytes(stateOf(c.id, theirs));
      this.verify(await this.certificate(principal, c.parties[0]), bytes, theirs.signatures[0], c.parties[0]);
      this.verify(await this.certificate(principal, c.parties[1]), bytes, theirs.signatures[1], c.parties[1]);
      const sum = (s: { balances: [string, string] }) => BigInt(s.balances[0]) + BigInt(s.balances[1]);
      if (sum(theirs) !== sum(c.latest)) throw refuse(409, 'FAILED_PRECONDITION', `channel ${c.id}: the other side's state does not conserve the channel`);
      await this.store.put({ ...c, latest: theirs, pending: undefined });
      adopted = true;
    } else {
      await this.store.put({ ...c, pending: undefined });
    }
    return adopted;
  }

  private async send(principal: Principal, m: ChannelMessage): Promise<string> {
    const answer = (await this.deliver(principal, m)) as { type: string; signature?: string };
    if (answer.type !== 'tpc-agree' || !answer.signature) throw refuse(409, 'FAILED_PRECONDITION', `the other gateway answered ${answer.type}`);
    return answer.signature;
  }

  /** Delivers a message to the gateway serving `m.to`: this one, or a peer gateway over HTTP. */
  private async deliver(principal: Principal, m: ChannelMessage): Promise<unknown> {
    if (this.accountOf.has(m.to)) return this.handle(m, false);
    const { mspId } = await this.account(principal, m.to);
    const url = this.peers.url(mspId);
    if (!url) throw new HttpProblem(problem(503, 'LEDGER_UNAVAILABLE', `no gateway known for ${mspId} (set --peers)`));
    let res: Response;
    try {
      res = await fetch(`${url}/v1/offchain`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(m),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      throw new HttpProblem(problem(503, 'LEDGER_UNAVAILABLE', `the gateway of ${mspId} is unreachable: ${(err as Error).message}`));
    }
    const body = (await res.json().catch(() => ({}))) as { detail?: string; code?: string };
    if (!res.ok) {
      const code = res.status === 403 ? 'FORBIDDEN' : res.status === 404 ? 'NOT_FOUND' : res.status === 400 ? 'INVALID_ARGUMENT' : 'FAILED_PRECONDITION';
      const status = res.status >= 500 ? 503 : res.status === 422 ? 409 : res.status;
      const transient = status === 503 || /: retry$/.test(body.detail ?? '');
      throw new HttpProblem(problem(status, status === 503 ? 'LEDGER_UNAVAILABLE' : code, `the gateway of ${mspId} refused ${m.type}: ${body.detail ?? res.statusText}`), transient);
    }
    return body;
  }

  private async certificate(principal: Principal, account: string): Promise<KeyObject> {
    return (await this.account(principal, account)).publicKey;
  }

  /** An account's MSP ID and certificate (public key) from the ledger, kept for CERTIFICATE_TTL_MS. */
  private async account(principal: Principal, account: string): Promise<{ mspId: string; publicKey: KeyObject }> {
    const cached = this.certificates.get(account);
    if (cached && Date.now() - cached.readAt < CERTIFICATE_TTL_MS) return cached;
    const read = await this.chaincode.evaluate<{ mspId: string; certificate: string }>(principal, 'accounts:getCertificate', [account]);
    const entry = { ...read, publicKey: new X509Certificate(read.certificate).publicKey, readAt: Date.now() };
    this.certificates.set(account, entry);
    return entry;
  }

  /** FORBIDDEN unless `signature` is `who`'s ECDSA P-256 signature over `bytes` (as the chaincode checks it). */
  private verify(publicKey: KeyObject, bytes: Uint8Array, signature: string, who: string): void {
    let parsed;
    try {
      parsed = parseSignature(signature);
    } catch {
      throw refuse(403, 'FORBIDDEN', `the signature of ${who} is malformed`);
    }
    let valid = false;
    try {
      valid = verify('sha256', bytes, { key: publicKey, dsaEncoding: parsed.encoding }, parsed.bytes);
    } catch {
      valid = false;
    }
    if (!valid) throw refuse(403, 'FORBIDDEN', `the signature of ${who} does not verify`);
  }

  private locked<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(id) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return run;
  }
}

function stateJson(s: SignedState): string {
  return JSON.stringify({ version: s.version, balances: s.balances, final: s.final });
}
