import { resolve } from 'node:path';
import { Command, InvalidArgumentError, Option } from 'commander';
import type { Limits } from './http/limits';
import { DEFAULT_WEIGHT_PARAMS, type WeightParams } from './channels/routing';
import { DEFAULT_HTLC_TIMING, type HtlcTiming } from './channels/htlc-timing';

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
 * --rate-limit / COVENANT_RATE_LIMIT  requests per minute: `address=20000,key=10000,auth=50,offchain=5000`
 *                                  (any subset; see http/limits.ts DEFAULT_LIMITS)
 * --request-timeout / COVENANT_REQUEST_TIMEOUT_MS  ms to receive a whole request, default 30000
 * --signer-url / COVENANT_SIGNER_URL  the signer process holding the private-payment keys
 *                                  (gateway/src/signer); without it, an in-process signer over
 *                                  <data dir>/signer. Its token: COVENANT_SIGNER_TOKEN or
 *                                  COVENANT_SIGNER_TOKEN_FILE (environment only: not in `ps`)
 * --ring-size / COVENANT_RING_SIZE  ring size of private spends, 2-64, default 11
 * --channel-weights / COVENANT_CHANNEL_WEIGHTS  `k1=0.5,k2=0.5`: the paper's k1 and k2 in
 *                                  W_ij = k1 (1 - Dist_ij) + k2 Bal_ij, with which this gateway
 *                                  selects member channels inside a multiparty channel (seeds/003,
 *                                  formula 18 and Figure 1); each a finite number >= 0
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
  /** Rate limits (default DEFAULT_LIMITS). */
  limits?: Partial<Limits>;
  /** Milliseconds to receive a whole request, headers and body (default 30 000). */
  requestTimeoutMs?: number;
  /** The signer process (URL and bearer token); undefined: an in-process signer. */
  signer?: { url: string; token?: string; tokenFile?: string };
  /** Ring size of private spends (default 11). */
  ringSize?: number;
  /** k1 and k2 of the paper's channel weight W_ij (default 0.5 each). */
  channelWeights?: WeightParams;
  /** Timing of routed payments settled by HTLCs (default DEFAULT_HTLC_TIMING; --htlc-delta sets `deltaMs`). */
  htlcTiming?: Partial<HtlcTiming>;
}

export const DEFAULT_DATA_DIR = resolve(__dirname, '..', '..', '.covenant');

function port(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new InvalidArgumentError('must be a port number 0-65535');
  return n;
}

function htlcDelta(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 60 || n > 86_400) throw new InvalidArgumentError('must be an integer 60-86400 (seconds)');
  return n;
}

function ringSize(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 2 || n > 64) throw new InvalidArgumentError('must be an integer 2-64');
  return n;
}

function positive(value: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new InvalidArgumentError('must be a positive integer');
  return n;
}

/** `k1=0.5,k2=0.5` (either may be left out: 0.5) → the paper's weight parameters; each finite and >= 0. */
export function parseChannelWeights(value: string): WeightParams {
  const out: { k1: number; k2: number } = { ...DEFAULT_WEIGHT_PARAMS };
  for (const part of value.split(',').filter((p) => p.trim() !== '')) {
    const [name, raw] = part.split('=').map((s) => s.trim());
    const n = raw === undefined || raw === '' ? NaN : Number(raw);
    if ((name !== 'k1' && name !== 'k2') || !Number.isFinite(n) || n < 0) throw new InvalidArgumentError(`expected k1=<number >= 0> or k2=<number >= 0>, got "${part}"`);
    out[name] = n;
  }
  return out;
}

const LIMIT_NAMES: Record<string, keyof Limits> = { address: 'perAddress', key: 'perKey', auth: 'authFailures', offchain: 'offchain' };

/** `address=20000,key=10000,auth=50,offchain=5000` (any subset) → per-minute limits. */
export function parseLimits(value: string): Partial<Limits> {
  const out: Partial<Limits> = {};
  for (const part of value.split(',').filter((p) => p.trim() !== '')) {
    const [name, count] = part.split('=').map((s) => s.trim());
    const field = LIMIT_NAMES[name];
    if (!field || count === undefined) throw new InvalidArgumentError(`expected address|key|auth|offchain=<per minute>, got "${part}"`);
    out[field] = positive(count);
  }
  return out;
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
    .option('--rate-limit <list>', 'requests per minute, address=N,key=N,auth=N,offchain=N', parseLimits, parseLimits(env.COVENANT_RATE_LIMIT ?? ''))
    .option('--request-timeout <ms>', 'ms to receive a whole request', positive, env.COVENANT_REQUEST_TIMEOUT_MS ? positive(env.COVENANT_REQUEST_TIMEOUT_MS) : 30_000)
    .option('--signer-url <url>', 'signer process for private-payment keys', env.COVENANT_SIGNER_URL ?? '')
    .option('--ring-size <n>', 'ring size of private spends (2-64)', ringSize, env.COVENANT_RING_SIZE ? ringSize(env.COVENANT_RING_SIZE) : 11)
    .option('--htlc-delta <seconds>', 'seconds between the expiries of successive HTLCs of a routed payment (60-86400)', htlcDelta, env.COVENANT_HTLC_DELTA_SECONDS ? htlcDelta(env.COVENANT_HTLC_DELTA_SECONDS) : DEFAULT_HTLC_TIMING.deltaMs / 1000)
    .option('--channel-weights <list>', 'k1=N,k2=N of the channel weight W inside multiparty channels', parseChannelWeights, parseChannelWeights(env.COVENANT_CHANNEL_WEIGHTS ?? ''))
    .exitOverride()
    .parse(argv);
  const o = program.opts();
  return {
    ledger: o.ledger,
    dataDir: resolve(o.dataDir),
    host: o.host,
    port: o.port,
    org: o.org,
    logLevel: o.logLevel,
    peers: o.peers,
    limits: o.rateLimit,
    requestTimeoutMs: o.requestTimeout,
    ...(o.signerUrl ? { signer: { url: o.signerUrl, token: env.COVENANT_SIGNER_TOKEN, tokenFile: env.COVENANT_SIGNER_TOKEN_FILE } } : {}),
    ringSize: o.ringSize,
    channelWeights: o.channelWeights,
    htlcTiming: { deltaMs: o.htlcDelta * 1000 },
  };
}
