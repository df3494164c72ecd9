import { spawn, ChildProcess } from 'node:child_process';
import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';

/**
 * The gateway as an operator runs it: `node gateway/dist/server.js` (built by `npm test` and
 * `npm start`). It logs where the credentials are, shuts down cleanly on SIGTERM and keeps its
 * state across the restart.
 */
const SERVER = resolve(__dirname, '../../gateway/dist/server.js');

function start(dataDir: string): Promise<{ child: ChildProcess; url: string; log: () => string }> {
  const child = spawn(process.execPath, [SERVER, '--port', '0', '--data-dir', dataDir], { stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start in 20 s:\n${out}`)), 20_000);
    const poll = setInterval(() => {
      const match = /Covenant gateway on (http:\/\/127\.0\.0\.1:\d+)/.exec(out);
      if (match) {
        clearInterval(poll);
        clearTimeout(timer);
        resolvePromise({ child, url: match[1], log: () => out });
      }
    }, 50);
    child.on('exit', (code) => {
      clearInterval(poll);
      clearTimeout(timer);
      reject(new Error(`gateway exited with ${code}:\n${out}`));
    });
  });
}

function stop(child: ChildProcess): Promise<number | null> {
  return new Promise((resolvePromise) => {
    child.removeAllListeners('exit');
    child.on('exit', (code) => resolvePromise(code));
    child.kill('SIGTERM');
  });
}

describe('gateway process (embedded ledger)', () => {
  test('starts, names its credentials file, stops on SIGTERM and restarts with its state', async () => {
    const dataDir = await mkdtemp(join(tmpdir(), 'covenant-proc-'));
    try {
      const first = await start(dataDir);
      expect(first.log()).toContain(join(dataDir, 'dev-credentials.json'));
      const users = JSON.parse(await readFile(join(dataDir, 'dev-credentials.json'), 'utf8')).users as { name: string; apiKey: string }[];
      const alice = users.find((u) => u.name === 'alice')!.apiKey;
      const registered = await fetch(`${first.url}/v1/accounts`, { method: 'POST', headers: { authorization: `Bearer ${alice}` } });
      expect(registered.status).toBe(201);
      expect(await stop(first.child)).toBe(0);
      expect(first.log()).toMatch(/shutting down/);

      const second = await start(dataDir);
      const again = await fetch(`${second.url}/v1/accounts`, { method: 'POST', headers: { authorization: `Bearer ${alice}` } });
      expect(again.status).toBe(200);
      expect(await stop(second.child)).toBe(0);
    } finally {
      await rm(dataDir, { recursive: true, force: true });
    }
  });
});
