import { literalsOf } from '../shared/schema';
import { decoderOf, parseRequest } from '../shared/validate';
import { MAX_RATIO_PART, ContractStatus, InvestmentContract, InvestmentContractRecord, InvestmentContractView, Ratio, Signing, SigningRecord, SigningStatus, SigningView } from './records';
import { alreadyExists, failedPrecondition, forbidden, invalidArgument } from '../shared/errors';
import { parseAmount } from '../shared/amount';
import { parseId, rejectUnknownFields } from '../shared/args';
import { TOTAL_BPS } from '../shared/bps';
import { sha256Hex } from '../shared/hash';
import { parseAccountId } from '../shared/args';
import { optionalText, parseInteger, parseSha256, parseText } from '../shared/fields';
import { Audience, partiesAudience } from '../shared/audience';

/**
 * The financial investment smart contract ("f") of DBCS-SC (seeds/004, "DBCS-SC's smart
 * contracts", "Algorithmic design"): an issuer publishes a contract with a publishing deposit;
 * a client requests signing it by paying the contract's client deposit, the contract being offered
 * by a named delegate of the issuer (Algorithm 1); delegate and client commit invested amounts at
 * the contract's ratio (SignedByEntity); the client confirms (ContractConfirmed: 1 satisfied,
 * Algorithm 2) or reports fraud (2, opening a dispute, Algorithm 3).
 *
 * Signing states (the paper's cStatus):
 *   REQUESTED  client deposit held ("cPaid"); zero, one or both parties have committed
 *   SIGNED     both committed their invested amounts (held)
 *   COMPLETED  client satisfied: invested amounts paid to the issuer, client deposit refunded
 *   DISPUTED   client reported fraud ("aReceivedReport"): an arbitrator will rule
 *   SETTLED    ruled NO_FRAUD (Settlement)      PENALIZED  ruled FRAUD (Penalty)
 *   CANCELLED  withdrawn by the client or the delegate before both signed; everything refunded
 *
 * Pure: rules and new values only; the contract moves the money and writes the state.
 */
export type { ContractStatus, InvestmentContract, InvestmentContractView, Ratio, Signing, SigningStatus, SigningView };
export const CONTRACT_STATUSES: readonly ContractStatus[] = literalsOf(ContractStatus);
export const SIGNING_STATUSES: readonly SigningStatus[] = literalsOf(SigningStatus);

export const MAX_CONTRACT_NAME = 200;
export const MAX_CONTENT = 65_536;
export { MAX_RATIO_PART };
export const MAX_STATEMENT = 4096;

// ---------------------------------------------------------------- contracts

export interface PublishRequest {
  id?: string;
  name: string;
  content: string;
  contentHash: string;
  clientDeposit: bigint;
  publishDeposit: bigint;
  ratio: Ratio;
  penaltyShareBps?: number;
}

/**
 * Validates ContractPublishDeposit + AddContract's request `{id?, name, content, contentHash?,
 * clientDeposit, publishDeposit, ratio: {client, delegate}, penaltyShareBps?}`. The content hash
 * is computed; a given one must match it. INVALID_ARGUMENT for anything malformed.
 */
export function parsePublishRequest(body: Record<string, unknown>): PublishRequest {
  rejectUnknownFields(body, ['id', 'name', 'content', 'contentHash', 'clientDeposit', 'publishDeposit', 'ratio', 'penaltyShareBps'], 'contract');
  const content = parseText(body.content, 'content', 1, MAX_CONTENT);
  const contentHash = sha256Hex(content);
  if (body.contentHash !== undefined && parseSha256(body.contentHash, 'contentHash') !== contentHash) {
    throw invalidArgument('contentHash does not match the SHA-256 of content');
  }
  const ratio = parseRequest(Ratio, body.ratio, 'ratio');
  return {
    id: body.id === undefined ? undefined : parseId(body.id, 'id'),
    name: parseText(body.name, 'name', 1, MAX_CONTRACT_NAME),
    content,
    contentHash,
    clientDeposit: parseAmount(body.clientDeposit, 'clientDeposit'),
    publishDeposit: parseAmount(body.publishDeposit, 'publishDeposit'),
    ratio: { client: ratio.client, delegate: ratio.delegate },
    penaltyShareBps: body.penaltyShareBps === undefined ? undefined : parseInteger(body.penaltyShareBps, 'penaltyShareBps', 0, TOTAL_BPS),
  };
}

/** A new ACTIVE contract. The penalty share is the ledger minimum unless the issuer promises more. */
export function publishContract(args: { id: string; issuer: string; issuerMspId: string; request: PublishRequest; minPenaltyShareBps: number; now: string }): InvestmentContract {
  const { request, now } = args;
  const penaltyShareBps = request.penaltyShareBps ?? args.minPenaltyShareBps;
  if (penaltyShareBps < args.minPenaltyShareBps) {
    throw invalidArgument(`penaltyShareBps must be at least the ledger's ${args.minPenaltyShareBps}`);
  }
  return {
    id: args.id,
    issuer: args.issuer,
    issuerMspId: args.issuerMspId,
    name: request.name,
    content: request.content,
    contentHash: request.contentHash,
    clientDeposit: request.clientDeposit,
    publishDeposit: request.publishDeposit,
    publishDepositHeld: request.publishDeposit,
    ratio: request.ratio,
    penaltyShareBps,
    status: 'ACTIVE',
    openSignings: 0,
    completedSignings: 0,
    fraudRulings: 0,
    createdAt: now,
    updatedAt: now,
  };
}

