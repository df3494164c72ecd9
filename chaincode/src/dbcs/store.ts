import type { CovenantContext } from '../shared/context';
import type { Decoder, Page } from '../shared/state';
import { notFound } from '../shared/errors';
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
const REGISTRY = 'dbcs-registry';
const DELEGATE = 'dbcs-delegate';
const CONTRACT = 'dbcs-contract';
const CONTRACT_BY_ISSUER = 'dbcs-contract-by-issuer';
const SIGNING = 'dbcs-signing';
const SIGNING_PARTY = 'dbcs-signing-party';
const DISPUTE = 'dbcs-dispute';
const DISPUTE_OPEN = 'dbcs-dispute-open';

const pointer = (_key: string, raw: unknown): string => {
  const id = (raw as { id?: unknown }).id;
  if (typeof id !== 'string') throw new Error('corrupt dbcs index entry');
  return id;
};

abstract class RecordStore<T> {
  constructor(protected readonly ctx: CovenantContext) {}
  protected abstract readonly what: string;
  protected abstract readonly decode: Decoder<T>;
  abstract key(...ids: string[]): string;

  find(...ids: string[]): Promise<T | undefined> {
    return this.ctx.state.get(this.key(...ids), this.decode);
  }

  /** The record, or NOT_FOUND. */
  async get(...ids: string[]): Promise<T> {
    const record = await this.find(...ids);
    if (!record) throw notFound(`${this.what} ${ids.join('/')} does not exist`);
    return record;
  }
}

export class RegistryStore extends RecordStore<DelegateRegistry> {
  protected readonly what = 'delegate registry of issuer';
  protected readonly decode = decodeRegistry;
  key(issuer: string): string {
    return this.ctx.state.key(REGISTRY, [issuer]);
  }
  async save(r: DelegateRegistry, { create = false } = {}): Promise<void> {
    await this.ctx.state.put(this.key(r.issuer), r, create ? { endorsers: [r.issuerMspId] } : {});
  }
}

export class DelegateStore extends RecordStore<Delegate> {
  protected readonly what = 'delegate';
  protected readonly decode = decodeDelegate;
  key(issuer: string, manager: string): string {
    return this.ctx.state.key(DELEGATE, [issuer, manager]);
  }
  /** Writes a delegate; `fresh` (a new or re-requested record) sets the key's endorsement policy. */
  async save(d: Delegate, { fresh = false } = {}): Promise<void> {
    await this.ctx.state.put(this.key(d.issuer, d.manager), d, fresh ? { endorsers: d.organizations } : {});
  }
  /** One page of an issuer's delegates, in manager account order. */
  list(issuer: string, pageSize: number, bookmark: string): Promise<Page<Delegate>> {
    return this.ctx.state.page(DELEGATE, [issuer], pageSize, bookmark, (_k, raw) => decodeDelegate(raw));
  }
}

export class ContractStore extends RecordStore<InvestmentContract> {
  protected readonly what = 'investment contract';
  protected readonly decode = decodeContract;
  key(id: string): string {
    return this.ctx.state.key(CONTRACT, [id]);
  }
  async save(c: InvestmentContract, { create = false } = {}): Promise<void> {
    await this.ctx.state.put(this.key(c.id), c, create ? { endorsers: [c.issuerMspId] } : {});
    if (create) await this.ctx.state.put(this.ctx.state.key(CONTRACT_BY_ISSUER, [c.issuer, c.createdAt, c.id]), { id: c.id });
  }
  /** One page of contracts: an issuer's oldest first, or everyone's in id order. */
  async list(issuer: string | undefined, pageSize: number, bookmark: string): Promise<Page<InvestmentContract>> {
    if (!issuer) return this.ctx.state.page(CONTRACT, [], pageSize, bookmark, (_k, raw) => decodeContract(raw));
    const page = await this.ctx.state.page(CONTRACT_BY_ISSUER, [issuer], pageSize, bookmark, pointer);
    const records: InvestmentContract[] = [];
    for (const id of page.records) records.push(await this.get(id));
    return { records, bookmark: page.bookmark };
  }
}

export class SigningStore extends RecordStore<Signing> {
  protected readonly what = 'signing';
  protected readonly decode = decodeSigning;
  key(id: string): string {
    return this.ctx.state.key(SIGNING, [id]);
  }
  async save(s: Signing, { create = false } = {}): Promise<void> {
    await this.ctx.state.put(this.key(s.id), s, create ? { endorsers: s.organizations } : {});
    if (create) {
      for (const party of [s.client, s.delegate, s.issuer]) {
        await this.ctx.state.put(this.ctx.state.key(SIGNING_PARTY, [party, s.createdAt, s.id]), { id: s.id });
      }
    }
  }
  /** One page of the signings a party (client, delegate or issuer) is in, oldest first. */
  async listByParty(party: string, pageSize: number, bookmark: string): Promise<Page<Signing>> {
    const page = await this.ctx.state.page(SIGNING_PARTY, [party], pageSize, bookmark, pointer);
    const records: Signing[] = [];
    for (const id of page.records) records.push(await this.get(id));
    return { records, bookmark: page.bookmark };
  }
}

export class DisputeStore extends RecordStore<Dispute> {
  protected readonly what = 'dispute';
  protected readonly decode = decodeDispute;
  key(id: string): string {
    return this.ctx.state.key(DISPUTE, [id]);
  }
  private openKey(d: Dispute): string {
    return this.ctx.state.key(DISPUTE_OPEN, [d.openedAt, d.id]);
  }
  /** Writes a dispute and keeps the open-dispute index: present while OPEN or ESCALATED. */
  async save(d: Dispute, { create = false } = {}): Promise<void> {
    await this.ctx.state.put(this.key(d.id), d, create ? { endorsers: d.organizations } : {});
    if (create) await this.ctx.state.put(this.openKey(d), { id: d.id });
    else if (d.status === 'RULED') await this.ctx.state.delete(this.openKey(d));
  }
  /** One page of unruled disputes (OPEN or ESCALATED), oldest first. */
  async listOpen(pageSize: number, bookmark: string): Promise<Page<Dispute>> {
    const page = await this.ctx.state.page(DISPUTE_OPEN, [], pageSize, bookmark, pointer);
    const records: Dispute[] = [];
    for (const id of page.records) records.push(await this.get(id));
    return { records, bookmark: page.bookmark };
  }
}
