import { Info, Returns, Transaction } from 'fabric-contract-api';
import { CovenantContract } from '../shared/contract';
import { CovenantContext } from '../shared/context';
import { alreadyExists, failedPrecondition, notFound } from '../shared/errors';
import { canonicalJson } from '../shared/canonical';
import { EVERYONE } from '../shared/audience';
import { parseAccountId } from '../shared/args';
import { AccountStore } from '../accounts/account';
import { decodePoint, privacyReady } from '../privacy/group';
import { applyDeposit, applySpend } from './ledger';
import { batchRoot, batchWindow, parseBatchId, recordInclusionProof } from './batch';
import { parseDenomination } from './denominations';
import { reserveBalance } from './reserve';
import { changeNotesSettings, currentNotesSettings } from './settings';
import { AddressStore, BatchStore, KeyImageStore, NoteStore, PrivateTxStore } from './store';
import { DepositRequest, RegisterAddressRequest, SpendRequest } from './schema';

/**
 * Private payments (issue 13; patent CN113393225A, seeds/002): money deposited from accounts into
 * notes of fixed denominations owned by one-time keys, spent by linkable ring signatures (bLSAG)
 * whose key images refuse a second spend, withdrawn back to accounts; every transaction committed
 * into a time batch sealed with an RFC 9162 Merkle root. Contract name `notes`. Rules and keys:
 * notes/README.md. Amounts are minor units as decimal strings; keys base64url of 32 bytes.
 */
@Info({ title: 'notes', description: 'Private payments: stealth addresses, notes, ring-signed spends, key images, sealed Merkle batches' })
export class NotesContract extends CovenantContract {
  constructor() {
    super('notes');
  }

  /**
   * Before every transaction of this contract (fabric-contract-api's hook): waits until libsodium,
   * which verifies the ring signatures and parses the keys, is loaded (once per process).
   */
  override async beforeTransaction(ctx: CovenantContext): Promise<void> {
    await super.beforeTransaction(ctx);
    await privacyReady();
  }

  /**
   * Publishes the caller's stealth meta-address `{viewPublicKey, spendPublicKey}` (JSON; canonical
   * non-identity ristretto255 points), replacing a previous one. The caller's account must exist
   * (FAILED_PRECONDITION). Returns the address. Errors: INVALID_ARGUMENT. Event
   * `StealthAddressRegistered` to everyone (addresses are public).
   */
  @Transaction()
  @Returns('string')
  async registerAddress(ctx: CovenantContext, address: string): Promise<string> {
    const parsed = this.request(RegisterAddressRequest, address, 'address');
    decodePoint(parsed.viewPublicKey, 'viewPublicKey');
    decodePoint(parsed.spendPublicKey, 'spendPublicKey');
    const account = await new AccountStore(ctx).own();
    const store = new AddressStore(ctx, account.mspId);
    const existed = (await store.find(account.id)) !== undefined;
    const record = await store.save({ accountId: account.id, ...parsed, registeredAt: ctx.now }, { create: !existed });
    return this.emitted(ctx, 'StealthAddressRegistered', record, { address: record }, EVERYONE);
  }

  /** The stealth meta-address of `accountId`; anyone may read it. Errors: INVALID_ARGUMENT, NOT_FOUND. */
  @Transaction(false)
  @Returns('string')
  async getAddress(ctx: CovenantContext, accountId: string): Promise<string> {
    return canonicalJson(await new AddressStore(ctx).get(parseAccountId(accountId, 'accountId')));
  }

  /**
   * Deposits from the caller's own account into notes: `request` JSON `{requestId, outputs:
   * [{denomination, output: StealthOutput, memo?}]}` (1..16 outputs). Debits Σ denominations,
   * credits the reserve. Returns `{txId, batchId, amount, outputs}`. Errors: INVALID_ARGUMENT,
   * INSUFFICIENT_FUNDS, ALREADY_EXISTS (requestId replayed, one-time key taken),
   * FAILED_PRECONDITION (no account, batch sealed). Event `PrivateDeposit` {account, amount,
   * outputs, batchId} to everyone.
   */
  @Transaction()
  @Returns('string')
  async deposit(ctx: CovenantContext, request: string): Promise<string> {
    const { record } = await applyDeposit(ctx, this.request(DepositRequest, request));
    const result = { txId: ctx.txId, batchId: record.batchId, amount: record.amount, outputs: record.outputs };
    return this.emitted(ctx, 'PrivateDeposit', result, { account: record.account, amount: record.amount, outputs: record.outputs, batchId: record.batchId }, EVERYONE);
  }

