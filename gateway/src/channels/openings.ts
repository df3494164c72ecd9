import type { ChannelView } from '@covenant/chaincode';
import type { Principal } from '../identity/store';
import { ChaincodeError } from '../ledger/port';
import { TwoPartyContext, fromSender, withSignedState } from './context';
import type { MessageHandlers } from './messenger';
import type { ChannelProposal } from './offchain-store';
import {
  ChannelMessage,
  DEFAULT_PROPOSAL_SECONDS,
  StateJson,
  answerBytes,
  checkCreateParties,
  checkCurrent,
  checkEndable,
  checkOpeningAtOnce,
  checkProposalAcceptable,
  checkProposeMessage,
  checkProposedOpening,
  checkTwoParties,
  expectAnswer,
  proposalBytes,
  proposalStatus,
  refuse,
  sameOpening,
  sameProposal,
  tpcBytes,
  verifySignature,
} from './protocol';

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

/** What POST /v1/channels answers: the opened channel (201) or the proposal sent (202). */
export type Opened = { status: 201; body: ChannelView } | { status: 202; body: ProposalView };

const opening = (deposits: [string, string]): StateJson => ({ version: 0, balances: deposits, final: false });

/**
 * Opening two-party channels (createTPC, J. Math. 2022, section 3.1), both sides: the user's
 * requests (open, accept, decline, withdraw) and the other gateway's messages (tpc-create,
 * tpc-propose, tpc-accept, tpc-decline, tpc-withdraw). What is countersigned is decided by
 * protocol/two-party.ts. A proposal is stored before it is answered, and an accepted one keeps
 * both signatures, so a failed openChannel submission can be retried.
 */
export class ChannelOpenings {
  /** The handlers of the opening messages, by type. */
  readonly handlers: MessageHandlers;

  constructor(private readonly ctx: TwoPartyContext) {
    this.handlers = {
      'tpc-create': withSignedState(this.ctx, (principal, m, state) => this.agreeCreate(principal, m, state)),
      'tpc-accept': withSignedState(this.ctx, (principal, m, state) => this.agreeAccepted(principal, m, state)),
      'tpc-propose': fromSender(this.ctx, (_principal, m, certificate) => this.noteProposal(m, certificate)),
      'tpc-decline': fromSender(this.ctx, (_principal, m, certificate) => this.noteAnswer(m, certificate)),
      'tpc-withdraw': fromSender(this.ctx, (_principal, m, certificate) => this.noteAnswer(m, certificate)),
    };
  }

  private get store() {
    return this.ctx.records.store;
  }

  /**
   * Opens a channel (createTPC). With `counterpartyDeposit` "0" the opening takes nothing from the
   * counterparty: both gateways sign version 0 at once and the opener submits openChannel
   * (`{status: 201, body: channel}`). Otherwise nothing moves: the counterparty's gateway receives
   * a proposal (tpc-propose) that its user accepts or declines at its own gateway, open until
   * `expiresInSeconds` (default 24 h) from now (`{status: 202, body: proposal}`).
   * Refusals: INVALID_ARGUMENT same parties, FAILED_PRECONDITION the id is known to this gateway,
   * and the other gateway's.
   */
  async open(principal: Principal, req: { id: string; counterparty: string; deposit: string; counterpartyDeposit: string; expiresInSeconds?: number }): Promise<Opened> {
    const self = this.ctx.messenger.accountIdOf(principal);
    checkTwoParties(self, req.counterparty);
    const parties: [string, string] = [self, req.counterparty];
    const state = opening([req.deposit, req.counterpartyDeposit]);
    return this.ctx.locks.run(req.id, async (): Promise<Opened> => {
      if (await this.store.get(req.id, self)) throw refuse('FAILED_PRECONDITION', `channel ${req.id} is already known to this gateway`);
      if (await this.store.proposal(req.id, self)) throw refuse('FAILED_PRECONDITION', `channel ${req.id} has already been proposed`);
      if (req.counterpartyDeposit !== '0') {
        return { status: 202, body: await this.proposeOpening(principal, req.id, parties, state.balances, req.expiresInSeconds ?? DEFAULT_PROPOSAL_SECONDS) };
      }
      const mine = this.ctx.messenger.sign(principal, tpcBytes(req.id, state));
      const answer = await this.ctx.messenger.deliver(principal, { type: 'tpc-create', channel: req.id, from: self, to: req.counterparty, parties, state, signature: mine });
      const signatures: [string, string] = [mine, expectAnswer(answer, 'tpc-agree').signature];
      const view = await this.ctx.chaincode.submit<ChannelView>(principal, 'channels:openChannel', [JSON.stringify({ id: req.id, parties, deposits: state.balances, signatures })]);
      await this.store.put({ id: req.id, parties, self: 0, latest: { ...state, signatures }, updatedAt: '' });
      return { status: 201, body: view };
    });
  }

