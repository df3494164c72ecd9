import type { CovenantContext } from '../shared/context';
import { alreadyExists, doubleSpend, failedPrecondition, forbidden, notFound } from '../shared/errors';
import { AccountStore, debit } from '../accounts/account';
import { verify } from '../privacy/ring';
import { batchIdOf } from './batch';
import { checkOutputs, planSpend } from './rules';
import { moveReserve } from './reserve';
import { currentNotesSettings } from './settings';
import { spendDigest } from './spend-digest';
import { BatchStore, DepositMarkerStore, KeyImageStore, NoteStore, PrivateTxStore } from './store';
import type { DepositRequest, NoteOutput, PrivateTxRecord, SpendRequest } from './schema';

/**
 * The ledger side of notes:deposit and notes:spend (issue 13; privacy design section 1): reads
 * what the request names, lets the pure rules (rules.ts) judge it, verifies every ring signature
 * over the spend digest, then writes notes, key images, the reserve, the account and the record
 * into the batch of the transaction time. A refusal throws before anything commits.
 */

/** What a deposit or spend wrote: its record (the Merkle leaf). */
export interface Applied {
  record: PrivateTxRecord;
}

/** The open batch of this transaction: FAILED_PRECONDITION "batch sealed" once it is sealed. */
async function openBatch(ctx: CovenantContext): Promise<string> {
  const { batchSeconds } = await currentNotesSettings(ctx);
  const batchId = batchIdOf(ctx.now, batchSeconds);
  if (await new BatchStore(ctx).find(batchId)) throw failedPrecondition(`batch sealed: batch ${batchId} is sealed; submit again`);
  return batchId;
}

/** Writes new notes (ALREADY_EXISTS when a one-time key is already a note of its denomination). */
async function writeNotes(ctx: CovenantContext, outputs: readonly NoteOutput[], batchId: string): Promise<void> {
  const notes = new NoteStore(ctx);
  for (const o of outputs) {
    if (await notes.findNote(BigInt(o.denomination), o.output.oneTimePublicKey)) throw alreadyExists(`one-time key ${o.output.oneTimePublicKey} is already a note of ${o.denomination}`);
    await notes.save({ denomination: o.denomination, output: o.output, memo: o.memo, txId: ctx.txId, batchId });
  }
}

/**
 * A deposit by the caller: its own account is debited Σ denominations (INSUFFICIENT_FUNDS), the
 * reserve credited, the notes written. ALREADY_EXISTS for a requestId the caller already used or
 * a one-time key already a note; INVALID_ARGUMENT for malformed outputs; FAILED_PRECONDITION for
 * a caller without account or a sealed batch.
 */
export async function applyDeposit(ctx: CovenantContext, request: DepositRequest): Promise<Applied> {
  const accounts = new AccountStore(ctx);
  const account = await accounts.own();
  const markers = new DepositMarkerStore(ctx);
  const marked = await markers.find(account.id, request.requestId);
  if (marked) throw alreadyExists(`deposit request ${request.requestId} was applied in transaction ${marked.txId}`);
  const { total } = checkOutputs(request.outputs);
  const batchId = await openBatch(ctx);
  await accounts.save(debit(account, total));
  await moveReserve(ctx, total);
  await writeNotes(ctx, request.outputs, batchId);
  await markers.mark(account.id, request.requestId);
  const record: PrivateTxRecord = { kind: 'deposit', txId: ctx.txId, batchId, time: ctx.now, inputs: [], outputs: request.outputs, account: account.id, amount: total.toString() };
  await new PrivateTxStore(ctx).add(record);
  return { record };
}

/**
 * A payment or withdrawal authorised by ring signatures alone (any submitter: relayers submit).
 * Order: the pure rules (INVALID_ARGUMENT); every ring member a note of the input's denomination
 * (NOT_FOUND); every signature verifies over the spend digest (FORBIDDEN); each key image unspent
 * (ALREADY_EXISTS when recorded with this very digest, a retry; DOUBLE_SPEND otherwise); then key
 * images, notes, the withdrawal's account credit and reserve debit, and the record are written.
 */
export async function applySpend(ctx: CovenantContext, request: SpendRequest): Promise<Applied> {
  const { minRingSize } = await currentNotesSettings(ctx);
  const plan = planSpend(request, minRingSize);
  const notes = new NoteStore(ctx);
  for (const [i, input] of request.inputs.entries()) {
    for (const member of input.ring) {
      if (!(await notes.findNote(plan.inputDenominations[i], member))) throw notFound(`inputs[${i}].ring member ${member} is not a note of ${input.denomination}`);
    }
  }
  const digestBytes = spendDigest(request, ctx.stub.getChannelID());
  for (const [i, input] of request.inputs.entries()) {
    if (!verify(digestBytes, input.ring, input.signature)) throw forbidden(`inputs[${i}]: ring signature does not verify`);
  }
  const digest = Buffer.from(digestBytes).toString('base64url');
  const images = new KeyImageStore(ctx);
  for (const keyImage of plan.keyImages) {
    const spent = await images.find(keyImage);
    if (spent?.digest === digest) throw alreadyExists(`this payment was applied in transaction ${spent.txId}`);
    if (spent) throw doubleSpend(`key image ${keyImage} was spent in transaction ${spent.txId}`);
  }
  const batchId = await openBatch(ctx);
  for (const keyImage of plan.keyImages) await images.spend(keyImage, digest);
  await writeNotes(ctx, request.outputs, batchId);
  if (request.withdrawal) {
    const payee = await new AccountStore(ctx).payee(request.withdrawal.account);
    await payee.credit(plan.withdrawn);
    await moveReserve(ctx, -plan.withdrawn);
  }
  const record: PrivateTxRecord = {
    kind: request.withdrawal ? 'withdrawal' : 'payment',
    txId: ctx.txId,
    batchId,
    time: ctx.now,
    inputs: request.inputs.map((input) => ({ denomination: input.denomination, ring: input.ring, keyImage: input.signature.keyImage, signature: input.signature })),
    outputs: request.outputs,
    account: request.withdrawal?.account,
    amount: request.withdrawal?.amount,
  };
  await new PrivateTxStore(ctx).add(record);
  return { record };
}
