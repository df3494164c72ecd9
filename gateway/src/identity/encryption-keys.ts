import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import type { EncryptionKeyPair, EncryptionPrivateKey } from '../envelopes';

/**
 * Each identity's encryption key pairs (digital envelopes: gateway/src/envelopes/README.md),
 * kept beside its signing key: the file `<signing key file>.encryption-keys.json` in the signing
 * key's directory, owner-only (0600) like the key itself, written whole to a temporary file and
 * renamed (a crash leaves the old file or the new one, never half of one). It lists
 * `{keys: [{kid, publicKey, privateKey (JWK), createdAt}]}`, newest first: the newest is the
 * identity's current key; earlier ones stay so envelopes sealed for them still open. Private keys
 * leave this module only to open envelopes, never in a log line, an error or a response.
 */
export interface StoredEncryptionKey extends EncryptionKeyPair {
  /** When this gateway generated it, ISO 8601 UTC. */
  createdAt: string;
}

interface KeyFile {
  keys: StoredEncryptionKey[];
}

/** The path of the encryption key file of a signing key file. */
export function encryptionKeyFileOf(signingKeyPath: string): string {
  return join(dirname(signingKeyPath), `${basename(signingKeyPath)}.encryption-keys.json`);
}

export class EncryptionKeyFiles {
  /** Per file: the last pending operation, so writes of one identity never interleave. */
  private readonly queues = new Map<string, Promise<unknown>>();

  /** @param fileOf the key file beside a signing key file (default: encryptionKeyFileOf). */
  constructor(private readonly fileOf: (signingKeyPath: string) => string = encryptionKeyFileOf) {}

  /** The identity's current (newest) key, or undefined before the first. */
  async current(signingKeyPath: string): Promise<StoredEncryptionKey | undefined> {
    return (await this.read(this.fileOf(signingKeyPath))).keys[0];
  }

  /** The identity's key with id `kid` (current or earlier), or undefined. */
  async find(signingKeyPath: string, kid: string): Promise<StoredEncryptionKey | undefined> {
    return (await this.read(this.fileOf(signingKeyPath))).keys.find((k) => k.kid === kid);
  }

  /** The private key of `kid`, to open an envelope sealed for it; undefined when this identity never had it. */
  async privateKey(signingKeyPath: string, kid: string): Promise<EncryptionPrivateKey | undefined> {
    return (await this.find(signingKeyPath, kid))?.privateKey;
  }

  /**
   * Makes `pair` the identity's current key (earlier keys are kept), durably, before it returns:
   * the caller registers the public key on the ledger only after this, so the ledger never names a
   * key whose private half is lost.
   */
  async add(signingKeyPath: string, pair: EncryptionKeyPair, now = new Date()): Promise<StoredEncryptionKey> {
    const file = this.fileOf(signingKeyPath);
    return this.serialized(file, async () => {
      const stored: StoredEncryptionKey = { publicKey: pair.publicKey, kid: pair.kid, privateKey: pair.privateKey, createdAt: now.toISOString() };
      const { keys } = await this.read(file);
      const next: KeyFile = { keys: [stored, ...keys.filter((k) => k.kid !== stored.kid)] };
      const temporary = `${file}.${process.pid}.tmp`;
      await writeFile(temporary, JSON.stringify(next, null, 2) + '\n', { mode: 0o600, flush: true });
      await rename(temporary, file);
      return stored;
    });
  }

  /** `work` after every earlier operation on `file` has settled. */
  private serialized<T>(file: string, work: () => Promise<T>): Promise<T> {
    const previous = this.queues.get(file) ?? Promise.resolve();
    const next = previous.then(work, work);
    const settled = next.catch(() => undefined);
    this.queues.set(file, settled);
    void settled.then(() => {
      if (this.queues.get(file) === settled) this.queues.delete(file);
    });
    return next;
  }

  private async read(file: string): Promise<KeyFile> {
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return { keys: [] };
      throw err;
    }
    // Errors name the file only: its content holds private keys (JSON.parse quotes the text).
    let parsed: Partial<KeyFile> | null;
    try {
      parsed = JSON.parse(text) as Partial<KeyFile> | null;
    } catch {
      throw new Error(`${file}: not valid JSON`);
    }
    if (!Array.isArray(parsed?.keys)) throw new Error(`${file}: "keys" must be a list`);
    return { keys: parsed.keys };
  }
}