/**
 * ChangeStatus of a contract: `{status: ACTIVE|INACTIVE|CLOSED, reason?}`. INACTIVE refuses new
 * signings; CLOSED is final and releases what is left of the publishing deposit (the contract
 * applies that), allowed only with no open signing. A contract with a FRAUD ruling cannot be made
 * ACTIVE again. FAILED_PRECONDITION for those and for an unchanged status.
 */
export function changeContractStatus(c: InvestmentContract, body: Record<string, unknown>, now: string): InvestmentContract {
  rejectUnknownFields(body, ['status', 'reason'], 'status change');
  const status = parseContractStatus(body.status);
  const reason = optionalText(body.reason, 'reason', 1024);
  if (c.status === 'CLOSED') throw failedPrecondition(`contract ${c.id} is CLOSED`);
  if (status === c.status) throw failedPrecondition(`contract ${c.id} is already ${status}`);
  if (status === 'ACTIVE' && c.fraudRulings > 0) throw failedPrecondition(`contract ${c.id} was ruled fraudulent and cannot be reactivated`);
  if (status === 'CLOSED') {
    if (c.openSignings > 0) throw failedPrecondition(`contract ${c.id} has ${c.openSignings} open signing(s)`);
    return { ...c, status, statusReason: reason, publishDepositHeld: 0n, closedAt: now, updatedAt: now };
  }
  return { ...c, status, statusReason: reason, updatedAt: now };
}

// ---------------------------------------------------------------- signings

/**
 * RequestSigning (Algorithm 1): `{id?, delegate, deposit?}`. `deposit`, when given, must equal the
 * contract's client deposit (the paper's `msg.value = cDeposit`). The caller checks the contract,
 * registry and delegate; this checks the parties. INVALID_ARGUMENT, FAILED_PRECONDITION.
 */
export function requestSigning(args: {
  id: string;
  contract: InvestmentContract;
  client: string;
  delegate: string;
  organizations: string[];
  now: string;
}): Signing {
  const { contract, client, delegate, now } = args;
  if (contract.status !== 'ACTIVE') throw failedPrecondition(`contract ${contract.id} is ${contract.status} and refuses new signings`);
  if (client === contract.issuer) throw invalidArgument('the issuer cannot sign its own contract as a client');
  if (client === delegate) throw invalidArgument('the client cannot be its own delegate');
  return {
    id: args.id,
    contractId: contract.id,
    issuer: contract.issuer,
    delegate,
    client,
    status: 'REQUESTED',
    deposit: contract.clientDeposit,
    organizations: [...new Set(args.organizations)].sort(),
    createdAt: now,
    updatedAt: now,
  };
}

export function parseSigningRequest(body: Record<string, unknown>, clientDeposit: bigint): { id?: string; delegate: string } {
  rejectUnknownFields(body, ['id', 'delegate', 'deposit'], 'signing request');
  const delegate = parseAccountId(body.delegate, 'delegate');
  if (body.deposit !== undefined && parseAmount(body.deposit, 'deposit', { positive: false }) !== clientDeposit) {
    throw invalidArgument(`deposit must equal the contract's client deposit ${clientDeposit}`);
  }
  return { id: body.id === undefined ? undefined : parseId(body.id, 'id'), delegate };
}

export type Side = 'client' | 'delegate';

export function sideOf(s: Signing, account: string): Side | undefined {
  return account === s.client ? 'client' : account === s.delegate ? 'delegate' : undefined;
}

/**
 * SignedByEntity(s, c, f, s.amount / c.amount): the caller (delegate or client) commits `amount`.
 * The amounts must be k x ratio.client and k x ratio.delegate for one positive integer k, so the
 * first signer's amount must be a multiple of its parts and fixes k; the second must commit exactly
 * its parts x k. Both committed -> SIGNED. The caller holds `amount`.
 * FORBIDDEN (not a party), FAILED_PRECONDITION (not REQUESTED), ALREADY_EXISTS (already signed),
 * INVALID_ARGUMENT (off the ratio).
 */
