import { canonicalBytes } from '../../src/shared/canonical';
import { leafHash, merkleRoot, verifyInclusion } from '../../src/privacy/merkle';
import { closeAfterEach, submitWithEvent } from '../helpers';
import { advanceClock, resetClock } from '../scrip-fixture';
import { NotesNetwork, buildSpend, deposit, depositRequest, notesNetwork, outputsTo, ringAround } from './fixture';

/**
 * Batches (issue 13 "Merkle proofs"): every private transaction is a leaf of the batch of its
 * transaction time; a batch is sealed once its window has ended, with the RFC 9162 root of its
 * records in transaction id order; every record's inclusion proof verifies against that root.
 */
let net: NotesNetwork;
closeAfterEach(() => net);
afterEach(resetClock);

const WINDOW = 50_000;

/** Moves the ledger clock to one second into the next window of `seconds`. */
function toNextWindow(seconds: number): void {
  const ms = seconds * 1000;
  advanceClock(ms - (Date.now() % ms) + 1000);
}

const b64 = (s: string) => Buffer.from(s, 'base64url');

test('a batch seals after its window with the RFC 9162 root of its records, and every record proves its inclusion', async () => {
  net = await notesNetwork();
  await net.submit('admin2', 'notes:setSettings', '3', String(WINDOW));
  toNextWindow(WINDOW);
  const pool = [...(await deposit(net, 'alice', [10, 10])), ...(await deposit(net, 'dave', [10, 10]))];
  const pay = buildSpend({ inputs: [{ note: pool[0], ring: ringAround(pool[0], pool, 3) }], outputs: outputsTo(net.keys.bob!, [5, 5]).outputs });
  const { txId: paymentTx, batchId } = await net.submit('carol', 'notes:spend', JSON.stringify(pay));
  const listed = await net.evaluate('bob', 'notes:listTransactions', batchId, '', '');
  expect(listed.items).toHaveLength(3);
  expect(listed.items.map((r: any) => r.txId)).toEqual(listed.items.map((r: any) => r.txId).sort());

  expect(await net.refusal('bob', 'notes:sealBatch', batchId)).toBe('FAILED_PRECONDITION');
  await expect(net.evaluate('bob', 'notes:inclusionProof', paymentTx)).rejects.toMatchObject({ code: 'FAILED_PRECONDITION' });
  expect(await net.refusal('bob', 'notes:sealBatch', '000000000001')).toBe('NOT_FOUND');

  advanceClock(WINDOW * 1000);
  const { result: batch, event } = await submitWithEvent(net, 'bob', 'notes:sealBatch', batchId);
  expect(event.name).toBe('PrivateBatchSealed');
  const root = merkleRoot(listed.items.map((r: unknown) => canonicalBytes(r)));
  expect(batch).toMatchObject({ batchId, size: 3, root: root.toString('base64url') });
  expect(await net.evaluate('alice', 'notes:getBatch', batchId)).toEqual(batch);
  expect((await net.evaluate('alice', 'notes:listBatches', '', '')).items).toEqual([batch]);
  expect(await net.refusal('dave', 'notes:sealBatch', batchId)).toBe('ALREADY_EXISTS');

  for (const record of listed.items) {
    const proof = await net.evaluate('dave', 'notes:inclusionProof', record.txId);
    expect(proof).toMatchObject({ txId: record.txId, batchId, treeSize: 3, root: batch.root, record });
    const hash = leafHash(canonicalBytes(proof.record));
    expect(hash.toString('base64url')).toBe(proof.leafHash);
    const parsed = { leafIndex: proof.leafIndex, treeSize: proof.treeSize, inclusionPath: proof.auditPath.map(b64) };
    expect(verifyInclusion(parsed, hash, b64(batch.root))).toEqual({ ok: true });
    // An altered record, path or index does not verify.
    const altered = leafHash(canonicalBytes({ ...proof.record, time: '2000-01-01T00:00:00.000Z' }));
    expect(verifyInclusion(parsed, altered, b64(batch.root)).ok).toBe(false);
    const badPath = parsed.inclusionPath.map((h: Buffer, i: number) => (i === 0 ? Buffer.alloc(32, 7) : h));
    expect(verifyInclusion({ ...parsed, inclusionPath: badPath }, hash, b64(batch.root)).ok).toBe(false);
    expect(verifyInclusion({ ...parsed, leafIndex: (parsed.leafIndex + 1) % 3 }, hash, b64(batch.root)).ok).toBe(false);
  }
  // Later transactions go into a later, open batch.
  const later = await net.submit('alice', 'notes:deposit', depositRequest(outputsTo(net.keys.alice!, [1]).outputs));
  expect(later.batchId > batchId).toBe(true);
});

test('a transaction whose time falls in a sealed batch is refused "batch sealed" and moves nothing', async () => {
  net = await notesNetwork();
  await net.submit('admin1', 'notes:setSettings', '', String(WINDOW));
  toNextWindow(WINDOW);
  const { batchId } = await net.submit('alice', 'notes:deposit', depositRequest(outputsTo(net.keys.alice!, [2]).outputs));
  advanceClock(WINDOW * 1000);
  await net.submit('bob', 'notes:sealBatch', batchId);
  // Widening the window by one second renumbers the windows: now falls into the sealed batch's id
  // again (as a proposal with a stale timestamp would on Fabric).
  await net.submit('admin1', 'notes:setSettings', '', String(WINDOW + 1));
  const request = depositRequest(outputsTo(net.keys.alice!, [2]).outputs);
  const before = (await net.evaluate('alice', 'accounts:getOwnAccount')).balance;
  await expect(net.ledger.submit(net.ids.alice, 'notes:deposit', [request])).rejects.toMatchObject({ code: 'FAILED_PRECONDITION', message: expect.stringContaining('batch sealed') });
  expect((await net.evaluate('alice', 'accounts:getOwnAccount')).balance).toBe(before);
  expect((await net.evaluate('alice', 'notes:getBatch', batchId)).size).toBe(1);
});
