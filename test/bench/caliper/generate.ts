/**
 * Writes what a Caliper run against the network `npm run network:up` started needs, into OUT_DIR
 * (default test/bench/caliper/.run, git-ignored; run.sh calls this):
 *
 *   npx tsx test/bench/caliper/generate.ts [OUT_DIR]
 *
 * - identities/<alias>/{cert.pem,key.pem}: fresh client identities issued by the organisations'
 *   cryptogen CAs (test/support/gateway.ts networkCa, as the Fabric tests issue theirs), with a
 *   random suffix in their names, so every run has fresh accounts on the shared ledger;
 * - network.json: Caliper's network configuration (network-config.ts) from
 *   $COVENANT_DATA_DIR/fabric/connection.json (default <repo>/.covenant/fabric), with those
 *   identities and the network's administrator of the payers' organisation;
 * - benchmark.json: the rounds (benchmark-config.ts), with the parties as round arguments.
 *
 * Settings (environment): CALIPER_WORKERS, CALIPER_TPS, CALIPER_QUERY_TPS, CALIPER_DURATION
 * (seconds a round), CALIPER_PAYERS (payers per worker), CALIPER_PAYER_ORG (default Org1MSP),
 * CALIPER_PAYEE_ORG (default Org2MSP). Prints the settings it used.
 */
import { mkdir, readFile, rm, writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { DEFAULT_DATA_DIR } from '../../../gateway/src/config';
import { issueIdentity } from '../../../gateway/src/identity/dev-ca';
import type { IdentityRecord } from '../../../gateway/src/identity/store';
import { loadConnectionProfile } from '../../../gateway/src/ledger/fabric/profile';
import { networkCa } from '../../support/gateway';
import { BenchmarkSettings, DEFAULT_SETTINGS, benchmarkConfig, partiesFor, partyIdentities } from './benchmark-config';
import { CaliperIdentity, caliperNetworkConfig } from './network-config';

/** A positive integer from environment variable `name`, or `fallback`; throws on anything else. */
function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got ${raw}`);
  return value;
}

async function main(): Promise<void> {
  const outDir = resolve(process.argv[2] ?? join(__dirname, '.run'));
  const networkDir = join(process.env.COVENANT_DATA_DIR ?? DEFAULT_DATA_DIR, 'fabric');
  const settings: BenchmarkSettings = {
    ...DEFAULT_SETTINGS,
    workers: positiveInt('CALIPER_WORKERS', DEFAULT_SETTINGS.workers),
    tps: positiveInt('CALIPER_TPS', DEFAULT_SETTINGS.tps),
    queryTps: positiveInt('CALIPER_QUERY_TPS', DEFAULT_SETTINGS.queryTps),
    durationSeconds: positiveInt('CALIPER_DURATION', DEFAULT_SETTINGS.durationSeconds),
    payersPerWorker: positiveInt('CALIPER_PAYERS', DEFAULT_SETTINGS.payersPerWorker),
  };
  const payerMspId = process.env.CALIPER_PAYER_ORG || 'Org1MSP';
  const payeeMspId = process.env.CALIPER_PAYEE_ORG || 'Org2MSP';

  const profile = await loadConnectionProfile(networkDir);
  const network = JSON.parse(await readFile(join(networkDir, 'identities.json'), 'utf8')) as { users: IdentityRecord[] };
  const admin = network.users.find((u) => u.mspId === payerMspId && u.roles.includes('admin'));
  if (!admin) throw new Error(`no administrator of ${payerMspId} in ${networkDir}/identities.json`);

  const parties = partiesFor(settings, payerMspId, payeeMspId, 'admin');
  const identities: CaliperIdentity[] = [
    { name: parties.admin, mspId: payerMspId, certificatePath: resolve(networkDir, admin.certificatePath), privateKeyPath: resolve(networkDir, admin.privateKeyPath) },
  ];
  await rm(join(outDir, 'identities'), { recursive: true, force: true });
  const suffix = Math.random().toString(36).slice(2, 8);
  const issue = async (name: string, mspId: string) => {
    const issued = await issueIdentity(await networkCa(mspId), `caliper-${name}-${suffix}`, 'client');
    const dir = join(outDir, 'identities', name);
    await mkdir(dir, { recursive: true });
    await writeFile(join(dir, 'cert.pem'), issued.certificate);
    await writeFile(join(dir, 'key.pem'), issued.privateKey, { mode: 0o600 });
    identities.push({ name, mspId, certificatePath: join(dir, 'cert.pem'), privateKeyPath: join(dir, 'key.pem') });
  };
  for (const { name, mspId } of partyIdentities(parties)) await issue(name, mspId);

  await writeFile(join(outDir, 'network.json'), JSON.stringify(caliperNetworkConfig(profile, identities), null, 2));
  await writeFile(join(outDir, 'benchmark.json'), JSON.stringify(benchmarkConfig(settings, parties), null, 2));
  console.log(
    `caliper: ${identities.length - 1} fresh identities (suffix ${suffix}) for ${profile.channel}/${profile.chaincode} from ${networkDir}; ` +
      `${settings.workers} workers, ${settings.tps} tx/s, ${settings.queryTps} q/s, ${settings.durationSeconds} s a round, ` +
      `${settings.payersPerWorker} payers (${payerMspId}) and payees (${payeeMspId}) per worker; written to ${outDir}`,
  );
}

main().catch((err) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
