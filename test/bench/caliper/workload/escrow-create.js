'use strict';

const { payerRound, request } = require('./parties');

/**
 * Round `escrow-create`: escrow:create with the JSON request
 * `{"amount":"1","recipients":[{"account":<payee k>,"shareBps":10000}]}` (chaincode/src/escrow/
 * requests.ts) signed by payer k, k taking each of the worker's payers in turn; the escrow id is
 * the transaction id, and the escrow stays PROPOSED (1 minor unit held on the payer's account).
 * It writes the payer's account key and a new escrow key and reads the payee's account, so, as
 * in `transfer`, in-flight proposals conflict only beyond one per payer.
 * Round arguments: `parties` (benchmark-config.ts), `mint` (minor units per payer, topped up when
 * a payer holds less than half of it).
 */
module.exports.createWorkloadModule = payerRound(
  ({ payerMspId, payers, payees }, k) =>
    request(payerMspId, payers[k].name, 'escrow:create', [JSON.stringify({ amount: '1', recipients: [{ account: payees[k].id, shareBps: 10000 }] })]),
  { funded: true },
);
