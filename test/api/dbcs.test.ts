import { createHash } from 'node:crypto';
import { TestGateway, registerAll, startTestGateway } from '../support/gateway';

/**
 * DBCS-SC ("Delegate contract signing mechanism based on smart contract", PLOS ONE 2022,
 * seeds/004) over HTTP against the real gateway: the paper's three algorithms (request contract
 * signing, successful contract signing, contract fraud dispute resolution) as lifecycles, delegate
 * management, the challenge-response check, escalation and the refusals, with balances, statuses,
 * HTTP codes and problem codes.
 */
describe('DBCS-SC over REST', () => {
  let gw: TestGateway;
  let id: Record<string, string>;
  const run = Date.now().toString(36);
  const fund = `fund-${run}`;
  const content = 'Fund A: 12 months, target 4% a year, no guaranteed return.';

  const balanceOf = async (name: string) => {
    const me = (await gw.as(name).get('/v1/accounts/me')).body;
    return { balance: BigInt(me.balance), held: BigInt(me.held) };
  };
  const delegates = () => `/v1/issuers/${id.bank}/delegates`;
  const signings = (contract = fund) => `/v1/investment-contracts/${contract}/signings`;
  const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
  const inHours = (h: number) => new Date(Date.now() + h * 3600_000).toISOString();

  /** The delegate `name` answers a challenge through its own gateway (POST .../challenge-responses). */
  async function answerChallenge(name: string, manager: string, challenge: string, encoding: 'der' | 'ieee-p1363' = 'der') {
    return gw.as(name).post(`${delegates()}/${manager}/challenge-responses`, { challenge, encoding });
  }

  beforeAll(async () => {
    gw = await startTestGateway();
    id = await registerAll(gw, ['bank', 'alice', 'bob', 'dave', 'carol', 'arbiter']);
    for (const [name, amount] of [['bank', '1000000'], ['alice', '100000'], ['bob', '100000'], ['dave', '100000'], ['carol', '100000']]) {
      expect((await gw.as('bank').post(`/v1/accounts/${id[name]}/mint`, { amount })).status).toBe(200);
    }
  });
  afterAll(() => gw.close());

  test('Algorithm 1, request contract signing: registry, delegate authorization, challenge-response, publication, signing request', async () => {
    // The issuer deploys its delegate registry (initialization).
    const registry = await gw.as('bank').post(`${delegates()}/registry`, { delegateDeposit: '500', name: 'Acme signatories' });
    expect(registry.status).toBe(201);
    expect(registry.body).toMatchObject({ issuer: id.bank, status: 'ACTIVE', delegateDeposit: '500' });
    expect(registry.headers.get('x-transaction-id')).toMatch(/^[0-9a-f]{64}$/);
    expect((await gw.as('alice').post(`/v1/issuers/${id.alice}/delegates/registry`, { delegateDeposit: '1' })).body.code).toBe('FORBIDDEN');

    // RequestDelegate: alice pays the delegate deposit (a hold).
    const before = await balanceOf('alice');
    const requested = await gw.as('alice').post(delegates(), { message: 'licensed advisor' });
    expect(requested.status).toBe(201);
    expect(requested.headers.get('location')).toBe(`${delegates()}/${id.alice}`);
    expect(requested.body).toMatchObject({ manager: id.alice, status: 'REQUESTED', deposit: '500', depositHeld: true });
    expect(await balanceOf('alice')).toEqual({ balance: before.balance - 500n, held: before.held + 500n });
    const twice = await gw.as('alice').post(delegates(), {});
    expect([twice.status, twice.body.code]).toEqual([409, 'ALREADY_EXISTS']);

    // AddSalesManager: issuer only, with a validity period.
    const notIssuer = await gw.as('alice').post(`${delegates()}/${id.alice}/authorize`, { qualification: 'signatory', validUntil: inHours(24) });
    expect([notIssuer.status, notIssuer.body.code]).toEqual([403, 'FORBIDDEN']);
    const pastPeriod = await gw.as('bank').post(`${delegates()}/${id.alice}/authorize`, { qualification: 'signatory', validUntil: inHours(-1) });
    expect([pastPeriod.status, pastPeriod.body.code]).toEqual([400, 'INVALID_ARGUMENT']);
    const authorized = await gw.as('bank').post(`${delegates()}/${id.alice}/authorize`, { qualification: 'signatory', note: 'region north', validUntil: inHours(24 * 30) });
    expect(authorized.status).toBe(200);
    expect(authorized.body).toMatchObject({ status: 'AUTHORIZED', qualification: 'signatory', note: 'region north' });

    // Information check and challenge-response (contract signing process steps 2-5).
    const validity = await gw.as('bob').get(`${delegates()}/${id.alice}/validity`);
    expect(validity.status).toBe(200);
    expect(validity.body).toMatchObject({ valid: true, reasons: [], record: { status: 'AUTHORIZED' } });
    const challenge = `bob-${run}-7f3a9c2e`;
    const message = `Covenant DBCS-SC delegate challenge\nissuer:${id.bank}\ndelegate:${id.alice}\nchallenge:${challenge}`;
    for (const encoding of ['der', 'ieee-p1363'] as const) {
      // bob hands alice his challenge; alice answers through her own gateway, signed with her own key.
      const answer = await answerChallenge('alice', id.alice, challenge, encoding);
      expect(answer.status).toBe(200);
      expect(answer.body).toMatchObject({ issuer: id.bank, delegate: id.alice, challenge, message, encoding });
      const verified = await gw.as('bob').post(`${delegates()}/${id.alice}/challenge-verifications`, { challenge, signature: answer.body.signature });
      expect(verified.status).toBe(200);
      expect(verified.body).toEqual({ issuer: id.bank, delegate: id.alice, challenge, message, signatureValid: true, delegateValid: true, valid: true, reasons: [], at: verified.body.at });
    }
    // Nobody answers as someone else; an answer dave made as himself does not pass for alice's.
    const asAlice = await answerChallenge('dave', id.alice, challenge);
    expect([asAlice.status, asAlice.body.code]).toEqual([403, 'FORBIDDEN']);
    const davesOwn = await answerChallenge('dave', id.dave, challenge);
    expect(davesOwn.status).toBe(200);
    const impostor = await gw.as('bob').post(`${delegates()}/${id.alice}/challenge-verifications`, { challenge, signature: davesOwn.body.signature });
    expect(impostor.body).toMatchObject({ signatureValid: false, valid: false });
    // The signed text is always the fixed challenge format: caller-chosen bytes are refused, never signed.
    const raw = await gw.as('alice').post(`${delegates()}/${id.alice}/challenge-responses`, { challenge, message: 'anything', bytes: 'AAAA' });
    expect([raw.status, raw.body.code, raw.body.signature]).toEqual([400, 'INVALID_ARGUMENT', undefined]);
    const short = await answerChallenge('alice', id.alice, 'x');
    expect([short.status, short.body.code]).toEqual([400, 'INVALID_ARGUMENT']);
    const malformed = await gw.as('bob').post(`${delegates()}/${id.alice}/challenge-verifications`, { challenge, signature: '%%%' });
    expect([malformed.status, malformed.body.code]).toEqual([400, 'INVALID_ARGUMENT']);

    // ContractPublishDeposit + AddContract.
    const bankBefore = await balanceOf('bank');
    const published = await gw.as('bank').post('/v1/investment-contracts', {
      id: fund,
      name: 'Fund A',
      content,
      contentHash: createHash('sha256').update(content).digest('hex'),
      clientDeposit: '1000',
      publishDeposit: '50000',
      ratio: { client: 9, delegate: 1 },
    });
    expect(published.status).toBe(201);
    expect(published.headers.get('location')).toBe(`/v1/investment-contracts/${fund}`);
    expect(published.body).toMatchObject({ id: fund, status: 'ACTIVE', publishDepositHeld: '50000', penaltyShareBps: 10000, ratio: { client: 9, delegate: 1 } });
    expect(await balanceOf('bank')).toEqual({ balance: bankBefore.balance - 50000n, held: bankBefore.held + 50000n });
    expect((await gw.as('carol').get(`/v1/investment-contracts/${fund}`)).body.content).toBe(content);
    const byAlice = await gw.as('alice').post('/v1/investment-contracts', { name: 'x', content: 'x', clientDeposit: '1', publishDeposit: '1', ratio: { client: 1, delegate: 1 } });
    expect([byAlice.status, byAlice.body.code]).toEqual([403, 'FORBIDDEN']);
    const badHash = await gw.as('bank').post('/v1/investment-contracts', { name: 'x', content: 'x', contentHash: '0'.repeat(64), clientDeposit: '1', publishDeposit: '1', ratio: { client: 1, delegate: 1 } });
    expect([badHash.status, badHash.body.code]).toEqual([400, 'INVALID_ARGUMENT']);

    // RequestSigning: the client pays the deposit; the delegate must be valid.
    const notDelegate = await gw.as('bob').post(signings(), { delegate: id.dave });
    expect([notDelegate.status, notDelegate.body.code]).toEqual([409, 'FAILED_PRECONDITION']);
    const wrongDeposit = await gw.as('bob').post(signings(), { delegate: id.alice, deposit: '999' });
    expect([wrongDeposit.status, wrongDeposit.body.code]).toEqual([400, 'INVALID_ARGUMENT']);
    const bobBefore = await balanceOf('bob');
    const req = await gw.as('bob').post(signings(), { id: `s1-${run}`, delegate: id.alice, deposit: '1000' });
    expect(req.status).toBe(201);
    expect(req.headers.get('location')).toBe(`${signings()}/s1-${run}`);
    expect(req.body).toMatchObject({ id: `s1-${run}`, contractId: fund, client: id.bob, delegate: id.alice, issuer: id.bank, status: 'REQUESTED', deposit: '1000' });
    expect(await balanceOf('bob')).toEqual({ balance: bobBefore.balance - 1000n, held: bobBefore.held + 1000n });
    expect((await gw.as('carol').get(`${signings()}/s1-${run}`)).status).toBe(403);
    expect((await gw.as('alice').get('/v1/signings')).body.items.map((s: any) => s.id)).toContain(`s1-${run}`);
  });

  test('Algorithm 2, successful contract signing: both sides commit at 9:1, the client confirms, the investment reaches the issuer', async () => {
    const s1 = `${signings()}/s1-${run}`;
    const [alice0, bob0, bank0] = [await balanceOf('alice'), await balanceOf('bob'), await balanceOf('bank')];
    const offRatio = await gw.as('bob').post(`${s1}/signatures`, { amount: '1000' });
    expect([offRatio.status, offRatio.body.code]).toEqual([400, 'INVALID_ARGUMENT']);
    const outsider = await gw.as('carol').post(`${s1}/signatures`, { amount: '9000' });
    expect([outsider.status, outsider.body.code]).toEqual([403, 'FORBIDDEN']);
    const early = await gw.as('bob').post(`${s1}/confirmation`, { decision: 1 });
    expect([early.status, early.body.code]).toEqual([409, 'FAILED_PRECONDITION']);

    const byDelegate = await gw.as('alice').post(`${s1}/signatures`, { amount: '1000' });
    expect(byDelegate.status).toBe(200);
    expect(byDelegate.body).toMatchObject({ status: 'REQUESTED', delegateAmount: '1000' });
    const byClient = await gw.as('bob').post(`${s1}/signatures`, { amount: '9000' });
    expect(byClient.body).toMatchObject({ status: 'SIGNED', clientAmount: '9000', delegateAmount: '1000' });
    const again = await gw.as('bob').post(`${s1}/signatures`, { amount: '9000' });
    expect([again.status, again.body.code]).toEqual([409, 'FAILED_PRECONDITION']);

    // Confirmation by someone else than the client is refused.
    for (const name of ['alice', 'bank', 'carol']) {
      const refused = await gw.as(name).post(`${s1}/confirmation`, { decision: 1 });
      expect([name, refused.status, refused.body.code]).toEqual([name, 403, 'FORBIDDEN']);
    }
    const bad = await gw.as('bob').post(`${s1}/confirmation`, { decision: 3 });
    expect(bad.status).toBe(400);
    const confirmed = await gw.as('bob').post(`${s1}/confirmation`, { decision: 1 });
    expect(confirmed.status).toBe(200);
    expect(confirmed.body.signing).toMatchObject({ status: 'COMPLETED' });
    expect(confirmed.body.dispute).toBeUndefined();
    expect(confirmed.body.movements).toEqual([
      { kind: 'investment', from: id.bob, to: id.bank, amount: '9000' },
      { kind: 'investment', from: id.alice, to: id.bank, amount: '1000' },
      { kind: 'clientDepositRefund', from: id.bob, to: id.bob, amount: '1000' },
    ]);
    expect(await balanceOf('bob')).toEqual({ balance: bob0.balance - 9000n + 1000n, held: bob0.held - 1000n });
    expect(await balanceOf('alice')).toEqual({ balance: alice0.balance - 1000n, held: alice0.held });
    expect(await balanceOf('bank')).toEqual({ balance: bank0.balance + 10000n, held: bank0.held });
    expect((await gw.as('bank').get(`/v1/investment-contracts/${fund}`)).body).toMatchObject({ openSignings: 0, completedSignings: 1 });
    const twice = await gw.as('bob').post(`${s1}/confirmation`, { decision: 1 });
    expect([twice.status, twice.body.code]).toEqual([409, 'FAILED_PRECONDITION']);
  });

  test('Algorithm 3, contract fraud dispute resolution: report, evidence, arbitrators only, FRAUD -> Penalty', async () => {
    const sid = `s2-${run}`;
    const s2 = `${signings()}/${sid}`;
    expect((await gw.as('dave').post(signings(), { id: sid, delegate: id.alice })).status).toBe(201);
    expect((await gw.as('alice').post(`${s2}/signatures`, { amount: '2000' })).status).toBe(200);
    expect((await gw.as('dave').post(`${s2}/signatures`, { amount: '18000' })).body.status).toBe('SIGNED');

    const notClient = await gw.as('alice').post(`${s2}/confirmation`, { decision: 2 });
    expect([notClient.status, notClient.body.code]).toEqual([403, 'FORBIDDEN']);
    const report = await gw.as('dave').post(`${s2}/confirmation`, { decision: 2, statement: 'The delegate promised a guaranteed 12% return' });
    expect(report.status).toBe(200);
    expect(report.body.signing).toMatchObject({ status: 'DISPUTED', disputeId: sid });
    expect(report.body.dispute).toMatchObject({ id: sid, status: 'OPEN', reportedFrom: 'SIGNED', client: id.dave, issuer: id.bank, delegate: id.alice });
    expect(Date.parse(report.body.dispute.deadline) - Date.parse(report.body.dispute.openedAt)).toBe(7 * 24 * 3600_000);

    // Arbitrators see the queue; others may not.
    const queue = await gw.as('arbiter').get('/v1/disputes?pageSize=100');
    expect(queue.status).toBe(200);
    expect(queue.body.items.map((d: any) => d.id)).toContain(sid);
    const notArbitrator = await gw.as('dave').get('/v1/disputes');
    expect([notArbitrator.status, notArbitrator.body.code]).toEqual([403, 'FORBIDDEN']);
    expect((await gw.as('carol').get(`/v1/disputes/${sid}`)).status).toBe(403);

    // Both sides submit evidence.
    const e1 = await gw.as('dave').post(`/v1/disputes/${sid}/evidence`, { text: 'Transcript of the call of 2 March' });
    expect(e1.status).toBe(200);
    const brochure = createHash('sha256').update('brochure.pdf').digest('hex');
    const e2 = await gw.as('bank').post(`/v1/disputes/${sid}/evidence`, { documentHash: brochure, description: 'approved brochure' });
    expect(e2.body.evidence.map((e: any) => [e.role, e.kind])).toEqual([
      ['client', 'text'],
      ['issuer', 'document'],
    ]);
    const outsider = await gw.as('carol').post(`/v1/disputes/${sid}/evidence`, { text: 'hearsay' });
    expect([outsider.status, outsider.body.code]).toEqual([403, 'FORBIDDEN']);
    const both = await gw.as('dave').post(`/v1/disputes/${sid}/evidence`, { text: 'a', documentHash: brochure });
    expect([both.status, both.body.code]).toEqual([400, 'INVALID_ARGUMENT']);

    // Only arbitrators rule.
    for (const name of ['bank', 'dave', 'carol']) {
      const refused = await gw.as(name).post(`/v1/disputes/${sid}/ruling`, { ruling: 'NO_FRAUD', reason: 'self-serving' });
      expect([name, refused.status, refused.body.code]).toEqual([name, 403, 'FORBIDDEN']);
    }
    const noReason = await gw.as('arbiter').post(`/v1/disputes/${sid}/ruling`, { ruling: 'FRAUD' });
    expect(noReason.status).toBe(400);

    const [dave0, bank0, alice0] = [await balanceOf('dave'), await balanceOf('bank'), await balanceOf('alice')];
    const key = `ruling-${run}`;
    const ruled = await gw.as('arbiter').post(`/v1/disputes/${sid}/ruling`, { ruling: 'FRAUD', reason: 'The brochure promises a return the contract does not contain' }, { 'idempotency-key': key });
    expect(ruled.status).toBe(200);
    expect(ruled.body).toMatchObject({
      status: 'RULED',
      ruling: {
        ruling: 'FRAUD',
        outcome: 'PENALTY',
        arbitrator: id.arbiter,
        movements: [
          { kind: 'penalty', from: id.bank, to: id.dave, amount: '50000' },
          { kind: 'clientDepositRefund', from: id.dave, to: id.dave, amount: '1000' },
          { kind: 'clientInvestmentRefund', from: id.dave, to: id.dave, amount: '18000' },
          { kind: 'delegateInvestmentRefund', from: id.alice, to: id.alice, amount: '2000' },
        ],
      },
    });
    expect(await balanceOf('dave')).toEqual({ balance: dave0.balance + 50000n + 19000n, held: dave0.held - 19000n });
    expect(await balanceOf('alice')).toEqual({ balance: alice0.balance + 2000n, held: alice0.held - 2000n });
    expect(await balanceOf('bank')).toEqual({ balance: bank0.balance, held: bank0.held - 50000n });
    // A retry with the same Idempotency-Key replays the ruling; a second ruling is refused.
    const replay = await gw.as('arbiter').post(`/v1/disputes/${sid}/ruling`, { ruling: 'FRAUD', reason: 'The brochure promises a return the contract does not contain' }, { 'idempotency-key': key });
    expect([replay.status, replay.headers.get('idempotent-replayed')]).toEqual([200, 'true']);
    const double = await gw.as('arbiter').post(`/v1/disputes/${sid}/ruling`, { ruling: 'NO_FRAUD', reason: 'second opinion' });
    expect([double.status, double.body.code]).toEqual([409, 'FAILED_PRECONDITION']);

    expect((await gw.as('dave').get(`${s2}`)).body.status).toBe('PENALIZED');
    expect((await gw.as('dave').get(`/v1/disputes/${sid}`)).body.status).toBe('RULED');
    expect((await gw.as('arbiter').get('/v1/disputes?pageSize=100')).body.items.map((d: any) => d.id)).not.toContain(sid);
    // The contract was deactivated by the fraud ruling and cannot be reactivated.
    expect((await gw.as('carol').get(`/v1/investment-contracts/${fund}`)).body).toMatchObject({ status: 'INACTIVE', fraudRulings: 1, publishDepositHeld: '0' });
    const reactivate = await gw.as('bank').post(`/v1/investment-contracts/${fund}/status`, { status: 'ACTIVE' });
    expect([reactivate.status, reactivate.body.code]).toEqual([409, 'FAILED_PRECONDITION']);
    const newRequest = await gw.as('carol').post(signings(), { delegate: id.alice });
    expect([newRequest.status, newRequest.body.code]).toEqual([409, 'FAILED_PRECONDITION']);
  });

  test('Algorithm 3, NO_FRAUD -> Settlement: the false report forfeits the client deposit and the contract completes', async () => {
    const fundB = `fund-b-${run}`;
    expect((await gw.as('bank').post('/v1/investment-contracts', { id: fundB, name: 'Fund B', content: 'B', clientDeposit: '700', publishDeposit: '3000', ratio: { client: 4, delegate: 1 } })).status).toBe(201);
    const sid = `s3-${run}`;
    const base = `${signings(fundB)}/${sid}`;
    expect((await gw.as('carol').post(signings(fundB), { id: sid, delegate: id.alice })).status).toBe(201);
    expect((await gw.as('carol').post(`${base}/signatures`, { amount: '4000' })).status).toBe(200);
    expect((await gw.as('alice').post(`${base}/signatures`, { amount: '1000' })).body.status).toBe('SIGNED');
    expect((await gw.as('carol').post(`${base}/confirmation`, { decision: 2 })).status).toBe(200);
    const [carol0, bank0] = [await balanceOf('carol'), await balanceOf('bank')];
    const ruled = await gw.as('arbiter').post(`/v1/disputes/${sid}/ruling`, { ruling: 'NO_FRAUD', reason: 'The contract matches what was presented' });
    expect(ruled.status).toBe(200);
    expect(ruled.body.ruling).toMatchObject({ ruling: 'NO_FRAUD', outcome: 'SETTLEMENT' });
    expect(ruled.body.ruling.movements).toEqual([
      { kind: 'forfeitedDeposit', from: id.carol, to: id.bank, amount: '700' },
      { kind: 'investment', from: id.carol, to: id.bank, amount: '4000' },
      { kind: 'investment', from: id.alice, to: id.bank, amount: '1000' },
    ]);
    expect(await balanceOf('carol')).toEqual({ balance: carol0.balance, held: carol0.held - 4700n });
    expect(await balanceOf('bank')).toEqual({ balance: bank0.balance + 5700n, held: bank0.held });
    expect((await gw.as('carol').get(base)).body.status).toBe('SETTLED');
    expect((await gw.as('carol').get(`/v1/investment-contracts/${fundB}`)).body).toMatchObject({ status: 'ACTIVE', completedSignings: 1 });
  });

  test('escalation after the deadline; the escalated dispute stays in the queue and is still ruled', async () => {
    const settings = await gw.as('admin1').patch('/v1/dbcs/settings', { disputeWindowSeconds: 1 });
    expect(settings.status).toBe(200);
    expect(settings.body.disputeWindowSeconds).toBe(1);
    expect((await gw.as('bob').patch('/v1/dbcs/settings', { disputeWindowSeconds: 5 })).status).toBe(403);
    try {
      const fundC = `fund-c-${run}`;
      await gw.as('bank').post('/v1/investment-contracts', { id: fundC, name: 'C', content: 'C', clientDeposit: '100', publishDeposit: '1000', ratio: { client: 1, delegate: 1 } });
      const sid = `s4-${run}`;
      expect((await gw.as('bob').post(signings(fundC), { id: sid, delegate: id.alice })).status).toBe(201);
      expect((await gw.as('bob').post(`${signings(fundC)}/${sid}/confirmation`, { decision: 2 })).body.dispute.reportedFrom).toBe('REQUESTED');
      const early = await gw.as('bob').post(`/v1/disputes/${sid}/escalate`, {});
      if (early.status === 409) {
        expect(early.body.code).toBe('FAILED_PRECONDITION');
        await sleep(1100);
      }
      const outsider = await gw.as('carol').post(`/v1/disputes/${sid}/escalate`, {});
      expect([outsider.status, outsider.body.code]).toEqual([403, 'FORBIDDEN']);
      const escalated = early.status === 200 ? early : await gw.as('bob').post(`/v1/disputes/${sid}/escalate`, { reason: 'no ruling in time' });
      expect(escalated.status).toBe(200);
      expect(escalated.body).toMatchObject({ status: 'ESCALATED', escalatedBy: id.bob });
      const queue = await gw.as('arbiter').get('/v1/disputes?pageSize=100');
      expect(queue.body.items.find((d: any) => d.id === sid)).toMatchObject({ status: 'ESCALATED' });
      const bob0 = await balanceOf('bob');
      const ruled = await gw.as('arbiter').post(`/v1/disputes/${sid}/ruling`, { ruling: 'FRAUD', reason: 'r' });
      expect(ruled.body.ruling.movements).toEqual([
        { kind: 'penalty', from: id.bank, to: id.bob, amount: '1000' },
        { kind: 'clientDepositRefund', from: id.bob, to: id.bob, amount: '100' },
      ]);
      expect(await balanceOf('bob')).toEqual({ balance: bob0.balance + 1100n, held: bob0.held - 100n });
    } finally {
      await gw.as('admin1').patch('/v1/dbcs/settings', { disputeWindowSeconds: 604800 });
    }
  });

  test('an arbitrator refers an OPEN dispute to the panel before its deadline, with a written reason', async () => {
    const fundD = `fund-d-${run}`;
    expect((await gw.as('bank').post('/v1/investment-contracts', { id: fundD, name: 'D', content: 'D', clientDeposit: '100', publishDeposit: '1000', ratio: { client: 1, delegate: 1 } })).status).toBe(201);
    const sid = `s5-${run}`;
    expect((await gw.as('bob').post(signings(fundD), { id: sid, delegate: id.alice })).status).toBe(201);
    const opened = (await gw.as('bob').post(`${signings(fundD)}/${sid}/confirmation`, { decision: 2 })).body.dispute;
    expect(opened.status).toBe('OPEN');
    expect(Date.parse(opened.deadline)).toBeGreaterThan(Date.now() + 3600_000);
    const path = `/v1/disputes/${sid}/escalate`;
    const party = await gw.as('bob').post(path, { reason: 'too slow' });
    expect([party.status, party.body.code]).toEqual([409, 'FAILED_PRECONDITION']);
    const noReason = await gw.as('arbiter').post(path, {});
    expect([noReason.status, noReason.body.code]).toEqual([400, 'INVALID_ARGUMENT']);
    const outsider = await gw.as('carol').post(path, { reason: 'not mine' });
    expect([outsider.status, outsider.body.code]).toEqual([403, 'FORBIDDEN']);
    const reason = 'The evidence conflicts on the promised return; referred to the three-member panel.';
    const referred = await gw.as('arbiter').post(path, { reason });
    expect(referred.status).toBe(200);
    expect(referred.body).toMatchObject({ status: 'ESCALATED', escalatedBy: id.arbiter, escalationReason: reason });
    expect((await gw.as('bob').get(`/v1/disputes/${sid}`)).body).toMatchObject({ status: 'ESCALATED', escalatedBy: id.arbiter });
    const queue = await gw.as('arbiter').get('/v1/disputes?pageSize=100');
    expect(queue.body.items.find((d: any) => d.id === sid)).toMatchObject({ status: 'ESCALATED', escalationReason: reason });
    const again = await gw.as('arbiter').post(path, { reason: 'again' });
    expect([again.status, again.body.code]).toEqual([409, 'FAILED_PRECONDITION']);
    expect((await gw.as('arbiter').post(`/v1/disputes/${sid}/ruling`, { ruling: 'NO_FRAUD', reason: 'panel: no misrepresentation' })).body.status).toBe('RULED');
  });

  test('delegate management: update visible in history, expiry, revocation, refund, registry ChangeStatus', async () => {
    const dave = `${delegates()}/${id.dave}`;
    expect((await gw.as('dave').post(delegates(), {})).status).toBe(201);
    expect((await gw.as('bank').post(`${dave}/authorize`, { qualification: 'signatory', validUntil: new Date(Date.now() + 1500).toISOString() })).status).toBe(200);
    const updated = await gw.as('bank').patch(dave, { note: 'probation' });
    expect(updated.status).toBe(200);
    expect(updated.body).toMatchObject({ note: 'probation', revision: 1 });
    expect((await gw.as('dave').patch(dave, { note: 'self' })).status).toBe(403);
    const history = await gw.as('carol').get(`${dave}/history`);
    expect(history.body.items.map((h: any) => [h.value.status, h.value.revision])).toEqual([
      ['REQUESTED', 0],
      ['AUTHORIZED', 0],
      ['AUTHORIZED', 1],
    ]);
    await sleep(1600);
    expect((await gw.as('bob').get(`${dave}/validity`)).body).toMatchObject({ valid: false, reasons: ['EXPIRED'] });
    const expired = await gw.as('carol').post(signings(`fund-b-${run}`), { delegate: id.dave });
    expect([expired.status, expired.body.code]).toEqual([409, 'FAILED_PRECONDITION']);
    expect(expired.body.detail).toMatch(/EXPIRED/);

    // RemoveSalesManager is immediate; SalesManagerRefund releases the deposit.
    const alice = `${delegates()}/${id.alice}`;
    const revoked = await gw.as('bank').post(`${alice}/revoke`, { reason: 'left the company' });
    expect(revoked.body).toMatchObject({ status: 'REVOKED', revokeReason: 'left the company', depositHeld: true });
    expect((await gw.as('bob').get(`${alice}/validity`)).body).toMatchObject({ valid: false, reasons: ['REVOKED'] });
    const withRevoked = await gw.as('carol').post(signings(`fund-b-${run}`), { delegate: id.alice });
    expect([withRevoked.status, withRevoked.body.code]).toEqual([409, 'FAILED_PRECONDITION']);
    const otherRefund = await gw.as('bob').post(`${alice}/refund`);
    expect([otherRefund.status, otherRefund.body.code]).toEqual([403, 'FORBIDDEN']);
    const alice0 = await balanceOf('alice');
    const refunded = await gw.as('alice').post(`${alice}/refund`);
    expect(refunded.body).toMatchObject({ status: 'REFUNDED', depositHeld: false });
    expect(await balanceOf('alice')).toEqual({ balance: alice0.balance + 500n, held: alice0.held - 500n });

    // ChangeStatus of the registry.
    const off = await gw.as('bank').post(`${delegates()}/registry/status`, { status: 'INACTIVE', reason: 'review' });
    expect(off.body).toMatchObject({ status: 'INACTIVE', statusReason: 'review' });
    const refusedRequest = await gw.as('carol').post(delegates(), {});
    expect([refusedRequest.status, refusedRequest.body.code]).toEqual([409, 'FAILED_PRECONDITION']);
    expect((await gw.as('alice').post(`${delegates()}/registry/status`, { status: 'ACTIVE' })).status).toBe(403);
    expect((await gw.as('bank').post(`${delegates()}/registry/status`, { status: 'ACTIVE' })).body.status).toBe('ACTIVE');
    const listed = await gw.as('carol').get(`${delegates()}?pageSize=10`);
    expect(listed.body.items.map((d: any) => d.manager).sort()).toEqual([id.alice, id.dave].sort());
  });

  test('the OpenAPI document describes every DBCS route with the paper function and examples', async () => {
    const docs = await gw.raw('GET', '/docs/json');
    expect(docs.status).toBe(200);
    const paths = docs.body.paths as Record<string, Record<string, any>>;
    const expected: [string, string, string][] = [
      ['/v1/issuers/{issuer}/delegates', 'post', 'RequestDelegate'],
      ['/v1/issuers/{issuer}/delegates/{manager}/authorize', 'post', 'AddSalesManager'],
      ['/v1/issuers/{issuer}/delegates/{manager}/revoke', 'post', 'RemoveSalesManager'],
      ['/v1/issuers/{issuer}/delegates/{manager}/refund', 'post', 'SalesManagerRefund'],
      ['/v1/issuers/{issuer}/delegates/registry/status', 'post', 'ChangeStatus'],
      ['/v1/issuers/{issuer}/delegates/{manager}/validity', 'get', 'isValidDelegate'],
      ['/v1/issuers/{issuer}/delegates/{manager}/challenge-responses', 'post', 'Response'],
      ['/v1/issuers/{issuer}/delegates/{manager}/challenge-verifications', 'post', 'Challenge'],
      ['/v1/investment-contracts', 'post', 'AddContract'],
      ['/v1/investment-contracts/{id}/status', 'post', 'ChangeStatus'],
      ['/v1/investment-contracts/{id}/signings', 'post', 'RequestSigning'],
      ['/v1/investment-contracts/{id}/signings/{signingId}/signatures', 'post', 'SignedByEntity'],
      ['/v1/investment-contracts/{id}/signings/{signingId}/confirmation', 'post', 'ContractConfirmed'],
      ['/v1/disputes/{id}/ruling', 'post', 'DisputeArbitration'],
    ];
    for (const [path, method, fn] of expected) {
      const op = paths[path]?.[method];
      expect({ path, documented: Boolean(op) }).toEqual({ path, documented: true });
      expect(`${op.summary} ${op.description ?? ''}`).toContain(fn);
      if (method === 'post' && op.requestBody) {
        // @fastify/swagger moves a body schema's `examples` to the media type's example(s).
        const media = op.requestBody.content['application/json'];
        expect({ path, examples: Boolean(media.example ?? media.examples) }).toEqual({ path, examples: true });
      }
    }
    for (const path of ['/v1/disputes', '/v1/disputes/{id}', '/v1/disputes/{id}/evidence', '/v1/disputes/{id}/escalate', '/v1/issuers/{issuer}/delegates/{manager}']) {
      expect({ path, documented: Boolean(paths[path]) }).toEqual({ path, documented: true });
    }
    expect(docs.body.tags.map((t: any) => t.name)).toEqual(expect.arrayContaining(['delegates', 'investment-contracts', 'disputes']));
  });
});
