import { LedgerStore, Write } from '@covenant/embedded-ledger';
import { TestNetwork, UserName, testNetwork } from './network';
import { closeAfterEach, evalRefusal } from './helpers';

/**
 * The escrow party index keeps one row per party ([party, role, status, createdAt, id]); a
 * role=any listing merges the party's role ranges in (status, createdAt, id) order with an opaque
 * bookmark.
 */
let net: TestNetwork;
closeAfterEach(() => net);

const INDEX = '\u0000escrow-party\u0000';
const realCommit = LedgerStore.prototype.commit;
const LONG = (tag: string) => `${tag}-`.padEnd(64, 'x');

async function funded(): Promise<TestNetwork> {
  const n = await testNetwork();
  for (const user of ['alice', 'bob', 'arbiter'] as UserName[]) await n.submit('bank', 'accounts:mint', n.account[user], '10000');
  return n;
}

function create(as: UserName, id: string, to: UserName[], arbitrator?: UserName): Promise<any> {
  const share = 10000 / to.length;
  const body = { id, amount: '10', recipients: to.map((u) => ({ account: net.account[u], shareBps: share })), arbitrator: arbitrator && net.account[arbitrator] };
  return net.submit(as, 'escrow:create', JSON.stringify(body));
}

const list = (as: UserName, role: string, status: string, pageSize: string, bookmark = '') => net.evaluate(as, 'escrow:list', role, status, pageSize, bookmark);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value), 'utf8').toString('base64url');

/**
 * arbiter initiates i1..i4, receives r1..r4 and is named arbitrator of x1..x4, created interleaved
 * (ids out of creation order) and moved to mixed statuses; `other` does not concern it.
 */
async function populate(): Promise<string[]> {
  net = await funded();
  await create('arbiter', 'm-i1', ['bob']);
  await create('alice', 'k-r1', ['arbiter']);
  await create('alice', 'z-x1', ['bob'], 'arbiter');
  await create('arbiter', 'b-i2', ['carol']);
  await create('alice', 'y-x2', ['bob'], 'arbiter');
  await create('bob', 'c-r2', ['arbiter']);
  await create('alice', 'other', ['bob']);
  await create('arbiter', 'x-i3', ['bob']);
  await create('bob', 'a-x3', ['alice'], 'arbiter');
  await create('alice', 'w-r3', ['arbiter', 'carol']);
  await create('alice', LONG('x4'), ['dave'], 'arbiter');
  await create('arbiter', LONG('i4'), ['dave']);
  await create('bob', 'd-r4', ['arbiter', 'dave']);
  await net.submit('carol', 'escrow:confirm', 'b-i2'); // ACTIVE
  await net.submit('bob', 'escrow:confirm', 'y-x2');
  await net.submit('bob', 'escrow:dispute', 'y-x2', JSON.stringify({ reason: 'not delivered' })); // DISPUTED
  await net.submit('arbiter', 'escrow:confirm', 'c-r2'); // ACTIVE
  await net.submit('bob', 'escrow:confirm', 'x-i3');
  await net.submit('arbiter', 'escrow:complete', 'x-i3'); // COMPLETED
  await net.submit('alice', 'escrow:confirm', 'a-x3'); // ACTIVE
  await net.submit('alice', 'escrow:cancel', 'w-r3'); // CANCELLED
  return ['m-i1', 'k-r1', 'z-x1', 'b-i2', 'y-x2', 'c-r2', 'x-i3', 'a-x3', 'w-r3', LONG('x4'), LONG('i4'), 'd-r4'];
}

/** Every page of a listing, following bookmarks; checks each page's size and bookmark length. */
async function allPages(as: UserName, role: string, status: string, size: number): Promise<{ ids: string[]; pages: number; statuses: string[] }> {
  const ids: string[] = [];
  const statuses: string[] = [];
  let bookmark = '';
  let pages = 0;
  do {
    const page = await list(as, role, status, String(size), bookmark);
    expect(page.records.length).toBeLessThanOrEqual(size);
    ids.push(...page.records.map((r: any) => r.id));
    statuses.push(...page.records.map((r: any) => r.status));
    bookmark = page.bookmark;
    // The gateway's PageQuery accepts bookmarks of at most 1024 characters.
    expect(bookmark.length).toBeLessThanOrEqual(1024);
    pages += 1;
    if (pages > 50) throw new Error('too many pages');
  } while (bookmark !== '');
  return { ids, pages, statuses };
}

