import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { mkdir } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import { TestGateway, registerAll, startTestGateway } from '../support/gateway';

/**
 * The arbitration console (issue 15) in a real browser: Debian's chromium driven by
 * playwright-core against a gateway on the embedded ledger. The parties open a disputed escrow
 * through the API; in the browser the arbitrator signs in, sees the queue, opens the case, reads
 * the evidence hash and rules COMPLETE with reasons; the balances change as the ruling says
 * (checked on the page and through the API); a recipient signs in and sees the result on its own
 * page; a key without the arbitrator role sees no queue. A contract fraud dispute's case page
 * shows its deposits and holds and its contract's history, and the arbitrator rules it FRAUD or
 * refers another to the panel (ESCALATED in the queue). Screenshots go to
 * COVENANT_SCREENSHOT_DIR (default test/browser/.screenshots). Skipped, saying so, when no
 * chromium binary is installed (CI installs it: .ci/run).
 */
const CHROMIUM = [process.env.CHROMIUM_PATH, '/usr/bin/chromium', '/usr/bin/chromium-browser', '/usr/bin/google-chrome'].find((p): p is string => !!p && existsSync(p));
const SCREENSHOTS = resolve(process.env.COVENANT_SCREENSHOT_DIR ?? join(__dirname, '.screenshots'));
const describeWithBrowser = CHROMIUM ? describe : describe.skip;
if (!CHROMIUM) console.warn('test/browser: no chromium binary found (apt-get install -y chromium, or set CHROMIUM_PATH): the console browser test is skipped');

jest.setTimeout(120_000);