  /**
   * Spends notes: `payment` JSON `{inputs: [{denomination, ring, signature}], outputs:
   * [{denomination, output, memo?}], withdrawal?: {account, amount}}`; every input's bLSAG signs
   * spendDigest(payment, channel). Any identity may submit (the signatures authorise). Returns
   * `{txId, batchId, keyImages, outputs, withdrawal?}`. Errors: INVALID_ARGUMENT (shape, ring
   * size, conservation), NOT_FOUND (ring member not a note, withdrawal account), FORBIDDEN
   * (signature), ALREADY_EXISTS (this payment already applied), DOUBLE_SPEND, FAILED_PRECONDITION
   * (batch sealed, ceiling). Event `PrivatePayment` or `PrivateWithdrawal` to everyone.
   */
  @Transaction()
  @Returns('string')
  async spend(ctx: CovenantContext, payment: string): Promise<string> {
    const { record } = await applySpend(ctx, this.request(SpendRequest, payment, 'payment'));
    const keyImages = record.inputs.map((i) => i.keyImage);
    const withdrawal = record.account === undefined ? undefined : { account: record.account, amount: record.amount };
    const result = { txId: ctx.txId, batchId: record.batchId, keyImages, outputs: record.outputs, withdrawal };
    const event = withdrawal ? 'PrivateWithdrawal' : 'PrivatePayment';
    return this.emitted(ctx, event, result, { keyImages, outputs: record.outputs, batchId: record.batchId, ...withdrawal }, EVERYONE);
  }

  /**
   * Seals batch `batchId` (12 digits): once the transaction time is past its window, records the
   * RFC 9162 root of its records (key order). Anyone may seal. Returns the batch `{batchId, start,
   * end, size, root, sealedAt}`. Errors: INVALID_ARGUMENT, FAILED_PRECONDITION (window not ended,
   * more than 10,000 records), ALREADY_EXISTS (sealed), NOT_FOUND (no records). Event
   * `PrivateBatchSealed` to everyone.
   */
  @Transaction()
  @Returns('string')
  async sealBatch(ctx: CovenantContext, batchId: string): Promise<string> {
    const id = parseBatchId(batchId);
    const { start, end } = batchWindow(id, (await currentNotesSettings(ctx)).batchSeconds);
    if (ctx.now < end) throw failedPrecondition(`batch ${id} is open until ${end}`);
    const batches = new BatchStore(ctx);
    if (await batches.find(id)) throw alreadyExists(`batch ${id} is already sealed`);
    const records = await new PrivateTxStore(ctx).all(id);
    if (records.length === 0) throw notFound(`batch ${id} has no records: nothing to seal`);
    const batch = await batches.save({ batchId: id, start, end, size: records.length, root: batchRoot(records), sealedAt: ctx.now });
    return this.emitted(ctx, 'PrivateBatchSealed', batch, { batch }, EVERYONE);
  }

  /** A sealed batch; anyone may read it. Errors: INVALID_ARGUMENT, NOT_FOUND (unknown or not sealed). */
  @Transaction(false)
  @Returns('string')
  async getBatch(ctx: CovenantContext, batchId: string): Promise<string> {
    return canonicalJson(await new BatchStore(ctx).get(parseBatchId(batchId)));
  }

  /** Sealed batches, one page in id order: `{items, bookmark}`; `pageSize` 1..100 (default 20). */
  @Transaction(false)
  @Returns('string')
  async listBatches(ctx: CovenantContext, pageSize: string, bookmark: string): Promise<string> {
    const page = await new BatchStore(ctx).list([], pageSize, bookmark);
    return canonicalJson({ items: page.records, bookmark: page.bookmark });
  }

