import { TSchema, Type } from '@sinclair/typebox';
import { AccountId, Denomination, Encoded32, NotesSpendRequest, PositiveAmount, PrivateBatchView, PrivateTransactionView, StealthAddressView, StealthOutputSchema, TxId } from '@covenant/chaincode';
import { HashHex } from '../privacy/inclusion-proof';

/**
 * TypeBox schemas of the private payment routes (issue 13; design section 3). The ledger's
 * records are defined once beside the chaincode (chaincode/src/notes/schema.ts); they are used
 * here inline, without their `$id`s (they nest one another, so registering each would define an
 * id twice).
 */

/** `schema` without `$id` members, anywhere in it (TypeBox's Kind symbols are dropped too: plain JSON Schema). */
function inline<T extends TSchema>(schema: T): T {
  return JSON.parse(JSON.stringify(schema, (key, value) => (key === '$id' ? undefined : value))) as T;
}

const KEY_EXAMPLE = 'jG0JqVJmG4c5GfQ0y5o3cD1K3j1y2sCw6H6v8Fz0XmA';
const TX_EXAMPLE = '4f3c2d1e0a9b8c7d6e5f4a3b2c1d0e9f8a7b6c5d4e3f2a1b0c9d8e7f6a5b4c3d';

/** Most bytes of a memo (UTF-8): sealed (+28 bytes) it stays within the ledger's 1400 base64url characters. */
export const MAX_MEMO_BYTES = 1000;

export const StealthAddress = inline(StealthAddressView);
export const SignedSpendBody = Type.Unsafe<unknown>({ ...inline(NotesSpendRequest), description: 'A signed spend (notes:spend): rings, bLSAG signatures, outputs, optional withdrawal' });
export const PrivateBatch = inline(PrivateBatchView);
export const PrivateTransaction = inline(PrivateTransactionView);

export const DepositBody = Type.Object(
  {
    amount: PositiveAmount,
    denomination: Type.Optional(inline(Denomination)),
  },
  { additionalProperties: false, examples: [{ amount: '1250' }, { amount: '1200', denomination: '100' }] },
);

export const PaymentBody = Type.Object(
  {
    to: AccountId,
    amount: PositiveAmount,
    memo: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_MEMO_BYTES, description: `Text for the recipient alone (at most ${MAX_MEMO_BYTES} bytes of UTF-8), sealed to its first note under the stealth shared secret` })),
  },
  { additionalProperties: false, examples: [{ to: '3f1d2c4b5a69788796a5b4c3d2e1f00112233445', amount: '300', memo: 'invoice 2026-117' }] },
);

export const WithdrawalBody = Type.Object({ amount: PositiveAmount }, { additionalProperties: false, examples: [{ amount: '200' }] });

const NoteRef = Type.Object({ oneTimePublicKey: Encoded32, denomination: inline(Denomination) });

export const PrivateAnswerSchema = Type.Object(
  {
    txId: TxId,
    batchId: Type.String({ pattern: '^[0-9]{12}$', description: 'The time batch the transaction was recorded in' }),
    amount: PositiveAmount,
    change: Type.String({ pattern: '^(0|[1-9][0-9]*)$', description: 'Minor units returned to the caller as new notes' }),
    relayedBy: Type.Optional(Type.String({ description: 'The organisation whose relayer submitted the spend (drawn at random)' })),
    notes: Type.Array(NoteRef, { description: 'The notes created (the recipient\'s and the change), in random order' }),
  },
  { examples: [{ txId: TX_EXAMPLE, batchId: '000178000000', amount: '300', change: '200', relayedBy: 'Org2MSP', notes: [{ oneTimePublicKey: KEY_EXAMPLE, denomination: '200' }] }] },
);

export const OwnedNoteSchema = Type.Object({
  oneTimePublicKey: Encoded32,
  denomination: inline(Denomination),
  output: inline(StealthOutputSchema),
  txId: TxId,
  batchId: Type.String(),
  memo: Type.Optional(Type.String({ description: 'The memo the payer sealed to this note, opened' })),
  status: Type.Union([Type.Literal('unspent'), Type.Literal('pending'), Type.Literal('spent')], { description: 'pending: in a spend sent and not yet known applied' }),
});

export const NotesAnswer = Type.Object({
  notes: Type.Array(OwnedNoteSchema),
  balance: Type.String({ pattern: '^(0|[1-9][0-9]*)$', description: 'Sum of the unspent notes, minor units' }),
});

export const InclusionProofAnswer = Type.Object(
  {
    txId: TxId,
    batchId: Type.String(),
    leafIndex: Type.Integer({ minimum: 0 }),
    treeSize: Type.Integer({ minimum: 1 }),
    leafHash: HashHex,
    inclusionPath: Type.Array(HashHex, { description: 'RFC 9162 audit path, siblings from the leaf up' }),
    rootHash: HashHex,
    record: PrivateTransaction,
  },
  { description: 'RFC 9162 inclusion proof of the transaction in its batch, in the form covenant-verify-inclusion reads (leaf data = canonical JSON of `record`); check rootHash against GET /v1/private/batches/{batchId}' },
);

export const SpendResultSchema = Type.Object({
  txId: TxId,
  batchId: Type.String(),
  keyImages: Type.Array(Encoded32),
  outputs: Type.Array(Type.Unknown()),
  withdrawal: Type.Optional(Type.Unknown()),
});
