import type { CovenantContext } from '../shared/context';
import type { Page } from '../shared/state';
import { RecordIndex, RecordStore } from '../shared/store';
import { Escrow, EscrowStatus, decodeEscrow } from './record';

/** A party's role in an escrow, as indexed; a party has at most one role in an escrow. */
export type IndexedRole = 'initiator' | 'recipient' | 'arbitrator';
const INDEXED_ROLES: readonly IndexedRole[] = ['initiator', 'recipient', 'arbitrator'];

/** A listing's role filter: one indexed role, or any (every one of them). */
export type PartyRole = IndexedRole | 'any';
export const PARTY_ROLES: readonly PartyRole[] = [...INDEXED_ROLES, 'any'];

/**
 * Index `escrow-party` [party, role, status, createdAt, id], one row per party, role being
 * initiator, recipient or arbitrator (the account an escrow names to rule its dispute). Its rows
 * move when the escrow's status changes. Listings by `any` merge the three role ranges
 * (RecordStore.listMerged); ledgers written before that still hold rows under role `any`, which
 * nothing reads (README.md, "Party index").
 */
const PARTY_INDEX: RecordIndex<Escrow> = {
  objectType: 'escrow-party',
  entries(e) {
    const row = (party: string, role: IndexedRole) => [party, role, e.status, e.createdAt, e.id];
    return [row(e.initiator, 'initiator'), ...e.recipients.map((r) => row(r.account, 'recipient')), ...(e.arbitrator === undefined ? [] : [row(e.arbitrator, 'arbitrator')])];
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
   * One page of the escrows where `party` has `role` (arbitrator: the escrows naming it; any: every
   * role, merged), optionally of one status, in (status, createdAt, id) order: oldest (by
   * creation) first within a status. The bookmark of an `any` listing is opaque (RecordStore.listMerged).
   */
  listByParty(party: string, role: PartyRole, status: EscrowStatus | undefined, pageSize: string | undefined, bookmark: string | undefined): Promise<Page<Escrow>> {
    const range = (r: IndexedRole) => (status ? [party, r, status] : [party, r]);
    if (role === 'any') return this.listMerged(PARTY_INDEX, INDEXED_ROLES.map(range), pageSize, bookmark);
    return this.listBy(PARTY_INDEX, range(role), pageSize, bookmark);
  }
}
