import { randomUUID } from 'node:crypto';
import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import type { FastifyRequest } from 'fastify';
import { Type } from '@sinclair/typebox';
import { AccountId, TxId } from '@covenant/chaincode';
import { principalOf } from '../http/auth';
import { HttpProblem, problem } from '../http/problem';
import type { PrivateWallet } from '../privacy/wallet';
import type { OwnedNote } from '../privacy/note-store';
import type { SignedSpend } from '../privacy/spend-types';
import { IdempotencyHeader, bearer, noSecurity, problems } from './common';
import {
  DepositBody,
  InclusionProofAnswer,
  MAX_MEMO_BYTES,
  NotesAnswer,
  PaymentBody,
  PrivateAnswerSchema,
  PrivateBatch,
  SignedSpendBody,
  SpendResultSchema,
  StealthAddress,
  WithdrawalBody,
} from './private-schemas';

const TAGS = ['private payments'];
/**
 * Sources: patent CN113393225A "encrypted payment method" (../shared/seeds/002): payments whose
 * payer hides in a ring and whose payee is a one-time key; bLSAG as in Koe, Alonso, Noether, "Zero
 * to Monero" 2nd ed. (2020) s. 3.4; one-time keys as in CryptoNote v2.0 (van Saberhagen 2013)
 * s. 4.3 with ERC-5564 view tags; batch roots as RFC 9162 Merkle trees.
 */
const SOURCE = 'patent CN113393225A (seeds/002); bLSAG ("Zero to Monero" 2nd ed. s. 3.4); one-time keys (CryptoNote s. 4.3, ERC-5564 view tags); RFC 9162 batch roots; issue 13';

/** Most bytes of a relayed spend: 16 inputs with rings of 64 and 16 outputs with memos. */
const RELAY_BODY_LIMIT = 256 * 1024;

/** The request's Idempotency-Key (its retries resend the same signed spend), or a fresh id. */
const keyOf = (request: FastifyRequest) => {
  const header = request.headers['idempotency-key'];
  return typeof header === 'string' ? header : randomUUID();
};

const noteView = (n: OwnedNote) => ({
  oneTimePublicKey: n.oneTimePublicKey,
  denomination: n.denomination,
  output: n.output,
  txId: n.txId,
  batchId: n.batchId,
  ...(n.memo !== undefined ? { memo: n.memo } : {}),
  status: n.status,
});

const b64ToHex = (s: string) => Buffer.from(s, 'base64url').toString('hex');

/**
 * The private payment routes under /v1/private (issue 13; privacy design section 3): register
 * stealth keys, deposit money into notes, pay and withdraw with ring-signed spends relayed by a
 * randomly chosen organisation, scan for received notes, inclusion proofs of batches.
 * Source: patent CN113393225A (seeds/002) and the papers named in SOURCE.
 */
