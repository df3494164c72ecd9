import { literalsOf } from '../shared/schema';
import { decoderOf } from '../shared/validate';
import { Delegate, DelegateRecord, DelegateRegistry, DelegateRegistryRecord, DelegateRegistryView, DelegateStatus, DelegateView, InvalidReason, RegistryStatus } from './records';
import { alreadyExists, failedPrecondition, invalidArgument } from '../shared/errors';
import { rejectUnknownFields } from '../shared/args';
import { parseAmount } from '../shared/amount';
import { optionalText, parseText, parseTimestamp } from '../shared/fields';

/**
 * The delegate authorization smart contract ("d") of DBCS-SC (seeds/004, "DBCS-SC's smart
 * contracts" and "Model for DBCS"): a contract issuer keeps a registry of sales managers it
 * authorizes as delegates to sign its financial investment contracts with clients.
 *
 * Lifecycle of one delegate (a sales manager under one issuer):
 *   RequestDelegate (the manager pays the registry's delegate deposit: a hold on its account)
 *     -> REQUESTED
 *   AddSalesManager (issuer: qualification, note, validity period) -> AUTHORIZED
 *   UpdateDelegate (issuer; AUTHORIZED only; every version stays in the key's history)
 *   RemoveSalesManager (issuer; immediate) -> REVOKED  (the deposit stays held until refunded)
 *   SalesManagerRefund (manager; no signing in progress) -> REFUNDED (deposit released to it)
 * A REFUNDED manager may request again (a new deposit). Where the paper's RemoveSalesManager
 * deletes the entry, Covenant keeps a REVOKED record so the revocation is recorded and auditable.
 *
 * This module is pure: it checks rules and computes new values; the contract applies them.
 */
export type { Delegate, DelegateRegistry, DelegateStatus, DelegateView, RegistryStatus };
export const REGISTRY_STATUSES: readonly RegistryStatus[] = literalsOf(RegistryStatus);
export const DELEGATE_STATUSES: readonly DelegateStatus[] = literalsOf(DelegateStatus);

export const MAX_QUALIFICATION = 256;
export const MAX_NOTE = 1024;
export const MAX_MESSAGE = 1024;
export const MAX_NAME = 200;

// ---------------------------------------------------------------- registry

/** Validates a new registry's request `{delegateDeposit, name?}`; INVALID_ARGUMENT otherwise. */
export function parseRegistryRequest(body: Record<string, unknown>): { delegateDeposit: bigint; name?: string } {
  rejectUnknownFields(body, ['delegateDeposit', 'name'], 'registry');
  return { delegateDeposit: parseAmount(body.delegateDeposit, 'delegateDeposit'), name: optionalText(body.name, 'name', MAX_NAME) };
}

/** A new ACTIVE registry. */
export function openRegistry(args: { issuer: string; issuerMspId: string; request: { delegateDeposit: bigint; name?: string }; now: string }): DelegateRegistry {
  return {
    issuer: args.issuer,
    issuerMspId: args.issuerMspId,
    name: args.request.name,
    status: 'ACTIVE',
    delegateDeposit: args.request.delegateDeposit,
    createdAt: args.now,
    updatedAt: args.now,
  };
}

/** ChangeStatus of the registry: `{status: ACTIVE|INACTIVE, reason?}`. */
export function changeRegistryStatus(r: DelegateRegistry, body: Record<string, unknown>, now: string): DelegateRegistry {
  rejectUnknownFields(body, ['status', 'reason'], 'status change');
  const status = parseRegistryStatus(body.status);
  if (status === r.status) throw failedPrecondition(`the delegate registry of ${r.issuer} is already ${status}`);
  return { ...r, status, statusReason: optionalText(body.reason, 'reason', MAX_NOTE), updatedAt: now };
}

// ---------------------------------------------------------------- delegates

