import { createRequire } from 'node:module';
import { PassThrough } from 'node:stream';
import { quietDisabledLevels } from '../src/shim-logging';

// The winston that fabric-shim logs through (the guard is installed on it).
const winston = createRequire(require.resolve('fabric-shim'))('winston');

function logger(level: string) {
  const formatted: string[] = [];
  const out: string[] = [];
  const stream = new PassThrough({ objectMode: true });
  stream.on('data', (info: { message: string }) => out.push(info.message));
  const counting = winston.format((info: { message: string }) => {
    formatted.push(info.message);
    return info;
  });
  const log = winston.createLogger({ level, format: counting(), transports: [new winston.transports.Stream({ stream })] });
  return { log, formatted, out };
}

describe('chaincode logging (fabric-shim over winston)', () => {
  beforeAll(() => quietDisabledLevels());

  it('does not format entries below the level, and writes the others unchanged', async () => {
    const { log, formatted, out } = logger('info');
    log.debug('stub call detail');
    log.log('debug', 'another %s', 'detail');
    log.info('transaction done');
    log.error('failure');
    await new Promise((resolve) => setImmediate(resolve));
    expect(formatted).toEqual(['transaction done', 'failure']);
    expect(out).toEqual(['transaction done', 'failure']);
  });

  it('keeps debug entries when the level asks for them', async () => {
    const { log, formatted, out } = logger('debug');
    log.debug('stub call detail');
    await new Promise((resolve) => setImmediate(resolve));
    expect(formatted).toEqual(['stub call detail']);
    expect(out).toEqual(['stub call detail']);
  });

  it('the shim loggers stay usable', () => {
    const shimLogger = createRequire(require.resolve('fabric-shim'))('./lib/logger').getLogger('covenant-test');
    expect(() => shimLogger.debug('quiet')).not.toThrow();
  });
});
