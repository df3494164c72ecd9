import { createHash } from 'node:crypto';
import { readFile, readdir } from 'node:fs/promises';
import { extname, join } from 'node:path';

/**
 * The simulated signer's measurement: what stands in for an enclave's MRENCLAVE (SGX) or launch
 * measurement (SEV-SNP). SHA-256 over the signer's own code files (this directory and the
 * privacy modules it signs with), each as `relative name || 0x00 || SHA-256(content) || 0x0a`,
 * in name order, so any change to the code the keys depend on changes it. Compiled (.js) or
 * source (.ts, under tsx or Jest) files, whichever this process runs; declaration and map files
 * are left out. Nothing enforces it here: a simulated signer measures itself.
 */

/** The privacy modules the signer runs, beside its own directory (without extension). */
const PRIVACY_MODULES = ['keys', 'ring-sign', 'stealth-wallet'];

function isCode(name: string): boolean {
  return (name.endsWith('.js') || name.endsWith('.ts')) && !name.endsWith('.d.ts');
}

/** The code files measured, as [relative name, absolute path], in name order. */
async function codeFiles(signerDir: string): Promise<Array<[string, string]>> {
  const own = (await readdir(signerDir)).filter(isCode).map((name): [string, string] => [`signer/${name}`, join(signerDir, name)]);
  const ext = extname(__filename);
  const privacy = PRIVACY_MODULES.map((name): [string, string] => [`privacy/${name}${ext}`, join(signerDir, '..', 'privacy', `${name}${ext}`)]);
  return [...own, ...privacy].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** Lowercase hex SHA-256 measurement of the signer's code in `signerDir` (default: this module's directory). */
export async function measureSigner(signerDir: string = __dirname): Promise<string> {
  const hash = createHash('sha256');
  for (const [name, path] of await codeFiles(signerDir)) {
    hash.update(name).update(Uint8Array.of(0)).update(createHash('sha256').update(await readFile(path)).digest()).update('\n');
  }
  return hash.digest('hex');
}

/** The gateway package's version (the signer ships in it). */
export async function signerVersion(): Promise<string> {
  const raw = JSON.parse(await readFile(join(__dirname, '..', '..', 'package.json'), 'utf8')) as { version?: unknown };
  return typeof raw.version === 'string' ? raw.version : 'unknown';
}
