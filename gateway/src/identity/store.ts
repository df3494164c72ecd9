import { createHash } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { isAbsolute, join } from 'node:path';
import type { SigningIdentity } from '../ledger/port';
import { EncryptionKeyFiles } from './encryption-keys';

/**
 * The gateway's identities: which API key acts as which Fabric identity.
 *
 * `identities.json` (written by the dev consortium or by `network:up`) lists
 * `{users: [{name, mspId, roles, apiKeySha256, certificatePath, privateKeyPath}]}`; paths are
 * absolute or relative to the file. Each identity's encryption keys (digital envelopes) are kept
 * in a file beside its signing key (encryption-keys.ts). API keys are never stored: a bearer key is hashed (SHA-256;
 * keys are 256-bit random strings, so no slow hash is needed) and looked up by its hash.
 */
export interface Principal {
  name: string;
  mspId: string;
  identity: SigningIdentity;
  /** Roles as configured in identities.json (the gateway's own: `relayer` marks the identity private payments are submitted under). */
  roles?: string[];
  /** The signing key's file, when loaded from one: its encryption keys are kept beside it (encryption-keys.ts). */
  signingKeyPath?: string;
}

export interface IdentityRecord {
  name: string;
  mspId: string;
  /** Roles as configured for this identity (informational: the ledger's role records are what chaincode checks). */
  roles: string[];
  apiKeySha256: string;
  certificatePath: string;
  privateKeyPath: string;
}

export const IDENTITIES_FILE = 'identities.json';

export function hashApiKey(apiKey: string): string {
  return createHash('sha256').update(apiKey, 'utf8').digest('hex');
}

export class IdentityStore {
  /** Each identity's encryption key pairs, in a file beside its signing key. */
  readonly encryptionKeys = new EncryptionKeyFiles();

  private constructor(private readonly byKeyHash: Map<string, Principal>) {}

  /**
   * Loads `identities.json` from `dir` and every certificate and key it names; with `mspId`,
   * only that organisation's identities (an organisation's own gateway serves its own members).
   */
  static async load(dir: string, mspId?: string): Promise<IdentityStore> {
    const file = join(dir, IDENTITIES_FILE);
    const parsed = JSON.parse(await readFile(file, 'utf8')) as { users?: IdentityRecord[] };
    if (!Array.isArray(parsed.users)) throw new Error(`${file}: "users" must be a list`);
    const resolve = (p: string) => (isAbsolute(p) ? p : join(dir, p));
    const map = new Map<string, Principal>();
    for (const u of parsed.users) {
      if (mspId && u.mspId !== mspId) continue;
      if (!u.name || !u.mspId || !/^[0-9a-f]{64}$/.test(u.apiKeySha256 ?? '')) {
        throw new Error(`${file}: user ${JSON.stringify(u.name)} needs name, mspId and apiKeySha256`);
      }
      const signingKeyPath = resolve(u.privateKeyPath);
      const identity: SigningIdentity = {
        name: u.name,
        mspId: u.mspId,
        certificate: await readFile(resolve(u.certificatePath), 'utf8'),
        privateKey: await readFile(signingKeyPath, 'utf8'),
      };
      map.set(u.apiKeySha256, { name: u.name, mspId: u.mspId, roles: Array.isArray(u.roles) ? u.roles : [], identity, signingKeyPath });
    }
    return new IdentityStore(map);
  }

  /** The principal a bearer API key stands for, or undefined. */
  authenticate(apiKey: string): Principal | undefined {
    return this.byKeyHash.get(hashApiKey(apiKey));
  }

  get principals(): Principal[] {
    return [...this.byKeyHash.values()];
  }

  /** The first identity with role `role` (of `mspId` when given), or undefined. */
  withRole(role: string, mspId?: string): Principal | undefined {
    return this.principals.find((p) => p.roles?.includes(role) && (mspId === undefined || p.mspId === mspId));
  }
}
