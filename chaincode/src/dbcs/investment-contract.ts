import { Info, Returns, Transaction } from 'fabric-contract-api';
import { CovenantContract } from '../shared/contract';
import { CovenantContext } from '../shared/context';
import { alreadyExists, failedPrecondition, forbidden } from '../shared/errors';
import { parseAccountId, parseId, parseObjectArg } from '../shared/args';
import { parseAmount } from '../shared/amount';
import { canonicalJson } from '../shared/canonical';
import { AccountStore } from '../accounts/account';
import { requireRole } from '../consortium/roles';
import { requireMemberAdmin } from '../consortium/config';
import { viewMovement } from './common';
import { Treasury } from './money';
import { DBCS_SETTINGS, DbcsSettings, changeSettings, currentSettings } from './settings';
import {
  cancelSigning,
  changeContractStatus,
  confirmSigning,
  decodeContract,
  isSigningParty,
  parseConfirmation,
  parsePublishRequest,
  publishContract,
  signSigning,
  viewContract,
  signingAudience,
  viewSigning,
} from './investment';
import { addEvidence, escalateDispute, openDispute, roleIn, viewDispute } from './dispute';
import { ContractStore, DisputeStore, SigningStore } from './store';
import { countContractSigning, isArbitrator, openSigning, signingOf } from './signings';
import { ruleOnLedger } from './arbitration';
import { keyHistory } from '../shared/history';
import { validityOf } from './delegates-contract';
import { EVERYONE } from '../shared/audience';

/**
 * The financial investment smart contract of DBCS-SC ("Delegate contract signing mechanism based
 * on smart contract", PLOS ONE 2022, seeds/004): publishing (ContractPublishDeposit + AddContract),
 * ChangeStatus, RequestSigning (Algorithm 1), SignedByEntity, ContractConfirmed (Algorithm 2),
 * DisputeArbitration with Settlement and Penalty (Algorithm 3), and Covenant's arbitration
 * additions (evidence, written reasons, deadlines and escalation, the open-dispute queue).
 * Contract name `investment`.
 *
 * Where money goes (every movement by hold / releaseHold / credit, so balance + held over all
 * accounts is conserved):
 * - publishing deposit: held on the issuer from publication; released to the issuer when the
 *   contract is CLOSED; a FRAUD ruling pays its penalty share to the client.
 * - client deposit: held on the client from RequestSigning; refunded on completion (satisfied),
 *   on cancellation and on a FRAUD ruling; forfeited to the issuer on a NO_FRAUD ruling.
 * - invested amounts: held on the client and the delegate from SignedByEntity; paid to the issuer
 *   (the investment) on completion or on a NO_FRAUD ruling of a signed contract; refunded on
 *   cancellation, on a FRAUD ruling, and on a NO_FRAUD ruling of a fraud reported before signing.
 * The paper puts RequestSigning in the delegate authorization contract; here it lives with the
 * signing it creates. Every submit emits exactly one chaincode event.
 */
@Info({ title: 'investment', description: 'DBCS-SC financial investment contracts, signing and arbitration' })
export class InvestmentsContract extends CovenantContract {
  constructor() {
    super('investment');
  }

  // ------------------------------------------------------------ contracts

  /**
   * ContractPublishDeposit + AddContract(o.EOA, o.contractName, o.contractContent), atomically:
   * `request` is JSON `{id?, name, content, contentHash?, clientDeposit, publishDeposit,
   * ratio: {client, delegate}, penaltyShareBps?}`. `contentHash` (SHA-256 hex of content) is
   * computed and, when given, checked; `clientDeposit` is what each client pays with
   * RequestSigning; `publishDeposit` moves from the issuer's balance to its hold; `ratio` is the
   * agreed investment proportion in parts (e.g. client 9 : delegate 1); `penaltyShareBps` (at least
   * the ledger setting, which is also the default) is the share of the publishing deposit a FRAUD
   * ruling pays the client. Caller: an identity with the issuer role. Returns the contract (ACTIVE).
   * Errors: FORBIDDEN, FAILED_PRECONDITION (no account), ALREADY_EXISTS (id), INVALID_ARGUMENT,
   * INSUFFICIENT_FUNDS. Event `ContractPublished`. Source: seeds/004, investment functions 1-2.
   */
  @Transaction()
  @Returns('string')
  async publishContract(ctx: CovenantContext, request: string): Promise<string> {
    await requireRole(ctx, 'issuer');
    const parsed = parsePublishRequest(parseObjectArg(request, 'request'));
    const issuer = await new AccountStore(ctx).own();
    const contracts = new ContractStore(ctx);
    const id = parsed.id ?? ctx.txId;
    if (await contracts.find(id)) throw alreadyExists(`investment contract ${id} already exists`);
    const settings = await currentSettings(ctx);
    const contract = publishContract({ id, issuer: issuer.id, issuerMspId: issuer.mspId, request: parsed, minPenaltyShareBps: settings.penaltyShareBps, now: ctx.now });
    await new Treasury(ctx).hold(issuer.id, contract.publishDeposit);
    await contracts.save(contract, { create: true });
    return this.emitted(ctx, 'ContractPublished', viewContract(contract), { contract: viewContract(contract) }, EVERYONE);
  }

