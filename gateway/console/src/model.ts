import { money } from './format';
/**
 * The shapes the console reads from the REST API (the OpenAPI schemas Escrow and Dispute, the
 * fields it shows) and the pure functions that turn them into what the pages list.
 */
export interface EscrowLike {
  id: string;
  status: string;
  initiator: string;
  amount: string;
  recipients: { account: string; amount: string; shareBps?: number; confirmed: boolean }[];
  terms?: string;
  termsHash?: string;
  acceptBy: string;
  arbitrator?: string;
  dispute?: { by: string; reason: string; evidenceHash?: string; at: string };
  ruling?: { outcome: 'COMPLETE' | 'REFUND'; reasons: string; arbitrator: string; at: string };
  cancelApprovals?: string[];
  createdAt: string;
  updatedAt: string;
}

export interface EvidenceLike {
  by: string;
  role: string;
  kind: 'text' | 'document';
  text?: string;
  documentHash?: string;
  description?: string;
  at: string;
  txId: string;
}

export interface MovementLike {
  kind: string;
  from: string;
  to: string;
  amount: string;
}

export interface DisputeLike {
  id: string;
  signingId: string;
  contractId: string;
  issuer: string;
  delegate: string;
  client: string;
  status: 'OPEN' | 'ESCALATED' | 'RULED';
  reportedFrom: string;
  statement?: string;
  openedAt: string;
  deadline: string;
  escalatedAt?: string;
  escalatedBy?: string;
  escalationReason?: string;
  evidence: EvidenceLike[];
  ruling?: { ruling: 'FRAUD' | 'NO_FRAUD'; outcome: 'PENALTY' | 'SETTLEMENT'; reason: string; arbitrator: string; at: string; txId: string; movements: MovementLike[] };
  updatedAt: string;
}

/** One line of the arbitrator's queue. */
export interface QueueRow {
  kind: 'escrow' | 'dispute';
  id: string;
  status: string;
  openedAt: string;
  deadline?: string;
  amount?: string;
  summary: string;
}

/** Disputes and disputed escrows as one queue, oldest opening first (ties by id, stable). */
export function queueRows(disputes: DisputeLike[], escrows: EscrowLike[]): QueueRow[] {
  const rows: QueueRow[] = [
    ...disputes.map((d) => ({ kind: 'dispute' as const, id: d.id, status: d.status, openedAt: d.openedAt, deadline: d.deadline, summary: d.statement ?? `fraud reported on contract ${d.contractId}` })),
    ...escrows.map((e) => ({ kind: 'escrow' as const, id: e.id, status: e.status, openedAt: e.dispute?.at ?? e.updatedAt, amount: e.amount, summary: e.dispute ? `${e.dispute.by}: ${e.dispute.reason}` : '' })),
  ];
  return rows.sort((a, b) => a.openedAt.localeCompare(b.openedAt) || a.id.localeCompare(b.id));
}

/** What a ruling on `escrow` pays: COMPLETE pays each recipient its part, REFUND the initiator the whole amount. */
export function escrowPayouts(escrow: EscrowLike, outcome: 'COMPLETE' | 'REFUND'): { account: string; amount: string }[] {
  return outcome === 'COMPLETE' ? escrow.recipients.map((r) => ({ account: r.account, amount: r.amount })) : [{ account: escrow.initiator, amount: escrow.amount }];
}

/** One committed version of an escrow (`GET /v1/escrows/{id}/history`); `escrow` null once deleted. */
export interface EscrowVersion {
  txId: string;
  timestamp: string;
  escrow: EscrowLike | null;
}

/**
 * An escrow's history as rows of a table: the proposal (amount held, recipients), then at each
 * later version what changed: confirmations, cancellation approvals, the dispute, the ruling and
 * the status; "Updated" when nothing shown changed.
 */
export function escrowEvents(versions: EscrowVersion[]): { timestamp: string; txId: string; what: string }[] {
  return versions.map((v, i) => {
    const before = i > 0 ? versions[i - 1].escrow : null;
    const after = v.escrow;
    let what: string;
    if (!after) what = 'Deleted';
    else if (!before) what = `Proposed (${after.status}): ${money(after.amount)} held from ${after.initiator} for ${after.recipients.length} recipient(s)`;
    else what = escrowChanges(before, after).join('; ') || 'Updated';
    return { timestamp: v.timestamp, txId: v.txId, what };
  });
}

function escrowChanges(before: EscrowLike, after: EscrowLike): string[] {
  const out: string[] = [];
  const confirmed = new Set(before.recipients.filter((r) => r.confirmed).map((r) => r.account));
  for (const r of after.recipients) if (r.confirmed && !confirmed.has(r.account)) out.push(`Confirmed by ${r.account}`);
  const approved = new Set(before.cancelApprovals ?? []);
  for (const a of after.cancelApprovals ?? []) if (!approved.has(a)) out.push(`Cancellation approved by ${a}`);
  if (after.dispute && !before.dispute) out.push(`Disputed by ${after.dispute.by}: ${after.dispute.reason}`);
  if (after.ruling && !before.ruling) out.push(`Ruled ${after.ruling.outcome === 'COMPLETE' ? 'completion' : 'refund'} by ${after.ruling.arbitrator}`);
  if (after.status !== before.status) out.push(`${before.status} → ${after.status}`);
  return out;
}
