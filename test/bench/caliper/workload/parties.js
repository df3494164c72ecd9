'use strict';

/**
 * What Covenant's Caliper workload modules share: the chaincode call through Caliper's connector,
 * and a worker's parties made ready on the ledger before a round (Caliper runs
 * initializeWorkloadModule before it starts measuring, so none of this is in the figures).
 *
 * Parties come from the round arguments that generate.ts wrote (benchmark-config.ts, `Parties`):
 * per worker an issuer, payers and as many payees, by Caliper identity alias.
 */

/** The chaincode id (Caliper "contract id") in the network configuration. */
const CHAINCODE = 'covenant';
/** Attempts of each set-up call: a fresh identity's first proposal may meet a peer a block behind. */
const SETUP_ATTEMPTS = 3;

/**
 * The Caliper request for `fn` ("contract:function", e.g. "accounts:transfer") with string
 * arguments `args`, signed by alias `identity` of organisation `mspId`; `readOnly` evaluates it
 * (a query: endorsement at the identity's own peer, no ordering) instead of submitting it.
 */
function request(mspId, identity, fn, args, readOnly = false) {
  return { contractId: CHAINCODE, contractFunction: fn, contractArguments: args, invokerMspId: mspId, invokerIdentity: identity, readOnly };
}

/**
 * Sends `request(...)` through Caliper's connector and returns the chaincode's JSON answer,
 * parsed. Retries a failed call (SETUP_ATTEMPTS in all, a second apart), then throws: for set-up,
 * where a failure must stop the run rather than skew it (Caliper logs each failure's details).
 */
async function call(sutAdapter, mspId, identity, fn, args, readOnly = false) {
  for (let attempt = 1; ; attempt++) {
    const status = await sutAdapter.sendRequests(request(mspId, identity, fn, args, readOnly));
    if (status.GetStatus() === 'success') return JSON.parse(Buffer.from(status.GetResult()).toString('utf8'));
    if (attempt >= SETUP_ATTEMPTS) throw new Error(`set-up: ${fn} as ${identity} (${mspId}) failed ${attempt} times; see the errors above`);
    await new Promise((r) => setTimeout(r, 1000));
  }
}

/**
 * Makes worker `workerIndex`'s parties ready and returns `{payerMspId, payeeMspId, payers, payees}`
 * (each party `{name, id}`, `id` its account id). Every party registers its account
 * (accounts:register, idempotent). With `mint` (minor units, decimal string) the worker's issuer
 * is granted the issuer role by the administrator (consortium:grantRole, only when
 * consortium:getRoles lacks it) and mints `mint` to each payer holding less than half of it
 * (accounts:getOwnAccount, accounts:mint). Calls on distinct keys run concurrently. Throws when a
 * call still fails after its retries.
 */
async function prepareParties(sutAdapter, parties, workerIndex, mint) {
  const mine = parties.workers[workerIndex];
  if (!mine) throw new Error(`no parties for worker ${workerIndex}: regenerate the configuration with CALIPER_WORKERS matching the benchmark's workers`);
  const { payerMspId, payeeMspId } = parties;
  const register = async (mspId, name) => ({ name, id: (await call(sutAdapter, mspId, name, 'accounts:register', [])).account.id });
  const [issuer, payers, payees] = await Promise.all([
    mint ? register(payerMspId, mine.issuer) : undefined,
    Promise.all(mine.payers.map((name) => register(payerMspId, name))),
    Promise.all(mine.payees.map((name) => register(payeeMspId, name))),
  ]);
  if (mint) {
    const { roles } = await call(sutAdapter, payerMspId, parties.admin, 'consortium:getRoles', [issuer.id], true);
    if (!roles.includes('issuer')) await call(sutAdapter, payerMspId, parties.admin, 'consortium:grantRole', [issuer.id, 'issuer']);
    await Promise.all(
      payers.map(async (payer) => {
        const account = await call(sutAdapter, payerMspId, payer.name, 'accounts:getOwnAccount', [], true);
        if (BigInt(account.balance) < BigInt(mint) / 2n) await call(sutAdapter, payerMspId, issuer.name, 'accounts:mint', [payer.id, mint]);
      }),
    );
  }
  return { payerMspId, payeeMspId, payers, payees };
}

/**
 * A Caliper workload module (its `createWorkloadModule`) whose round has each of the worker's
 * payers in turn send `requestOf(parties, k)`: the parties are prepared once per round by
 * prepareParties (with the round argument `mint` when `funded`), outside the measurement.
 */
function payerRound(requestOf, { funded }) {
  const { WorkloadModuleBase } = require('@hyperledger/caliper-core');
  class PayerRound extends WorkloadModuleBase {
    async initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext) {
      await super.initializeWorkloadModule(workerIndex, totalWorkers, roundIndex, roundArguments, sutAdapter, sutContext);
      this.parties = await prepareParties(sutAdapter, roundArguments.parties, workerIndex, funded ? roundArguments.mint : undefined);
      this.next = 0;
    }

    async submitTransaction() {
      const k = this.next++ % this.parties.payers.length;
      return this.sutAdapter.sendRequests(requestOf(this.parties, k));
    }
  }
  return () => new PayerRound();
}

module.exports = { CHAINCODE, request, call, prepareParties, payerRound };
