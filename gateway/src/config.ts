import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';

/**
 * Gateway settings from flags and environment (flags win):
 * --ledger / COVENANT_LEDGER       embedded (default) | fabric
 * --data-dir / COVENANT_DATA_DIR   default <repo>/.covenant
 * --host / HOST                    default 127.0.0.1
 * --port / PORT                    default 8080
 * --org / COVENANT_ORG             MSP ID whose peer a fabric gateway talks to (default Org1MSP)
 * --log-level / LOG_LEVEL          pino level, default info
 * --peers / COVENANT_PEERS         other organisations' gateways for off-chain channel messages,
 *                                  `Org2MSP=http://127.0.0.1:8082,Org3MSP=http://127.0.0.1:8083`
 */
export interface GatewayConfig {
  ledger: 'embedded' | 'fabric';
  dataDir: string;
  host: string;
  port: number;
  org: string;
  logLevel: string;
  /** Other organisations' gateways: `Org2MSP=http://127.0.0.1:8082,...` */
  peers?: string;
}

export const DEFAULT_DATA_DIR = resolve(__dirname, '..', '..', '.covenant');

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number 0-65535');
  return n;
}

export function loadConfig(argv: string[] = process.argv, env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  const program = new Command('covenant-gateway')
    .description('Covenant REST gateway')
    .addOption(new Option('--ledger <kind>', 'ledger backend').choices(['embedded', 'fabric']).default(env.COVENANT_LEDGER ?? 'embedded'))
    .option('--data-dir <dir>', 'data directory', env.COVENANT_DATA_DIR ?? DEFAULT_DATA_DIR)
    .option('--host <host>', 'listen address', env.HOST ?? '127.0.0.1')
    .option('--port <port>', 'listen port', port, env.PORT ? port(env.PORT) : 8080)
    .option('--org <mspId>', 'organisation of the fabric gateway', env.COVENANT_ORG ?? 'Org1MSP')
    .option('--log-level <level>', 'log level', env.LOG_LEVEL ?? 'info')
    .option('--peers <list>', 'other gateways, MSPID=URL,...', env.COVENANT_PEERS ?? '')
    .exitOverride()
    .parse(argv);
  const o = program.opts();
  return { ledger: o.ledger, dataDir: resolve(o.dataDir), host: o.host, port: o.port, org: o.org, logLevel: o.logLevel, peers: o.peers };
}
