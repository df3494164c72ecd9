import { Static, Type } from '@sinclair/typebox';
import { AccountId, PositiveAmount, Timestamp, TxId, storedAmount } from '../shared/schema';
import { MAX_DENOMINATION } from './denominations';

/**
 * The notes system's shapes, defined once (issue 13; privacy design section 1): requests of
 * registerAddress, deposit and spend, and the stored records. Amounts and denominations are minor
 * units as decimal strings (the reserve decodes to a bigint). Keys and scalars are base64url of 32
 * bytes (chaincode/src/privacy/README.md "Encodings"); notes/README.md tells the rules.
 */

/** base64url without padding of 32 bytes: a ristretto255 point or scalar. */
export const Encoded32 = Type.String({ pattern: '^[A-Za-z0-9_-]{43}$', description: 'base64url (no padding) of 32 bytes: a ristretto255 point or scalar' });

/** A denomination of the 1-2-5 series (checked against DENOMINATIONS by the rules). */
export const Denomination = Type.String({
  pattern: '^[125]0{0,9}$',
  description: `A denomination of the 1-2-5 series in minor units (1, 2, 5, 10, ..., ${MAX_DENOMINATION}) as a decimal string`,
  examples: ['500'],
});

/** Most inputs and outputs of one deposit or spend (each list). */
export const MAX_NOTE_ITEMS = 16;
/** Longest sealed memo, base64url characters. */
export const MAX_MEMO_LENGTH = 1400;
/** Most members of a ring (ring.ts RING_SIZE_MAX). */
export const MAX_RING_SIZE = 64;

/** A one-time output as the ledger stores it (stealth.ts StealthOutput). */
export const StealthOutputSchema = Type.Object(
  {
    ephemeralPublicKey: Encoded32,
    outputIndex: Type.Integer({ minimum: 0, maximum: 0xffffffff, description: 'Index i of the output under its ephemeral key R' }),
    oneTimePublicKey: Encoded32,
    viewTag: Type.Integer({ minimum: 0, maximum: 255, description: 'First byte of SHA-256(prefix || D || u32be(i))' }),
  },
  { additionalProperties: false, $id: 'StealthOutput' },
);

/** A new note: its denomination, one-time output and optional sealed memo. */
export const NoteOutput = Type.Object(
  {
    denomination: Denomination,
    output: StealthOutputSchema,
    memo: Type.Optional(Type.String({ minLength: 1, maxLength: MAX_MEMO_LENGTH, pattern: '^[A-Za-z0-9_-]+$', description: 'Memo sealed under the stealth shared secret, base64url (gateway/src/privacy/memo.ts)' })),
  },
  { additionalProperties: false, $id: 'NoteOutput' },
);
export type NoteOutput = Static<typeof NoteOutput>;

/** A bLSAG signature (ring.ts RingSignature). */
export const RingSignatureSchema = Type.Object(
  { c0: Encoded32, responses: Type.Array(Encoded32, { minItems: 2, maxItems: MAX_RING_SIZE }), keyImage: Encoded32 },
  { additionalProperties: false, $id: 'RingSignature' },
);

/** One spent note: the ring it hides among (same denomination) and the bLSAG over the spend digest. */
export const SpendInput = Type.Object(
  { denomination: Denomination, ring: Type.Array(Encoded32, { minItems: 1, maxItems: MAX_RING_SIZE }), signature: RingSignatureSchema },
  { additionalProperties: false, $id: 'SpendInput' },
);
export type SpendInput = Static<typeof SpendInput>;

/** Money leaving the notes for an account. */
export const Withdrawal = Type.Object({ account: AccountId, amount: PositiveAmount }, { additionalProperties: false });

/** notes:registerAddress: the caller's stealth meta-address. */
export const RegisterAddressRequest = Type.Object({ viewPublicKey: Encoded32, spendPublicKey: Encoded32 }, { additionalProperties: false, $id: 'StealthMetaAddress' });

