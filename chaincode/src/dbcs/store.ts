import type { CovenantContext } from '../shared/context';
import type { Page } from '../shared/state';
import { RecordIndex, RecordStore } from '../shared/store';
import { Delegate, DelegateRegistry, decodeDelegate, decodeRegistry } from './delegate';
import { InvestmentContract, Signing, decodeContract, decodeSigning } from './investment';
import { Dispute, decodeDispute } from './dispute';

/**
 * World-state layout of DBCS-SC (composite keys):
 *   dbcs-registry      [issuer]                      delegate registry        endorsers: issuer org
 *   dbcs-delegate      [issuer, manager]             delegate (deposit)       endorsers: issuer + manager orgs
 *   dbcs-contract      [id]                          investment contract      endorsers: issuer org
 *   dbcs-contract-by-issuer [issuer, createdAt, id]  index (no value)
 *   dbcs-signing       [id]                          signing (deposits)       endorsers: issuer + delegate + client orgs
 *   dbcs-signing-party [party, createdAt, id]        index for client, delegate and issuer
 *   dbcs-dispute       [id]                          dispute                  endorsers: the signing's orgs
 *   dbcs-dispute-open  [openedAt, id]                index of unruled disputes, oldest first
 * Keys that record money get their key-level endorsement policy when created; index keys only
 * point at records. Listings page with getStateByPartialCompositeKeyWithPagination.
 */
const CONTRACT_BY_ISSUER: RecordIndex<InvestmentContract> = { objectType: 'dbcs-contract-by-issuer', fixed: true, entries: (c) => [[c.issuer, c.createdAt, c.id]] };
const SIGNING_PARTY: RecordIndex<Signing> = {
  objectType: 'dbcs-signing-party',
  fixed: true,
  entries: (s) => [s.client, s.delegate, s.issuer].map((party) => [party, s.createdAt, s.id]),
};
/** Unruled disputes only: the entry goes when the dispute is RULED. */
const DISPUTE_OPEN: RecordIndex<Dispute> = { objectType: 'dbcs-dispute-open', entries: (d) => (d.status === 'RULED' ? [] : [[d.openedAt, d.id]]) };

export class RegistryStore extends RecordStore<DelegateRegistry> {
  constructor(ctx: CovenantContext) {
    super(ctx, { objectType: 'dbcs-registry', what: 'delegate registry of issuer', decode: decodeRegistry, ids: (r) => [r.issuer], endorsers: (r) => [r.issuerMspId] });
  }
}

/** Delegates [issuer, manager]; `create` (a new or re-requested record) sets the key's endorsement policy. */
export class DelegateStore extends RecordStore<Delegate> {
  constructor(ctx: CovenantContext) {
    super(ctx, { objectType: 'dbcs-delegate', what: 'delegate', decode: decodeDelegate, ids: (d) => [d.issuer, d.manager], endorsers: (d) => d.organizations });
  }

  /** One page of an issuer's delegates, in manager account order. */
  listByIssuer(issuer: string, pageSize: string | undefined, bookmark: string | undefined): Promise<Page<Delegate>> {
    return this.list([issuer], pageSize, bookmark);
  }
}

export class ContractStore extends RecordStore<InvestmentContract> {
  constructor(ctx: CovenantContext) {
    super(ctx, { objectType: 'dbcs-contract', what: 'investment contract', decode: decodeContract, ids: (c) => [c.id], endorsers: (c) => [c.issuerMspId], indexes: [CONTRACT_BY_ISSUER] });
  }

  /** One page of contracts: an issuer's oldest first, or everyone's in id order. */
  listByIssuer(issuer: string | undefined, pageSize: string | undefined, bookmark: string | undefined): Promise<Page<InvestmentContract>> {
    return issuer ? this.listBy(CONTRACT_BY_ISSUER, [issuer], pageSize, bookmark) : this.list([], pageSize, bookmark);
  }
}

export class SigningStore extends RecordStore<Signing> {
  constructor(ctx: CovenantContext) {
    super(ctx, { objectType: 'dbcs-signing', what: 'signing', decode: decodeSigning, ids: (s) => [s.id], endorsers: (s) => s.organizations, indexes: [SIGNING_PARTY] });
  }

  /** One page of the signings a party (client, delegate or issuer) is in, oldest first. */
  listByParty(party: string, pageSize: string | undefined, bookmark: string | undefined): Promise<Page<Signing>> {
    return this.listBy(SIGNING_PARTY, [party], pageSize, bookmark);
  }
}

/** Disputes, and the open-dispute index: present while OPEN or ESCALATED. */
export class DisputeStore extends RecordStore<Dispute> {
  constructor(ctx: CovenantContext) {
    super(ctx, { objectType: 'dbcs-dispute', what: 'dispute', decode: decodeDispute, ids: (d) => [d.id], endorsers: (d) => d.organizations, indexes: [DISPUTE_OPEN] });
  }

  /** One page of unruled disputes (OPEN or ESCALATED), oldest first. */
  listOpen(pageSize: string | undefined, bookmark: string | undefined): Promise<Page<Dispute>> {
    return this.listBy(DISPUTE_OPEN, [], pageSize, bookmark);
  }
}
