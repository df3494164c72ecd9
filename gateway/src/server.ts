#!/usr/bin/env node
/**
 * `npm start`: the Covenant gateway process. Listens on 127.0.0.1:8080 by default (see config.ts
 * for flags and environment), logs with pino, and on SIGINT/SIGTERM (or an uncaught error) stops
 * accepting requests, finishes in-flight ones and closes the ledger connection before exiting
 * (close-with-grace): exit 0 after a clean shutdown, 1 after an error or when shutdown takes more
 * than 10 s (http/close-on-signal.ts). The HTTP server's own timeouts are in http/server-options.ts.
 */
import { loadConfig } from './config';
import { startGateway } from './start';
import { closeOnSignal } from './http/close-on-signal';

async function main(): Promise<void> {
  const config = loadConfig();
  const gateway = await startGateway(config, {
    level: config.logLevel,
    redact: ['req.headers.authorization', 'req.headers["idempotency-key"]'],
  });
  closeOnSignal(gateway.app.log, () => gateway.close());
}

main().catch((err) => {
  process.stderr.write(`covenant gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
