import type { RecordInclusionProof, StealthMetaAddress, StealthOutput } from '@covenant/chaincode';
import type { ChaincodeClient, TransactionIdSink } from '../ledger/chaincode';
import type { Principal } from '../identity/store';
import type { DepositResult, NoteOutput, Page, PrivateTxRecord, SealedBatch, SignedSpend, SpendResult } from './spend-types';

/** The ledger settings of private payments (notes:getSettings): batch window and smallest ring. */
export interface NotesSettings {
  batchSeconds: number;
  minRingSize: number;
}

/** A published stealth meta-address (notes:getAddress). */
export interface AddressView extends StealthMetaAddress {
  accountId: string;
  registeredAt: string;
}


/** Most items per listing page asked of the chaincode. */
export const PAGE_SIZE = 100;

/**
 * The chaincode contract `notes` as the wallet calls it: one typed method per transaction
 * function (JSON string arguments, as the chaincode takes them), through the gateway's
 * ChaincodeClient, so submits made while a request is handled are journaled for its
 * Idempotency-Key. Reads evaluate as `principal` (any identity may read notes).
 */
export class NotesLedger {
  constructor(private readonly chaincode: ChaincodeClient) {}

  /** The channel spends are signed for (spendDigest's `channel`). */
  get channel(): string {
    return this.chaincode.ledger.channel ?? 'covenant';
  }

  registerAddress(p: Principal, address: StealthMetaAddress, sink?: TransactionIdSink): Promise<AddressView> {
    return this.chaincode.submit(p, 'notes:registerAddress', [JSON.stringify(address)], sink);
  }

  getAddress(p: Principal, accountId: string): Promise<AddressView> {
    return this.chaincode.evaluate(p, 'notes:getAddress', [accountId]);
  }

  deposit(p: Principal, request: { requestId: string; outputs: NoteOutput[] }, sink?: TransactionIdSink): Promise<DepositResult> {
    return this.chaincode.submit(p, 'notes:deposit', [JSON.stringify(request)], sink);
  }

  /** notes:spend as `relayer`: the ring signatures authorise it, not the submitter. */
  spend(relayer: Principal, spend: SignedSpend): Promise<SpendResult> {
    return this.chaincode.submit(relayer, 'notes:spend', [JSON.stringify(spend)]);
  }

  sealBatch(p: Principal, batchId: string): Promise<SealedBatch> {
    return this.chaincode.submit(p, 'notes:sealBatch', [batchId]);
  }

  getBatch(p: Principal, batchId: string): Promise<SealedBatch> {
    return this.chaincode.evaluate(p, 'notes:getBatch', [batchId]);
  }

  listTransactions(p: Principal, batchId: string, bookmark = ''): Promise<Page<PrivateTxRecord>> {
    return this.chaincode.evaluate(p, 'notes:listTransactions', [batchId, String(PAGE_SIZE), bookmark]);
  }

  getTransaction(p: Principal, txId: string): Promise<PrivateTxRecord> {
    return this.chaincode.evaluate(p, 'notes:getTransaction', [txId]);
  }

  listNotes(p: Principal, denomination: string, bookmark = ''): Promise<Page<{ denomination: string; output: StealthOutput }>> {
    return this.chaincode.evaluate(p, 'notes:listNotes', [denomination, String(PAGE_SIZE), bookmark]);
  }

  keyImageStatus(p: Principal, keyImage: string): Promise<{ spent: boolean; txId?: string }> {
    return this.chaincode.evaluate(p, 'notes:keyImageStatus', [keyImage]);
  }

  inclusionProof(p: Principal, txId: string): Promise<RecordInclusionProof> {
    return this.chaincode.evaluate(p, 'notes:inclusionProof', [txId]);
  }

  getReserve(p: Principal): Promise<{ balance: string }> {
    return this.chaincode.evaluate(p, 'notes:getReserve', []);
  }

  getSettings(p: Principal): Promise<NotesSettings> {
    return this.chaincode.evaluate(p, 'notes:getSettings', []);
  }

  /** Every record of `batchId`, all pages, in key (txId) order. */
  async allTransactions(p: Principal, batchId: string): Promise<PrivateTxRecord[]> {
    const out: PrivateTxRecord[] = [];
    let bookmark = '';
    do {
      const page = await this.listTransactions(p, batchId, bookmark);
      out.push(...page.items);
      bookmark = page.items.length === 0 ? '' : page.bookmark;
    } while (bookmark);
    return out;
  }

  /** The one-time keys of every note of `denomination`, at most `limit` (decoy candidates). */
  async noteKeys(p: Principal, denomination: string, limit: number): Promise<string[]> {
    const out: string[] = [];
    let bookmark = '';
    do {
      const page = await this.listNotes(p, denomination, bookmark);
      out.push(...page.items.map((n) => n.output.oneTimePublicKey));
      bookmark = page.items.length === 0 ? '' : page.bookmark;
    } while (bookmark && out.length < limit);
    return out.slice(0, limit);
  }
}

/** The batch of a time (seconds since the epoch) for a window of `batchSeconds`: 12 decimal digits. */
export function batchIdOf(seconds: number, batchSeconds: number): string {
  return String(Math.floor(seconds / batchSeconds)).padStart(12, '0');
}

/** The end of batch `batchId`'s window, in seconds since the epoch. */
export function batchEnd(batchId: string, batchSeconds: number): number {
  return (Number(batchId) + 1) * batchSeconds;
}
