import { createHash, randomBytes } from 'node:crypto';
import { ChaincodeError } from '@covenant/embedded-ledger';
import { TestNetwork, UserName, testNetwork } from './network';
import { balances, closeAfterEach, evalRefusal, expectRefusedUnchanged, submitWithEvent } from './helpers';
import { TestHtlc, Tpc, agreed, fundedNetwork, moneyInSystem, mpcBytes, openChannel, signBytes, signedBy, sleep, stateArg } from './channels-fixture';
import { tpcStateBytes } from '../src/channels/state';

/**
 * Hash-locked conditional updates (HTLCs, as Lightning's BOLT 2/3) in two-party channel states,
 * and the preimage registry that resolves them on the ledger: the signed bytes, the conservation
 * rule, and every dispute path (checkpoint, startClose, challengeClose, settle) with HTLCs,
 * through fabric-contract-api's dispatch on the embedded ledger.
 */
let net: TestNetwork;
closeAfterEach(() => net);

const AB: [UserName, UserName] = ['alice', 'bob'];

/** A fresh preimage (32 bytes, hex) and its SHA-256 hash. */
function secret(): { preimage: string; hash: string } {
  const bytes = randomBytes(32);
  return { preimage: bytes.toString('hex'), hash: createHash('sha256').update(bytes).digest('hex') };
}

/** An ISO time `ms` from now, as the chaincode wants it (toISOString). */
const inMs = (ms: number) => new Date(Date.now() + ms).toISOString();

const htlc = (id: string, hash: string, amount: number, expiresAt: string, payer: 0 | 1 = 0): TestHtlc => ({ id, hash, amount, expiresAt, payer });

const channel = (id = 'ab') => net.evaluate('alice', 'channels:getChannel', id);

/** The refusal code and detail of a submit that must fail. */
async function refusal(as: UserName, fn: string, ...args: string[]): Promise<{ code: string; detail: string }> {
  try {
    await net.ledger.submit(net.ids[as], fn, args);
  } catch (err) {
    if (err instanceof ChaincodeError) return { code: err.code, detail: err.detail };
    throw err;
  }
  throw new Error(`${fn} was expected to be refused`);
}

const reveal = (as: UserName, preimage: string) => submitWithEvent(net, as, 'channels:revealPreimage', JSON.stringify({ preimage }));

/** Waits until `iso` has passed (the embedded ledger's transaction time is real time). */
const until = (iso: string) => sleep(Math.max(0, Date.parse(iso) - Date.now()) + 100);

/** alice and bob's channel `ab` (700 / 300) with a 1 s challenge period. */
async function withChannel(): Promise<void> {
  net = await fundedNetwork();
  await net.submit('admin1', 'channels:setChallengePeriod', '1');
  await openChannel(net, 'ab', AB, [700, 300]);
}

describe('signed bytes', () => {
  test('a plain state gives exactly the bytes signed before HTLCs existed; HTLCs are signed sorted by id', () => {
    const plain = { channel: 'ab', version: 3, balances: [650n, 350n] as [bigint, bigint], final: false };
    const pinned = '{"balances":["650","350"],"channel":"ab","domain":"covenant/tpc-state/v1","final":false,"version":3}';
    expect(Buffer.from(tpcStateBytes(plain)).toString('utf8')).toBe(pinned);
    expect(Buffer.from(tpcStateBytes({ ...plain, htlcs: [] })).toString('utf8')).toBe(pinned);
    const h1 = { id: 'h1', hash: 'a'.repeat(64), amount: 5n, expiresAt: '2030-01-01T00:00:00.000Z', payer: 0 as const };
    const h2 = { ...h1, id: 'h2', payer: 1 as const };
    const withHtlcs = Buffer.from(tpcStateBytes({ ...plain, htlcs: [h2, h1] })).toString('utf8');
    expect(withHtlcs).toBe(
      '{"balances":["650","350"],"channel":"ab","domain":"covenant/tpc-state/v1","final":false,' +
        `"htlcs":[{"amount":"5","expiresAt":"2030-01-01T00:00:00.000Z","hash":"${'a'.repeat(64)}","id":"h1","payer":0},` +
        `{"amount":"5","expiresAt":"2030-01-01T00:00:00.000Z","hash":"${'a'.repeat(64)}","id":"h2","payer":1}],"version":3}`,
    );
    expect(Buffer.from(tpcStateBytes({ ...plain, htlcs: [h1, h2] })).toString('utf8')).toBe(withHtlcs);
  });
});

