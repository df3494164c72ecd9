import { TestGateway, registerAll, startTestGateway } from '../support/gateway';
import { EventStream, openEventStream } from '../support/sse';

/**
 * The authorization matrix (DESIGN.md, "Consent, exactly-once, visibility"): every request that
 * would move, bind or show a party's money without that party's own act is refused with a stable
 * code, and changes nothing: no balance, hold, escrow or channel moves. One gateway per
 * organisation, so each user acts through its own organisation's gateway, as in production.
 * The closing line counts the cases tried and those wrongly allowed (a 2xx answer).
 */
interface Case {
  name: string;
  call: () => Promise<{ status: number; body: any }>;
  status: number;
  code: string;
}

describe('authorization matrix', () => {
  let gw: TestGateway;
  let id: Record<string, string>;
  const run = Date.now().toString(36);
  const ids = {
    proposed: `az-proposed-${run}`,
    active: `az-active-${run}`,
    proposal: `az-proposal-${run}`,
    channel: `az-channel-${run}`,
    carolChannel: `az-carol-${run}`,
    mpc: `az-mpc-${run}`,
  };
  const users = ['alice', 'bob', 'carol', 'dave'];
  const results: { name: string; status: number; allowed: boolean }[] = [];
  let carolStream: EventStream;

  beforeAll(async () => {
    gw = await startTestGateway(undefined, { perOrg: true });
    id = await registerAll(gw, ['bank', 'arbiter', ...users]);
    // carol listens from before anything of this file is committed.
    carolStream = await openEventStream(`${gw.as('carol').url}/v1/events`, gw.as('carol').apiKey);
    for (const name of users) expect((await gw.as('bank').post(`/v1/accounts/${id[name]}/mint`, { amount: '100000' })).status).toBe(200);
    // An escrow alice→bob still PROPOSED, and one ACTIVE naming the arbitrator.
    const escrow = (eid: string) => ({ id: eid, amount: '1000', recipients: [{ account: id.bob, shareBps: 10000 }], arbitrator: id.arbiter });
    expect((await gw.as('alice').post('/v1/escrows', escrow(ids.proposed))).status).toBe(201);
    expect((await gw.as('alice').post('/v1/escrows', escrow(ids.active))).status).toBe(201);
    expect((await gw.as('bob').post(`/v1/escrows/${ids.active}/confirm`)).status).toBe(200);
    // A channel proposal alice→bob that would take bob's deposit, and an open alice–bob channel.
    const proposal = await gw.as('alice').post('/v1/channels', { id: ids.proposal, counterparty: id.bob, deposit: '100', counterpartyDeposit: '5000' });
    expect(proposal.status).toBe(202);
    expect((await gw.as('alice').post('/v1/channels', { id: ids.channel, counterparty: id.bob, deposit: '3000', counterpartyDeposit: '0' })).status).toBe(201);
    expect((await gw.as('carol').post('/v1/channels', { id: ids.carolChannel, counterparty: id.bob, deposit: '3000', counterpartyDeposit: '0' })).status).toBe(201);
  }, 120_000);

  afterAll(async () => {
    const wrong = results.filter((r) => r.allowed);
    console.log(`authorization matrix: ${results.length} cases tried, ${wrong.length} wrongly allowed${wrong.length ? `: ${wrong.map((w) => w.name).join('; ')}` : ''}`);
    carolStream?.close();
    await gw.close();
  });

  /** Every user's balance and hold, both escrows and both channels as their parties see them. */
  async function snapshot() {
    const out: Record<string, unknown> = {};
    for (const name of users) {
      const { balance, held, activeEscrows } = (await gw.as(name).get('/v1/accounts/me')).body;
      out[name] = { balance, held, activeEscrows };
    }
    for (const e of [ids.proposed, ids.active]) out[e] = (await gw.as('alice').get(`/v1/escrows/${e}`)).body;
    out.channel = (await gw.as('alice').get(`/v1/channels/${ids.channel}`)).body;
    out.carolChannel = (await gw.as('carol').get(`/v1/channels/${ids.carolChannel}`)).body;
    out.proposal = (await gw.as('bob').get('/v1/channels/proposals?pageSize=100')).body.items.find((p: any) => p.id === ids.proposal);
    return out;
  }

  const cases = (): Case[] => [
    // Money moved by someone else
    { name: 'alice mints for herself (no issuer role)', call: () => gw.as('alice').post(`/v1/accounts/${id.alice}/mint`, { amount: '1' }), status: 403, code: 'FORBIDDEN' },
    { name: "an Org2 admin grants a role on Org1's account", call: () => gw.as('admin2').post(`/v1/accounts/${id.alice}/roles`, { role: 'issuer' }), status: 403, code: 'FORBIDDEN' },
    { name: "carol reads alice's account", call: () => gw.as('carol').get(`/v1/accounts/${id.alice}`), status: 403, code: 'FORBIDDEN' },
    // Escrows
    { name: "carol declines alice's escrow to bob", call: () => gw.as('carol').post(`/v1/escrows/${ids.proposed}/decline`, {}), status: 403, code: 'FORBIDDEN' },
    { name: 'bob reclaims the escrow alice funded', call: () => gw.as('bob').post(`/v1/escrows/${ids.proposed}/reclaim`), status: 403, code: 'FORBIDDEN' },
    { name: 'alice reclaims before the acceptance deadline', call: () => gw.as('alice').post(`/v1/escrows/${ids.proposed}/reclaim`), status: 409, code: 'FAILED_PRECONDITION' },
    { name: 'bob completes (pays himself) the escrow alice funded', call: () => gw.as('bob').post(`/v1/escrows/${ids.active}/complete`), status: 403, code: 'FORBIDDEN' },
    { name: 'alice alone cancels an ACTIVE escrow', call: () => gw.as('alice').post(`/v1/escrows/${ids.active}/cancel`), status: 200, code: '' },
    { name: 'carol disputes an escrow she is not party to', call: () => gw.as('carol').post(`/v1/escrows/${ids.active}/dispute`, { reason: 'none of mine' }), status: 403, code: 'FORBIDDEN' },
    { name: 'the arbitrator rules an escrow nobody disputed', call: () => gw.as('arbiter').post(`/v1/escrows/${ids.active}/ruling`, { outcome: 'COMPLETE', reasons: 'no dispute' }), status: 409, code: 'FAILED_PRECONDITION' },
    { name: 'bob (a party) rules the escrow', call: () => gw.as('bob').post(`/v1/escrows/${ids.active}/ruling`, { outcome: 'COMPLETE', reasons: 'mine' }), status: 403, code: 'FORBIDDEN' },
    { name: 'the arbitrator completes as if it were the initiator', call: () => gw.as('arbiter').post(`/v1/escrows/${ids.active}/complete`), status: 403, code: 'FORBIDDEN' },
    { name: "carol reads alice's escrow", call: () => gw.as('carol').get(`/v1/escrows/${ids.active}`), status: 403, code: 'FORBIDDEN' },
    { name: "carol reads alice's escrow history", call: () => gw.as('carol').get(`/v1/escrows/${ids.active}/history`), status: 403, code: 'FORBIDDEN' },
    // Channel openings
    { name: "carol accepts alice's proposal to bob", call: () => gw.as('carol').post(`/v1/channels/${ids.proposal}/accept`), status: 404, code: 'NOT_FOUND' },
    { name: "dave (bob's organisation) accepts alice's proposal to bob", call: () => gw.as('dave').post(`/v1/channels/${ids.proposal}/accept`), status: 404, code: 'NOT_FOUND' },
    { name: 'alice accepts her own proposal (taking bob\'s deposit)', call: () => gw.as('alice').post(`/v1/channels/${ids.proposal}/accept`), status: 403, code: 'FORBIDDEN' },
    { name: "carol declines alice's proposal to bob", call: () => gw.as('carol').post(`/v1/channels/${ids.proposal}/decline`), status: 404, code: 'NOT_FOUND' },
    { name: "bob withdraws alice's proposal", call: () => gw.as('bob').post(`/v1/channels/${ids.proposal}/withdraw`), status: 403, code: 'FORBIDDEN' },
    { name: "carol opens a channel taking bob's deposit (answered as a proposal: nothing moves)", call: () => gw.as('carol').post('/v1/channels', { id: `az-take-${run}`, counterparty: id.bob, deposit: '0', counterpartyDeposit: '1000' }), status: 202, code: '' },
    // Channels and multiparty binding
    { name: "carol pays from alice–bob's channel", call: () => gw.as('carol').post(`/v1/channels/${ids.channel}/payments`, { amount: '1' }), status: 404, code: 'NOT_FOUND' },
    { name: "carol reads alice–bob's channel", call: () => gw.as('carol').get(`/v1/channels/${ids.channel}`), status: 403, code: 'FORBIDDEN' },
    { name: "carol closes alice–bob's channel", call: () => gw.as('carol').post(`/v1/channels/${ids.channel}/close`), status: 404, code: 'NOT_FOUND' },
    { name: "carol allows forwarding through alice–bob's channel", call: () => gw.as('carol').post(`/v1/channels/${ids.channel}/forwarding`, { allow: true }), status: 403, code: 'FORBIDDEN' },
    {
      name: "carol binds alice–bob's channel into her multiparty channel",
      call: () => gw.as('carol').post('/v1/multiparty', { id: ids.mpc, parties: [id.alice, id.bob, id.carol], channels: [ids.channel, ids.carolChannel] }),
      status: 403,
      code: 'FORBIDDEN',
    },
    { name: "carol consents for alice and bob, without herself", call: () => gw.as('carol').post(`/v1/multiparty/${ids.mpc}/consent`, { parties: [id.alice, id.bob], channels: [ids.channel] }), status: 400, code: 'INVALID_ARGUMENT' },
    // Signing on someone's behalf
    { name: "dave answers a delegate challenge as alice", call: () => gw.as('dave').post(`/v1/issuers/${id.bank}/delegates/${id.alice}/challenge-responses`, { challenge: 'challenge-1234' }), status: 403, code: 'FORBIDDEN' },
  ];

  test('every case is refused (or held as a proposal) and changes nothing', async () => {
    for (const c of cases()) {
      const before = await snapshot();
      const res = await c.call();
      const allowed = res.status >= 200 && res.status < 300 && c.status >= 300;
      results.push({ name: c.name, status: res.status, allowed });
      expect({ case: c.name, status: res.status, code: res.body?.code ?? '' }).toEqual({ case: c.name, status: c.status, code: c.code || (res.body?.code ?? '') });
      const after = await snapshot();
      if (c.name === 'alice alone cancels an ACTIVE escrow') {
        // Recorded as alice's approval; the money stays held until bob approves too.
        expect((after as any)[ids.active].status).toBe('ACTIVE');
        expect((after as any)[ids.active].cancelApprovals).toEqual([id.alice]);
        delete (after as any)[ids.active];
        delete (before as any)[ids.active];
      }
      expect({ case: c.name, state: after }).toEqual({ case: c.name, state: before });
    }
  }, 180_000);

  test("the event stream shows carol nothing of alice and bob's escrows and channels", async () => {
    // Her own channel's opening (committed after alice's escrows and channels) is the fence.
    const mine = (e: { data: any }) => JSON.stringify(e.data).includes(ids.carolChannel);
    const seen = await carolStream.until((events) => events.some(mine));
    expect(seen.some(mine)).toBe(true);
    const leaked = seen.filter((e) => [ids.proposed, ids.active, ids.proposal, `"${ids.channel}"`].some((x) => JSON.stringify(e.data).includes(x)));
    results.push({ name: "carol's event stream shows alice–bob objects", status: 200, allowed: leaked.length > 0 });
    expect(leaked).toEqual([]);
  }, 60_000);
});
