'use strict';

const { WorkloadModuleBase } = require('@hyperledger/caliper-core');
const { prepareParties, request } = require('./parties');

/**
 * Round `transfer`: accounts:transfer of 1 minor unit, payer k to payee k, k taking each of the
 * worker's payers in turn. Payers are funded by the worker's issuer (accounts:mint) before the
 * round. A transfer reads and writes its payer's and its payee's account keys, so the k-th and the
 * (k + payers)-th transfers would conflict (MVCC) if both were in flight at once: keep the
 * worker's rate × latency below its payer count (CALIPER_PAYERS).
 * Round arguments: `parties` (benchmark-config.ts), `mint` (minor units per payer).
 */
class TransferWorkload extends WorkloadModuleBase {
  async initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext) {
    await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext);
    this.parties = await prepareParties(sutAdapter, roundArguments.parties, workerIndex, roundArguments.mint);
    this.next = 0;
  }

  async submitTransaction() {
    const { payerMspId, payers, payees } = this.parties;
    const k = this.next++ % payers.length;
    return this.sutAdapter.sendRequests(request(payerMspId, payers[k].name, 'accounts:transfer', [payees[k].id, '1']));
  }
}

/** Caliper's entry point for a workload module. */
function createWorkloadModule() {
  return new TransferWorkload();
}

module.exports.createWorkloadModule = createWorkloadModule;
