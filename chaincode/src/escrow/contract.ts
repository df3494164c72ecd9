import { Info, Returns, Transaction } from 'fabric-contract-api';
import { CovenantContract } from '../shared/contract';
import { CovenantContext } from '../shared/context';
import { alreadyExists, failedPrecondition, forbidden, invalidArgument } from '../shared/errors';
import { parseJsonArg } from '../shared/args';
import { canonicalJson } from '../shared/canonical';
import { keyHistory } from '../shared/history';
import { AccountStore, credit, hold, releaseHold } from '../accounts/account';
import { escrowActiveThreshold } from '../consortium/config';
import { rolesOf } from '../consortium/roles';
import { Escrow, decodeEscrow, escrowAudience, mayRead, parseStatus, viewEscrow } from './record';
import { parseCreateRequest } from './requests';
import { DeclineRequest, DisputeRequest, RulingRequest } from './schema';
import { cancelEscrow, completeEscrow, confirmEscrow, declineEscrow, proposeEscrow, reclaimEscrow, settlementOf } from './lifecycle';
import { disputeEscrow, ruleEscrow } from './arbitration';
import { EscrowStore, PARTY_ROLES, PartyRole } from './store';

/**
 * Escrow settlement, patent CN108399571A ("trustless P2P transaction method and system based on
 * smart contracts"), with the ways out DESIGN.md promises (decline, acceptance deadline,
 * arbitrator). Contract name `escrow`. Every submit emits one chaincode event whose payload is
 * `{escrow, txId}`; every path conserves the sum of balances and holds.
 */
@Info({ title: 'escrow', description: 'Escrow: propose, confirm, complete, cancel by mutual approval, decline, reclaim after the deadline, arbitration' })
export class EscrowContract extends CovenantContract {
  constructor() {
    super('escrow');
  }

  /**
   * Proposes an escrow. `request` is JSON `{id?, amount, recipients: [{account, shareBps? | amount?}],
   * terms?, termsHash?, acceptBy?, arbitrator?}` (amounts in minor units as decimal strings;
   * `acceptBy` ISO 8601 UTC, after the transaction time and at most 366 days after it, default 7
   * days; `arbitrator` an account id with the ledger arbitrator role, not a party). The amount
   * moves from the initiator's balance to its hold. Returns the escrow view (status PROPOSED).
   * Errors: INVALID_ARGUMENT (malformed, shares not summing to 10000, duplicate or self recipient,
   * arbitrator a party, acceptBy out of bounds), NOT_FOUND (unknown recipient or arbitrator),
   * ALREADY_EXISTS (id taken), INSUFFICIENT_FUNDS, FAILED_PRECONDITION (a recipient at the
   * active-escrow threshold, or the arbitrator without the arbitrator role). Event `EscrowCreated`.
   */
  @Transaction()
  @Returns('string')
  async create(ctx: CovenantContext, request: string): Promise<string> {
    const parsed = parseCreateRequest(parseJsonArg(request, 'request'));
    const accounts = new AccountStore(ctx);
    const escrows = new EscrowStore(ctx);
    const initiator = await accounts.own();
    const id = parsed.id ?? ctx.txId;
    // The request's own rules first (distribution, duplicates), then what depends on the ledger.
    const proposed = proposeEscrow({ id, initiator: initiator.id, request: parsed, now: ctx.now });
    if (await escrows.find(id)) throw alreadyExists(`escrow ${id} already exists`);
    const threshold = await escrowActiveThreshold(ctx);
    const organizations = [initiator.mspId];
    for (const r of proposed.recipients) {
      const recipient = await accounts.get(r.account);
      if (recipient.activeEscrows >= threshold) {
        throw failedPrecondition(`recipient ${recipient.id} has reached the active escrow threshold of ${threshold}`);
      }
      organizations.push(recipient.mspId);
    }
    if (proposed.arbitrator !== undefined) {
      const arbitrator = await accounts.get(proposed.arbitrator);
      if (!(await rolesOf(ctx, arbitrator.id)).includes('arbitrator')) {
        throw failedPrecondition(`account ${arbitrator.id} does not hold the arbitrator role`);
      }
    }
    const escrow: Escrow = { ...proposed, organizations: [...new Set(organizations)].sort() };
    await accounts.save(hold(initiator, escrow.amount));
    await escrows.save(escrow, { create: true });
    return this.escrowEvent(ctx, 'EscrowCreated', escrow);
  }

