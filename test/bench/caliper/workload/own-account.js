'use strict';

const { WorkloadModuleBase } = require('@hyperledger/caliper-core');
const { prepareParties, request } = require('./parties');

/**
 * Round `own-account`: accounts:getOwnAccount evaluated (a query: the caller's own peer runs it,
 * nothing is ordered or committed) by each of the worker's payers in turn; the answer is the
 * caller's account view `{id, mspId, balance, held, activeEscrows, createdAt, updatedAt}`.
 * Round arguments: `parties` (benchmark-config.ts); the parties are registered if they are not.
 */
class OwnAccountWorkload extends WorkloadModuleBase {
  async initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext) {
    await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext);
    this.parties = await prepareParties(sutAdapter, roundArguments.parties, workerIndex, undefined);
    this.next = 0;
  }

  async submitTransaction() {
    const { payerMspId, payers } = this.parties;
    const k = this.next++ % payers.length;
    return this.sutAdapter.sendRequests(request(payerMspId, payers[k].name, 'accounts:getOwnAccount', [], true));
  }
}

/** Caliper's entry point for a workload module. */
function createWorkloadModule() {
  return new OwnAccountWorkload();
}

module.exports.createWorkloadModule = createWorkloadModule;
