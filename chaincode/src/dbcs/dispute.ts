import { literalsOf } from '../shared/schema';
import { decoderOf } from '../shared/validate';
import { Dispute, DisputeRecord, DisputeRuling, DisputeStatus, DisputeView, Evidence, PartyRole, Ruling } from './records';
import { failedPrecondition, forbidden, invalidArgument } from '../shared/errors';
import { rejectUnknownFields } from '../shared/args';
import type { Movement } from './common';
import { shareOf } from '../shared/bps';
import { countSigning } from './signing-count';
import { addSeconds } from '../shared/time';
import { optionalText, parseSha256, parseText } from '../shared/fields';
import type { InvestmentContract, Signing } from './investment';

/**
 * Contract fraud dispute resolution of DBCS-SC (seeds/004, Algorithm 3, and "Implementation of the
 * smart contracts": Settlement and Penalty). A client's fraud report (ContractConfirmed with 2)
 * opens a dispute; an arbitration institution (an identity with the ledger arbitrator role) rules
 * with DisputeArbitration:
 * - FRAUD -> Penalty: `penaltyShareBps` of the issuer's publishing deposit (capped at what is
 *   still held of it) moves from the issuer's hold to the client; the client's deposit and its
 *   invested amount are refunded; the delegate's invested amount is refunded to the delegate; the
 *   contract is deactivated and can no longer be reactivated. Signing -> PENALIZED.
 * - NO_FRAUD -> Settlement: the client's signing deposit is forfeited to the issuer (the penalty
 *   for a false report). If both parties had signed, the contract completes as with a satisfied
 *   confirmation: both invested amounts are paid to the issuer. If not, any committed amount is
 *   refunded to its owner. Signing -> SETTLED.
 * Beyond the paper: the parties (client on one side, issuer and delegate on the other) submit
 * evidence (text or a SHA-256 document hash) while the dispute is OPEN or ESCALATED; the ruling
 * carries a written reason; after its deadline (ledger setting, default 7 days) a party may
 * escalate an OPEN dispute, and an arbitrator may at any time refer it, with written reasons, to
 * the institution's panel (ESCALATED, still rulable by an arbitrator); arbitrators list unruled
 * disputes oldest first.
 *
 * Pure: computes the dispute values and the movements; the contract applies them to accounts.
 */
export type { Dispute, DisputeRuling, DisputeStatus, DisputeView, Evidence, PartyRole, Ruling };
export const DISPUTE_STATUSES: readonly DisputeStatus[] = literalsOf(DisputeStatus);
export const RULINGS: readonly Ruling[] = literalsOf(Ruling);

export const MAX_EVIDENCE_TEXT = 4096;
export const MAX_EVIDENCE_ITEMS = 100;
export const MAX_REASON = 4096;

/** Opens the dispute of a fraud report; `signing` is the signing before it became DISPUTED. */
export function openDispute(args: { signing: Signing; statement?: string; windowSeconds: number; now: string }): Dispute {
  const { signing, now } = args;
  return {
    id: signing.id,
    signingId: signing.id,
    contractId: signing.contractId,
    issuer: signing.issuer,
    delegate: signing.delegate,
    client: signing.client,
    status: 'OPEN',
    reportedFrom: signing.status === 'SIGNED' ? 'SIGNED' : 'REQUESTED',
    statement: args.statement,
    openedAt: now,
    deadline: addSeconds(now, args.windowSeconds),
    evidence: [],
    organizations: signing.organizations,
    updatedAt: now,
  };
}

export function roleIn(d: Dispute, account: string): PartyRole | undefined {
  return account === d.client ? 'client' : account === d.issuer ? 'issuer' : account === d.delegate ? 'delegate' : undefined;
}

/**
 * A party adds evidence: `{text}` (1..4096 characters) or `{documentHash, description?}`.
 * FORBIDDEN (not a party), FAILED_PRECONDITION (ruled, or 100 items already), INVALID_ARGUMENT.
 */
