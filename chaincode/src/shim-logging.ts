/**
 * fabric-shim logs through winston, and a winston Logger runs its whole format chain (timestamp,
 * metadata, colours, padding, printf) on every entry before its transports drop the entry for its
 * level (winston issues #719 and #2546). The shim writes several debug entries per stub call, so
 * at the network's INFO level a chaincode server spent about a fifth of its transaction CPU
 * formatting lines nobody reads (measured with `node --cpu-prof` on an escrow-create load).
 *
 * Installed once, on the winston the shim resolves: an entry that no transport of its logger would
 * write (Logger.isLevelEnabled, which consults the logger's and every transport's level) is dropped
 * before formatting. Every entry that is written is written exactly as before.
 */
import { createRequire } from 'node:module';

const LEVEL = Symbol.for('level');
const INSTALLED = Symbol.for('covenant.shim-logging');

interface WinstonLogger {
  isLevelEnabled(level: string): boolean;
  write(chunk: unknown, ...rest: unknown[]): boolean;
}

/** Installs the guard on the winston that fabric-shim uses; idempotent. Returns that Logger class. */
export function quietDisabledLevels(): { prototype: WinstonLogger } {
  const winston = createRequire(require.resolve('fabric-shim'))('winston') as { Logger: { prototype: WinstonLogger } & Record<symbol, boolean> };
  const Logger = winston.Logger;
  if (Logger[INSTALLED]) return Logger;
  const write = Logger.prototype.write;
  Logger.prototype.write = function (this: WinstonLogger, chunk: unknown, ...rest: unknown[]): boolean {
    const level = (chunk as Record<symbol, unknown> | null)?.[LEVEL] ?? (chunk as { level?: unknown } | null)?.level;
    if (typeof level === 'string' && !this.isLevelEnabled(level)) return true;
    return write.call(this, chunk, ...rest);
  };
  Logger[INSTALLED] = true;
  return Logger;
}

quietDisabledLevels();