  /**
   * A recipient confirms the escrow (accepting its terms and its arbitrator, if named); when every
   * recipient has, it becomes ACTIVE and the amount is frozen. Errors: NOT_FOUND, FORBIDDEN (not a
   * recipient), FAILED_PRECONDITION (not PROPOSED, already confirmed, after `acceptBy`, or the
   * recipient has reached the active-escrow threshold).
   * Event `EscrowConfirmed`, or `EscrowActivated` for the last confirmation.
   */
  @Transaction()
  @Returns('string')
  async confirm(ctx: CovenantContext, id: string): Promise<string> {
    const escrows = new EscrowStore(ctx);
    const accounts = new AccountStore(ctx);
    const escrow = await escrows.get(id);
    const next = confirmEscrow(escrow, ctx.caller.accountId, ctx.now);
    const recipient = await accounts.get(ctx.caller.accountId);
    const threshold = await escrowActiveThreshold(ctx);
    if (recipient.activeEscrows >= threshold) {
      throw failedPrecondition(`recipient ${recipient.id} has reached the active escrow threshold of ${threshold}`);
    }
    await accounts.save({ ...recipient, activeEscrows: recipient.activeEscrows + 1 });
    await escrows.save(next, { previous: escrow });
    return this.escrowEvent(ctx, next.status === 'ACTIVE' ? 'EscrowActivated' : 'EscrowConfirmed', next);
  }

  /**
   * The initiator completes an ACTIVE or DISPUTED escrow: the hold is released and each recipient
   * is paid its amount. Errors: NOT_FOUND, FORBIDDEN (not the initiator), FAILED_PRECONDITION (not
   * ACTIVE or DISPUTED, e.g. a second completion). Event `EscrowCompleted`.
   */
  @Transaction()
  @Returns('string')
  async complete(ctx: CovenantContext, id: string): Promise<string> {
    return this.step(ctx, id, (escrow) => completeEscrow(escrow, ctx.caller.accountId, ctx.now), () => 'EscrowCompleted');
  }

  /**
   * A party cancels or approves cancellation of an open (PROPOSED, ACTIVE or DISPUTED) escrow.
   * Before any confirmation the initiator alone withdraws the offer; after, every party must
   * approve and the last approval refunds the initiator (status CANCELLED).
   * Errors: NOT_FOUND, FORBIDDEN (not a party), FAILED_PRECONDITION (already final),
   * ALREADY_EXISTS (this party already approved). Event `EscrowCancelApproved` or `EscrowCancelled`.
   */
  @Transaction()
  @Returns('string')
  async cancel(ctx: CovenantContext, id: string): Promise<string> {
    return this.step(ctx, id, (escrow) => cancelEscrow(escrow, ctx.caller.accountId, ctx.now), (next) => (next.status === 'CANCELLED' ? 'EscrowCancelled' : 'EscrowCancelApproved'));
  }

  /**
   * A recipient that has not confirmed declines a PROPOSED escrow. `request` is JSON `{reason?}`
   * (1 to 4096 characters). The initiator's hold returns to its balance and every recipient that
   * confirmed leaves its active-escrow count; status DECLINED. Errors: INVALID_ARGUMENT, NOT_FOUND,
   * FORBIDDEN (not a recipient), FAILED_PRECONDITION (not PROPOSED, or the caller already
   * confirmed). Event `EscrowDeclined`. Source: DESIGN.md, "every locked state has a way out".
   */
  @Transaction()
  @Returns('string')
  async decline(ctx: CovenantContext, id: string, request: string): Promise<string> {
    const parsed = this.request(DeclineRequest, request);
    return this.step(ctx, id, (escrow) => declineEscrow(escrow, ctx.caller.accountId, parsed, ctx.now), () => 'EscrowDeclined');
  }