  /**
   * ChangeStatus of an investment contract: `request` `{status: ACTIVE|INACTIVE|CLOSED, reason?}`.
   * INACTIVE refuses new signing requests and signatures; CLOSED (final, only with no open
   * signing) releases the rest of the publishing deposit to the issuer. A contract ruled
   * fraudulent cannot be reactivated. Caller: the contract's issuer with the issuer role.
   * Errors: NOT_FOUND, FORBIDDEN, FAILED_PRECONDITION, INVALID_ARGUMENT. Event
   * `ContractStatusChanged`. Source: seeds/004, investment function 6.
   */
  @Transaction()
  @Returns('string')
  async changeContractStatus(ctx: CovenantContext, id: string, request: string): Promise<string> {
    const contracts = new ContractStore(ctx);
    const contract = await contracts.get(parseId(id, 'id'));
    if (ctx.caller.accountId !== contract.issuer) throw forbidden(`only the issuer of contract ${id} may change its status`);
    await requireRole(ctx, 'issuer');
    const next = changeContractStatus(contract, parseObjectArg(request, 'request'), ctx.now);
    const treasury = new Treasury(ctx);
    if (next.status === 'CLOSED') await treasury.refund('publishDepositRefund', contract.issuer, contract.publishDepositHeld);
    await contracts.save(next);
    const view = viewContract(next);
    return this.emitted(ctx, 'ContractStatusChanged', view, { contract: view, movements: treasury.movements.map(viewMovement) }, EVERYONE);
  }

  /** An investment contract, content included; anyone may read it (seeds/004: any entity may view the content). Errors: NOT_FOUND. */
  @Transaction(false)
  @Returns('string')
  async getContract(ctx: CovenantContext, id: string): Promise<string> {
    return canonicalJson(viewContract(await new ContractStore(ctx).get(parseId(id, 'id'))));
  }

  /**
   * One page of contracts `{records, bookmark}`: an issuer's, oldest first, when `issuer` is
   * given; otherwise all, in id order. `pageSize` 1..100 (default 20).
   */
  @Transaction(false)
  @Returns('string')
  async listContracts(ctx: CovenantContext, issuer: string, pageSize: string, bookmark: string): Promise<string> {
    const page = await new ContractStore(ctx).listByIssuer(issuer ? parseAccountId(issuer, 'issuer') : undefined, pageSize, bookmark);
    return canonicalJson({ records: page.records.map(viewContract), bookmark: page.bookmark });
  }

  /** Every committed version of a contract, oldest first: `[{txId, timestamp, value}]`. Errors: NOT_FOUND. */
  @Transaction(false)
  @Returns('string')
  async contractHistory(ctx: CovenantContext, id: string): Promise<string> {
    const contracts = new ContractStore(ctx);
    await contracts.get(parseId(id, 'id'));
    return canonicalJson(await keyHistory(ctx, contracts.key(id), (raw) => viewContract(decodeContract(raw))));
  }

  // ------------------------------------------------------------ signings

  /**
   * RequestSigning (Algorithm 1, "Request contract signing"): the caller, a client, requests to
   * sign contract `contractId` offered by delegate `request.delegate`, paying the contract's client
   * deposit (balance -> hold). `request` `{id?, delegate, deposit?}`: `deposit`, when given, must
   * equal the contract's client deposit (the paper's msg.value = cDeposit). The contract must be
   * ACTIVE and the delegate valid for the issuer (isValidDelegate). Returns the signing (REQUESTED).
   * Errors: NOT_FOUND, ALREADY_EXISTS (id), INVALID_ARGUMENT (client is the issuer or the delegate,
   * wrong deposit), FAILED_PRECONDITION (contract not ACTIVE, delegate not valid: revoked, expired,
   * registry inactive...), INSUFFICIENT_FUNDS. Event `SigningRequested`.
   */
  @Transaction()
  @Returns('string')
  async requestSigning(ctx: CovenantContext, contractId: string, request: string): Promise<string> {
    const signing = await openSigning(ctx, contractId, request);
    const view = viewSigning(signing);
    return this.emitted(ctx, 'SigningRequested', view, { signing: view }, signingAudience(signing));
  }

