import { Info, Returns, Transaction } from 'fabric-contract-api';
import { CovenantContract } from '../shared/contract';
import { CovenantContext } from '../shared/context';
import { alreadyExists, forbidden, notFound } from '../shared/errors';
import { parseAccountId, parseObjectArg } from '../shared/args';
import { canonicalJson } from '../shared/canonical';
import { AccountStore } from '../accounts/account';
import { requireRole, rolesOf } from '../consortium/roles';
import { Treasury } from './money';
import {
  Delegate,
  DelegateRegistry,
  InvalidReason,
  authorizeDelegate,
  changeRegistryStatus,
  decodeDelegate,
  delegateValidity,
  openRegistry,
  parseRegistryRequest,
  refundDelegate,
  requestDelegate,
  revokeDelegate,
  updateDelegate,
  viewDelegate,
  viewRegistry,
} from './delegate';
import { challengeMessage, parseChallenge } from './challenge';
import { parseSignature, verifyWithCertificate } from '../shared/signature';
import { DelegateStore, RegistryStore } from './store';
import { keyHistory } from '../shared/history';
import { EVERYONE } from '../shared/audience';

/**
 * Whether `manager` is a valid delegate of `issuer` at the transaction time, with the reasons it is
 * not (see delegateValidity). Used by the query and by every signing step of the investment
 * contract.
 */
export async function validityOf(
  ctx: CovenantContext,
  issuer: string,
  manager: string,
): Promise<{ reasons: InvalidReason[]; registry?: DelegateRegistry; delegate?: Delegate }> {
  const registry = await new RegistryStore(ctx).find(issuer);
  const delegate = await new DelegateStore(ctx).find(issuer, manager);
  const issuerHasRole = (await rolesOf(ctx, issuer)).includes('issuer');
  return { reasons: delegateValidity({ registry, issuerHasRole, delegate, now: ctx.now }), registry, delegate };
}

/**
 * The delegate authorization smart contract of DBCS-SC ("Delegate contract signing mechanism based
 * on smart contract", PLOS ONE 2022, seeds/004, "DBCS-SC's smart contracts" and "DBCS-SC's contract
 * signing process"). Contract name `delegates`.
 *
 * The contract issuer is any identity with the ledger `issuer` role; each has one registry (the
 * paper deploys one delegate authorization contract per issuer). Ethereum addresses are account
 * ids; ether deposits are holds on Covenant accounts; Solidity modifiers are identity and role
 * checks. Every submit emits one chaincode event `{registry | delegate, txId}`; registries and
 * delegates are public (the paper's transparency property), every change stays in the key history.
 */
@Info({ title: 'delegates', description: 'DBCS-SC delegate authorization: registries, sales managers, verification' })
export class DelegatesContract extends CovenantContract {
  constructor() {
    super('delegates');
  }

  /**
   * Creates the caller's delegate registry (the paper's initialization: the issuer deploys its
   * delegate authorization contract). `issuer` must be the caller's own account id.
   * `request` is JSON `{delegateDeposit, name?}`: the deposit a
   * sales manager pays with RequestDelegate, minor units as a decimal string. Caller: an identity
   * with the issuer role and an account. Returns the registry `{issuer, issuerMspId, name, status:
   * ACTIVE, delegateDeposit, createdAt, updatedAt}`. Errors: FORBIDDEN (no issuer role, not the caller),
   * FAILED_PRECONDITION (no account), ALREADY_EXISTS, INVALID_ARGUMENT. Event `DelegateRegistryCreated`.
   */
  @Transaction()
  @Returns('string')
  async createRegistry(ctx: CovenantContext, issuerId: string, request: string): Promise<string> {
    if (parseAccountId(issuerId, 'issuer') !== ctx.caller.accountId) throw forbidden('an issuer creates its own registry only');
    await requireRole(ctx, 'issuer');
    const parsed = parseRegistryRequest(parseObjectArg(request, 'request'));
    const issuer = await new AccountStore(ctx).own();
    const registries = new RegistryStore(ctx);
    if (await registries.find(issuer.id)) throw alreadyExists(`issuer ${issuer.id} already has a delegate registry`);
    const registry = openRegistry({ issuer: issuer.id, issuerMspId: issuer.mspId, request: parsed, now: ctx.now });
    await registries.save(registry, { create: true });
    return this.registryEvent(ctx, 'DelegateRegistryCreated', registry);
  }

