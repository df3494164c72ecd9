import { readdir, readFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import pidusage from 'pidusage';

/** CPU time in ms, per part of the local network: orderers, peers, chaincode servers, this process. */
export type CpuTimes = Record<'orderers' | 'peers' | 'chaincode' | 'client', number>;

const PARTS: [RegExp, keyof CpuTimes][] = [
  [/^orderer/, 'orderers'],
  [/^peer/, 'peers'],
  [/^chaincode/, 'chaincode'],
];

/**
 * The CPU time (user + system, ms) each part of the network started by `network/network.sh up`
 * has used so far, from its pid files (`$COVENANT_NETWORK_DIR/pids`, default .network/pids) read
 * through pidusage, and this process's own (process.cpuUsage). Take it before and after a load and
 * subtract (`cpuPerTransaction`) to see where a transaction's CPU goes: on a saturated host,
 * throughput is the cores' capacity over the CPU one transaction costs.
 */
export async function networkCpu(dir = process.env.COVENANT_NETWORK_DIR ?? resolve(__dirname, '../../.network')): Promise<CpuTimes> {
  const times: CpuTimes = { orderers: 0, peers: 0, chaincode: 0, client: 0 };
  const pidsDir = join(dir, 'pids');
  for (const file of (await readdir(pidsDir)).filter((f) => f.endsWith('.pid'))) {
    const part = PARTS.find(([pattern]) => pattern.test(file))?.[1];
    if (!part) continue;
    const pid = Number((await readFile(join(pidsDir, file), 'utf8')).trim());
    const stats = await pidusage(pid).catch(() => undefined);
    if (stats) times[part] += stats.ctime;
  }
  await pidusage.clear();
  const own = process.cpuUsage();
  times.client = (own.user + own.system) / 1000;
  return times;
}

/** CPU ms per transaction, per part and in total, between two `networkCpu` readings. */
export function cpuPerTransaction(before: CpuTimes, after: CpuTimes, transactions: number): CpuTimes & { total: number } {
  const per = (part: keyof CpuTimes) => (after[part] - before[part]) / transactions;
  const parts = { orderers: per('orderers'), peers: per('peers'), chaincode: per('chaincode'), client: per('client') };
  return { ...parts, total: parts.orderers + parts.peers + parts.chaincode + parts.client };
}