  /**
   * The initiator reclaims a PROPOSED escrow whose `acceptBy` has passed (ledger time): refund as
   * for a decline; status EXPIRED. Errors: NOT_FOUND, FORBIDDEN (not the initiator),
   * FAILED_PRECONDITION (not PROPOSED, or the deadline not passed). Event `EscrowExpired`.
   */
  @Transaction()
  @Returns('string')
  async reclaim(ctx: CovenantContext, id: string): Promise<string> {
    return this.step(ctx, id, (escrow) => reclaimEscrow(escrow, ctx.caller.accountId, ctx.now), () => 'EscrowExpired');
  }

  /**
   * A party of an ACTIVE escrow that names an arbitrator opens a dispute when the parties
   * deadlock. `request` is JSON `{reason, evidenceHash?}` (reason 1 to 4096 characters;
   * evidenceHash the SHA-256 hex of a document kept off the ledger). Status DISPUTED; money stays
   * held. Errors: INVALID_ARGUMENT, NOT_FOUND, FORBIDDEN (not a party), FAILED_PRECONDITION (not
   * ACTIVE, or no arbitrator named). Event `EscrowDisputed`.
   */
  @Transaction()
  @Returns('string')
  async dispute(ctx: CovenantContext, id: string, request: string): Promise<string> {
    const parsed = this.request(DisputeRequest, request);
    return this.step(ctx, id, (escrow) => disputeEscrow(escrow, ctx.caller.accountId, parsed, ctx.now), () => 'EscrowDisputed');
  }

  /**
   * The escrow's named arbitrator, while it still holds the ledger arbitrator role, rules a
   * DISPUTED escrow. `request` is JSON `{outcome: COMPLETE | REFUND, reasons}` (reasons 1 to 4096
   * characters). COMPLETE pays the recipients as completion does (status COMPLETED); REFUND
   * refunds the initiator as cancellation does (status REFUNDED). The ruling `{outcome, reasons,
   * arbitrator, at}` is kept on the escrow. On a real network the change is endorsed by the
   * parties' organisations' peers (the escrow key's policy), not by the arbitrator's alone.
   * Errors: INVALID_ARGUMENT, NOT_FOUND, FORBIDDEN (not the named arbitrator, or it lost the role),
   * FAILED_PRECONDITION (not DISPUTED, e.g. already ruled). Event `EscrowRuled`.
   */
  @Transaction()
  @Returns('string')
  async rule(ctx: CovenantContext, id: string, request: string): Promise<string> {
    const parsed = this.request(RulingRequest, request);
    return this.step(
      ctx,
      id,
      async (escrow) => {
        const next = ruleEscrow(escrow, ctx.caller.accountId, parsed, ctx.now);
        if (!(await rolesOf(ctx, ctx.caller.accountId)).includes('arbitrator')) {
          throw forbidden(`the caller no longer holds the arbitrator role and cannot rule escrow ${id}`);
        }
        return next;
      },
      () => 'EscrowRuled',
    );
  }

  /** One escrow's view; its parties and its named arbitrator may read it. Errors: NOT_FOUND, FORBIDDEN. */
  @Transaction(false)
  @Returns('string')
  async get(ctx: CovenantContext, id: string): Promise<string> {
    return canonicalJson(viewEscrow(await this.readable(ctx, id)));
  }

