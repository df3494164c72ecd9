import { execFile } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { promisify } from 'node:util';
import { RunningGateway, startGateway } from '../../gateway/src/start';

/**
 * The README's walkthrough, run literally: the ```sh block under "## Calling it" in README.md,
 * with bash, against a gateway started as `npm start` starts it (embedded ledger, whatever
 * COVENANT_TEST_LEDGER says: the README's walkthrough is the first start of a fresh machine).
 * The block reads `./.covenant/dev-credentials.json` and calls http://127.0.0.1:8080, so it runs
 * in a temp dir whose `.covenant/` is the gateway's data dir; the only change made to the block is
 * the base URL, http://127.0.0.1:8080 → the gateway's 127.0.0.1 address with an ephemeral port
 * (tests never take a fixed port). Then the test reads what the block printed.
 */
const README = resolve(__dirname, '..', '..', 'README.md');
const README_URL = 'http://127.0.0.1:8080';

/** The first ```sh block after the "## Calling it" heading, and before the next "## " heading. */
function walkthroughBlock(readme: string): string {
  const section = /^## Calling it\n([\s\S]*?)(?=^## )/m.exec(readme);
  if (!section) throw new Error('README.md has no "## Calling it" section');
  const block = /^```sh\n([\s\S]*?)^```$/m.exec(section[1]);
  if (!block) throw new Error('the "## Calling it" section has no ```sh block');
  return block[1];
}

describe("the README's walkthrough", () => {
  let dir: string;
  let gateway: RunningGateway;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'covenant-readme-'));
    gateway = await startGateway({ ledger: 'embedded', dataDir: join(dir, '.covenant'), host: '127.0.0.1', port: 0, org: 'Org1MSP', logLevel: 'silent' });
  });
  afterAll(async () => {
    await gateway?.close();
    await rm(dir, { recursive: true, force: true });
  });

  test('runs as written and prints the settled escrow: bob 150.00, carol 100.00 of alice\'s 250.00', async () => {
    const block = walkthroughBlock(await readFile(README, 'utf8'));
    expect(block).toContain(README_URL);
    const script = block.split(README_URL).join(gateway.url);
    const { stdout } = await promisify(execFile)('bash', ['-c', script], { cwd: dir, timeout: 60_000, maxBuffer: 16 * 1024 * 1024 });
    // Every printed call prints one line, its JSON answer (the three registrations are captured).
    const printed = stdout.split('\n').filter((line) => line.trim() !== '').map((line) => JSON.parse(line));
    expect(printed.filter((answer) => answer.code !== undefined)).toEqual([]);
    expect(printed).toHaveLength(8);
    const [minted, proposed, confirmedByBob, confirmedByCarol, completed, bob, listing, history] = printed;
    expect(minted).toMatchObject({ balance: '100000', mspId: 'Org1MSP' });
    expect(proposed).toMatchObject({ id: 'order-7', status: 'PROPOSED', amount: '25000', terms: '40 pallets by Dec 1' });
    expect(confirmedByBob.status).toBe('PROPOSED');
    expect(confirmedByCarol.status).toBe('ACTIVE');
    expect(completed.status).toBe('COMPLETED');
    expect(bob).toMatchObject({ mspId: 'Org2MSP', balance: '15000', held: '0' });
    expect(listing.items.map((e: any) => [e.id, e.status, e.recipients.map((r: any) => r.amount)])).toEqual([['order-7', 'COMPLETED', ['15000', '10000']]]);
    expect(history.items.map((v: any) => v.escrow.status)).toEqual(['PROPOSED', 'PROPOSED', 'ACTIVE', 'COMPLETED']);

    // The balances behind what it printed: carol got 100.00, alice kept 750.00.
    const { users } = JSON.parse(await readFile(join(dir, '.covenant', 'dev-credentials.json'), 'utf8')) as { users: { name: string; apiKey: string }[] };
    const balanceOf = async (name: string) => {
      const res = await fetch(`${gateway.url}/v1/accounts/me`, { headers: { authorization: `Bearer ${users.find((u) => u.name === name)!.apiKey}` } });
      return ((await res.json()) as { balance: string }).balance;
    };
    expect({ alice: await balanceOf('alice'), bob: await balanceOf('bob'), carol: await balanceOf('carol') }).toEqual({ alice: '75000', bob: '15000', carol: '10000' });
  });
});