  /** The caller's channel proposals, incoming and outgoing, one page by id. */
  async proposals(principal: Principal, pageSize: number, bookmark: string): Promise<{ items: ProposalView[]; bookmark: string }> {
    const page = await this.store.proposalsOf(this.ctx.messenger.accountIdOf(principal), pageSize, bookmark);
    const now = Date.now();
    return { items: page.records.map((p) => viewProposal(p, now)), bookmark: page.bookmark };
  }

  /**
   * The counterparty accepts a proposal at its own gateway: it signs the opening state, the
   * opener's gateway countersigns (tpc-accept → tpc-agree) while the proposal is open and
   * unexpired, both signatures are stored, then it submits openChannel (both deposits move).
   * A repeat after a failed submission submits again with the stored signatures.
   * Refusals: NOT_FOUND no such proposal for the caller, FORBIDDEN the caller is the opener,
   * FAILED_PRECONDITION declined, withdrawn or expired; the chaincode's INSUFFICIENT_FUNDS when a
   * party lacks the funds (the proposal stays accepted: retry).
   */
  async accept(principal: Principal, id: string): Promise<ChannelView> {
    const self = this.ctx.messenger.accountIdOf(principal);
    return this.ctx.locks.run(id, async () => {
      let p = await this.counterpartyProposal(self, id, 'accept');
      if (p.status !== 'ACCEPTED' || !p.signatures) {
        checkProposalAcceptable(p, Date.now());
        const state = opening(p.deposits);
        const bytes = tpcBytes(id, state);
        const mine = this.ctx.messenger.sign(principal, bytes);
        const answer = await this.ctx.messenger.deliver(principal, { type: 'tpc-accept', channel: id, from: self, to: p.parties[0], parties: p.parties, state, signature: mine });
        const theirs = expectAnswer(answer, 'tpc-agree').signature;
        await this.ctx.messenger.verify(principal, p.parties[0], bytes, theirs);
        p = { ...p, status: 'ACCEPTED', signatures: [theirs, mine] };
        await this.store.putProposal(p);
      }
      return this.submitOpening(principal, p);
    });
  }

  /** The counterparty declines an open (or expired) proposal; the opener's gateway is told. Refusals: NOT_FOUND, FORBIDDEN (the opener), FAILED_PRECONDITION accepted or withdrawn. */
  async decline(principal: Principal, id: string): Promise<ProposalView> {
    const self = this.ctx.messenger.accountIdOf(principal);
    return this.ctx.locks.run(id, async () => this.endProposal(principal, await this.counterpartyProposal(self, id, 'decline'), 'DECLINED'));
  }

  /** The opener withdraws its open (or expired) proposal; the counterparty's gateway is told. Refusals: NOT_FOUND, FORBIDDEN (the counterparty), FAILED_PRECONDITION accepted or declined. */
  async withdraw(principal: Principal, id: string): Promise<ProposalView> {
    const self = this.ctx.messenger.accountIdOf(principal);
    return this.ctx.locks.run(id, async () => {
      const p = await this.store.proposal(id, self);
      if (!p) throw refuse('NOT_FOUND', `no channel proposal ${id} for the caller at this gateway`);
      if (p.self !== 0) throw refuse('FORBIDDEN', `only the opener may withdraw channel proposal ${id}; the counterparty declines it`);
      return this.endProposal(principal, p, 'WITHDRAWN');
    });
  }

