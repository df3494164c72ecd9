'use strict';

const { payerRound, request } = require('./parties');

/**
 * Round `own-account`: accounts:getOwnAccount evaluated (a query: the caller's own peer runs it,
 * nothing is ordered or committed) by each of the worker's payers in turn; the answer is the
 * caller's account view `{id, mspId, balance, held, activeEscrows, createdAt, updatedAt}`.
 * Round arguments: `parties` (benchmark-config.ts); the parties are registered if they are not.
 */
module.exports.createWorkloadModule = payerRound(
  ({ payerMspId, payers }, k) => request(payerMspId, payers[k].name, 'accounts:getOwnAccount', [], true),
  { funded: false },
);