export const privatePaymentRoutes: FastifyPluginAsyncTypebox<{ wallet: PrivateWallet }> = async (app, { wallet }) => {
  app.put(
    '/private/keys',
    {
      schema: {
        tags: TAGS,
        summary: "Create and publish the caller's stealth keys",
        description: `The signer creates the caller's view and spend key pairs (once; the same keys after), and the caller publishes its meta-address {viewPublicKey, spendPublicKey} on the ledger (notes:registerAddress): payers derive one-time keys from it. The secret keys never leave the signer. 200 the published address. Errors: 409 FAILED_PRECONDITION (no account yet). Source: ${SOURCE}.`,
        operationId: 'putPrivateKeys',
        security: bearer,
        response: { 200: StealthAddress, ...problems(409) },
      },
    },
    async (request, reply) => wallet.registerKeys(principalOf(request), reply),
  );

  app.get(
    '/private/keys/:accountId',
    {
      schema: {
        tags: TAGS,
        summary: "An account's published stealth meta-address (anyone)",
        description: 'What a payer needs to pay the account privately. Errors: 404 not registered.',
        operationId: 'getPrivateKeys',
        security: bearer,
        params: Type.Object({ accountId: AccountId }),
        response: { 200: StealthAddress, ...problems(404) },
      },
    },
    async (request) => wallet.ledger.getAddress(principalOf(request), request.params.accountId),
  );

  app.post(
    '/private/deposits',
    {
      config: { idempotent: true },
      schema: {
        tags: TAGS,
        summary: "Deposit money from the caller's account into private notes",
        description: `Debits \`amount\` from the caller's account into new notes of its own (fixed 1-2-5 denominations, so amounts need no commitments), submitted as the caller (a deposit is public: account and amount). With \`denomination\`, the amount is split into notes of that one denomination (at most 16), which also gives others' rings decoys. 201. Errors: 400 more than 16 notes, 409 FAILED_PRECONDITION (keys not registered), 422 INSUFFICIENT_FUNDS. Source: ${SOURCE}.`,
        operationId: 'createPrivateDeposit',
        security: bearer,
        headers: IdempotencyHeader,
        body: DepositBody,
        response: { 201: PrivateAnswerSchema, ...problems(409, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(await wallet.deposit(principalOf(request), keyOf(request), request.body, reply)),
  );

  app.post(
    '/private/payments',
    {
      config: { idempotent: true },
      schema: {
        tags: TAGS,
        summary: 'Pay an account privately',
        description: `Scans for the caller's notes, chooses unspent ones covering \`amount\`, pays \`to\`'s one-time keys (amount in 1-2-5 notes) and the change back to the caller, hides each spent note in a ring of same-denomination notes drawn uniformly at random (ring size 11 by default, at least the ledger's minimum), has the signer sign the spend digest (bLSAG, one per input), and relays it through a relayer drawn at random among the organisations (\`relayedBy\`): the submitter says nothing of the payer. \`memo\` (at most ${MAX_MEMO_BYTES} bytes) is sealed for the recipient alone. A retry with the same Idempotency-Key resends the same signed spend, which the ledger applies once. 201. Errors: 404 recipient without keys, 409 FAILED_PRECONDITION (too few notes for a ring, too many inputs), 409 DOUBLE_SPEND, 422 INSUFFICIENT_FUNDS; 503 relayer unreachable (retry with the same key). Source: ${SOURCE}.`,
        operationId: 'createPrivatePayment',
        security: bearer,
        headers: IdempotencyHeader,
        body: PaymentBody,
        response: { 201: PrivateAnswerSchema, ...problems(403, 404, 409, 422) },
      },
    },
    async (request, reply) => {
      if (request.body.memo !== undefined && Buffer.byteLength(request.body.memo) > MAX_MEMO_BYTES) throw new HttpProblem(problem(400, 'INVALID_ARGUMENT', `memo must be at most ${MAX_MEMO_BYTES} bytes`));
      return reply.code(201).send(await wallet.pay(principalOf(request), keyOf(request), request.body));
    },
  );

  app.post(
    '/private/withdrawals',
    {
      config: { idempotent: true },
      schema: {
        tags: TAGS,
        summary: "Withdraw from the caller's notes into its account",
        description: `Spends notes covering \`amount\` (ring-signed, relayed as payments are) and credits the caller's account from the reserve; change comes back as new notes. A withdrawal names its account and amount (money leaving the notes is public), not which notes paid it. 201. Errors as payments. Source: ${SOURCE}.`,
        operationId: 'createPrivateWithdrawal',
        security: bearer,
        headers: IdempotencyHeader,
        body: WithdrawalBody,
        response: { 201: PrivateAnswerSchema, ...problems(403, 404, 409, 422) },
      },
    },
    async (request, reply) => reply.code(201).send(await wallet.withdraw(principalOf(request), keyOf(request), request.body)),
  );

  app.get(
    '/private/notes',
    {
      schema: {
        tags: TAGS,
        summary: "The caller's private notes",
        description: "Scans the ledger's private transactions since the last scan (a cursor per caller in the gateway), with the caller's view key in the signer: one multiplication and a view tag per output. Lists the caller's notes (unspent and pending; spent too with `all=true`), their opened memos, and the unspent balance. Errors: 409 FAILED_PRECONDITION (keys not registered).",
        operationId: 'listPrivateNotes',
        security: bearer,
        querystring: Type.Object({ all: Type.Optional(Type.Union([Type.Literal('true'), Type.Literal('false')], { default: 'false', description: 'Include spent notes' })) }, { additionalProperties: false }),
        response: { 200: NotesAnswer, ...problems(409) },
      },
    },
    async (request) => {
      const { notes, balance } = await wallet.notes(principalOf(request), request.query.all === 'true');
      return { notes: notes.map(noteView), balance: balance.toString() };
    },
  );

  app.get(
    '/private/transactions/:txId/inclusion-proof',
    {
      schema: {
        tags: TAGS,
        summary: 'RFC 9162 inclusion proof of a private transaction in its batch',
        description: "The audit path of the transaction's record in its time batch, whose root the ledger records when the batch is sealed (sealed here first if its window has ended). Verify with gateway/src/cli/verify-inclusion.ts (this answer is a proof file it reads) against the batch's root from GET /v1/private/batches/{batchId}. Errors: 404 unknown transaction, 409 FAILED_PRECONDITION while the batch's window is open (`Retry-After`).",
        operationId: 'getPrivateInclusionProof',
        security: bearer,
        params: Type.Object({ txId: TxId }),
        response: { 200: InclusionProofAnswer, ...problems(404, 409) },
      },
    },
    async (request, reply) => {
      try {
        const p = await wallet.inclusionProof(principalOf(request), request.params.txId);
        return { txId: p.txId, batchId: p.batchId, leafIndex: p.leafIndex, treeSize: p.treeSize, leafHash: b64ToHex(p.leafHash), inclusionPath: p.auditPath.map(b64ToHex), rootHash: b64ToHex(p.root), record: p.record };
      } catch (err) {
        const wait = err instanceof HttpProblem ? /retry after (\d+) s/.exec(err.problem.detail ?? '')?.[1] : undefined;
        if (wait) reply.header('retry-after', wait);
        throw err;
      }
    },
  );

  app.get(
    '/private/reserve',
    {
      schema: {
        tags: TAGS,
        summary: 'The notes reserve (anyone)',
        description: 'The money held behind all notes, minor units: deposits credit it, withdrawals debit it, payments leave it unchanged (no amount is created or destroyed).',
        operationId: 'getPrivateReserve',
        security: bearer,
        response: { 200: Type.Object({ balance: Type.String({ pattern: '^(0|[1-9][0-9]*)$' }) }, { examples: [{ balance: '125000' }] }), ...problems() },
      },
    },
    async (request) => wallet.ledger.getReserve(principalOf(request)),
  );

  app.get(
    '/private/batches/:batchId',
    {
      schema: {
        tags: TAGS,
        summary: 'A sealed batch of private transactions (anyone)',
        description: 'Its window, size and RFC 9162 root (base64url of the SHA-256 tree head). Errors: 404 unknown or not sealed yet.',
        operationId: 'getPrivateBatch',
        security: bearer,
        params: Type.Object({ batchId: Type.String({ pattern: '^[0-9]{12}$' }) }),
        response: { 200: PrivateBatch, ...problems(404) },
      },
    },
    async (request) => wallet.ledger.getBatch(principalOf(request), request.params.batchId),
  );
};

/**
 * POST /v1/private/relay: another organisation's gateway hands this one a signed spend to submit
 * under its relayer identity. No API key: the ring signatures, which the chaincode verifies,
 * authorise the spend, not the submitter (issue 13: "any organisation's gateway can relay any
 * payment"); size-limited and rate-limited as off-chain messages are.
 */
export const privateRelayRoutes: FastifyPluginAsyncTypebox<{ wallet: PrivateWallet }> = async (app, { wallet }) => {
  app.post(
    '/private/relay',
    {
      bodyLimit: RELAY_BODY_LIMIT,
      schema: {
        tags: TAGS,
        summary: "Relay a signed private spend (gateway to gateway)",
        description: `Submits notes:spend under this gateway's relayer. The chaincode verifies every ring signature over the spend digest (403 FORBIDDEN otherwise) and refuses a spent key image (409 DOUBLE_SPEND), or the same spend again (409 ALREADY_EXISTS). 200 the ledger's answer. Source: ${SOURCE}.`,
        operationId: 'relayPrivateSpend',
        security: noSecurity,
        body: SignedSpendBody,
        response: { 200: SpendResultSchema, ...problems(403, 404, 409, 422) },
      },
    },
    async (request) => wallet.submitRelayed(request.body as SignedSpend),
  );
};