describe('states with HTLCs', () => {
  test('a checkpoint stores them and the view shows them; refusals for every broken invariant', async () => {
    await withChannel();
    const { hash } = secret();
    const expiresAt = inMs(60_000);
    const good: Tpc = { version: 1, balances: [600, 300], htlcs: [htlc('h1', hash, 100, expiresAt)] };
    const refuse = (code: string, s: Tpc) => expectRefusedUnchanged(net, code as never, 'alice', 'channels:checkpoint', 'ab', ...agreed(net, 'ab', AB, s));
    const bad = (change: Partial<TestHtlc>, balances: Tpc['balances'] = [600, 300]): Tpc => ({ ...good, balances, htlcs: [{ ...good.htlcs![0], ...change }] });
    await refuse('INVALID_ARGUMENT', { ...good, balances: [600, 301] }); // 600 + 301 + 100 is not the total
    await refuse('INVALID_ARGUMENT', { ...good, balances: [700, 300] }); // the HTLC amount taken from nowhere
    await refuse('INVALID_ARGUMENT', { ...good, balances: [500, 300], htlcs: [htlc('h1', hash, 100, expiresAt), htlc('h1', hash, 100, expiresAt)] });
    await refuse('INVALID_ARGUMENT', bad({ hash: hash.toUpperCase() }));
    await refuse('INVALID_ARGUMENT', bad({ hash: hash.slice(1) }));
    await refuse('INVALID_ARGUMENT', bad({ amount: 0 }, [700, 300]));
    await refuse('INVALID_ARGUMENT', bad({ amount: -100 }, [800, 300]));
    await refuse('INVALID_ARGUMENT', bad({ expiresAt: '2030-01-01T00:00:00Z' }));
    await refuse('INVALID_ARGUMENT', bad({ expiresAt: 'tomorrow' }));
    await refuse('INVALID_ARGUMENT', bad({ payer: 2 as never }));
    await refuse('INVALID_ARGUMENT', bad({ id: '' }));
    await refuse('INSUFFICIENT_FUNDS', { ...good, balances: [-100, 1000] });
    // a signature over the state without its HTLC does not sign the state with it
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'alice', 'channels:checkpoint', 'ab', stateArg(good), signedBy(net, 'ab', { ...good, htlcs: undefined }, AB));
    // a final state closes the channel: it may carry no HTLC
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'alice', 'channels:closeChannel', 'ab', ...agreed(net, 'ab', AB, { ...good, final: true }));

    const { result: view, event } = await submitWithEvent(net, 'alice', 'channels:checkpoint', 'ab', ...agreed(net, 'ab', AB, good));
    expect(view).toMatchObject({ version: 1, balances: ['600', '300'], total: '1000', htlcs: [{ id: 'h1', hash, amount: '100', expiresAt, payer: 0 }] });
    expect(event.payload.channel).toEqual(view);
    expect(await channel()).toEqual(view);
    // the same version must be the same state: a final one without the HTLC conflicts
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'alice', 'channels:closeChannel', 'ab', ...agreed(net, 'ab', AB, { version: 1, balances: [600, 400], final: true }));
    // fulfilled off-chain: the next state moves the amount to bob and drops the HTLC
    const next = await net.submit('bob', 'channels:checkpoint', 'ab', ...agreed(net, 'ab', AB, { version: 2, balances: [600, 400] }));
    expect(next).toMatchObject({ version: 2, balances: ['600', '400'] });
    expect(next.htlcs).toBeUndefined();
  });

  test('a channel with pending HTLCs on the ledger cannot be bound into a multiparty channel', async () => {
    await withChannel();
    await openChannel(net, 'bc', ['bob', 'carol'], [500, 500]);
    const { hash } = secret();
    await net.submit('alice', 'channels:checkpoint', 'ab', ...agreed(net, 'ab', AB, { version: 1, balances: [600, 300], htlcs: [htlc('h1', hash, 100, inMs(60_000))] }));
    const request = (abState: { version: number; balances: [number, number] }) => {
      const state = { version: 0, channels: [{ channel: 'ab', ...abState }, { channel: 'bc', version: 0, balances: [500, 500] as [number, number] }] };
      const parties: UserName[] = ['alice', 'bob', 'carol'];
      const signatures = Object.fromEntries(parties.map((u) => [net.account[u], signBytes(net, u, mpcBytes('mpc', state))]));
      return JSON.stringify({ id: 'mpc', parties: parties.map((u) => net.account[u]), channels: ['ab', 'bc'], signatures });
    };
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'alice', 'channels:openMultiparty', request({ version: 1, balances: [600, 300] }));
    // once the HTLC is settled off-chain and checkpointed, the channel binds
    await net.submit('alice', 'channels:checkpoint', 'ab', ...agreed(net, 'ab', AB, { version: 2, balances: [600, 400] }));
    expect(await net.submit('alice', 'channels:openMultiparty', request({ version: 2, balances: [600, 400] }))).toMatchObject({ status: 'OPEN' });
  });
});