  /**
   * ChangeStatus of the delegate authorization contract: `request` `{status: ACTIVE|INACTIVE,
   * reason?}`. An INACTIVE registry refuses new delegate requests and new signings (its delegates
   * are not valid while it is inactive). Caller: the registry's issuer with the issuer role.
   * Errors: NOT_FOUND, FORBIDDEN, FAILED_PRECONDITION (already in that status), INVALID_ARGUMENT.
   * Event `DelegateRegistryStatusChanged`. Source: seeds/004, delegate authorization function 6.
   */
  @Transaction()
  @Returns('string')
  async changeRegistryStatus(ctx: CovenantContext, issuer: string, request: string): Promise<string> {
    const registries = new RegistryStore(ctx);
    const registry = await registries.get(parseAccountId(issuer, 'issuer'));
    await this.requireIssuer(ctx, registry.issuer);
    const next = changeRegistryStatus(registry, parseObjectArg(request, 'request'), ctx.now);
    await registries.save(next);
    return this.registryEvent(ctx, 'DelegateRegistryStatusChanged', next);
  }

  /** An issuer's registry; anyone may read it. Errors: NOT_FOUND, INVALID_ARGUMENT. */
  @Transaction(false)
  @Returns('string')
  async getRegistry(ctx: CovenantContext, issuer: string): Promise<string> {
    return canonicalJson(viewRegistry(await new RegistryStore(ctx).get(parseAccountId(issuer, 'issuer'))));
  }

  /**
   * RequestDelegate: the caller, a sales manager, asks to be a delegate of `issuer` by paying the
   * registry's delegate deposit (moved from its balance to its hold; the delegate record is the
   * deposit record). `request` `{message?}` (up to 1024 characters). A manager whose earlier
   * deposit was refunded may request again. Returns the delegate (status REQUESTED).
   * Errors: NOT_FOUND (no registry), FAILED_PRECONDITION (registry INACTIVE, caller has no
   * account), INVALID_ARGUMENT (the issuer itself), ALREADY_EXISTS (already REQUESTED,
   * AUTHORIZED or REVOKED with its deposit held), INSUFFICIENT_FUNDS. Event `DelegateRequested`.
   * Source: seeds/004, delegate authorization function 1.
   */
  @Transaction()
  @Returns('string')
  async requestDelegate(ctx: CovenantContext, issuer: string, request: string): Promise<string> {
    const body = parseObjectArg(request, 'request');
    const registry = await new RegistryStore(ctx).get(parseAccountId(issuer, 'issuer'));
    const manager = await new AccountStore(ctx).own();
    const delegates = new DelegateStore(ctx);
    const previous = await delegates.find(registry.issuer, manager.id);
    const delegate = requestDelegate({ registry, previous, manager: manager.id, managerMspId: manager.mspId, body, txId: ctx.txId, now: ctx.now });
    await new Treasury(ctx).hold(manager.id, delegate.deposit);
    await delegates.save(delegate, { create: true });
    return this.delegateEvent(ctx, 'DelegateRequested', delegate);
  }

  /**
   * AddSalesManager(s.EOA, s.delegate, s.note) with a validity period: `request`
   * `{qualification, note?, validFrom?, validUntil}` (ISO 8601 UTC; validFrom defaults to the
   * transaction time; the delegate is valid while validFrom <= now < validUntil). The manager
   * must have REQUESTED (paid its deposit). Caller: the issuer. Returns the delegate (AUTHORIZED).
   * Errors: NOT_FOUND, FORBIDDEN, FAILED_PRECONDITION (not REQUESTED), INVALID_ARGUMENT
   * (malformed, empty or past period). Event `SalesManagerAdded`. Source: seeds/004, function 2.
   */
  @Transaction()
  @Returns('string')
  async addSalesManager(ctx: CovenantContext, issuer: string, manager: string, request: string): Promise<string> {
    return this.issuerChange(ctx, issuer, manager, 'SalesManagerAdded', (d) => authorizeDelegate(d, parseObjectArg(request, 'request'), ctx.now));
  }

