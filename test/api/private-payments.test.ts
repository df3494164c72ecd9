import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { canonicalBytes, leafHash, spendDigest } from '@covenant/chaincode';
import { EMBEDDED_CHANNEL } from '@covenant/embedded-ledger';
import { decodeClaim, verifyClaim } from '../../gateway/src/privacy/inclusion-proof';
import { HttpSigner } from '../../gateway/src/privacy/signer-client';
import { createStealthOutput } from '../../gateway/src/privacy/stealth-wallet';
import { HttpResult, TEST_LEDGER, TestGateway, registerAll, startTestGateway } from '../support/gateway';

/**
 * Private payments over REST across the three organisations' gateways (issue 13; design section
 * 3): alice (Org1) and carol (Org3) register stealth keys, alice deposits notes, pays carol
 * privately with a memo through relayers drawn at random, carol's scan finds the notes and the
 * memo and bob's (Org2) finds nothing, carol withdraws into her account; account balances and the
 * notes reserve are exact throughout. The ledger refuses a replayed signed spend and a tampered
 * one; an inclusion proof verifies against its batch's root and an altered one does not.
 * Each organisation's keys live in its own signer process (the deployed signer, over HTTP).
 * Runs on the embedded ledger and on the network (COVENANT_TEST_LEDGER=fabric): balances are
 * read relative to their values at the start, rings find their decoys among alice's own deposit.
 */
jest.setTimeout(240_000);

let gw: TestGateway;
let id: Record<string, string>;
const MINTED = 100_000n;

