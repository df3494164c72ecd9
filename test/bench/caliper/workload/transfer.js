'use strict';

const { payerRound, request } = require('./parties');

/**
 * Round `transfer`: accounts:transfer of 1 minor unit, payer k to payee k, k taking each of the
 * worker's payers in turn. Payers are funded by the worker's issuer (accounts:mint) before the
 * round. A transfer reads and writes its payer's and its payee's account keys, so the k-th and the
 * (k + payers)-th transfers would conflict (MVCC) if both were in flight at once: keep the
 * worker's rate × latency below its payer count (CALIPER_PAYERS).
 * Round arguments: `parties` (benchmark-config.ts), `mint` (minor units per payer).
 */
module.exports.createWorkloadModule = payerRound(
  ({ payerMspId, payers, payees }, k) => request(payerMspId, payers[k].name, 'accounts:transfer', [payees[k].id, '1']),
  { funded: true },
);