/** RequestDelegate: a new REQUESTED delegate, or a REFUNDED one requesting again. */
export function requestDelegate(args: {
  registry: DelegateRegistry;
  previous?: Delegate;
  manager: string;
  managerMspId: string;
  body: Record<string, unknown>;
  txId: string;
  now: string;
}): Delegate {
  const { registry, previous, manager, body, now } = args;
  rejectUnknownFields(body, ['message'], 'delegate request');
  if (manager === registry.issuer) throw invalidArgument('an issuer cannot be its own delegate');
  if (registry.status !== 'ACTIVE') throw failedPrecondition(`the delegate registry of ${registry.issuer} is ${registry.status}`);
  if (previous && previous.status !== 'REFUNDED') {
    throw alreadyExists(`${manager} is already ${previous.status} in the registry of ${registry.issuer}${previous.status === 'REVOKED' ? '; refund the deposit first' : ''}`);
  }
  return {
    issuer: registry.issuer,
    manager,
    managerMspId: args.managerMspId,
    status: 'REQUESTED',
    deposit: registry.delegateDeposit,
    depositTxId: args.txId,
    requestMessage: optionalText(body.message, 'message', MAX_MESSAGE),
    revision: 0,
    openSignings: 0,
    organizations: [...new Set([registry.issuerMspId, args.managerMspId])].sort(),
    requestedAt: now,
    updatedAt: now,
  };
}

interface Terms {
  qualification?: string;
  note?: string;
  validFrom?: string;
  validUntil?: string;
}

function parseTerms(body: Record<string, unknown>): Terms {
  return {
    qualification: body.qualification === undefined ? undefined : parseText(body.qualification, 'qualification', 1, MAX_QUALIFICATION),
    note: body.note === undefined ? undefined : parseText(body.note, 'note', 0, MAX_NOTE),
    validFrom: body.validFrom === undefined ? undefined : parseTimestamp(body.validFrom, 'validFrom'),
    validUntil: body.validUntil === undefined ? undefined : parseTimestamp(body.validUntil, 'validUntil'),
  };
}

/**
 * AddSalesManager(s, qualification, note, validity period): `{qualification, note?, validFrom?,
 * validUntil}` (validFrom defaults to now). The delegate must be REQUESTED (its deposit paid).
 * INVALID_ARGUMENT: malformed, validFrom >= validUntil, validUntil not after now.
 * FAILED_PRECONDITION: not REQUESTED.
 */
export function authorizeDelegate(d: Delegate, body: Record<string, unknown>, now: string): Delegate {
  rejectUnknownFields(body, ['qualification', 'note', 'validFrom', 'validUntil'], 'authorization');
  const terms = parseTerms(body);
  if (terms.qualification === undefined) throw invalidArgument('qualification is required');
  if (terms.validUntil === undefined) throw invalidArgument('validUntil is required');
  const validFrom = terms.validFrom ?? now;
  checkWindow(validFrom, terms.validUntil);
  if (terms.validUntil <= now) throw invalidArgument('validUntil must be after the transaction time');
  if (d.status !== 'REQUESTED') throw failedPrecondition(`delegate ${d.manager} is ${d.status}, not REQUESTED`);
  return { ...d, ...terms, validFrom, status: 'AUTHORIZED', authorizedAt: now, updatedAt: now };
}

/**
 * UpdateDelegate: changes any of `{qualification, note, validFrom, validUntil}` of an AUTHORIZED
 * delegate (the issuer may also shorten the period into the past, expiring the delegate).
 * INVALID_ARGUMENT: nothing to change, malformed, validFrom >= validUntil. FAILED_PRECONDITION:
 * not AUTHORIZED.
 */
export function updateDelegate(d: Delegate, body: Record<string, unknown>, now: string): Delegate {
  rejectUnknownFields(body, ['qualification', 'note', 'validFrom', 'validUntil'], 'update');
  const terms = parseTerms(body);
  const changed = Object.fromEntries(Object.entries(terms).filter(([, v]) => v !== undefined)) as Terms;
  if (Object.keys(changed).length === 0) throw invalidArgument('an update must change qualification, note, validFrom or validUntil');
  if (d.status !== 'AUTHORIZED') throw failedPrecondition(`delegate ${d.manager} is ${d.status}, not AUTHORIZED`);
  const next = { ...d, ...changed };
  checkWindow(next.validFrom as string, next.validUntil as string);
  return { ...next, revision: d.revision + 1, updatedAt: now };
}