export function addEvidence(d: Dispute, caller: string, body: Record<string, unknown>, txId: string, now: string): Dispute {
  rejectUnknownFields(body, ['text', 'documentHash', 'description'], 'evidence');
  if ((body.text === undefined) === (body.documentHash === undefined)) throw invalidArgument('evidence needs exactly one of text and documentHash');
  const item: Evidence =
    body.text !== undefined
      ? { by: caller, role: 'client', kind: 'text', text: parseText(body.text, 'text', 1, MAX_EVIDENCE_TEXT), at: now, txId }
      : { by: caller, role: 'client', kind: 'document', documentHash: parseSha256(body.documentHash, 'documentHash'), at: now, txId };
  if (body.description !== undefined) {
    if (item.kind !== 'document') throw invalidArgument('description goes with a documentHash');
    item.description = optionalText(body.description, 'description', 256);
  }
  const role = roleIn(d, caller);
  if (!role) throw forbidden(`only a party to dispute ${d.id} may submit evidence`);
  if (d.status === 'RULED') throw failedPrecondition(`dispute ${d.id} is already ruled`);
  if (d.evidence.length >= MAX_EVIDENCE_ITEMS) throw failedPrecondition(`dispute ${d.id} already has ${MAX_EVIDENCE_ITEMS} evidence items`);
  return { ...d, evidence: [...d.evidence, { ...item, role }], updatedAt: now };
}

/** Longest reason a party gives when it escalates; an arbitrator's referral may run to MAX_REASON. */
export const MAX_PARTY_ESCALATION_REASON = 1024;

/**
 * Escalates an OPEN dispute to ESCALATED (it stays in the arbitrators' queue and can still be
 * ruled), `body` `{reason?}`, recording escalatedBy/escalatedAt/escalationReason. Two callers may:
 * - a party (client, issuer or delegate), once the deadline has passed (`now >= deadline`); its
 *   reason is optional, 1..1024 characters;
 * - an arbitrator that is not a party (`callerIsArbitrator`: the caller holds the ledger
 *   arbitrator role, checked by the contract), at any time: the referral of the case to the
 *   arbitration institution's panel, with a written reason, required, 1..4096 characters.
 * A caller that is both a party and an arbitrator escalates as a party. Errors: INVALID_ARGUMENT
 * (reason), FORBIDDEN (neither), FAILED_PRECONDITION (not OPEN, or a party before the deadline).
 */
export function escalateDispute(d: Dispute, caller: string, body: Record<string, unknown>, now: string, callerIsArbitrator = false): Dispute {
  rejectUnknownFields(body, ['reason'], 'escalation');
  const party = roleIn(d, caller) !== undefined;
  const referral = !party && callerIsArbitrator;
  const reason = referral ? parseText(body.reason, 'reason', 1, MAX_REASON) : optionalText(body.reason, 'reason', MAX_PARTY_ESCALATION_REASON);
  if (!party && !referral) throw forbidden(`only a party to dispute ${d.id} or an arbitrator may escalate it`);
  if (d.status !== 'OPEN') throw failedPrecondition(`dispute ${d.id} is ${d.status}, not OPEN`);
  if (party && now < d.deadline) throw failedPrecondition(`dispute ${d.id} may be escalated by a party after its deadline ${d.deadline}`);
  return { ...d, status: 'ESCALATED', escalatedAt: now, escalatedBy: caller, escalationReason: reason, updatedAt: now };
}

export function parseRuling(body: Record<string, unknown>): { ruling: Ruling; reason: string } {
  rejectUnknownFields(body, ['ruling', 'reason'], 'ruling');
  if (typeof body.ruling !== 'string' || !(RULINGS as readonly string[]).includes(body.ruling)) {
    throw invalidArgument(`ruling must be one of ${RULINGS.join(', ')}`);
  }
  return { ruling: body.ruling as Ruling, reason: parseText(body.reason, 'reason', 1, MAX_REASON) };
}

/** A planned movement: `refund` releases a hold to its owner, `pay` releases it to someone else. */
export interface PlannedMovement extends Movement {
  /** For `pay`, `from` !== `to`. */
  type: 'refund' | 'pay';
}