export function signSigning(s: Signing, ratio: Ratio, caller: string, amount: bigint, now: string): Signing {
  const side = sideOf(s, caller);
  if (!side) throw forbidden(`only the client or the delegate of signing ${s.id} may sign it`);
  if (s.status !== 'REQUESTED') throw failedPrecondition(`signing ${s.id} is ${s.status}, not REQUESTED`);
  const own = side === 'client' ? s.clientAmount : s.delegateAmount;
  if (own !== undefined) throw alreadyExists(`the ${side} already signed signing ${s.id}`);
  const other: Side = side === 'client' ? 'delegate' : 'client';
  const otherAmount = other === 'client' ? s.clientAmount : s.delegateAmount;
  const parts = BigInt(ratio[side]);
  const label = `${ratio.client}:${ratio.delegate} (client:delegate)`;
  if (otherAmount === undefined) {
    if (amount % parts !== 0n) throw invalidArgument(`at the ratio ${label} the ${side} amount must be a multiple of ${parts}`);
  } else {
    const expected = (otherAmount / BigInt(ratio[other])) * parts;
    if (amount !== expected) throw invalidArgument(`at the ratio ${label} the ${side} must commit ${expected}`);
  }
  const next: Signing =
    side === 'client' ? { ...s, clientAmount: amount, clientSignedAt: now, updatedAt: now } : { ...s, delegateAmount: amount, delegateSignedAt: now, updatedAt: now };
  return next.clientAmount !== undefined && next.delegateAmount !== undefined ? { ...next, status: 'SIGNED', signedAt: now } : next;
}

/** ContractConfirmed's decision: 1 satisfied, 2 fraud report. */
export type Decision = 1 | 2;

export function parseConfirmation(body: Record<string, unknown>): { decision: Decision; statement?: string } {
  rejectUnknownFields(body, ['decision', 'statement'], 'confirmation');
  if (body.decision !== 1 && body.decision !== 2) throw invalidArgument('decision must be 1 (satisfied) or 2 (report fraud)');
  const statement = optionalText(body.statement, 'statement', MAX_STATEMENT);
  if (body.decision === 1 && statement !== undefined) throw invalidArgument('a statement goes with a fraud report (decision 2) only');
  return { decision: body.decision, statement };
}

/**
 * ContractConfirmed by the client (Algorithm 2). Decision 1 needs SIGNED and gives COMPLETED;
 * decision 2 (fraud) is allowed in REQUESTED or SIGNED and gives DISPUTED with `disputeId`.
 * FORBIDDEN (not the client), FAILED_PRECONDITION (wrong state).
 */
export function confirmSigning(s: Signing, caller: string, decision: Decision, disputeId: string, now: string): Signing {
  if (caller !== s.client) throw forbidden(`only the client of signing ${s.id} may confirm it`);
  if (decision === 1) {
    if (s.status !== 'SIGNED') throw failedPrecondition(`signing ${s.id} is ${s.status}; a satisfied confirmation needs SIGNED`);
    return { ...s, status: 'COMPLETED', completedAt: now, updatedAt: now };
  }
  if (s.status !== 'REQUESTED' && s.status !== 'SIGNED') throw failedPrecondition(`signing ${s.id} is ${s.status}; fraud can be reported while REQUESTED or SIGNED`);
  return { ...s, status: 'DISPUTED', disputeId, updatedAt: now };
}

/** The client or the delegate withdraws before both have signed: `{reason?}` -> CANCELLED. */
export function cancelSigning(s: Signing, caller: string, body: Record<string, unknown>, now: string): Signing {
  rejectUnknownFields(body, ['reason'], 'cancellation');
  const reason = optionalText(body.reason, 'reason', 1024);
  if (!sideOf(s, caller)) throw forbidden(`only the client or the delegate of signing ${s.id} may cancel it`);
  if (s.status !== 'REQUESTED') throw failedPrecondition(`signing ${s.id} is ${s.status}; only a REQUESTED signing can be cancelled`);
  return { ...s, status: 'CANCELLED', cancelledAt: now, cancelledBy: caller, cancelReason: reason, updatedAt: now };
}

export function isSigningParty(s: Signing, account: string): boolean {
  return account === s.client || account === s.delegate || account === s.issuer;
}

/** Holders of these roles may read any signing and dispute (getSigning, getDispute). */
export const SIGNING_READER_ROLES = ['arbitrator'] as const;

/** Who may read a signing, and so receive its events: its parties, their organisations' administrators, arbitrators. */
export function signingAudience(s: Pick<Signing, 'client' | 'delegate' | 'issuer' | 'organizations'>): Audience {
  return partiesAudience({ accounts: [s.client, s.delegate, s.issuer], organizations: s.organizations, roles: SIGNING_READER_ROLES });
}

// ---------------------------------------------------------------- codecs

function parseContractStatus(raw: unknown): ContractStatus {
  if (typeof raw !== 'string' || !(CONTRACT_STATUSES as readonly string[]).includes(raw)) {
    throw invalidArgument(`status must be one of ${CONTRACT_STATUSES.join(', ')}`);
  }
  return raw as ContractStatus;
}

export const decodeContract = decoderOf(InvestmentContractRecord, 'investment contract');
export const decodeSigning = decoderOf(SigningRecord, 'signing');

export function viewContract(c: InvestmentContract): InvestmentContractView {
  return {
    ...c,
    clientDeposit: c.clientDeposit.toString(),
    publishDeposit: c.publishDeposit.toString(),
    publishDepositHeld: c.publishDepositHeld.toString(),
  };
}

export function viewSigning(s: Signing): SigningView {
  return { ...s, deposit: s.deposit.toString(), clientAmount: s.clientAmount?.toString(), delegateAmount: s.delegateAmount?.toString() };
}