describe('role=any listing over the role ranges', () => {
  test('a party in every role pages through each escrow exactly once, in (status, createdAt, id) order, with and without a status filter', async () => {
    const ids = await populate();
    const escrows = await Promise.all(ids.map((id) => net.evaluate('arbiter', 'escrow:get', id)));
    const order = (a: any, b: any) => (a.status !== b.status ? (a.status < b.status ? -1 : 1) : a.createdAt !== b.createdAt ? (a.createdAt < b.createdAt ? -1 : 1) : a.id < b.id ? -1 : 1);
    const sorted = [...escrows].sort(order);
    // Within a status the roles interleave by creation (b-i2 initiator, c-r2 recipient, a-x3 arbitrator), not by id.
    expect(sorted.filter((e) => e.status === 'ACTIVE').map((e) => e.id)).toEqual(['b-i2', 'c-r2', 'a-x3']);
    for (const status of ['', 'PROPOSED', 'ACTIVE', 'DISPUTED', 'COMPLETED', 'CANCELLED', 'REFUNDED']) {
      const expected = sorted.filter((e) => status === '' || e.status === status).map((e) => e.id);
      for (const size of [1, 2, 3, 100]) {
        const got = await allPages('arbiter', 'any', status, size);
        expect({ status, size, ids: got.ids }).toEqual({ status, size, ids: expected });
        expect({ status, size, pages: got.pages }).toEqual({ status, size, pages: Math.max(1, Math.ceil(expected.length / size)) });
        if (status) expect(new Set(got.statuses)).toEqual(new Set(expected.length ? [status] : []));
      }
    }
    // The default role is any.
    expect((await list('arbiter', '', '', '100')).records.map((r: any) => r.id)).toEqual(sorted.map((e) => e.id));
  });

  test('escrows created between pages are reached, and none is listed twice', async () => {
    const ids = await populate();
    const first = await list('arbiter', 'any', 'PROPOSED', '2');
    await create('arbiter', 'late-1', ['bob']);
    await create('alice', 'late-2', ['arbiter']);
    const seen = first.records.map((r: any) => r.id);
    let bookmark = first.bookmark;
    while (bookmark) {
      const page = await list('arbiter', 'any', 'PROPOSED', '2', bookmark);
      seen.push(...page.records.map((r: any) => r.id));
      bookmark = page.bookmark;
    }
    const proposed = ids.filter((id) => ['m-i1', 'k-r1', 'z-x1', LONG('x4'), LONG('i4'), 'd-r4'].includes(id));
    // Created later, they sort after every earlier PROPOSED escrow, so the listing reaches them.
    expect(seen.sort()).toEqual([...proposed, 'late-1', 'late-2'].sort());
  });
});

describe('bookmarks', () => {
  test('a malformed or forged bookmark is INVALID_ARGUMENT', async () => {
    await populate();
    const genuine = (await list('arbiter', 'any', '', '1')).bookmark;
    expect(genuine).not.toBe('');
    const bobKey = `${INDEX}${net.account.bob}\u0000initiator\u0000PROPOSED\u0000`;
    const forged = [
      'garbage!',
      'not-json',
      b64({}),
      b64([null, null]),
      b64(['', null, null]),
      b64([5, null, null]),
      b64([bobKey, null, null]),
      b64(['PROPOSED', null, null]),
      b64(['PROPOSED\u0000\u0000', null, null]),
      b64(['PROPOSED\u0000\u{10FFFF}\u0000', null, null]),
      `${genuine}x`.slice(1),
    ];
    for (const bookmark of forged) {
      expect({ bookmark, code: await evalRefusal(net, 'arbiter', 'escrow:list', 'any', '', '1', bookmark) }).toEqual({ bookmark, code: 'INVALID_ARGUMENT' });
    }
    // A role listing's bookmark is a key of the caller's own range: another party's key, or another range's, is refused too.
    for (const bookmark of [bobKey, `${INDEX}${net.account.arbiter}\u0000recipient\u0000PROPOSED\u0000`, genuine]) {
      expect({ bookmark, code: await evalRefusal(net, 'arbiter', 'escrow:list', 'initiator', '', '1', bookmark) }).toEqual({ bookmark, code: 'INVALID_ARGUMENT' });
    }
  });

  test("another party's bookmark only resumes the caller's own listing", async () => {
    await populate();
    const bobs = (await list('bob', 'any', '', '1')).bookmark;
    const page = await list('carol', 'any', '', '100', bobs);
    for (const escrow of page.records) {
      expect([escrow.initiator, ...escrow.recipients.map((r: any) => r.account), escrow.arbitrator]).toContain(net.account.carol);
    }
  });
});