  /**
   * SignedByEntity(s.EOA, c.EOA, f.EOA, s.amount / c.amount): the caller, the signing's delegate
   * or client, commits `amount` (minor units, held on its account). Amounts must be
   * k x ratio.client (client) and k x ratio.delegate (delegate) for one positive integer k: the
   * first signer's amount must be a multiple of its parts, the second must match exactly. Both
   * signed -> SIGNED. The contract must be ACTIVE and the delegate still valid. Returns the signing.
   * Errors: NOT_FOUND, FORBIDDEN (neither party), ALREADY_EXISTS (already signed),
   * FAILED_PRECONDITION (not REQUESTED, contract inactive, delegate not valid), INVALID_ARGUMENT
   * (off the ratio), INSUFFICIENT_FUNDS. Event `SignedByEntity`, or `ContractSigned` for the second.
   * Source: seeds/004, investment function 5.
   */
  @Transaction()
  @Returns('string')
  async signedByEntity(ctx: CovenantContext, contractId: string, signingId: string, amount: string): Promise<string> {
    const value = parseAmount(amount, 'amount');
    const { signing, contract } = await signingOf(ctx, contractId, signingId);
    const next = signSigning(signing, contract.ratio, ctx.caller.accountId, value, ctx.now);
    if (contract.status !== 'ACTIVE') throw failedPrecondition(`contract ${contract.id} is ${contract.status} and refuses new signings`);
    const { reasons } = await validityOf(ctx, contract.issuer, signing.delegate);
    if (reasons.length > 0) throw failedPrecondition(`delegate ${signing.delegate} is no longer valid: ${reasons.join(', ')}`);
    await new Treasury(ctx).hold(ctx.caller.accountId, value);
    await new SigningStore(ctx).save(next);
    const view = viewSigning(next);
    return this.emitted(ctx, next.status === 'SIGNED' ? 'ContractSigned' : 'SignedByEntity', view, { signing: view }, signingAudience(next));
  }

  /**
   * ContractConfirmed (Algorithm 2): the client decides; `request` `{decision: 1 | 2, statement?}`.
   * 1 (satisfied; needs SIGNED): the signing is COMPLETED, both invested amounts are paid to the
   * issuer as the investment and the client's deposit is refunded. 2 (fraud report; REQUESTED or
   * SIGNED; `statement` up to 4096 characters): the signing is DISPUTED and a dispute with the
   * signing's id opens, its deadline now + the ledger's disputeWindowSeconds; money stays held.
   * Returns `{signing, dispute?, movements}`. Errors: NOT_FOUND, FORBIDDEN (not the client),
   * FAILED_PRECONDITION (wrong state), INVALID_ARGUMENT. Event `ContractConfirmed` or
   * `FraudReported`. Source: seeds/004, investment function 3.
   */
  @Transaction()
  @Returns('string')
  async contractConfirmed(ctx: CovenantContext, contractId: string, signingId: string, request: string): Promise<string> {
    const { decision, statement } = parseConfirmation(parseObjectArg(request, 'request'));
    const { signing, contract } = await signingOf(ctx, contractId, signingId);
    const next = confirmSigning(signing, ctx.caller.accountId, decision, signing.id, ctx.now);
    await new SigningStore(ctx).save(next);
    if (decision === 2) {
      const dispute = openDispute({ signing, statement, windowSeconds: (await currentSettings(ctx)).disputeWindowSeconds, now: ctx.now });
      await new DisputeStore(ctx).save(dispute, { create: true });
      const result = { signing: viewSigning(next), dispute: viewDispute(dispute), movements: [] };
      return this.emitted(ctx, 'FraudReported', result, result, signingAudience(next));
    }
    const treasury = new Treasury(ctx);
    await treasury.pay('investment', signing.client, signing.issuer, signing.clientAmount ?? 0n);
    await treasury.pay('investment', signing.delegate, signing.issuer, signing.delegateAmount ?? 0n);
    await treasury.refund('clientDepositRefund', signing.client, signing.deposit);
    await countContractSigning(ctx, contract, signing.delegate, 'completed');
    const result = { signing: viewSigning(next), movements: treasury.movements.map(viewMovement) };
    return this.emitted(ctx, 'ContractConfirmed', result, result, signingAudience(next));
  }