  // ------------------------------------------------------------------ the other gateway's messages

  /** tpc-create at the counterparty's gateway: countersigns an opening that takes nothing from its user. */
  private async agreeCreate(principal: Principal, m: ChannelMessage, state: StateJson) {
    const parties = checkCreateParties(m);
    checkOpeningAtOnce(m.channel, state, 1, m.to);
    const existing = await this.store.get(m.channel, m.to);
    // The same opening proposed again (the opener's on-chain submission failed) is signed again;
    // anything else under a known id is refused.
    if (existing && !sameOpening(existing, parties, state.balances)) throw refuse('FAILED_PRECONDITION', `channel ${m.channel} already exists`);
    const mine = this.ctx.messenger.sign(principal, tpcBytes(m.channel, state));
    checkTwoParties(m.from, m.to);
    await this.store.put({ id: m.channel, parties, self: 1, latest: { ...state, signatures: [m.signature, mine] }, updatedAt: '' });
    return { type: 'tpc-agree' as const, signature: mine };
  }

  /** tpc-propose at the counterparty's gateway: keeps the proposal (PROPOSED) for its user to answer. */
  private async noteProposal(m: ChannelMessage, certificate: string) {
    const proposed = checkProposeMessage(m, Date.now());
    verifySignature(certificate, proposalBytes({ channel: m.channel, ...proposed }), m.signature, m.from);
    if (await this.store.get(m.channel, m.to)) throw refuse('FAILED_PRECONDITION', `channel ${m.channel} already exists`);
    const existing = await this.store.proposal(m.channel, m.to);
    if (existing) {
      // The same proposal sent again (the opener did not get the answer) is noted again.
      if (!(existing.self === 1 && sameProposal(existing, proposed))) throw refuse('FAILED_PRECONDITION', `channel ${m.channel} has already been proposed`);
      return { type: 'tpc-noted' as const };
    }
    await this.store.putProposal({ id: m.channel, ...proposed, self: 1, status: 'PROPOSED', createdAt: new Date().toISOString(), updatedAt: '' });
    return { type: 'tpc-noted' as const };
  }

  /**
   * tpc-accept at the opener's gateway: countersigns the opening state only as the exact proposal,
   * while it is open and unexpired; an accepted one is countersigned again (the acceptor did not
   * get the answer). Stores both signatures and the opener's channel record.
   */
  private async agreeAccepted(principal: Principal, m: ChannelMessage, state: StateJson) {
    const p = await this.store.proposal(m.channel, m.to);
    if (!p || p.self !== 0 || p.parties[1] !== m.from) throw refuse('NOT_FOUND', `no channel proposal ${m.channel} from ${m.to} to ${m.from}`);
    if (p.status === 'ACCEPTED' && p.signatures) {
      checkProposedOpening(p, state);
      return { type: 'tpc-agree' as const, signature: p.signatures[0] };
    }
    checkProposalAcceptable(p, Date.now(), state);
    const mine = this.ctx.messenger.sign(principal, tpcBytes(m.channel, state));
    const signatures: [string, string] = [mine, m.signature];
    await this.store.putProposal({ ...p, status: 'ACCEPTED', signatures });
    if (!(await this.store.get(m.channel, m.to))) {
      await this.store.put({ id: m.channel, parties: p.parties, self: 0, latest: { ...state, signatures }, updatedAt: '' });
    }
    return { type: 'tpc-agree' as const, signature: mine };
  }