  /**
   * Updates an AUTHORIZED delegate's information: `request` any of `{qualification, note,
   * validFrom, validUntil}`; `revision` counts updates and every version stays in the key history
   * (delegateHistory). Caller: the issuer. Errors: NOT_FOUND, FORBIDDEN, FAILED_PRECONDITION (not
   * AUTHORIZED), INVALID_ARGUMENT. Event `DelegateUpdated`. Source: seeds/004, "Management".
   */
  @Transaction()
  @Returns('string')
  async updateDelegate(ctx: CovenantContext, issuer: string, manager: string, request: string): Promise<string> {
    return this.issuerChange(ctx, issuer, manager, 'DelegateUpdated', (d) => updateDelegate(d, parseObjectArg(request, 'request'), ctx.now));
  }

  /**
   * RemoveSalesManager(s.EOA): revokes a REQUESTED or AUTHORIZED delegate at once; `request`
   * `{reason?}`. The record stays (status REVOKED, revokedAt, revokeReason) so the revocation is
   * auditable; the deposit stays held until the manager calls salesManagerRefund. Caller: the
   * issuer. Errors: NOT_FOUND, FORBIDDEN, FAILED_PRECONDITION (already revoked or refunded).
   * Event `SalesManagerRemoved`. Source: seeds/004, delegate authorization function 3.
   */
  @Transaction()
  @Returns('string')
  async removeSalesManager(ctx: CovenantContext, issuer: string, manager: string, request: string): Promise<string> {
    return this.issuerChange(ctx, issuer, manager, 'SalesManagerRemoved', (d) => revokeDelegate(d, parseObjectArg(request, 'request'), ctx.now));
  }

  /**
   * SalesManagerRefund: the caller, sales manager `manager`, gives up its delegate authorization
   * at `issuer` (whatever its status) and its deposit hold is released to its balance. Refused
   * while a signing naming it is unfinished. Returns the delegate (REFUNDED). Errors: NOT_FOUND,
   * FORBIDDEN (the caller is not `manager`), FAILED_PRECONDITION (already refunded, open
   * signings). Event `SalesManagerRefunded`. Source: seeds/004, delegate authorization function 4.
   */
  @Transaction()
  @Returns('string')
  async salesManagerRefund(ctx: CovenantContext, issuer: string, manager: string): Promise<string> {
    const delegates = new DelegateStore(ctx);
    const delegate = await delegates.get(parseAccountId(issuer, 'issuer'), parseAccountId(manager, 'manager'));
    if (delegate.manager !== ctx.caller.accountId) throw forbidden('only the sales manager itself may give up its authorization');
    const next = refundDelegate(delegate, ctx.now);
    await new Treasury(ctx).refund('delegateDepositRefund', delegate.manager, delegate.deposit);
    await delegates.save(next);
    return this.delegateEvent(ctx, 'SalesManagerRefunded', next);
  }

  /** A delegate record (public, as the paper's published authorization). Errors: NOT_FOUND. */
  @Transaction(false)
  @Returns('string')
  async getDelegate(ctx: CovenantContext, issuer: string, manager: string): Promise<string> {
    const delegate = await new DelegateStore(ctx).get(parseAccountId(issuer, 'issuer'), parseAccountId(manager, 'manager'));
    return canonicalJson(viewDelegate(delegate));
  }

  /**
   * An issuer's delegates, one page `{records, bookmark}` in manager account order (every status).
   * `pageSize` 1..100 (default 20), `bookmark` from the previous page.
   */
  @Transaction(false)
  @Returns('string')
  async listDelegates(ctx: CovenantContext, issuer: string, pageSize: string, bookmark: string): Promise<string> {
    const page = await new DelegateStore(ctx).listByIssuer(parseAccountId(issuer, 'issuer'), pageSize, bookmark);
    return canonicalJson({ records: page.records.map(viewDelegate), bookmark: page.bookmark });
  }

  /**
   * Every committed version of a delegate record, oldest first (GetHistoryForKey):
   * `[{txId, timestamp, value: delegate | null}]`: requests, authorizations, updates, revocations
   * and refunds. Anyone may read it (the paper's transparency). Errors: NOT_FOUND.
   */
  @Transaction(false)
  @Returns('string')
  async delegateHistory(ctx: CovenantContext, issuer: string, manager: string): Promise<string> {
    const delegates = new DelegateStore(ctx);
    await delegates.get(parseAccountId(issuer, 'issuer'), parseAccountId(manager, 'manager'));
    return canonicalJson(await keyHistory(ctx, delegates.key(issuer, manager), (raw) => viewDelegate(decodeDelegate(raw))));
  }

