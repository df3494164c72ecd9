#!/usr/bin/env node
/**
 * `npm start`: the Covenant gateway process. Listens on 127.0.0.1:8080 by default (see config.ts
 * for flags and environment), logs with pino, and on SIGINT/SIGTERM (or an uncaught error) stops
 * accepting requests, finishes in-flight ones and closes the ledger connection before exiting
 * (close-with-grace): exit 0 after a clean shutdown, 1 after an error or when shutdown takes more
 * than SHUTDOWN_DELAY_MS. The HTTP server's own timeouts are in http/server-options.ts.
 */
import closeWithGrace from 'close-with-grace';
import { loadConfig } from './config';
import { startGateway } from './start';

/** Milliseconds a graceful shutdown may take before the process exits anyway (status 1). */
const SHUTDOWN_DELAY_MS = 10_000;

async function main(): Promise<void> {
  const config = loadConfig();
  const gateway = await startGateway(config, {
    level: config.logLevel,
    redact: ['req.headers.authorization', 'req.headers["idempotency-key"]'],
  });
  const log = gateway.app.log;
  closeWithGrace(
    {
      delay: SHUTDOWN_DELAY_MS,
      logger: { error: (message: unknown) => log.error(message) },
      onTimeout: (delay) => log.error(`graceful shutdown timed out after ${delay / 1000} s`),
    },
    async ({ signal, err }) => {
      if (err) log.error({ err }, 'shutting down after an uncaught error');
      else log.info({ signal }, 'shutting down');
      await gateway.close();
    },
  );
}

main().catch((err) => {
  process.stderr.write(`covenant gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