describe('preimage registry', () => {
  test('anyone with an account reveals; the first reveal wins; everyone hears of it', async () => {
    net = await fundedNetwork();
    const { preimage, hash } = secret();
    const first = await reveal('carol', preimage);
    expect(first.result).toEqual({ hash, preimage, revealedAt: first.result.revealedAt });
    expect(first.event.name).toBe('PreimageRevealed');
    expect(first.event.payload).toEqual({ preimage: first.result, txId: first.event.txId });
    expect(first.event.audience).toEqual({ accounts: [], organizations: [], roles: [], everyone: true });
    await sleep(20);
    const again = await reveal('dave', preimage);
    expect(again.result).toEqual(first.result);
    expect(await net.evaluate('bob', 'channels:getPreimage', hash)).toEqual(first.result);
    expect(await evalRefusal(net, 'bob', 'channels:getPreimage', secret().hash)).toBe('NOT_FOUND');
    expect(await evalRefusal(net, 'bob', 'channels:getPreimage', 'xyz')).toBe('INVALID_ARGUMENT');
    for (const body of [{ preimage: 'ABCD' }, { preimage: 'abc' }, { preimage: '' }, { preimage: 'ab'.repeat(65) }, { preimage: 42 }, { preimage, extra: 1 }]) {
      await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'carol', 'channels:revealPreimage', JSON.stringify(body));
    }
  });

  test('a caller without an account may not reveal', async () => {
    net = await testNetwork({ register: false });
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'alice', 'channels:revealPreimage', JSON.stringify({ preimage: secret().preimage }));
  });
});

