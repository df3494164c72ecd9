import { join } from 'node:path';
import { Point, decodePoint, decodeScalar } from '@covenant/chaincode/dist/privacy/group';
import type { StealthKeys } from '@covenant/chaincode/dist/privacy/stealth';
import { generateStealthKeys } from '../privacy/keys';
import { readFileIfExists, writeFileAtomic } from './atomic-file';
import { SignerError } from './errors';
import type { TeeAdapter } from './tee';

/**
 * Each owner's stealth view and spend key pairs (gateway/src/privacy/keys.ts), kept in memory and
 * in one sealed key file, `<dir>/keys.sealed`: the TEE adapter's seal (AES-256-GCM under its
 * key-encryption key) of the JSON `{version: 1, owners: {<owner>: StealthKeys}}`. Every change
 * rewrites the file atomically (write, flush, rename, fsync the directory) before it is answered,
 * so keys whose public half left the signer are never lost. A file that does not unseal or
 * whose keys do not match their public keys is refused at open: the signer does not start.
 */
export const KEY_FILE = 'keys.sealed';
const FILE_VERSION = 1;
/** An owner id: 1 to 256 printable ASCII characters without spaces (the gateway's account ids). */
const OWNER = /^[\x21-\x7e]{1,256}$/;

/** An owner's published half: its stealth meta-address. */
export interface OwnerKeys {
  owner: string;
  viewPublicKey: string;
  spendPublicKey: string;
}

/** Throws SignerError INVALID_ARGUMENT unless `owner` is a well-formed owner id. */
export function assertOwner(owner: unknown): asserts owner is string {
  if (typeof owner !== 'string' || !OWNER.test(owner)) throw new SignerError('INVALID_ARGUMENT', 'owner must be 1 to 256 printable ASCII characters without spaces');
}

/** True iff the secret keys are well formed and give the public keys. */
function consistent(keys: StealthKeys): boolean {
  try {
    const a = decodeScalar(keys.viewSecretKey, 'viewSecretKey', true);
    const b = decodeScalar(keys.spendSecretKey, 'spendSecretKey', true);
    return Point.BASE.multiply(a).equals(decodePoint(keys.viewPublicKey, 'viewPublicKey')) && Point.BASE.multiply(b).equals(decodePoint(keys.spendPublicKey, 'spendPublicKey'));
  } catch {
    return false;
  }
}

export class KeyStore {
  private writes: Promise<unknown> = Promise.resolve();

  private constructor(
    private readonly file: string,
    private readonly tee: TeeAdapter,
    private readonly owners: Map<string, StealthKeys>,
  ) {}

  /**
   * Opens the key file in `dir` through `tee` (an absent file is an empty store). Throws
   * SignerError INTERNAL when the file does not unseal (tampered, or sealed by another TEE), is
   * not a version-1 key file, or holds keys inconsistent with their public keys.
   */
  static async open(dir: string, tee: TeeAdapter): Promise<KeyStore> {
    const file = join(dir, KEY_FILE);
    const sealed = await readFileIfExists(file);
    const owners = new Map<string, StealthKeys>();
    if (sealed) {
      const refuse = (why: string) => new SignerError('INTERNAL', `key file ${file} refused: ${why}`);
      let parsed: { version?: unknown; owners?: Record<string, StealthKeys> };
      try {
        parsed = JSON.parse(Buffer.from(await tee.unseal(sealed)).toString('utf8'));
      } catch (error) {
        throw refuse(error instanceof SignerError ? error.detail : 'not JSON');
      }
      if (parsed.version !== FILE_VERSION || typeof parsed.owners !== 'object' || parsed.owners === null) throw refuse(`not a version-${FILE_VERSION} key file`);
      for (const [owner, keys] of Object.entries(parsed.owners)) {
        if (!OWNER.test(owner) || !consistent(keys)) throw refuse(`the keys of ${JSON.stringify(owner)} are malformed`);
        owners.set(owner, { viewSecretKey: keys.viewSecretKey, viewPublicKey: keys.viewPublicKey, spendSecretKey: keys.spendSecretKey, spendPublicKey: keys.spendPublicKey });
      }
    }
    return new KeyStore(file, tee, owners);
  }

  /** The owner's public keys, or undefined. */
  publicKeys(owner: string): OwnerKeys | undefined {
    const keys = this.owners.get(owner);
    return keys && { owner, viewPublicKey: keys.viewPublicKey, spendPublicKey: keys.spendPublicKey };
  }

  /** The owner's key pairs (secret halves included: for the core, never for an answer), or undefined. */
  secretKeys(owner: string): StealthKeys | undefined {
    return this.owners.get(owner);
  }

  /**
   * The owner's public keys, creating its key pairs on the first call; the same answer after.
   * New keys are sealed to disk before this resolves. Concurrent calls are serialized.
   */
  async create(owner: string): Promise<OwnerKeys> {
    assertOwner(owner);
    const run = this.writes.then(async () => {
      if (!this.owners.has(owner)) {
        const next = new Map(this.owners).set(owner, generateStealthKeys());
        await this.persist(next);
        this.owners.set(owner, next.get(owner) as StealthKeys);
      }
      return this.publicKeys(owner) as OwnerKeys;
    });
    this.writes = run.catch(() => undefined);
    return run;
  }

  private async persist(owners: Map<string, StealthKeys>): Promise<void> {
    const plaintext = Buffer.from(JSON.stringify({ version: FILE_VERSION, owners: Object.fromEntries(owners) }), 'utf8');
    await writeFileAtomic(this.file, await this.tee.seal(plaintext));
    plaintext.fill(0);
  }
}
