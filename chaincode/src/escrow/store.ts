import type { CovenantContext } from '../shared/context';
import { Page } from '../shared/state';
import { notFound } from '../shared/errors';
import { Escrow, EscrowStatus, decodeEscrow } from './escrow';

const ESCROW = 'escrow';
/**
 * Index `escrow-party` [party, role, status, createdAt, id], role being initiator, recipient,
 * arbitrator (the account an escrow names to rule its dispute) or any (each of the others).
 */
const PARTY_INDEX = 'escrow-party';
export type PartyRole = 'initiator' | 'recipient' | 'arbitrator' | 'any';
export const PARTY_ROLES: readonly PartyRole[] = ['initiator', 'recipient', 'arbitrator', 'any'];

function indexEntries(e: Escrow): [string, PartyRole, EscrowStatus, string, string][] {
  const rows: [string, PartyRole, EscrowStatus, string, string][] = [];
  const add = (party: string, role: PartyRole) => {
    rows.push([party, role, e.status, e.createdAt, e.id]);
    rows.push([party, 'any', e.status, e.createdAt, e.id]);
  };
  add(e.initiator, 'initiator');
  for (const r of e.recipients) add(r.account, 'recipient');
  if (e.arbitrator !== undefined) add(e.arbitrator, 'arbitrator');
  return rows;
}

/**
 * Escrow records and their per-party index. The escrow key carries a key-level endorsement
 * policy naming every party's organisation; index keys hold no value and only point at escrows.
 */
export class EscrowStore {
  constructor(private readonly ctx: CovenantContext) {}

  key(id: string): string {
    return this.ctx.state.key(ESCROW, [id]);
  }

  find(id: string): Promise<Escrow | undefined> {
    return this.ctx.state.get(this.key(id), decodeEscrow);
  }

  async get(id: string): Promise<Escrow> {
    const escrow = await this.find(id);
    if (!escrow) throw notFound(`escrow ${id} does not exist`);
    return escrow;
  }

  /** Writes an escrow, moving its index entries when its status changed. */
  async save(next: Escrow, previous?: Escrow): Promise<void> {
    const state = this.ctx.state;
    await state.put(this.key(next.id), next, previous ? {} : { endorsers: next.organizations });
    if (previous?.status === next.status) return;
    if (previous) for (const row of indexEntries(previous)) await state.delete(state.key(PARTY_INDEX, row));
    for (const row of indexEntries(next)) await state.put(state.key(PARTY_INDEX, row), { id: next.id });
  }

  /**
   * One page of the escrows where `party` has `role` (arbitrator: the escrows naming it), optionally
   * of one status, oldest (by creation) first within a status.
   */
  async listByParty(party: string, role: PartyRole, status: EscrowStatus | undefined, pageSize: number, bookmark: string): Promise<Page<Escrow>> {
    const attributes = status ? [party, role, status] : [party, role];
    const page = await this.ctx.state.page(PARTY_INDEX, attributes, pageSize, bookmark, (_key, raw) => {
      const id = (raw as { id?: unknown }).id;
      if (typeof id !== 'string') throw new Error('corrupt escrow index entry');
      return id;
    });
    const records: Escrow[] = [];
    for (const id of page.records) records.push(await this.get(id));
    return { records, bookmark: page.bookmark };
  }
}