  /**
   * Withdraws a REQUESTED signing (before both parties signed): caller the client or the delegate;
   * `request` `{reason?}`. The client's deposit and any committed amounts are refunded. Not in the
   * paper: it lets a client leave a signing whose delegate was revoked meanwhile. Returns
   * `{signing, movements}`. Errors: NOT_FOUND, FORBIDDEN, FAILED_PRECONDITION. Event `SigningCancelled`.
   */
  @Transaction()
  @Returns('string')
  async cancelSigning(ctx: CovenantContext, contractId: string, signingId: string, request: string): Promise<string> {
    const body = parseObjectArg(request, 'request');
    const { signing, contract } = await signingOf(ctx, contractId, signingId);
    const next = cancelSigning(signing, ctx.caller.accountId, body, ctx.now);
    const treasury = new Treasury(ctx);
    await treasury.refund('clientDepositRefund', signing.client, signing.deposit);
    await treasury.refund('clientInvestmentRefund', signing.client, signing.clientAmount ?? 0n);
    await treasury.refund('delegateInvestmentRefund', signing.delegate, signing.delegateAmount ?? 0n);
    await new SigningStore(ctx).save(next);
    await countContractSigning(ctx, contract, signing.delegate, 'ended');
    const result = { signing: viewSigning(next), movements: treasury.movements.map(viewMovement) };
    return this.emitted(ctx, 'SigningCancelled', result, result, signingAudience(next));
  }

  /** A signing; its client, delegate and issuer and arbitrators may read it. Errors: NOT_FOUND, FORBIDDEN. */
  @Transaction(false)
  @Returns('string')
  async getSigning(ctx: CovenantContext, contractId: string, signingId: string): Promise<string> {
    const { signing } = await signingOf(ctx, contractId, signingId);
    if (!isSigningParty(signing, ctx.caller.accountId) && !(await isArbitrator(ctx))) {
      throw forbidden(`only a party to signing ${signingId} or an arbitrator may read it`);
    }
    return canonicalJson(viewSigning(signing));
  }

  /** The caller's signings (as client, delegate or issuer), oldest first: `{records, bookmark}`. */
  @Transaction(false)
  @Returns('string')
  async listSignings(ctx: CovenantContext, pageSize: string, bookmark: string): Promise<string> {
    const page = await new SigningStore(ctx).listByParty(ctx.caller.accountId, pageSize, bookmark);
    return canonicalJson({ records: page.records.map(viewSigning), bookmark: page.bookmark });
  }

  // ------------------------------------------------------------ disputes

  /**
   * Adds evidence to an OPEN or ESCALATED dispute: `request` `{text}` (1..4096 characters) or
   * `{documentHash, description?}` (SHA-256 hex of a document kept off the ledger). Caller: the
   * client, the issuer or the delegate (recorded with its role). Returns the dispute.
   * Errors: NOT_FOUND, FORBIDDEN, FAILED_PRECONDITION (ruled, 100 items), INVALID_ARGUMENT.
   * Event `EvidenceSubmitted`. Covenant's addition to the paper's arbitration.
   */
  @Transaction()
  @Returns('string')
  async submitEvidence(ctx: CovenantContext, disputeId: string, request: string): Promise<string> {
    const body = parseObjectArg(request, 'request');
    const disputes = new DisputeStore(ctx);
    const next = addEvidence(await disputes.get(parseId(disputeId, 'disputeId')), ctx.caller.accountId, body, ctx.txId, ctx.now);
    await disputes.save(next);
    return this.emitted(ctx, 'EvidenceSubmitted', viewDispute(next), { dispute: viewDispute(next) }, signingAudience(next));
  }

  /**
   * Escalates an OPEN dispute: status ESCALATED; it stays in the open-dispute queue and
   * arbitrators can still rule it. `request` `{reason?}`. Callers: a party once the deadline has
   * passed (transaction time >= deadline; reason optional, up to 1024 characters), or an
   * arbitrator that is not a party, at any time, referring the case to the institution's panel
   * (reason required, 1..4096 characters). Errors: NOT_FOUND, INVALID_ARGUMENT, FORBIDDEN (neither),
   * FAILED_PRECONDITION (not OPEN, a party before the deadline). Event `DisputeEscalated`.
   */
  @Transaction()
  @Returns('string')
  async escalateDispute(ctx: CovenantContext, disputeId: string, request: string): Promise<string> {
    const body = parseObjectArg(request, 'request');
    const disputes = new DisputeStore(ctx);
    const next = escalateDispute(await disputes.get(parseId(disputeId, 'disputeId')), ctx.caller.accountId, body, ctx.now, await isArbitrator(ctx));
    await disputes.save(next);
    return this.emitted(ctx, 'DisputeEscalated', viewDispute(next), { dispute: viewDispute(next) }, signingAudience(next));
  }

