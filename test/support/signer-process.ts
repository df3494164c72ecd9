import { spawn, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { resolve } from 'node:path';
import { createInterface } from 'node:readline';

/** The signer process as an operator runs it (`node gateway/dist/signer/start.js`, built by `npm test`). */
const SIGNER = resolve(__dirname, '../../gateway/dist/signer/start.js');

/** A running signer process: where it listens and the bearer token its callers present. */
export interface SignerProcess {
  url: string;
  token: string;
  /** SIGTERM, then wait for the exit (the signer shuts down gracefully). */
  stop(): Promise<void>;
}

/**
 * Starts the signer process (gateway/src/signer) over key directory `dir` on an ephemeral
 * 127.0.0.1 port with a fresh token and the simulated TEE, and resolves once it logs its URL.
 * Rejects if it exits or stays silent for 20 s.
 */
export function startSignerProcess(dir: string): Promise<SignerProcess> {
  const token = randomBytes(24).toString('base64url');
  const child: ChildProcess = spawn(process.execPath, [SIGNER], {
    env: { ...process.env, COVENANT_SIGNER_PORT: '0', COVENANT_SIGNER_TOKEN: token, COVENANT_SIGNER_DIR: dir, COVENANT_SIGNER_TEE: 'simulated', LOG_LEVEL: 'info' },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  const exited = new Promise<void>((done) => child.once('exit', () => done()));
  const stop = async () => {
    if (child.exitCode === null && child.signalCode === null) child.kill('SIGTERM');
    await exited;
  };
  let stderr = '';
  child.stderr!.on('data', (chunk) => (stderr += String(chunk)));
  return new Promise<SignerProcess>((ready, fail) => {
    const timer = setTimeout(() => {
      void stop();
      fail(new Error(`the signer did not start within 20 s: ${stderr}`));
    }, 20_000);
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`the signer exited with ${code}: ${stderr}`));
    });
    createInterface({ input: child.stdout! }).on('line', (line) => {
      let entry: { url?: unknown };
      try {
        entry = JSON.parse(line) as { url?: unknown };
      } catch {
        return;
      }
      if (typeof entry.url === 'string') {
        clearTimeout(timer);
        ready({ url: entry.url, token, stop });
      }
    });
  });
}
