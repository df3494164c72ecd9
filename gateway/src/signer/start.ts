#!/usr/bin/env node
/**
 * `npm run signer -w @covenant/gateway`: the signer process (gateway/src/signer/README.md). Reads
 * its settings from the environment (config.ts), opens the sealed key file through the TEE adapter
 * and serves the signer API on 127.0.0.1. On SIGINT/SIGTERM (or an uncaught error) it stops
 * accepting requests and finishes in-flight ones (close-with-grace, as the gateway's server.ts):
 * exit 0 after a clean shutdown, 1 after an error or when shutdown takes longer than 10 s.
 */
import { loadSignerConfig } from './config';
import { startSigner } from './open';
import { closeOnSignal } from '../http/close-on-signal';

async function main(): Promise<void> {
  const config = loadSignerConfig();
  const signer = await startSigner(config, { level: config.logLevel, redact: ['req.headers.authorization'] });
  const log = signer.app.log;
  log.info({ url: signer.url, tee: config.tee }, config.tee === 'simulated' ? 'signer listening (simulated TEE: no isolation, not for production)' : 'signer listening');
  closeOnSignal(log, () => signer.close());
}

main().catch((err) => {
  process.stderr.write(`covenant signer failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
