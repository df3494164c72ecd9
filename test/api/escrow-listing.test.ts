import { TestGateway, startFundedGateway } from '../support/gateway';

/**
 * GET /v1/escrows with role=any (the default) over REST: the chaincode merges the caller's role
 * ranges of the escrow party index, pages with an opaque bookmark, and refuses one it did not
 * return. Earlier escrows of a shared real network may be listed too: the checks hold for the
 * whole listing and for this run's escrows within it.
 */
describe('escrow listing over REST', () => {
  const run = Date.now().toString(36);
  let gw: TestGateway;
  let id: Record<string, string>;

  beforeAll(async () => {
    ({ gw, id } = await startFundedGateway(['bank', 'alice', 'bob', 'arbiter'], { alice: '100000', arbiter: '1000' }));
  });
  afterAll(() => gw.close());

  const create = async (as: string, tag: string, to: string, arbitrator?: string) => {
    const res = await gw.as(as).post('/v1/escrows', { id: `${tag}-${run}`, amount: '1', recipients: [{ account: id[to], shareBps: 10000 }], arbitrator: arbitrator && id[arbitrator] });
    expect(res.status).toBe(201);
    return res.body.id as string;
  };

  /** Every page of `query`, following bookmarks. */
  const allPages = async (as: string, query: string, size: number) => {
    const items: any[] = [];
    let bookmark = '';
    for (let pages = 1; ; pages++) {
      const res = await gw.as(as).get(`/v1/escrows?${query}&pageSize=${size}&bookmark=${encodeURIComponent(bookmark)}`);
      expect(res.status).toBe(200);
      expect(res.body.items.length).toBeLessThanOrEqual(size);
      items.push(...res.body.items);
      bookmark = res.body.bookmark;
      if (!bookmark) return items;
      if (pages > 500) throw new Error('too many pages');
    }
  };
  const position = (e: any) => Buffer.from(`${e.status}\u0000${e.createdAt}\u0000${e.id}\u0000`, 'utf8');

  test('a party in every role lists each of its escrows once, in (status, createdAt, id) order, across pages', async () => {
    const mine = [
      await create('arbiter', 'z-init', 'bob'),
      await create('alice', 'y-recv', 'arbiter'),
      await create('alice', 'x-arb', 'bob', 'arbiter'),
      await create('arbiter', 'w-init', 'bob'),
      await create('alice', 'v-recv', 'arbiter'),
      await create('alice', 'u-arb', 'bob', 'arbiter'),
    ];
    await create('alice', 'not-arbiters', 'bob');
    for (const size of [1, 2, 3]) {
      for (const query of ['role=any&status=PROPOSED', 'status=PROPOSED']) {
        const items = await allPages('arbiter', query, size);
        const ids = items.map((e) => e.id);
        expect(new Set(ids).size).toBe(ids.length);
        for (let i = 1; i < items.length; i++) expect(Buffer.compare(position(items[i - 1]), position(items[i]))).toBeLessThan(0);
        // Created in this order, so listed in it (oldest first within a status), whatever their ids.
        expect(ids.filter((x) => x.endsWith(`-${run}`))).toEqual(mine);
      }
    }
  });

  test('a bookmark the listing did not return is 400 INVALID_ARGUMENT', async () => {
    await create('alice', 'bm-1', 'bob');
    await create('alice', 'bm-2', 'bob');
    const first = await gw.as('alice').get('/v1/escrows?pageSize=1');
    expect(first.body.bookmark).not.toBe('');
    const bobsKey = `\u0000escrow-party\u0000${id.bob}\u0000initiator\u0000`;
    for (const [query, bookmark] of [
      ['', 'garbage!'],
      ['', Buffer.from(JSON.stringify([bobsKey, null, null])).toString('base64url')],
      ['role=initiator&', bobsKey],
      ['role=initiator&', first.body.bookmark],
    ]) {
      const res = await gw.as('alice').get(`/v1/escrows?${query}pageSize=1&bookmark=${encodeURIComponent(bookmark)}`);
      expect({ query, bookmark, status: res.status, code: res.body.code }).toEqual({ query, bookmark, status: 400, code: 'INVALID_ARGUMENT' });
    }
    const second = await gw.as('alice').get(`/v1/escrows?pageSize=1&bookmark=${encodeURIComponent(first.body.bookmark)}`);
    expect(second.status).toBe(200);
    expect(second.body.items).toHaveLength(1);
    expect(second.body.items[0].id).not.toBe(first.body.items[0].id);
  });
});