/** notes:deposit. */
export const DepositRequest = Type.Object(
  {
    requestId: Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$', description: 'Client-chosen, unique per depositor: a replay is ALREADY_EXISTS' }),
    outputs: Type.Array(NoteOutput, { minItems: 1, maxItems: MAX_NOTE_ITEMS }),
  },
  { additionalProperties: false, $id: 'NotesDepositRequest' },
);
export type DepositRequest = Static<typeof DepositRequest>;

/** notes:spend: a private payment, or a withdrawal when `withdrawal` is given. */
export const SpendRequest = Type.Object(
  {
    inputs: Type.Array(SpendInput, { minItems: 1, maxItems: MAX_NOTE_ITEMS }),
    outputs: Type.Array(NoteOutput, { maxItems: MAX_NOTE_ITEMS }),
    withdrawal: Type.Optional(Withdrawal),
  },
  { additionalProperties: false, $id: 'NotesSpendRequest' },
);
export type SpendRequest = Static<typeof SpendRequest>;

/** A note (`note` [denom20, oneTimePublicKey]); never deleted (a spent note stays a ring member). */
export const NoteRecord = Type.Object({ denomination: Denomination, output: StealthOutputSchema, memo: Type.Optional(Type.String()), txId: TxId, batchId: Type.String() });
export type NoteRecord = Static<typeof NoteRecord>;

/** A spent key image (`key-image` [keyImage]): the spend's transaction and message digest. */
export const KeyImageRecord = Type.Object({ txId: TxId, digest: Type.String({ description: 'base64url SHA-512 spend digest' }) });
export type KeyImageRecord = Static<typeof KeyImageRecord>;

/** A registered stealth meta-address (`stealth-address` [accountId]). */
export const AddressRecord = Type.Object({ accountId: AccountId, viewPublicKey: Encoded32, spendPublicKey: Encoded32, registeredAt: Timestamp }, { $id: 'StealthAddress' });
export type AddressRecord = Static<typeof AddressRecord>;

/** A private transaction as committed in its batch (`private-tx` [batchId, txId]): the Merkle leaf. */
export const PrivateTxRecord = Type.Object(
  {
    kind: Type.Union([Type.Literal('deposit'), Type.Literal('payment'), Type.Literal('withdrawal')]),
    txId: TxId,
    batchId: Type.String(),
    time: Timestamp,
    inputs: Type.Array(Type.Object({ denomination: Denomination, ring: Type.Array(Type.String()), keyImage: Type.String(), signature: RingSignatureSchema })),
    outputs: Type.Array(NoteOutput),
    account: Type.Optional(AccountId),
    amount: Type.Optional(PositiveAmount),
  },
  { $id: 'PrivateTransaction' },
);
export type PrivateTxRecord = Static<typeof PrivateTxRecord>;

/** A sealed batch (`private-batch` [batchId]): the RFC 9162 root of its records. */
export const BatchRecord = Type.Object(
  {
    batchId: Type.String({ pattern: '^[0-9]{12}$' }),
    start: Timestamp,
    end: Timestamp,
    size: Type.Integer({ minimum: 1 }),
    root: Encoded32,
    sealedAt: Timestamp,
  },
  { $id: 'PrivateBatch' },
);
export type BatchRecord = Static<typeof BatchRecord>;

/** `private-tx-id` [txId]: where a transaction's record is. */
export const TxLocation = Type.Object({ batchId: Type.String() });

/** `notes-deposit-request` [accountId, requestId]: a deposit already applied. */
export const DepositMarker = Type.Object({ txId: TxId });

/** `notes-reserve` [current]: the money behind every note. */
export const ReserveRecord = Type.Object({ balance: storedAmount() });
export type Reserve = { balance: bigint };

/** `notes-settings` [current]. */
export const NotesSettingsRecord = Type.Object({
  minRingSize: Type.Integer({ minimum: 2, maximum: MAX_RING_SIZE }),
  batchSeconds: Type.Integer({ minimum: 1, maximum: 86400 }),
  updatedAt: Type.Optional(Timestamp),
  updatedBy: Type.Optional(AccountId),
});
export type NotesSettings = Static<typeof NotesSettingsRecord>;