  /**
   * The records of batch `batchId` in key (txId) order, one page: `{items: [PrivateTransaction],
   * bookmark}` (what scanners read; sealed or not). Anyone may read: records name no payer.
   */
  @Transaction(false)
  @Returns('string')
  async listTransactions(ctx: CovenantContext, batchId: string, pageSize: string, bookmark: string): Promise<string> {
    const page = await new PrivateTxStore(ctx).list([parseBatchId(batchId)], pageSize, bookmark);
    return canonicalJson({ items: page.records, bookmark: page.bookmark });
  }

  /** The record of private transaction `txId`. Errors: NOT_FOUND. */
  @Transaction(false)
  @Returns('string')
  async getTransaction(ctx: CovenantContext, txId: string): Promise<string> {
    const store = new PrivateTxStore(ctx);
    const batchId = await store.locate(txId);
    if (batchId === undefined) throw notFound(`private transaction ${txId} does not exist`);
    return canonicalJson(await store.get(batchId, txId));
  }

  /**
   * The notes of `denomination`, one page in one-time key order: `{items: [{denomination,
   * output}], bookmark}` (for decoy selection). Spent notes stay listed: which are spent is secret.
   */
  @Transaction(false)
  @Returns('string')
  async listNotes(ctx: CovenantContext, denomination: string, pageSize: string, bookmark: string): Promise<string> {
    const page = await new NoteStore(ctx).listDenomination(parseDenomination(denomination, 'denomination'), pageSize, bookmark);
    return canonicalJson({ items: page.records.map((n) => ({ denomination: n.denomination, output: n.output })), bookmark: page.bookmark });
  }

  /** Whether key image `keyImage` is spent: `{spent, txId?}`. Errors: INVALID_ARGUMENT. */
  @Transaction(false)
  @Returns('string')
  async keyImageStatus(ctx: CovenantContext, keyImage: string): Promise<string> {
    decodePoint(keyImage, 'keyImage');
    const spent = await new KeyImageStore(ctx).find(keyImage);
    return canonicalJson(spent ? { spent: true, txId: spent.txId } : { spent: false });
  }

  /**
   * The inclusion proof of private transaction `txId` in its sealed batch: `{txId, batchId,
   * leafIndex, treeSize, leafHash, auditPath, root, record}` (hashes base64url; leaf data =
   * canonicalBytes(record)). Errors: NOT_FOUND, FAILED_PRECONDITION ("batch not sealed yet").
   */
  @Transaction(false)
  @Returns('string')
  async inclusionProof(ctx: CovenantContext, txId: string): Promise<string> {
    const store = new PrivateTxStore(ctx);
    const batchId = await store.locate(txId);
    if (batchId === undefined) throw notFound(`private transaction ${txId} does not exist`);
    const batch = await new BatchStore(ctx).find(batchId);
    if (!batch) throw failedPrecondition(`batch not sealed yet: batch ${batchId} of transaction ${txId}`);
    return canonicalJson(recordInclusionProof(await store.all(batchId), txId, batch.root));
  }

  /** The notes reserve `{balance}` (minor units): the money behind every note. */
  @Transaction(false)
  @Returns('string')
  async getReserve(ctx: CovenantContext): Promise<string> {
    return canonicalJson({ balance: await reserveBalance(ctx) });
  }

  /** The settings in force `{minRingSize, batchSeconds, updatedAt?, updatedBy?}`. */
  @Transaction(false)
  @Returns('string')
  async getSettings(ctx: CovenantContext): Promise<string> {
    return canonicalJson(await currentNotesSettings(ctx));
  }

  /**
   * Changes `minRingSize` (2..64) and/or `batchSeconds` (1..86400), decimal strings, '' to keep.
   * Member organisation administrators only. Errors: INVALID_ARGUMENT, FORBIDDEN,
   * FAILED_PRECONDITION. Event `NotesSettingsChanged` to everyone.
   */
  @Transaction()
  @Returns('string')
  async setSettings(ctx: CovenantContext, minRingSize: string, batchSeconds: string): Promise<string> {
    const next = await changeNotesSettings(ctx, minRingSize, batchSeconds);
    return this.emitted(ctx, 'NotesSettingsChanged', next, { settings: next }, EVERYONE);
  }
}