/**
 * DisputeArbitration(dispute, ruling, reason): checks the arbitrator (the caller must hold the
 * role: checked by the contract; here: not a party) and the state, and plans the movements of
 * Penalty or Settlement (see the module comment). FORBIDDEN (a party), FAILED_PRECONDITION (ruled).
 */
export function ruleDispute(args: {
  dispute: Dispute;
  signing: Signing;
  contract: InvestmentContract;
  arbitrator: string;
  ruling: Ruling;
  reason: string;
  txId: string;
  now: string;
}): { dispute: Dispute; signing: Signing; contract: InvestmentContract; movements: PlannedMovement[] } {
  const { dispute, signing, contract, ruling, now } = args;
  if (roleIn(dispute, args.arbitrator)) throw forbidden(`a party to dispute ${dispute.id} cannot rule it`);
  if (dispute.status === 'RULED') throw failedPrecondition(`dispute ${dispute.id} is already ruled`);
  if (signing.status !== 'DISPUTED') throw new Error(`invariant: signing ${signing.id} of an unruled dispute is ${signing.status}`);
  const movements: PlannedMovement[] = [];
  const refund = (kind: string, account: string, amount: bigint | undefined) => {
    if (amount) movements.push({ type: 'refund', kind, from: account, to: account, amount });
  };
  const pay = (kind: string, from: string, to: string, amount: bigint | undefined) => {
    if (amount) movements.push({ type: 'pay', kind, from, to, amount });
  };
  let nextContract: InvestmentContract = countSigning(contract, 'ended', now);
  let nextSigning: Signing;
  if (ruling === 'FRAUD') {
    const due = shareOf(contract.publishDeposit, contract.penaltyShareBps);
    const penalty = due < contract.publishDepositHeld ? due : contract.publishDepositHeld;
    pay('penalty', contract.issuer, signing.client, penalty);
    refund('clientDepositRefund', signing.client, signing.deposit);
    refund('clientInvestmentRefund', signing.client, signing.clientAmount);
    refund('delegateInvestmentRefund', signing.delegate, signing.delegateAmount);
    nextContract = {
      ...nextContract,
      publishDepositHeld: contract.publishDepositHeld - penalty,
      fraudRulings: contract.fraudRulings + 1,
      status: contract.status === 'ACTIVE' ? 'INACTIVE' : contract.status,
      statusReason: contract.status === 'ACTIVE' ? `fraud ruled in dispute ${dispute.id}` : contract.statusReason,
    };
    nextSigning = { ...signing, status: 'PENALIZED', updatedAt: now };
  } else {
    pay('forfeitedDeposit', signing.client, contract.issuer, signing.deposit);
    if (dispute.reportedFrom === 'SIGNED') {
      pay('investment', signing.client, contract.issuer, signing.clientAmount);
      pay('investment', signing.delegate, contract.issuer, signing.delegateAmount);
      nextContract = countSigning(contract, 'completed', now);
      nextSigning = { ...signing, status: 'SETTLED', completedAt: now, updatedAt: now };
    } else {
      refund('clientInvestmentRefund', signing.client, signing.clientAmount);
      refund('delegateInvestmentRefund', signing.delegate, signing.delegateAmount);
      nextSigning = { ...signing, status: 'SETTLED', updatedAt: now };
    }
  }
  const record: DisputeRuling = {
    ruling,
    outcome: ruling === 'FRAUD' ? 'PENALTY' : 'SETTLEMENT',
    reason: args.reason,
    arbitrator: args.arbitrator,
    at: now,
    txId: args.txId,
    movements: movements.map(({ kind, from, to, amount }) => ({ kind, from, to, amount })),
  };
  return { dispute: { ...dispute, status: 'RULED', ruling: record, updatedAt: now }, signing: nextSigning, contract: nextContract, movements };
}

// ---------------------------------------------------------------- codecs

export const decodeDispute = decoderOf(DisputeRecord, 'dispute');

export function viewDispute(d: Dispute): DisputeView {
  return {
    ...d,
    evidenceCount: d.evidence.length,
    ruling: d.ruling && { ...d.ruling, movements: d.ruling.movements.map((m) => ({ ...m, amount: m.amount.toString() })) },
  };
}
