/**
 * Caliper's benchmark configuration for Covenant (Caliper 0.6 docs, "Benchmark configuration"):
 * three rounds, each at a fixed rate for a fixed duration, over the parties the generator issued.
 */

/** What a run may change (environment variables of run.sh, README.md). */
export interface BenchmarkSettings {
  /** Caliper workers (local processes); each has its own parties. */
  workers: number;
  /** Transactions per second, over all workers, of the transfer and escrow rounds. */
  tps: number;
  /** Queries per second, over all workers, of the read round. */
  queryTps: number;
  /** Length of each round, in seconds. */
  durationSeconds: number;
  /** Payers (and as many payees) per worker: transactions in flight per worker stay conflict-free up to this many. */
  payersPerWorker: number;
  /** Minor units minted to each payer that holds less than half of it. */
  mint: string;
}

export const DEFAULT_SETTINGS: BenchmarkSettings = { workers: 2, tps: 10, queryTps: 40, durationSeconds: 20, payersPerWorker: 16, mint: '1000000' };

/** One worker's identity aliases (Caliper `invokerIdentity` names). */
export interface WorkerParties {
  /** Granted the issuer role by the admin; mints to the payers. */
  issuer: string;
  /** Each pays, in turn, the payee of the same index. */
  payers: string[];
  payees: string[];
}

/** Every party of a run: organisations and aliases, handed to the workload modules as round arguments. */
export interface Parties {
  /** An administrator of `payerMspId` (grants the issuer role). */
  admin: string;
  payerMspId: string;
  payeeMspId: string;
  /** Indexed by Caliper's worker index. */
  workers: WorkerParties[];
}

/**
 * The aliases of a run's parties: for worker w, `w<w>-issuer`, `w<w>-payer<k>` and
 * `w<w>-payee<k>` (k < payersPerWorker); issuer and payers in `payerMspId`, payees in
 * `payeeMspId`; `admin` is the network's existing administrator identity of `payerMspId`. Pure.
 */
export function partiesFor(settings: BenchmarkSettings, payerMspId: string, payeeMspId: string, admin: string): Parties {
  const range = (n: number) => Array.from({ length: n }, (_, i) => i);
  return {
    admin,
    payerMspId,
    payeeMspId,
    workers: range(settings.workers).map((w) => ({
      issuer: `w${w}-issuer`,
      payers: range(settings.payersPerWorker).map((k) => `w${w}-payer${k}`),
      payees: range(settings.payersPerWorker).map((k) => `w${w}-payee${k}`),
    })),
  };
}

/** The fresh identities a run needs: every worker's issuer and payers in `payerMspId`, payees in `payeeMspId` (not the admin, which exists). Pure. */
export function partyIdentities(parties: Parties): { name: string; mspId: string }[] {
  return parties.workers.flatMap((w) => [
    ...[w.issuer, ...w.payers].map((name) => ({ name, mspId: parties.payerMspId })),
    ...w.payees.map((name) => ({ name, mspId: parties.payeeMspId })),
  ]);
}

/**
 * The benchmark configuration: rounds `transfer` (accounts:transfer, 1 minor unit from each
 * payer in turn to its payee), `escrow-create` (escrow:create of 1 minor unit from each payer in
 * turn to its payee, left PROPOSED) and `own-account` (accounts:getOwnAccount evaluated by each
 * payer in turn, a query: no ordering), each at a fixed rate for `durationSeconds`. Module paths
 * are relative to the Caliper workspace (this folder). Pure.
 */
export function benchmarkConfig(settings: BenchmarkSettings, parties: Parties): object {
  const round = (label: string, description: string, module: string, tps: number) => ({
    label,
    description,
    txDuration: settings.durationSeconds,
    rateControl: { type: 'fixed-rate', opts: { tps } },
    workload: { module, arguments: { parties, mint: settings.mint } },
  });
  return {
    test: {
      name: 'covenant',
      description: 'Covenant chaincode: transfers, escrow proposals and own-account reads (test/bench/caliper/README.md)',
      workers: { number: settings.workers },
      rounds: [
        round('transfer', `accounts:transfer, ${settings.tps} tx/s`, 'workload/transfer.js', settings.tps),
        round('escrow-create', `escrow:create (one recipient, left PROPOSED), ${settings.tps} tx/s`, 'workload/escrow-create.js', settings.tps),
        round('own-account', `accounts:getOwnAccount (query), ${settings.queryTps} q/s`, 'workload/own-account.js', settings.queryTps),
      ],
    },
  };
}