  /**
   * The caller's escrows, one page: `{records: [escrow...], bookmark}`. `role` is initiator,
   * recipient, arbitrator (the escrows naming the caller as arbitrator; with status DISPUTED, its
   * queue) or any (default: every one of these); `status` optional; oldest (by creation) first
   * within a status; `pageSize` 1..100 (default 20); `bookmark` from the previous page (opaque
   * for any; one this listing did not return is INVALID_ARGUMENT). Uses
   * getStateByPartialCompositeKeyWithPagination over the party index, merging the role ranges for any.
   */
  @Transaction(false)
  @Returns('string')
  async list(ctx: CovenantContext, role: string, status: string, pageSize: string, bookmark: string): Promise<string> {
    const partyRole = (role || 'any') as PartyRole;
    if (!PARTY_ROLES.includes(partyRole)) throw invalidArgument(`role must be one of ${PARTY_ROLES.join(', ')}`);
    const page = await new EscrowStore(ctx).listByParty(
      ctx.caller.accountId,
      partyRole,
      status ? parseStatus(status) : undefined,
      pageSize,
      bookmark,
    );
    return canonicalJson({ records: page.records.map(viewEscrow), bookmark: page.bookmark });
  }

  /**
   * Every committed version of an escrow, oldest first, from GetHistoryForKey:
   * `[{txId, timestamp, escrow}]`. Only its parties and its named arbitrator may read it.
   * Errors: NOT_FOUND, FORBIDDEN.
   */
  @Transaction(false)
  @Returns('string')
  async history(ctx: CovenantContext, id: string): Promise<string> {
    await this.readable(ctx, id);
    const versions = await keyHistory(ctx, new EscrowStore(ctx).key(id), (raw) => viewEscrow(decodeEscrow(raw)));
    return canonicalJson(versions.map(({ txId, timestamp, value }) => ({ txId, timestamp, escrow: value })));
  }

  private async readable(ctx: CovenantContext, id: string): Promise<Escrow> {
    const escrow = await new EscrowStore(ctx).get(id);
    if (!mayRead(escrow, ctx.caller.accountId)) throw forbidden(`only a party to escrow ${id} or its arbitrator may read it`);
    return escrow;
  }

  /**
   * One step of an escrow's lifecycle: loads escrow `id` (NOT_FOUND), computes its next value
   * (`transition` checks the rules and the caller), then writes it with its money movement
   * (`applied`) and emits `event(next)`.
   */
  private async step(ctx: CovenantContext, id: string, transition: (escrow: Escrow) => Escrow | Promise<Escrow>, event: (next: Escrow) => string): Promise<string> {
    const escrow = await new EscrowStore(ctx).get(id);
    const next = await transition(escrow);
    return this.applied(ctx, escrow, next, event(next));
  }

  /**
   * Writes `next` and applies the money movement its status needs (`settlementOf`): the one place
   * where an escrow's hold is paid out or refunded and its recipients' active-escrow counts fall.
   */
  private async applied(ctx: CovenantContext, previous: Escrow, next: Escrow, event: string): Promise<string> {
    const settlement = settlementOf(next);
    if (settlement !== undefined) {
      const accounts = new AccountStore(ctx);
      const initiator = releaseHold(await accounts.get(previous.initiator), previous.amount);
      await accounts.save(settlement === 'refund' ? credit(initiator, previous.amount) : initiator);
      for (const r of previous.recipients) {
        if (!r.confirmed && settlement === 'refund') continue;
        const recipient = await accounts.get(r.account);
        const paid = settlement === 'pay' ? credit(recipient, r.amount) : recipient;
        await accounts.save({ ...paid, activeEscrows: r.confirmed ? recipient.activeEscrows - 1 : recipient.activeEscrows });
      }
    }
    await new EscrowStore(ctx).save(next, { previous });
    return this.escrowEvent(ctx, event, next);
  }

  private escrowEvent(ctx: CovenantContext, event: string, escrow: Escrow): string {
    const view = viewEscrow(escrow);
    return this.emitted(ctx, event, view, { escrow: view }, escrowAudience(escrow));
  }
}