  /** tpc-decline (at the opener's gateway) / tpc-withdraw (at the counterparty's): the proposal ends. */
  private async noteAnswer(m: ChannelMessage, certificate: string) {
    checkCurrent(m.type, m.at, Date.now());
    verifySignature(certificate, answerBytes(m.type, m.channel, m.from, m.at!), m.signature, m.from);
    const p = await this.store.proposal(m.channel, m.to);
    const receiver = m.type === 'tpc-decline' ? 0 : 1;
    if (!p || p.self !== receiver || p.parties[1 - receiver] !== m.from) throw refuse('NOT_FOUND', `no channel proposal ${m.channel} between ${m.from} and ${m.to}`);
    if (p.status === 'ACCEPTED') throw refuse('FAILED_PRECONDITION', `channel proposal ${m.channel} is already ACCEPTED`);
    if (p.status === 'PROPOSED') await this.store.putProposal({ ...p, status: m.type === 'tpc-decline' ? 'DECLINED' : 'WITHDRAWN' });
    return { type: 'tpc-noted' as const };
  }

  // ------------------------------------------------------------------ internals

  /** Sends a proposal to the counterparty's gateway and keeps the opener's copy (PROPOSED). */
  private async proposeOpening(principal: Principal, id: string, parties: [string, string], deposits: [string, string], expiresInSeconds: number): Promise<ProposalView> {
    const now = new Date();
    const expiresAt = new Date(now.getTime() + expiresInSeconds * 1000).toISOString();
    const signature = this.ctx.messenger.sign(principal, proposalBytes({ channel: id, parties, deposits, expiresAt }));
    const answer = await this.ctx.messenger.deliver(principal, { type: 'tpc-propose', channel: id, from: parties[0], to: parties[1], parties, state: opening(deposits), expiresAt, signature });
    expectAnswer(answer, 'tpc-noted');
    await this.store.putProposal({ id, parties, deposits, self: 0, status: 'PROPOSED', expiresAt, createdAt: now.toISOString(), updatedAt: '' });
    return viewProposal((await this.store.proposal(id, parties[0]))!);
  }

  /** The caller's proposal as its counterparty: NOT_FOUND none, FORBIDDEN the caller is its opener. */
  private async counterpartyProposal(self: string, id: string, action: string): Promise<ChannelProposal> {
    const p = await this.store.proposal(id, self);
    if (!p) throw refuse('NOT_FOUND', `no channel proposal ${id} for the caller at this gateway`);
    if (p.self !== 1) throw refuse('FORBIDDEN', `only the counterparty may ${action} channel proposal ${id}`);
    return p;
  }

  /** Declines or withdraws: the caller's copy ends first, then the other gateway is told (best effort: its copy expires anyway). */
  private async endProposal(principal: Principal, p: ChannelProposal, status: 'DECLINED' | 'WITHDRAWN'): Promise<ProposalView> {
    checkEndable(p);
    await this.store.putProposal({ ...p, status });
    const self = p.parties[p.self];
    const at = new Date().toISOString();
    const type = status === 'DECLINED' ? 'tpc-decline' : 'tpc-withdraw';
    try {
      await this.ctx.messenger.deliver(principal, { type, channel: p.id, from: self, to: p.parties[1 - p.self], at, signature: this.ctx.messenger.sign(principal, answerBytes(type, p.id, self, at)) });
    } catch {
      /* unreachable: the other side can no longer complete it (its acceptance needs this gateway) and it expires */
    }
    return viewProposal((await this.store.proposal(p.id, self))!);
  }

  /** Submits openChannel for an accepted proposal with both stored signatures; a channel already opened by it is read back. */
  private async submitOpening(principal: Principal, p: ChannelProposal): Promise<ChannelView> {
    const signatures = p.signatures!;
    let view: ChannelView;
    try {
      view = await this.ctx.chaincode.submit<ChannelView>(principal, 'channels:openChannel', [JSON.stringify({ id: p.id, parties: p.parties, deposits: p.deposits, signatures })]);
    } catch (err) {
      if (!(err instanceof ChaincodeError && err.code === 'ALREADY_EXISTS')) throw err;
      view = await this.ctx.chaincode.evaluate<ChannelView>(principal, 'channels:getChannel', [p.id]);
    }
    const self = p.parties[p.self];
    if (!(await this.store.get(p.id, self))) {
      await this.store.put({ id: p.id, parties: p.parties, self: p.self, latest: { ...opening(p.deposits), signatures }, updatedAt: '' });
    }
    return view;
  }
}
