import { spawn, ChildProcess } from 'node:child_process';
import { resolve } from 'node:path';
import { TEST_LEDGER } from './gateway';

/** The built gateway's entry point (`npm test` builds it first). */
export const SERVER = resolve(__dirname, '../../gateway/dist/server.js');

/** A gateway running as its own process, to be killed with a signal. */
export interface SpawnedGateway {
  child: ChildProcess;
  url: string;
  exited: Promise<void>;
}

/**
 * Starts the built gateway (`node gateway/dist/server.js`) over `dataDir` on an ephemeral
 * 127.0.0.1 port: on the embedded ledger, or as Org1's gateway on the running network; `extra`
 * adds command-line options (`--peers ...`). Resolves once it listens; rejects if it exits first
 * or does not listen within 20 s.
 */
export function launchGateway(dataDir: string, extra: string[] = []): Promise<SpawnedGateway> {
  const ledger = TEST_LEDGER === 'fabric' ? ['--ledger', 'fabric', '--org', 'Org1MSP'] : [];
  const child = spawn(process.execPath, [SERVER, ...ledger, '--port', '0', '--data-dir', dataDir, '--log-level', 'info', ...extra], { stdio: ['ignore', 'pipe', 'pipe'] });
  let head = '';
  const exited = new Promise<void>((r) => child.once('exit', () => r()));
  return new Promise((resolvePromise, reject) => {
    const timer = setTimeout(() => reject(new Error(`gateway did not start in 20 s:\n${head}`)), 20_000);
    const onData = (d: Buffer) => {
      if (head.length < 20_000) head += d;
      const match = /Covenant gateway on (http:\/\/127\.0\.0\.1:\d+)/.exec(head);
      if (match) {
        clearTimeout(timer);
        child.stdout!.off('data', onData);
        child.stdout!.resume();
        resolvePromise({ child, url: match[1], exited });
      }
    };
    child.stdout!.on('data', onData);
    child.stderr!.on('data', (d) => (head += d));
    exited.then(() => {
      clearTimeout(timer);
      reject(new Error(`gateway exited before it listened:\n${head}`));
    });
  });
}