describe('unilateral close with HTLCs', () => {
  test('revealed before its expiry, an HTLC settles to its payee; another, expired unrevealed, back to its payer', async () => {
    await withChannel();
    const money = await moneyInSystem(net);
    const toBob = secret();
    const toAlice = secret();
    // alice offers bob 100 (h1); bob offers alice 50 (h2), whose preimage never appears
    const s: Tpc = { version: 1, balances: [600, 250], htlcs: [htlc('h1', toBob.hash, 100, inMs(3000), 0), htlc('h2', toAlice.hash, 50, inMs(3000), 1)] };
    const started = await net.submit('alice', 'channels:startClose', 'ab', ...agreed(net, 'ab', AB, s));
    expect(started.closing).toMatchObject({ version: 1, balances: ['600', '250'], htlcs: [{ id: 'h1', amount: '100', payer: 0 }, { id: 'h2', amount: '50', payer: 1 }] });
    await reveal('bob', toBob.preimage);
    await until(s.htlcs![0].expiresAt);
    const { result: settled, event } = await submitWithEvent(net, 'carol', 'channels:settle', 'ab');
    expect(settled).toMatchObject({ status: 'CLOSED', version: 1, balances: ['600', '400'] });
    expect(settled.htlcs).toBeUndefined();
    expect(BigInt(settled.balances[0]) + BigInt(settled.balances[1])).toBe(1000n);
    expect(event.payload.channel).toEqual(settled);
    expect(await balances(net, AB)).toEqual({ alice: { balance: '9900', held: '0' }, bob: { balance: '10100', held: '0' } });
    expect(await moneyInSystem(net)).toEqual({ accounts: money.accounts + 1000n, channels: 0n, total: money.total });
  });

  test('unrevealed: settle is refused until the expiry, naming it, then refunds the payer', async () => {
    await withChannel();
    const { hash } = secret();
    const expiresAt = inMs(4000); // the refusal below runs between the 1 s deadline and this expiry
    const s: Tpc = { version: 1, balances: [700, 200], htlcs: [htlc('h1', hash, 100, expiresAt, 1)] };
    const started = await net.submit('alice', 'channels:startClose', 'ab', ...agreed(net, 'ab', AB, s));
    await until(started.closing.deadline);
    const before = await channel();
    const refused = await refusal('carol', 'channels:settle', 'ab');
    expect(refused.code).toBe('FAILED_PRECONDITION');
    expect(refused.detail).toContain(`after ${expiresAt}`);
    expect(await channel()).toEqual(before);
    await until(expiresAt);
    expect(await net.submit('carol', 'channels:settle', 'ab')).toMatchObject({ status: 'CLOSED', balances: ['700', '300'] });
    expect(await balances(net, AB)).toEqual({ alice: { balance: '10000', held: '0' }, bob: { balance: '10000', held: '0' } });
  });

  test('a preimage revealed after the expiry does not pay the payee', async () => {
    await withChannel();
    const { preimage, hash } = secret();
    const expiresAt = inMs(1200);
    await net.submit('bob', 'channels:startClose', 'ab', ...agreed(net, 'ab', AB, { version: 1, balances: [600, 300], htlcs: [htlc('h1', hash, 100, expiresAt, 0)] }));
    await until(expiresAt);
    const late = await reveal('bob', preimage);
    expect(Date.parse(late.result.revealedAt)).toBeGreaterThan(Date.parse(expiresAt));
    expect(await net.submit('bob', 'channels:settle', 'ab')).toMatchObject({ status: 'CLOSED', balances: ['700', '300'] });
  });

  test('the stored HTLC state registers without signatures; a challenge replaces the registered HTLCs', async () => {
    await withChannel();
    const { preimage, hash } = secret();
    const v1: Tpc = { version: 1, balances: [600, 300], htlcs: [htlc('h1', hash, 100, inMs(60_000), 0)] };
    await net.submit('alice', 'channels:checkpoint', 'ab', ...agreed(net, 'ab', AB, v1));
    // the stored state, HTLC included, with [] signatures; the same version with other HTLCs conflicts
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'alice', 'channels:startClose', 'ab', ...agreed(net, 'ab', AB, { ...v1, htlcs: [{ ...v1.htlcs![0], id: 'h2' }] }));
    const started = await net.submit('alice', 'channels:startClose', 'ab', stateArg(v1), '[]');
    expect(started.closing.htlcs).toHaveLength(1);
    // bob holds version 2, where alice offered 50 more (h2): he registers it
    const v2: Tpc = { version: 2, balances: [550, 300], htlcs: [v1.htlcs![0], htlc('h2', hash, 50, inMs(60_000), 0)] };
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'bob', 'channels:challengeClose', 'ab', ...agreed(net, 'ab', AB, { ...v2, balances: [600, 300] }));
    const challenged = await net.submit('bob', 'channels:challengeClose', 'ab', ...agreed(net, 'ab', AB, v2));
    expect(challenged.closing).toMatchObject({ version: 2, balances: ['550', '300'], htlcs: [{ id: 'h1' }, { id: 'h2', amount: '50' }] });
    await reveal('bob', preimage);
    await until(started.closing.deadline);
    expect(await net.submit('alice', 'channels:settle', 'ab')).toMatchObject({ status: 'CLOSED', balances: ['550', '450'] });
  });
});
