/**
 * Runs the typed back-office client (back-office.ts) against a gateway on the embedded ledger
 * (127.0.0.1, ephemeral port, temp data dir) and checks the balances it reports: bob 15000 and
 * carol 10000 minor units after a 250.00 escrow split 60/40. `npx tsx test/openapi/client/run.ts`
 * after the types are generated (.ci/run, "typed client").
 */
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startGateway } from '../../../gateway/src/start';
import { settle } from './back-office';

async function main(): Promise<void> {
  const dataDir = await mkdtemp(join(tmpdir(), 'covenant-client-'));
  const gateway = await startGateway({ ledger: 'embedded', dataDir, host: '127.0.0.1', port: 0, org: 'Org1MSP', logLevel: 'silent' });
  try {
    const { users } = JSON.parse(await readFile(join(gateway.identitiesDir, 'dev-credentials.json'), 'utf8')) as { users: { name: string; apiKey: string }[] };
    const key = (name: string) => users.find((u) => u.name === name)!.apiKey;
    const balances = await settle(gateway.url, { bank: key('bank'), alice: key('alice'), bob: key('bob'), carol: key('carol') });
    if (balances.bob !== '15000' || balances.carol !== '10000') throw new Error(`unexpected balances ${JSON.stringify(balances)}`);
    console.log(`typed client: escrow settled, bob ${balances.bob}, carol ${balances.carol}`);
  } finally {
    await gateway.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(`typed client FAILED: ${err instanceof Error ? err.message : String(err)}`);
  process.exit(1);
});