/** RemoveSalesManager: `{reason?}`; REQUESTED or AUTHORIZED -> REVOKED, effective at once. */
export function revokeDelegate(d: Delegate, body: Record<string, unknown>, now: string): Delegate {
  rejectUnknownFields(body, ['reason'], 'revocation');
  const reason = optionalText(body.reason, 'reason', MAX_NOTE);
  if (d.status !== 'REQUESTED' && d.status !== 'AUTHORIZED') throw failedPrecondition(`delegate ${d.manager} is already ${d.status}`);
  return { ...d, status: 'REVOKED', revokedAt: now, revokeReason: reason, updatedAt: now };
}

/**
 * SalesManagerRefund: the manager gives up the authorization and its deposit is released.
 * FAILED_PRECONDITION when already REFUNDED or while a signing it is named in is unfinished.
 */
export function refundDelegate(d: Delegate, now: string): Delegate {
  if (d.status === 'REFUNDED') throw failedPrecondition(`the deposit of delegate ${d.manager} was already refunded`);
  if (d.openSignings > 0) {
    throw failedPrecondition(`delegate ${d.manager} is named in ${d.openSignings} unfinished signing(s); the deposit stays held until they finish`);
  }
  return { ...d, status: 'REFUNDED', refundedAt: now, updatedAt: now };
}

function checkWindow(from: string, until: string): void {
  if (from >= until) throw invalidArgument('validFrom must be before validUntil');
}

// ---------------------------------------------------------------- verification

/** Why a delegate is not valid for a client right now; empty when it is valid. */
export type { InvalidReason };

/**
 * The paper's verification rule (seeds/004, "Model for DBCS": s may sign with c iff (s, d) in SA):
 * a delegate is valid iff the issuer's registry exists and is ACTIVE, the issuer still holds the
 * ledger issuer role, the delegate is registered and AUTHORIZED (not revoked or refunded), and
 * validFrom <= now < validUntil. Returns every reason that fails, in a fixed order.
 */
export function delegateValidity(args: {
  registry?: DelegateRegistry;
  issuerHasRole: boolean;
  delegate?: Delegate;
  now: string;
}): InvalidReason[] {
  const { registry, delegate, now } = args;
  const reasons: InvalidReason[] = [];
  if (!registry) reasons.push('REGISTRY_NOT_FOUND');
  else if (registry.status !== 'ACTIVE') reasons.push('REGISTRY_INACTIVE');
  if (!args.issuerHasRole) reasons.push('ISSUER_ROLE_MISSING');
  if (!delegate) {
    reasons.push('NOT_REGISTERED');
    return reasons;
  }
  if (delegate.status === 'REQUESTED') reasons.push('NOT_AUTHORIZED');
  else if (delegate.status === 'REVOKED') reasons.push('REVOKED');
  else if (delegate.status === 'REFUNDED') reasons.push('REFUNDED');
  else {
    if (delegate.validFrom !== undefined && now < delegate.validFrom) reasons.push('NOT_YET_VALID');
    if (delegate.validUntil !== undefined && now >= delegate.validUntil) reasons.push('EXPIRED');
  }
  return reasons;
}

// ---------------------------------------------------------------- codecs

function parseRegistryStatus(raw: unknown): RegistryStatus {
  if (typeof raw !== 'string' || !(REGISTRY_STATUSES as readonly string[]).includes(raw)) {
    throw invalidArgument(`status must be one of ${REGISTRY_STATUSES.join(', ')}`);
  }
  return raw as RegistryStatus;
}

export function parseDelegateStatus(raw: string): DelegateStatus {
  if (!(DELEGATE_STATUSES as readonly string[]).includes(raw)) throw invalidArgument(`status must be one of ${DELEGATE_STATUSES.join(', ')}`);
  return raw as DelegateStatus;
}

export const decodeRegistry = decoderOf(DelegateRegistryRecord, 'delegate registry');
export const decodeDelegate = decoderOf(DelegateRecord, 'delegate');

export function viewRegistry(r: DelegateRegistry): DelegateRegistryView {
  return { ...r, delegateDeposit: r.delegateDeposit.toString() };
}

/** The delegate as shown to callers: the deposit as a decimal string and whether it is still held. */
export function viewDelegate(d: Delegate): DelegateView {
  return { ...d, deposit: d.deposit.toString(), depositHeld: d.status !== 'REFUNDED' };
}
