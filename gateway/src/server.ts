#!/usr/bin/env node
/**
 * `npm start`: the Covenant gateway process. Listens on 127.0.0.1:8080 by default (see config.ts
 * for flags and environment), logs with pino, and on SIGINT/SIGTERM stops accepting requests,
 * finishes in-flight ones and closes the ledger connection before exiting.
 */
import { loadConfig } from './config';
import { startGateway } from './start';

async function main(): Promise<void> {
  const config = loadConfig();
  const gateway = await startGateway(config, {
    level: config.logLevel,
    redact: ['req.headers.authorization', 'req.headers["idempotency-key"]'],
  });
  let closing = false;
  const shutdown = (signal: string) => {
    if (closing) return;
    closing = true;
    gateway.app.log.info({ signal }, 'shutting down');
    const timer = setTimeout(() => {
      gateway.app.log.error('graceful shutdown timed out after 10 s');
      process.exit(1);
    }, 10_000);
    timer.unref();
    gateway.close().then(
      () => process.exit(0),
      (err) => {
        gateway.app.log.error({ err }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
}

main().catch((err) => {
  process.stderr.write(`covenant gateway failed to start: ${err instanceof Error ? err.message : String(err)}\n`);
  process.exit(1);
});