describeWithBrowser('arbitration console in chromium', () => {
  let gw: TestGateway;
  let browser: Browser;
  let id: Record<string, string>;
  const run = Date.now().toString(36);
  const escrowId = `console-${run}`;
  const evidenceHash = createHash('sha256').update('delivery note, signed by the buyer').digest('hex');
  const pageErrors: string[] = [];
  const balance = async (name: string) => BigInt((await gw.as(name).get('/v1/accounts/me')).body.balance);

  beforeAll(async () => {
    await mkdir(SCREENSHOTS, { recursive: true });
    gw = await startTestGateway();
    id = await registerAll(gw, ['bank', 'alice', 'bob', 'dave', 'carol', 'arbiter']);
    expect((await gw.as('bank').post(`/v1/accounts/${id.alice}/mint`, { amount: '100000' })).status).toBe(200);
    // alice escrows 250.00 for bob (60%) and dave (40%) naming arbiter; both confirm; bob disputes.
    const created = await gw.as('alice').post('/v1/escrows', {
      id: escrowId,
      amount: '25000',
      arbitrator: id.arbiter,
      terms: '40 pallets by Dec 1',
      recipients: [
        { account: id.bob, shareBps: 6000 },
        { account: id.dave, shareBps: 4000 },
      ],
    });
    expect(created.status).toBe(201);
    expect((await gw.as('bob').post(`/v1/escrows/${escrowId}/confirm`)).status).toBe(200);
    expect((await gw.as('dave').post(`/v1/escrows/${escrowId}/confirm`)).body.status).toBe('ACTIVE');
    const disputed = await gw.as('bob').post(`/v1/escrows/${escrowId}/dispute`, { reason: 'delivered, not paid', evidenceHash });
    expect(disputed.body.status).toBe('DISPUTED');
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
  });
  afterEach(() => {
    expect(pageErrors.splice(0)).toEqual([]);
  });
  afterAll(async () => {
    await browser?.close();
    await gw?.close();
  });

  /** A fresh browser context (its own sessionStorage) signed in as `name` through the form. */
  async function signedIn(name: string): Promise<Page> {
    const context = await browser.newContext();
    const page = await context.newPage();
    const requests: string[] = [];
    page.on('request', (r) => requests.push(r.url()));
    // Script errors and console errors (a Content-Security-Policy violation is one) fail the test.
    page.on('pageerror', (e) => pageErrors.push(`${name}: ${e.message}`));
    page.on('console', (m) => {
      if (m.type() === 'error' && !/Failed to load resource: the server responded with a status of 40[34]/.test(m.text())) pageErrors.push(`${name}: ${m.text()}`);
    });
    await page.goto(`${gw.url}/console`);
    await page.getByLabel('API key').fill(gw.as(name).apiKey);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Sign out' }).waitFor();
    // The key never appears in a URL the page requested.
    expect(requests.filter((u) => u.includes(gw.as(name).apiKey))).toEqual([]);
    return page;
  }

  test('the arbitrator rules from the browser and the parties are paid as the ruling says', async () => {
    const before = { alice: await balance('alice'), bob: await balance('bob'), dave: await balance('dave') };
    const page = await signedIn('arbiter');

    // The queue lists the disputed escrow, with a link to its case.
    const queue = page.getByRole('table', { name: /oldest first/ });
    await queue.waitFor();
    const row = queue.getByRole('row').filter({ hasText: escrowId });
    await expect(row.getByRole('cell', { name: 'DISPUTED' }).count()).resolves.toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, '1-arbitrator-queue.png'), fullPage: true });

    // Keyboard: the case link is reachable and opens with Enter.
    await row.getByRole('link', { name: escrowId }).focus();
    await page.keyboard.press('Enter');
    await page.getByRole('heading', { name: `Escrow ${escrowId}` }).waitFor();
    await expect(page.getByTestId('evidence-hash').textContent()).resolves.toBe(evidenceHash);
    await expect(page.getByText('delivered, not paid', { exact: true }).count()).resolves.toBe(1);
    // The history says what each version changed, in words, oldest first.
    const events = (await rowsOf(page, 'History (every committed version)')).map((r) => r[1]);
    expect(events).toEqual([
      `Proposed (PROPOSED): 250.00 held from ${id.alice} for 2 recipient(s)`,
      `Confirmed by ${id.bob}`,
      `Confirmed by ${id.dave}; PROPOSED → ACTIVE`,
      `Disputed by ${id.bob}: delivered, not paid; ACTIVE → DISPUTED`,
    ]);
    await page.screenshot({ path: join(SCREENSHOTS, '2-arbitrator-case.png'), fullPage: true });

    // The ruling: reasons are required, then COMPLETE.
    await page.getByLabel(/^Completion/).check();
    await page.getByRole('button', { name: 'Record the ruling' }).click();
    await expect(page.getByRole('alert').filter({ hasText: 'Write the reasons' }).count()).resolves.toBe(1);
    await page.getByLabel('Written reasons').fill('The signed delivery note (evidence hash above) proves delivery.');
    await page.getByRole('button', { name: 'Record the ruling' }).click();
    await page.getByTestId('ruling-outcome').filter({ hasText: 'COMPLETE' }).waitFor();
    await expect(page.getByTestId('escrow-status').textContent()).resolves.toBe('COMPLETED');
    const payouts = await page.getByTestId('payouts').locator('tbody tr').allTextContents();
    expect(payouts).toEqual([`${id.bob}150.00`, `${id.dave}100.00`]);
    await expect(page.getByRole('button', { name: 'Record the ruling' }).count()).resolves.toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, '3-arbitrator-ruled.png'), fullPage: true });

    // Through the API: bob +150.00, dave +100.00, alice's held 250.00 gone (her balance unchanged).
    const escrow = (await gw.as('arbiter').get(`/v1/escrows/${escrowId}`)).body;
    expect(escrow).toMatchObject({ status: 'COMPLETED', ruling: { outcome: 'COMPLETE', arbitrator: id.arbiter } });
    expect(await balance('bob')).toBe(before.bob + 15000n);
    expect(await balance('dave')).toBe(before.dave + 10000n);
    expect(await balance('alice')).toBe(before.alice);
    expect((await gw.as('alice').get('/v1/accounts/me')).body.held).toBe('0');

    // The queue no longer lists it.
    await page.getByRole('link', { name: 'Arbitration queue' }).click();
    await page.getByRole('heading', { name: 'Arbitration queue' }).waitFor();
    await page.getByText(/No case awaits a ruling|awaiting a ruling/).first().waitFor();
    await expect(page.getByRole('link', { name: escrowId }).count()).resolves.toBe(0);
    await page.context().close();
  });

  test('a party sees the ruling and its new balance on its own page, and no queue', async () => {
    const page = await signedIn('bob');
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    await expect(page.getByRole('link', { name: 'Arbitration queue' }).count()).resolves.toBe(0);
    const expected = (await gw.as('bob').get('/v1/accounts/me')).body.balance as string;
    const shown = (await page.getByTestId('balance').textContent())!.replace(/[,.]/g, '');
    expect(BigInt(shown)).toBe(BigInt(expected));
    const row = page.locator(`tr[data-escrow="${escrowId}"]`);
    await expect(row.textContent()).resolves.toContain('COMPLETED');
    await expect(row.textContent()).resolves.toContain('The signed delivery note');
    await page.screenshot({ path: join(SCREENSHOTS, '4-party-page.png'), fullPage: true });

    // Its case page is read-only: no ruling form for a party.
    await row.getByRole('link', { name: escrowId }).click();
    await page.getByTestId('ruling-outcome').waitFor();
    await expect(page.getByRole('button', { name: 'Record the ruling' }).count()).resolves.toBe(0);
    await page.context().close();
  });

  let delegateReady = false;
  /**
   * A DBCS contract fraud dispute: bank's contract `fund-{tag}-{run}` (client deposit 10.00,
   * publishing deposit 500.00, 9:1), alice its delegate, dave the client who reports fraud after
   * both committed (alice 20.00, dave 180.00); evidence from both sides.
   */
  async function contractDispute(tag: string): Promise<{ sid: string; fund: string; brochure: string }> {
    const content = 'Fund A: 12 months, target 4% a year, no guaranteed return.';
    const fund = `fund-${tag}-${run}`;
    const sid = `signing-${tag}-${run}`;
    const delegates = `/v1/issuers/${id.bank}/delegates`;
    const signing = `/v1/investment-contracts/${fund}/signings/${sid}`;
    for (const [name, amount] of [['bank', '1000000'], ['dave', '100000']]) expect((await gw.as('bank').post(`/v1/accounts/${id[name]}/mint`, { amount })).status).toBe(200);
    if (!delegateReady) {
      expect((await gw.as('bank').post(`${delegates}/registry`, { delegateDeposit: '500' })).status).toBe(201);
      expect((await gw.as('alice').post(delegates, {})).status).toBe(201);
      expect((await gw.as('bank').post(`${delegates}/${id.alice}/authorize`, { qualification: 'signatory', validUntil: new Date(Date.now() + 30 * 86400_000).toISOString() })).status).toBe(200);
      delegateReady = true;
    }
    const contract = { id: fund, name: 'Fund A', content, contentHash: createHash('sha256').update(content).digest('hex'), clientDeposit: '1000', publishDeposit: '50000', ratio: { client: 9, delegate: 1 } };
    expect((await gw.as('bank').post('/v1/investment-contracts', contract)).status).toBe(201);
    expect((await gw.as('dave').post(`/v1/investment-contracts/${fund}/signings`, { id: sid, delegate: id.alice })).status).toBe(201);
    expect((await gw.as('alice').post(`${signing}/signatures`, { amount: '2000' })).status).toBe(200);
    expect((await gw.as('dave').post(`${signing}/signatures`, { amount: '18000' })).body.status).toBe('SIGNED');
    expect((await gw.as('dave').post(`${signing}/confirmation`, { decision: 2, statement: 'The delegate promised a guaranteed 12% return' })).body.dispute.status).toBe('OPEN');
    expect((await gw.as('dave').post(`/v1/disputes/${sid}/evidence`, { text: 'Transcript of the call of 2 March' })).status).toBe(200);
    const brochure = createHash('sha256').update('brochure.pdf').digest('hex');
    expect((await gw.as('bank').post(`/v1/disputes/${sid}/evidence`, { documentHash: brochure, description: 'approved brochure' })).status).toBe(200);
    return { sid, fund, brochure };
  }

  /** The rows of the table named `name` on `page`, each as its cells' texts. */
  async function rowsOf(page: Page, name: string | RegExp): Promise<string[][]> {
    const rows = page.getByRole('table', { name }).locator('tbody tr');
    return Promise.all((await rows.all()).map((r) => r.locator('td').allTextContents()));
  }

  test('a contract fraud dispute (DBCS) ruled FRAUD from the browser: the Penalty pays the client', async () => {
    const { sid, fund, brochure } = await contractDispute('fraud');
    const before = { dave: await balance('dave'), alice: await balance('alice'), bank: await balance('bank') };
    const page = await signedIn('arbiter');
    const row = page.getByRole('table', { name: /oldest first/ }).getByRole('row').filter({ hasText: sid });
    await expect(row.textContent()).resolves.toContain('OPEN');
    await row.getByRole('link', { name: sid }).click();
    await page.getByRole('heading', { name: `Contract dispute ${sid}` }).waitFor();
    const evidence = page.getByRole('table', { name: /Evidence \(2\)/ });
    await expect(evidence.textContent()).resolves.toContain('Transcript of the call of 2 March');
    await expect(evidence.textContent()).resolves.toContain(brochure);

    // The deposits and holds at stake: what the test put up, all still held while the dispute is open.
    await page.getByRole('table', { name: 'Deposits and holds' }).waitFor();
    expect(await rowsOf(page, 'Deposits and holds')).toEqual([
      ['Issuer’s publishing deposit', id.bank, '500.00', '500.00'],
      ['Client’s signing deposit', id.dave, '10.00', '10.00'],
      ['Client’s invested amount (ratio 9:1)', id.dave, '180.00', '180.00'],
      ['Delegate’s invested amount', id.alice, '20.00', '20.00'],
    ]);
    await expect(page.getByTestId('penalty').textContent()).resolves.toContain('100% of the publishing deposit; a FRAUD ruling now pays the client 500.00');
    // The contract's history: publication, then the signing request, each with its transaction.
    const history = `Contract ${fund} history (every committed version)`;
    const versions = await rowsOf(page, history);
    expect(versions.map((r) => r[1])).toEqual(['Published (ACTIVE): publishing deposit 500.00 held, client deposit 10.00, penalty share 100%', 'Signing requested (1 open)']);
    for (const r of versions) expect(r[2]).toMatch(/^[0-9a-f]{64}$/);
    await page.getByLabel(/^Fraud \(Penalty\)/).check();
    await page.getByLabel('Written reasons').fill('The brochure promises a return the contract does not contain.');
    await page.getByRole('button', { name: 'Record the ruling' }).click();
    await page.getByTestId('ruling-outcome').filter({ hasText: 'FRAUD (PENALTY)' }).waitFor();
    const moved = await page.getByRole('table', { name: 'Money moved by the ruling' }).locator('tbody tr').allTextContents();
    expect(moved).toContain(`penalty${id.bank}${id.dave}500.00`);
    // After the ruling: nothing held any more, and the history shows the Penalty and the deactivation.
    await page.getByRole('table', { name: history }).getByText(/^Fraud ruled/).waitFor();
    expect((await rowsOf(page, 'Deposits and holds')).map((r) => r[3])).toEqual(['0.00', '0.00', '0.00', '0.00']);
    expect((await rowsOf(page, history)).at(-1)?.[1]).toBe(`Fraud ruled: penalty of 500.00 paid from the publishing deposit; Signing ended (0 open); Status ACTIVE → INACTIVE: fraud ruled in dispute ${sid}`);
    await page.screenshot({ path: join(SCREENSHOTS, '6-dispute-ruled.png'), fullPage: true });
    await page.context().close();

    // Penalty: the publishing deposit (500.00) to dave, his deposit and investment (190.00) back; alice's 20.00 back.
    expect(await balance('dave')).toBe(before.dave + 50000n + 19000n);
    expect(await balance('alice')).toBe(before.alice + 2000n);
    expect(await balance('bank')).toBe(before.bank);
    expect((await gw.as('dave').get(`/v1/disputes/${sid}`)).body).toMatchObject({ status: 'RULED', ruling: { ruling: 'FRAUD', outcome: 'PENALTY' } });

    // dave, the client, sees the ruling on his own page.
    const party = await signedIn('dave');
    const disputes = party.getByRole('table', { name: /My disputes/ });
    await expect(disputes.textContent()).resolves.toContain('FRAUD (PENALTY)');
    await party.context().close();
  });

  test('the arbitrator refers a second contract dispute to the panel from its case page; the queue shows it ESCALATED', async () => {
    const { sid } = await contractDispute('panel');
    const page = await signedIn('arbiter');
    const queue = page.getByRole('table', { name: /oldest first/ });
    await queue.getByRole('link', { name: sid }).click();
    await page.getByRole('heading', { name: `Contract dispute ${sid}` }).waitFor();
    await expect(page.getByTestId('dispute-status').textContent()).resolves.toBe('OPEN');

    // The reason is required; then, by keyboard: the labelled field, Tab to the button, Enter.
    const escalate = page.getByRole('button', { name: 'Escalate to the panel' });
    await escalate.click();
    await page.getByRole('alert').filter({ hasText: 'Write the reason for referring the case' }).waitFor();
    const reason = 'The transcript and the brochure conflict on the promised return; referred to the three-member panel.';
    await page.getByLabel('Reason for the referral').fill(reason);
    await page.getByLabel('Reason for the referral').press('Tab');
    await expect(escalate.evaluate((b) => b === b.ownerDocument.activeElement)).resolves.toBe(true);
    await page.keyboard.press('Enter');
    await page.getByTestId('dispute-status').filter({ hasText: 'ESCALATED' }).waitFor();
    await expect(page.getByText(reason).count()).resolves.toBe(1);
    // Escalated, the dispute can still be ruled, not escalated again.
    await expect(escalate.count()).resolves.toBe(0);
    await expect(page.getByRole('button', { name: 'Record the ruling' }).count()).resolves.toBe(1);
    await page.screenshot({ path: join(SCREENSHOTS, '7-dispute-escalated.png'), fullPage: true });

    await page.getByRole('link', { name: 'Arbitration queue' }).click();
    const row = page.getByRole('table', { name: /oldest first/ }).getByRole('row').filter({ hasText: sid });
    await row.getByRole('cell', { name: 'ESCALATED' }).waitFor();
    await page.context().close();
    expect((await gw.as('dave').get(`/v1/disputes/${sid}`)).body).toMatchObject({ status: 'ESCALATED', escalatedBy: id.arbiter, escalationReason: reason });
  });

  test('live updates: a dispute opened while the arbitrator watches the queue appears without reloading', async () => {
    const page = await signedIn('arbiter');
    await page.getByRole('status').filter({ hasText: 'Live updates on' }).waitFor();
    await page.getByRole('heading', { name: 'Arbitration queue' }).waitFor();
    const liveId = `live-${run}`;
    await expect(page.getByRole('link', { name: liveId }).count()).resolves.toBe(0);
    expect((await gw.as('alice').post('/v1/escrows', { id: liveId, amount: '1000', arbitrator: id.arbiter, recipients: [{ account: id.bob, shareBps: 10000 }] })).status).toBe(201);
    expect((await gw.as('bob').post(`/v1/escrows/${liveId}/confirm`)).body.status).toBe('ACTIVE');
    expect((await gw.as('alice').post(`/v1/escrows/${liveId}/dispute`, { reason: 'goods never arrived' })).body.status).toBe('DISPUTED');
    await page.getByRole('link', { name: liveId }).waitFor({ timeout: 15_000 });
    await page.context().close();
  });

  test('a key without the arbitrator role sees no queue, even by its address', async () => {
    const page = await signedIn('carol');
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    await page.goto(`${gw.url}/console/#/`);
    await page.getByRole('heading', { name: 'My account' }).waitFor();
    await expect(page.getByRole('heading', { name: 'Arbitration queue' }).count()).resolves.toBe(0);
    // carol is no party to the escrow: its case page shows the API's refusal, not the escrow.
    await page.goto(`${gw.url}/console/#/case/escrow/${escrowId}`);
    await page.getByRole('alert').filter({ hasText: 'could not be loaded' }).waitFor();
    await expect(page.getByTestId('evidence-hash').count()).resolves.toBe(0);
    await page.screenshot({ path: join(SCREENSHOTS, '5-non-arbitrator.png'), fullPage: true });
    await page.context().close();
  });
});