describe('index rows written', () => {
  /** The index writes of each transaction committed while `work` runs: puts and deletes. */
  async function indexWrites(work: () => Promise<unknown>): Promise<{ puts: string[][]; deletes: string[][] }> {
    const writes: Write[] = [];
    const spy = jest.spyOn(LedgerStore.prototype, 'commit').mockImplementation(function (this: LedgerStore, tx, ws, metadata) {
      writes.push(...ws);
      return realCommit.call(this, tx, ws, metadata);
    });
    try {
      await work();
    } finally {
      spy.mockRestore();
    }
    const attrs = (w: Write) => w.key.slice(INDEX.length, -1).split('\u0000').slice(0, 3);
    const index = writes.filter((w) => w.key.startsWith(INDEX));
    return { puts: index.filter((w) => w.value !== null).map(attrs), deletes: index.filter((w) => w.value === null).map(attrs) };
  }
  test('one row per party: create writes 2 for a one-recipient escrow; a status change moves them', async () => {
    net = await funded();
    const a = net.account;
    const created = await indexWrites(() => create('alice', 'e1', ['bob']));
    expect(created).toEqual({ puts: [[a.alice, 'initiator', 'PROPOSED'], [a.bob, 'recipient', 'PROPOSED']], deletes: [] });
    const confirmed = await indexWrites(() => net.submit('bob', 'escrow:confirm', 'e1'));
    expect(confirmed).toEqual({ puts: [[a.alice, 'initiator', 'ACTIVE'], [a.bob, 'recipient', 'ACTIVE']], deletes: [[a.alice, 'initiator', 'PROPOSED'], [a.bob, 'recipient', 'PROPOSED']] });
    const withArbitrator = await indexWrites(() => create('alice', 'e2', ['bob', 'carol'], 'arbiter'));
    expect(withArbitrator.puts.map(([, role]) => role)).toEqual(['initiator', 'recipient', 'recipient', 'arbitrator']);
  });

  test("a ledger written before this change keeps its 'any' rows: status changes still work and listings show each escrow once", async () => {
    net = await funded();
    // Write the rows the earlier chaincode wrote on create: one under role 'any' beside each role row.
    const spy = jest.spyOn(LedgerStore.prototype, 'commit').mockImplementation(function (this: LedgerStore, tx, ws, metadata) {
      const legacy = ws.filter((w) => w.key.startsWith(INDEX) && w.value !== null).map((w) => {
        const parts = w.key.split('\u0000');
        parts[3] = 'any';
        return { key: parts.join('\u0000'), value: w.value };
      });
      return realCommit.call(this, tx, tx.fn === 'escrow:create' ? [...ws, ...legacy] : ws, metadata);
    });
    try {
      await create('alice', 'old-1', ['bob']);
      await create('alice', 'old-2', ['bob'], 'arbiter');
      await create('bob', 'old-3', ['alice']);
    } finally {
      spy.mockRestore();
    }
    await net.submit('bob', 'escrow:confirm', 'old-1');
    await net.submit('alice', 'escrow:complete', 'old-1');
    await net.submit('bob', 'escrow:confirm', 'old-2');
    await net.submit('bob', 'escrow:dispute', 'old-2', JSON.stringify({ reason: 'late' }));
    await net.submit('arbiter', 'escrow:rule', 'old-2', JSON.stringify({ outcome: 'REFUND', reasons: 'late' }));
    await net.submit('alice', 'escrow:decline', 'old-3', '{}');
    const any = await list('alice', 'any', '', '100');
    expect(any.records.map((r: any) => [r.id, r.status])).toEqual([
      ['old-1', 'COMPLETED'],
      ['old-3', 'DECLINED'],
      ['old-2', 'REFUNDED'],
    ]);
    expect((await list('arbiter', 'any', '', '1')).records.map((r: any) => r.id)).toEqual(['old-2']);
  });
});
