import { randomBytes } from 'node:crypto';
import { access, chmod, mkdir, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { ChaincodeError, Ledger, SigningIdentity } from '../ledger/port';
import { createOrgCa, issueIdentity, NodeOu, OrgCa } from './dev-ca';
import { IDENTITIES_FILE, IdentityRecord, hashApiKey } from './store';

/**
 * The development consortium the embedded ledger starts with: three organisations (Org1MSP,
 * Org2MSP, Org3MSP; Org3 hosts the arbitration institution), each with its own CA and X.509
 * identities, and API keys for each user. Written once, on the first start, into the data dir:
 * - `identities.json`: what the gateway loads (hashed API keys, certificate and key paths);
 * - `dev-credentials.json` (mode 0600): the API keys in clear for the developer,
 *   `{users: [{name, mspId, roles, apiKey}]}`;
 * - `msp/<mspId>/<name>/{cert.pem,key.pem}` and `msp/<mspId>/ca.pem`.
 * Then the chaincode's init transaction seeds the ledger roles (bank: issuer, arbiter: arbitrator).
 * relay1-3 (one per organisation, role relayer) submit private payments (gateway/src/privacy).
 */
export const DEV_MEMBERS = ['Org1MSP', 'Org2MSP', 'Org3MSP'] as const;

export const DEV_USERS: { name: string; mspId: string; ou: NodeOu; roles: string[] }[] = [
  { name: 'bank', mspId: 'Org1MSP', ou: 'client', roles: ['issuer'] },
  { name: 'alice', mspId: 'Org1MSP', ou: 'client', roles: [] },
  { name: 'bob', mspId: 'Org2MSP', ou: 'client', roles: [] },
  { name: 'dave', mspId: 'Org2MSP', ou: 'client', roles: [] },
  { name: 'carol', mspId: 'Org3MSP', ou: 'client', roles: [] },
  { name: 'arbiter', mspId: 'Org3MSP', ou: 'client', roles: ['arbitrator'] },
  { name: 'admin1', mspId: 'Org1MSP', ou: 'admin', roles: ['admin'] },
  { name: 'admin2', mspId: 'Org2MSP', ou: 'admin', roles: ['admin'] },
  { name: 'admin3', mspId: 'Org3MSP', ou: 'admin', roles: ['admin'] },
  // Each organisation's relayer: the identity its gateway submits private payments under (issue 13).
  { name: 'relay1', mspId: 'Org1MSP', ou: 'client', roles: ['relayer'] },
  { name: 'relay2', mspId: 'Org2MSP', ou: 'client', roles: ['relayer'] },
  { name: 'relay3', mspId: 'Org3MSP', ou: 'client', roles: ['relayer'] },
];

/**
 * Roles the gateway alone knows (not ledger roles, not seeded by the init transaction): admin (an
 * organisation administrator, from its certificate's OU) and relayer (the identity the gateway
 * submits private payments under: the ring signatures authorise them, not the submitter).
 */
export const GATEWAY_ROLES = ['admin', 'relayer'];

export const DEV_CREDENTIALS_FILE = 'dev-credentials.json';

export interface DevCredentials {
  users: { name: string; mspId: string; roles: string[]; apiKey: string }[];
}

/** A fresh API key: `cov_` and 32 random bytes, base64url. */
export function newApiKey(): string {
  return `cov_${randomBytes(32).toString('base64url')}`;
}

async function exists(path: string): Promise<boolean> {
  return access(path).then(
    () => true,
    () => false,
  );
}

/**
 * Creates the dev consortium in `dir` unless `identities.json` is already there, and initialises
 * the ledger with it. Returns true when it was created by this call.
 */
export async function ensureDevConsortium(dir: string, ledger: Ledger): Promise<boolean> {
  if (await exists(join(dir, IDENTITIES_FILE))) return false;
  await mkdir(dir, { recursive: true, mode: 0o700 });
  const cas = new Map<string, OrgCa>();
  for (const mspId of DEV_MEMBERS) {
    const ca = await createOrgCa(mspId);
    cas.set(mspId, ca);
    await mkdir(join(dir, 'msp', mspId), { recursive: true, mode: 0o700 });
    await writeFile(join(dir, 'msp', mspId, 'ca.pem'), ca.certificate);
  }
  const records: IdentityRecord[] = [];
  const credentials: DevCredentials = { users: [] };
  const issuedByName = new Map<string, SigningIdentity>();
  for (const user of DEV_USERS) {
    const issued = await issueIdentity(cas.get(user.mspId)!, user.name, user.ou);
    const userDir = join(dir, 'msp', user.mspId, user.name);
    await mkdir(userDir, { recursive: true, mode: 0o700 });
    await writeFile(join(userDir, 'cert.pem'), issued.certificate);
    await writeFile(join(userDir, 'key.pem'), issued.privateKey, { mode: 0o600 });
    issuedByName.set(user.name, { name: user.name, mspId: user.mspId, ...issued });
    const apiKey = newApiKey();
    credentials.users.push({ name: user.name, mspId: user.mspId, roles: user.roles, apiKey });
    records.push({
      name: user.name,
      mspId: user.mspId,
      roles: user.roles,
      apiKeySha256: hashApiKey(apiKey),
      certificatePath: join('msp', user.mspId, user.name, 'cert.pem'),
      privateKeyPath: join('msp', user.mspId, user.name, 'key.pem'),
    });
  }
  const ledgerRoles = (u: (typeof DEV_USERS)[number]) => u.roles.filter((r) => !GATEWAY_ROLES.includes(r));
  const seed = {
    members: [...DEV_MEMBERS],
    roles: DEV_USERS.filter((u) => ledgerRoles(u).length > 0).map((u) => ({
      mspId: u.mspId,
      certificate: issuedByName.get(u.name)!.certificate,
      roles: ledgerRoles(u),
    })),
  };
  try {
    await ledger.submit(issuedByName.get('admin1')!, 'consortium:init', [JSON.stringify(seed)]);
  } catch (err) {
    if (err instanceof ChaincodeError && err.code === 'ALREADY_EXISTS') {
      throw new Error(`the ledger in ${dir} was initialised by an earlier, incomplete start: remove ${dir} and start again`);
    }
    throw err;
  }
  const credentialsFile = join(dir, DEV_CREDENTIALS_FILE);
  await writeFile(credentialsFile, JSON.stringify(credentials, null, 2) + '\n', { mode: 0o600 });
  await chmod(credentialsFile, 0o600);
  // identities.json last: its presence marks a complete consortium.
  await writeFile(join(dir, IDENTITIES_FILE), JSON.stringify({ users: records }, null, 2) + '\n', { mode: 0o600 });
  return true;
}
