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
