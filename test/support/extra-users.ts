import { readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { DevCredentials } from '../../gateway/src/identity/dev-consortium';
import { IDENTITIES_FILE, IdentityRecord } from '../../gateway/src/identity/store';
import { OrgCa, createOrgCa } from '../../gateway/src/identity/dev-ca';
import { TEST_LEDGER, TestGateway, TestGatewayOptions, issueClientInto, networkCa, startTestGateway, withApiKey } from './gateway';

/**
 * The CA that issues `mspId`'s client identities: on Fabric the organisation's cryptogen CA
 * (its certificate and key beside the network's admins, as test/support/gateway.ts finds them),
 * so peers accept the identities; on the embedded ledger a fresh development CA (the embedded
 * ledger derives accounts from certificates and checks no chain).
 */
async function orgCa(mspId: string): Promise<OrgCa> {
  return TEST_LEDGER === 'fabric' ? networkCa(mspId) : createOrgCa(mspId);
}

/**
 * Adds client identities `names` of organisation `mspId` (no roles) to a test gateway's
 * identities and credentials, then restarts its gateways over the same data so they serve them:
 * for benchmarks that need more parties than the dev users. Returns the restarted gateway
 * (`gw` is stopped). Names get a random suffix in their certificates, so each run has fresh
 * accounts on a shared Fabric ledger.
 */
export async function withExtraUsers(gw: TestGateway, names: string[], mspId = 'Org1MSP', options?: TestGatewayOptions): Promise<TestGateway> {
  const dir = gw.identitiesDir;
  const ca = await orgCa(mspId);
  const identities = JSON.parse(await readFile(join(dir, IDENTITIES_FILE), 'utf8')) as { users: IdentityRecord[] };
  const credentials = JSON.parse(await readFile(join(dir, 'dev-credentials.json'), 'utf8')) as DevCredentials;
  const suffix = Math.random().toString(36).slice(2, 8);
  for (const name of names) {
    const keyed = withApiKey({ name, mspId, roles: [], ...(await issueClientInto(ca, `${name}-${suffix}`, join(dir, 'msp', 'extra', name))) });
    identities.users.push(keyed.record);
    credentials.users.push(keyed.credential);
  }
  await gw.stop();
  await writeFile(join(dir, 'dev-credentials.json'), JSON.stringify(credentials, null, 2), { mode: 0o600 });
  await writeFile(join(dir, IDENTITIES_FILE), JSON.stringify(identities, null, 2), { mode: 0o600 });
  return startTestGateway(gw.dataDir, options);
}