  /**
   * isValidDelegate(issuer, delegate): `{issuer, delegate, valid, reasons, at, registryStatus?,
   * record?}`. Valid iff the registry exists and is ACTIVE, the issuer holds the issuer role, the
   * delegate is AUTHORIZED (registered, not revoked or refunded) and validFrom <= now < validUntil,
   * `now` being the transaction time. `reasons` lists every failed condition: REGISTRY_NOT_FOUND,
   * REGISTRY_INACTIVE, ISSUER_ROLE_MISSING, NOT_REGISTERED, NOT_AUTHORIZED, REVOKED, REFUNDED,
   * NOT_YET_VALID, EXPIRED. Errors: INVALID_ARGUMENT only. Source: seeds/004, "Model for DBCS",
   * "Information Check".
   */
  @Transaction(false)
  @Returns('string')
  async isValidDelegate(ctx: CovenantContext, issuer: string, manager: string): Promise<string> {
    const { reasons, registry, delegate } = await validityOf(ctx, parseAccountId(issuer, 'issuer'), parseAccountId(manager, 'manager'));
    return canonicalJson({
      issuer,
      delegate: manager,
      valid: reasons.length === 0,
      reasons,
      at: ctx.now,
      registryStatus: registry?.status,
      record: delegate && viewDelegate(delegate),
    });
  }

  /**
   * The challenge-response check (seeds/004, "DBCS-SC's contract signing process", steps 3-5):
   * verifies `signature` (base64 of a DER or raw r||s ECDSA P-256/SHA-256 signature) over
   * challengeMessage(issuer, delegate, challenge) =
   * "Covenant DBCS-SC delegate challenge\nissuer:<issuer>\ndelegate:<delegate>\nchallenge:<challenge>"
   * with the public key of the certificate stored on the delegate's account record. Returns
   * `{issuer, delegate, challenge, message, signatureValid, delegateValid, valid, reasons, at}`:
   * `valid` = signatureValid and delegateValid. Deterministic. Errors: INVALID_ARGUMENT
   * (challenge of 8..1024 characters; malformed signature), NOT_FOUND (no such account).
   */
  @Transaction(false)
  @Returns('string')
  async verifyDelegateSignature(ctx: CovenantContext, issuer: string, manager: string, challenge: string, signature: string): Promise<string> {
    parseAccountId(issuer, 'issuer');
    parseAccountId(manager, 'delegate');
    const text = parseChallenge(challenge);
    const sig = parseSignature(signature);
    const account = await new AccountStore(ctx).find(manager);
    if (!account) throw notFound(`account ${manager} does not exist`);
    const message = challengeMessage(issuer, manager, text);
    const signatureValid = verifyWithCertificate(account.certificate, message, sig);
    const { reasons } = await validityOf(ctx, issuer, manager);
    return canonicalJson({
      issuer,
      delegate: manager,
      challenge: text,
      message,
      signatureValid,
      delegateValid: reasons.length === 0,
      valid: signatureValid && reasons.length === 0,
      reasons,
      at: ctx.now,
    });
  }

  private async requireIssuer(ctx: CovenantContext, issuer: string): Promise<void> {
    if (ctx.caller.accountId !== issuer) throw forbidden(`only issuer ${issuer} may manage its delegates`);
    await requireRole(ctx, 'issuer');
  }

  private async issuerChange(ctx: CovenantContext, issuer: string, manager: string, event: string, change: (d: Delegate) => Delegate): Promise<string> {
    const delegates = new DelegateStore(ctx);
    const registry = await new RegistryStore(ctx).get(parseAccountId(issuer, 'issuer'));
    await this.requireIssuer(ctx, registry.issuer);
    const delegate = await delegates.get(registry.issuer, parseAccountId(manager, 'manager'));
    const next = change(delegate);
    await delegates.save(next);
    return this.delegateEvent(ctx, event, next);
  }

  private registryEvent(ctx: CovenantContext, event: string, registry: DelegateRegistry): string {
    const view = viewRegistry(registry);
    // Registries and delegate records are public (the paper's published authorization).
    return this.emitted(ctx, event, view, { registry: view }, EVERYONE);
  }

  private delegateEvent(ctx: CovenantContext, event: string, delegate: Delegate): string {
    const view = viewDelegate(delegate);
    return this.emitted(ctx, event, view, { delegate: view }, EVERYONE);
  }
}
