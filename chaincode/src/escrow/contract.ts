import { Contract, Info, Returns, Transaction } from 'fabric-contract-api';
import { CovenantContext } from '../shared/context';
import { alreadyExists, failedPrecondition, forbidden, invalidArgument } from '../shared/errors';
import { parseObjectArg } from '../shared/args';
import { canonicalJson } from '../shared/canonical';
import { parsePageSize } from '../shared/state';
import { keyHistory } from '../shared/history';
import { AccountStore, credit, hold, releaseHold } from '../accounts/account';
import { escrowActiveThreshold } from '../consortium/config';
import {
  Escrow,
  cancelEscrow,
  completeEscrow,
  confirmEscrow,
  decodeEscrow,
  isParty,
  parseCreateRequest,
  parseStatus,
  proposeEscrow,
  viewEscrow,
} from './escrow';
import { EscrowStore, PartyRole } from './store';
import { partiesAudience } from '../shared/audience';

const PARTY_ROLES: readonly PartyRole[] = ['initiator', 'recipient', 'any'];

/**
 * Escrow settlement, patent CN108399571A ("trustless P2P transaction method and system based on
 * smart contracts"). Contract name `escrow`. Every submit emits one chaincode event whose payload
 * is `{escrow, txId}`; every path conserves the sum of balances and holds.
 */
@Info({ title: 'escrow', description: 'Escrow: propose, confirm, complete, cancel by mutual approval' })
export class EscrowContract extends Contract {
  constructor() {
    super('escrow');
  }

  override createContext(): CovenantContext {
    return new CovenantContext();
  }

  /**
   * Proposes an escrow. `request` is JSON `{id?, amount, recipients: [{account, shareBps? | amount?}],
   * terms?, termsHash?}` (amounts in minor units as decimal strings). The amount moves from the
   * initiator's balance to its hold. Returns the escrow view (status PROPOSED).
   * Errors: INVALID_ARGUMENT (malformed, shares not summing to 10000, duplicate or self recipient),
   * NOT_FOUND (unknown recipient), ALREADY_EXISTS (id taken), INSUFFICIENT_FUNDS,
   * FAILED_PRECONDITION (a recipient at the active-escrow threshold). Event `EscrowCreated`.
   */
  @Transaction()
  @Returns('string')
  async create(ctx: CovenantContext, request: string): Promise<string> {
    const parsed = parseCreateRequest(parseObjectArg(request, 'request'));
    const accounts = new AccountStore(ctx);
    const escrows = new EscrowStore(ctx);
    const initiator = await accounts.own();
    const id = parsed.id ?? ctx.txId;
    // The request's own rules first (distribution, duplicates), then what depends on the ledger.
    const proposed = proposeEscrow({ id, initiator: initiator.id, request: parsed, organizations: [initiator.mspId], now: ctx.now });
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
    const escrow = { ...proposed, organizations: [...new Set(organizations)].sort() };
    await accounts.save(hold(initiator, escrow.amount));
    await escrows.save(escrow);
    return this.emitted(ctx, 'EscrowCreated', escrow);
  }

  /**
   * A recipient confirms the escrow; when every recipient has, it becomes ACTIVE and the amount is
   * frozen. Errors: NOT_FOUND, FORBIDDEN (not a recipient), FAILED_PRECONDITION (not PROPOSED,
   * already confirmed, or the recipient has reached the active-escrow threshold).
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
    await escrows.save(next, escrow);
    return this.emitted(ctx, next.status === 'ACTIVE' ? 'EscrowActivated' : 'EscrowConfirmed', next);
  }

  /**
   * The initiator completes an ACTIVE escrow: the hold is released and each recipient is paid its
   * amount. Errors: NOT_FOUND, FORBIDDEN (not the initiator), FAILED_PRECONDITION (not ACTIVE,
   * e.g. a second completion). Event `EscrowCompleted`.
   */
  @Transaction()
  @Returns('string')
  async complete(ctx: CovenantContext, id: string): Promise<string> {
    const escrows = new EscrowStore(ctx);
    const accounts = new AccountStore(ctx);
    const escrow = await escrows.get(id);
    const next = completeEscrow(escrow, ctx.caller.accountId, ctx.now);
    await accounts.save(releaseHold(await accounts.get(escrow.initiator), escrow.amount));
    for (const r of escrow.recipients) {
      const recipient = await accounts.get(r.account);
      await accounts.save({ ...credit(recipient, r.amount), activeEscrows: recipient.activeEscrows - 1 });
    }
    await escrows.save(next, escrow);
    return this.emitted(ctx, 'EscrowCompleted', next);
  }

  /**
   * A party cancels or approves cancellation. Before any confirmation the initiator alone withdraws
   * the offer; after, every party must approve and the last approval refunds the initiator.
   * Errors: NOT_FOUND, FORBIDDEN (not a party), FAILED_PRECONDITION (already settled),
   * ALREADY_EXISTS (this party already approved). Event `EscrowCancelApproved` or `EscrowCancelled`.
   */
  @Transaction()
  @Returns('string')
  async cancel(ctx: CovenantContext, id: string): Promise<string> {
    const escrows = new EscrowStore(ctx);
    const accounts = new AccountStore(ctx);
    const escrow = await escrows.get(id);
    const next = cancelEscrow(escrow, ctx.caller.accountId, ctx.now);
    if (next.status === 'CANCELLED') {
      await accounts.save(credit(releaseHold(await accounts.get(escrow.initiator), escrow.amount), escrow.amount));
      for (const r of escrow.recipients.filter((x) => x.confirmed)) {
        const recipient = await accounts.get(r.account);
        await accounts.save({ ...recipient, activeEscrows: recipient.activeEscrows - 1 });
      }
    }
    await escrows.save(next, escrow);
    return this.emitted(ctx, next.status === 'CANCELLED' ? 'EscrowCancelled' : 'EscrowCancelApproved', next);
  }

  /** One escrow's view; only its parties may read it. Errors: NOT_FOUND, FORBIDDEN. */
  @Transaction(false)
  @Returns('string')
  async get(ctx: CovenantContext, id: string): Promise<string> {
    return canonicalJson(viewEscrow(await this.readable(ctx, id)));
  }

  /**
   * The caller's escrows, one page: `{records: [escrow...], bookmark}`. `role` is initiator,
   * recipient or any (default); `status` optional; `pageSize` 1..100 (default 20); `bookmark`
   * from the previous page. Uses getStateByPartialCompositeKeyWithPagination.
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
      parsePageSize(pageSize),
      bookmark,
    );
    return canonicalJson({ records: page.records.map(viewEscrow), bookmark: page.bookmark });
  }

  /**
   * Every committed version of an escrow, oldest first, from GetHistoryForKey:
   * `[{txId, timestamp, escrow}]`. Only parties may read it. Errors: NOT_FOUND, FORBIDDEN.
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
    if (!isParty(escrow, ctx.caller.accountId)) throw forbidden(`only a party to escrow ${id} may read it`);
    return escrow;
  }

  private emitted(ctx: CovenantContext, event: string, escrow: Escrow): string {
    const view = viewEscrow(escrow);
    // The escrow's readers (`readable`): its parties, and their organisations' administrators.
    const audience = partiesAudience({ accounts: [escrow.initiator, ...escrow.recipients.map((r) => r.account)], organizations: escrow.organizations });
    ctx.emit(event, { escrow: view, txId: ctx.txId }, audience);
    return canonicalJson(view);
  }
}
