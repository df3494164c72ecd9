import closeWithGrace from 'close-with-grace';
import type { FastifyBaseLogger } from 'fastify';

/** Milliseconds a graceful shutdown may take before the process exits anyway (status 1). */
export const SHUTDOWN_DELAY_MS = 10_000;

/**
 * A server process's shutdown (close-with-grace): on SIGINT/SIGTERM, or an uncaught error, logs
 * why and awaits `close` (stop accepting requests, finish in-flight ones, release connections);
 * exit 0 after a clean shutdown, 1 after an error or when it takes more than SHUTDOWN_DELAY_MS.
 * Used by the gateway (server.ts) and the signer (signer/start.ts).
 */
export function closeOnSignal(log: FastifyBaseLogger, close: () => Promise<void>): void {
  closeWithGrace(
    {
      delay: SHUTDOWN_DELAY_MS,
      logger: { error: (message: unknown) => log.error(message) },
      onTimeout: (delay) => log.error(`graceful shutdown timed out after ${delay / 1000} s`),
    },
    async ({ signal, err }) => {
      if (err) log.error({ err }, 'shutting down after an uncaught error');
      else log.info({ signal }, 'shutting down');
      await close();
    },
  );
}