  /**
   * DisputeArbitration(dispute, ruling, reason) (Algorithm 3): `request` `{ruling: FRAUD |
   * NO_FRAUD, reason}` (reason 1..4096 characters). FRAUD runs Penalty: min(publishDeposit x
   * penaltyShareBps / 10000, what is still held of it) moves from the issuer to the client, the
   * client's deposit and invested amount and the delegate's invested amount are refunded, the
   * contract is deactivated; signing PENALIZED. NO_FRAUD runs Settlement: the client's deposit is
   * forfeited to the issuer; a signed contract completes (invested amounts paid to the issuer),
   * otherwise committed amounts are refunded; signing SETTLED. The ruling, with its reason and
   * every movement, is kept on the dispute. Caller: an identity with the arbitrator role that is
   * not a party. Returns the dispute (RULED). Errors: FORBIDDEN (not an arbitrator, a party),
   * NOT_FOUND, FAILED_PRECONDITION (already ruled), INVALID_ARGUMENT. Event `DisputeRuled`.
   * Source: seeds/004, investment function 4, Settlement and Penalty.
   */
  @Transaction()
  @Returns('string')
  async disputeArbitration(ctx: CovenantContext, disputeId: string, request: string): Promise<string> {
    const result = await ruleOnLedger(ctx, disputeId, request);
    const view = viewDispute(result.dispute);
    return this.emitted(ctx, 'DisputeRuled', view, { dispute: view, signing: viewSigning(result.signing) }, signingAudience(result.signing));
  }

  /** A dispute with its evidence and ruling; its parties and arbitrators may read it. Errors: NOT_FOUND, FORBIDDEN. */
  @Transaction(false)
  @Returns('string')
  async getDispute(ctx: CovenantContext, disputeId: string): Promise<string> {
    const dispute = await new DisputeStore(ctx).get(parseId(disputeId, 'disputeId'));
    if (!roleIn(dispute, ctx.caller.accountId) && !(await isArbitrator(ctx))) {
      throw forbidden(`only a party to dispute ${disputeId} or an arbitrator may read it`);
    }
    return canonicalJson(viewDispute(dispute));
  }

  /**
   * The arbitrators' queue: unruled (OPEN or ESCALATED) disputes, oldest first, one page
   * `{records, bookmark}`. Caller: an arbitrator. Errors: FORBIDDEN, INVALID_ARGUMENT.
   */
  @Transaction(false)
  @Returns('string')
  async listOpenDisputes(ctx: CovenantContext, pageSize: string, bookmark: string): Promise<string> {
    await requireRole(ctx, 'arbitrator');
    const page = await new DisputeStore(ctx).listOpen(pageSize, bookmark);
    return canonicalJson({ records: page.records.map(viewDispute), bookmark: page.bookmark });
  }

  // ------------------------------------------------------------ settings

  /** The DBCS-SC settings in force: `{disputeWindowSeconds, penaltyShareBps, updatedAt?, updatedBy?}`. */
  @Transaction(false)
  @Returns('string')
  async getSettings(ctx: CovenantContext): Promise<string> {
    return canonicalJson(await currentSettings(ctx));
  }

  /**
   * Changes the settings: `request` `{disputeWindowSeconds?: 1..31622400, penaltyShareBps?:
   * 0..10000}`. Caller: an administrator (OU=admin) of a consortium member. The record is guarded
   * by every member's endorsement. Errors: FORBIDDEN, FAILED_PRECONDITION (consortium not
   * initialised), INVALID_ARGUMENT. Event `DbcsSettingsChanged`.
   */
  @Transaction()
  @Returns('string')
  async setSettings(ctx: CovenantContext, request: string): Promise<string> {
    const config = await requireMemberAdmin(ctx, 'change settings');
    const next: DbcsSettings = changeSettings(await currentSettings(ctx), parseObjectArg(request, 'request'), ctx.caller.accountId, ctx.now);
    await DBCS_SETTINGS.save(ctx, next, config.members);
    return this.emitted(ctx, 'DbcsSettingsChanged', next, { settings: next }, EVERYONE);
  }
}