const balance = async (name: string) => BigInt((await gw.as(name).get(`/v1/accounts/${id[name]}`)).body.balance);
const reserve = async () => BigInt((await gw.as('bob').get('/v1/private/reserve')).body.balance);
const created = (res: HttpResult, what: string) => {
  if (res.status !== 201 && res.status !== 200) throw new Error(`${what}: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
};
const notesOf = async (name: string) => created(await gw.as(name).get('/v1/private/notes'), `notes of ${name}`) as { notes: { denomination: string; memo?: string; txId: string; status: string; oneTimePublicKey: string; output: any }[]; balance: string };
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** The inclusion proof of `txId`, waiting (as Retry-After says) while its batch's window is open. */
async function proofOf(name: string, txId: string): Promise<any> {
  for (let i = 0; i < 30; i++) {
    const res = await gw.as(name).get(`/v1/private/transactions/${txId}/inclusion-proof`);
    if (res.status === 200) return res.body;
    expect([res.status, res.body.code, res.body.detail]).toEqual([409, 'FAILED_PRECONDITION', expect.stringMatching(/not sealed yet/)]);
    if (!(Number(res.headers.get('retry-after')) > 0)) throw new Error(`409 without Retry-After: ${res.body.detail}`);
    await sleep(Math.min(Number(res.headers.get('retry-after')), 5) * 1000);
  }
  throw new Error(`no inclusion proof of ${txId}`);
}

/** The signed spend a record holds, as notes:spend takes it. */
function spendOf(record: any) {
  return {
    inputs: record.inputs.map((i: any) => ({ denomination: i.denomination, ring: i.ring, signature: i.signature })),
    outputs: record.outputs,
    ...(record.kind === 'withdrawal' ? { withdrawal: { account: record.account, amount: record.amount } } : {}),
  };
}

const payments: { txId: string; batchId: string; relayedBy: string }[] = [];
let reserve0 = 0n;

beforeAll(async () => {
  gw = await startTestGateway(undefined, { perOrg: true, signerProcesses: true });
  id = await registerAll(gw, ['bank', 'alice', 'bob', 'carol']);
  const minted = await gw.as('bank').post(`/v1/accounts/${id.alice}/mint`, { amount: MINTED.toString() });
  if (minted.status !== 200) throw new Error(`mint: ${minted.status}`);
});
afterAll(() => gw?.close());

describe('private payments between organisations', () => {
  test('keys are registered and published; a payment to an account without keys is 404', async () => {
    for (const name of ['alice', 'bob', 'carol']) {
      const keys = created(await fetch(`${gw.as(name).url}/v1/private/keys`, { method: 'PUT', headers: { authorization: `Bearer ${gw.as(name).apiKey}` } }).then(async (r) => ({ status: r.status, body: await r.json(), headers: r.headers })), `keys of ${name}`);
      expect(keys).toMatchObject({ accountId: id[name], viewPublicKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/), spendPublicKey: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
      // Anyone reads the published meta-address, from any gateway.
      expect((await gw.as('bob').get(`/v1/private/keys/${id[name]}`)).body).toMatchObject({ viewPublicKey: keys.viewPublicKey, spendPublicKey: keys.spendPublicKey });
      // Again: the same keys, published once (same registration time).
      const again = await fetch(`${gw.as(name).url}/v1/private/keys`, { method: 'PUT', headers: { authorization: `Bearer ${gw.as(name).apiKey}` } }).then((r) => r.json());
      expect(again).toEqual(keys);
    }
    expect((await gw.as('alice').get(`/v1/private/keys/${id.bank}`)).status).toBe(404);
  });

  test('alice deposits notes: her account is debited, the reserve credited, her scan finds them', async () => {
    reserve0 = await reserve();
    const deposit = created(await gw.as('alice').post('/v1/private/deposits', { amount: '1200', denomination: '100' }, { 'idempotency-key': 'dep-1' }), 'deposit');
    expect(deposit).toMatchObject({ amount: '1200', change: '0' });
    expect(deposit.notes).toHaveLength(12);
    // A retry with the same key answers the same deposit and moves nothing more.
    const again = await gw.as('alice').post('/v1/private/deposits', { amount: '1200', denomination: '100' }, { 'idempotency-key': 'dep-1' });
    expect(again.body.txId).toBe(deposit.txId);
    expect(await balance('alice')).toBe(MINTED - 1200n);
    expect(await reserve()).toBe(reserve0 + 1200n);
    const mine = await notesOf('alice');
    expect(mine.balance).toBe('1200');
    expect(mine.notes.filter((n) => n.status === 'unspent')).toHaveLength(12);
  });

  test('alice pays carol privately with a memo; carol finds the notes and the memo, bob finds nothing; no account moves', async () => {
    const carol0 = await balance('carol');
    const first = created(await gw.as('alice').post('/v1/private/payments', { to: id.carol, amount: '300', memo: 'invoice 17' }), 'payment');
    expect(first).toMatchObject({ amount: '300', change: '0', relayedBy: expect.stringMatching(/^Org[123]MSP$/) });
    payments.push(first);
    for (let i = 0; i < 7; i++) payments.push(created(await gw.as('alice').post('/v1/private/payments', { to: id.carol, amount: '100' }), `payment ${i}`));

    const carol = await notesOf('carol');
    expect(carol.balance).toBe('1000');
    expect(carol.notes.filter((n) => n.memo === 'invoice 17').map((n) => n.txId)).toEqual([first.txId]);
    expect(carol.notes.filter((n) => n.txId === first.txId).map((n) => n.denomination).sort()).toEqual(['100', '200']);
    expect(await notesOf('bob')).toEqual({ notes: [], balance: '0' });
    expect((await notesOf('alice')).balance).toBe('200');
    // Payments move no account money and leave the reserve as it was.
    expect(await balance('alice')).toBe(MINTED - 1200n);
    expect(await balance('carol')).toBe(carol0);
    expect(await reserve()).toBe(reserve0 + 1200n);
    // The relayer is drawn among the organisations: over 8 payments not always alice's (Org1).
    expect(new Set(payments.map((p) => p.relayedBy)).size).toBeGreaterThan(1);
    expect(payments.some((p) => p.relayedBy !== 'Org1MSP')).toBe(true);
  });

  test('carol withdraws into her account: the reserve is debited by exactly the amount', async () => {
    const carol0 = await balance('carol');
    const out = created(await gw.as('carol').post('/v1/private/withdrawals', { amount: '100' }), 'withdrawal');
    expect(out).toMatchObject({ amount: '100', change: '0' });
    expect(await balance('carol')).toBe(carol0 + 100n);
    expect(await reserve()).toBe(reserve0 + 1100n);
    expect((await notesOf('carol')).balance).toBe('900');
    // More than she holds: 422, nothing moves.
    const tooMuch = await gw.as('carol').post('/v1/private/withdrawals', { amount: '5000' });
    expect([tooMuch.status, tooMuch.body.code]).toEqual([422, 'INSUFFICIENT_FUNDS']);
    expect(await reserve()).toBe(reserve0 + 1100n);
  });

  test('an inclusion proof verifies against its batch root; an altered one does not', async () => {
    const proof = await proofOf('carol', payments[0].txId);
    const batch = (await gw.as('bob').get(`/v1/private/batches/${proof.batchId}`)).body;
    const rootHex = Buffer.from(batch.root, 'base64url').toString('hex');
    expect(proof.rootHash).toBe(rootHex);
    const leaf = leafHash(canonicalBytes(proof.record)).toString('hex');
    expect(leaf).toBe(proof.leafHash);
    const claim = (over: Record<string, unknown> = {}) => decodeClaim({ root: rootHex, leafHash: leaf, index: proof.leafIndex, size: proof.treeSize, path: proof.inclusionPath, ...over });
    expect(verifyClaim(claim())).toEqual({ ok: true });
    const alteredRecord = leafHash(canonicalBytes({ ...proof.record, amount: '1' })).toString('hex');
    expect(verifyClaim(claim({ leafHash: alteredRecord })).ok).toBe(false);
    if (proof.inclusionPath.length > 0) {
      const path = [...proof.inclusionPath];
      path[0] = (path[0][0] === '0' ? '1' : '0') + path[0].slice(1);
      expect(verifyClaim(claim({ path })).ok).toBe(false);
    }
    if (proof.treeSize > 1) expect(verifyClaim(claim({ index: (proof.leafIndex + 1) % proof.treeSize })).ok).toBe(false);
  });

  test('a replayed signed spend is refused by any relayer, and a tampered one is 403', async () => {
    const record = (await proofOf('carol', payments[1].txId)).record;
    const spend = spendOf(record);
    for (const org of ['Org1MSP', 'Org2MSP', 'Org3MSP']) {
      const url = gw.gateways[['Org1MSP', 'Org2MSP', 'Org3MSP'].indexOf(org)].url;
      const res = await fetch(`${url}/v1/private/relay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spend) });
      const body = (await res.json()) as any;
      expect([res.status, body.code]).toEqual([409, 'ALREADY_EXISTS']);
    }
    const tampered = { ...spend, outputs: spend.outputs.map((o: any, i: number) => (i === 0 ? { ...o, output: { ...o.output, viewTag: (o.output.viewTag + 1) % 256 } } : o)) };
    const res = await fetch(`${gw.gateways[1].url}/v1/private/relay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(tampered) });
    expect([res.status, ((await res.json()) as any).code]).toEqual([403, 'FORBIDDEN']);
    expect(await reserve()).toBe(reserve0 + 1100n);
    expect((await notesOf('carol')).balance).toBe('900');
  });

  test('a payment retried with its Idempotency-Key is applied once', async () => {
    const first = created(await gw.as('alice').post('/v1/private/payments', { to: id.carol, amount: '100' }, { 'idempotency-key': 'pay-retry' }), 'payment');
    const again = await gw.as('alice').post('/v1/private/payments', { to: id.carol, amount: '100' }, { 'idempotency-key': 'pay-retry' });
    expect([again.status, again.body.txId, again.headers.get('idempotent-replayed')]).toEqual([201, first.txId, 'true']);
    expect((await notesOf('alice')).balance).toBe('100');
    expect((await notesOf('carol')).balance).toBe('1000');
    expect(await reserve()).toBe(reserve0 + 1100n);
  });

  test('two different spends of one note relayed at once by two organisations: one commits, the other is DOUBLE_SPEND', async () => {
    // Whoever holds alice's signer token (here the test, as an attacker inside Org1 would) signs
    // two spends of her last unspent note to carol, with different outputs, and relays them
    // concurrently through Org2's and Org3's gateways. The key image is one key: on Fabric the
    // second to commit fails MVCC validation and, retried, is DOUBLE_SPEND; the embedded ledger
    // serialises them.
    const alice = created(await gw.as('alice').get('/v1/private/notes?all=true'), 'all notes of alice') as Awaited<ReturnType<typeof notesOf>>;
    const note = alice.notes.find((n) => n.status === 'unspent' && n.denomination === '100')!;
    expect(note).toBeDefined();
    const ring = alice.notes.filter((n) => n.denomination === '100').slice(0, 11).map((n) => n.oneTimePublicKey);
    if (!ring.includes(note.oneTimePublicKey)) ring[0] = note.oneTimePublicKey;
    ring.sort();
    const channel = TEST_LEDGER === 'fabric' ? JSON.parse(await readFile(join(gw.identitiesDir, 'connection.json'), 'utf8')).channel : EMBEDDED_CHANNEL;
    const signer = new HttpSigner(gw.signers.Org1MSP);
    const [scanned] = (await signer.scan(id.alice, [note.output])).results;
    const carolAddress = (await gw.as('bob').get(`/v1/private/keys/${id.carol}`)).body;
    const spends = [];
    for (let i = 0; i < 2; i++) {
      const outputs = [{ denomination: '100', output: createStealthOutput(carolAddress).output }];
      const digest = spendDigest({ inputs: [{ denomination: '100', ring, keyImage: scanned.keyImage }], outputs }, channel);
      const { signature } = await signer.sign(id.alice, note.output, ring, digest);
      spends.push({ inputs: [{ denomination: '100', ring, signature }], outputs });
    }
    const carol0 = BigInt((await notesOf('carol')).balance);
    const reserveBefore = await reserve();
    const answers = await Promise.all(
      spends.map(async (spend, i) => {
        const res = await fetch(`${gw.gateways[i + 1].url}/v1/private/relay`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(spend) });
        return { status: res.status, code: ((await res.json()) as any).code as string | undefined };
      }),
    );
    expect(answers.map((a) => `${a.status} ${a.code}`).sort()).toEqual(["200 undefined", "409 DOUBLE_SPEND"]);
    expect(answers.find((a) => a.status === 409)!.code).toBe('DOUBLE_SPEND');
    // carol received the note once; the reserve did not move; alice's note is spent.
    expect(BigInt((await notesOf('carol')).balance)).toBe(carol0 + 100n);
    expect(await reserve()).toBe(reserveBefore);
    expect((await notesOf('alice')).balance).toBe('0');
  });

  test('two payments sent at once by one payer spend different notes: both are applied', async () => {
    created(await gw.as('alice').post('/v1/private/deposits', { amount: '200', denomination: '100' }), 'deposit');
    const carol0 = BigInt((await notesOf('carol')).balance);
    const answers = await Promise.all([0, 1].map(() => gw.as('alice').post('/v1/private/payments', { to: id.carol, amount: '100' })));
    expect(answers.map((a) => a.status)).toEqual([201, 201]);
    expect(new Set(answers.map((a) => a.body.txId)).size).toBe(2);
    expect(BigInt((await notesOf('carol')).balance)).toBe(carol0 + 200n);
    expect((await notesOf('alice')).balance).toBe('0');
  });
});
