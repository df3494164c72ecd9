import type { CovenantContext } from '../shared/context';
import type { Page } from '../shared/state';
import { RecordIndex, RecordStore } from '../shared/store';
import { Escrow, EscrowStatus, decodeEscrow } from './record';

/**
 * Index `escrow-party` [party, role, status, createdAt, id], role being initiator, recipient,
 * arbitrator (the account an escrow names to rule its dispute) or any (each of the others).
 * Its entries move when the escrow's status changes.
 */
export type PartyRole = 'initiator' | 'recipient' | 'arbitrator' | 'any';
export const PARTY_ROLES: readonly PartyRole[] = ['initiator', 'recipient', 'arbitrator', 'any'];

const PARTY_INDEX: RecordIndex<Escrow> = {
  objectType: 'escrow-party',
  entries(e) {
    const rows: string[][] = [];
    const add = (party: string, role: PartyRole) => {
      rows.push([party, role, e.status, e.createdAt, e.id]);
      rows.push([party, 'any', e.status, e.createdAt, e.id]);
    };
    add(e.initiator, 'initiator');
    for (const r of e.recipients) add(r.account, 'recipient');
    if (e.arbitrator !== undefined) add(e.arbitrator, 'arbitrator');
    return rows;
  },
};

/**
 * Escrow records (`escrow` [id]) and their per-party index. The escrow key carries a key-level
 * endorsement policy naming every party's organisation.
 */
export class EscrowStore extends RecordStore<Escrow> {
  constructor(ctx: CovenantContext) {
    super(ctx, { objectType: 'escrow', what: 'escrow', decode: decodeEscrow, ids: (e) => [e.id], endorsers: (e) => e.organizations, indexes: [PARTY_INDEX] });
  }

  /**
   * One page of the escrows where `party` has `role` (arbitrator: the escrows naming it), optionally
   * of one status, oldest (by creation) first within a status.
   */
  listByParty(party: string, role: PartyRole, status: EscrowStatus | undefined, pageSize: string | undefined, bookmark: string | undefined): Promise<Page<Escrow>> {
    return this.listBy(PARTY_INDEX, status ? [party, role, status] : [party, role], pageSize, bookmark);
  }
}
