import { SchemaOptions, Static, StaticDecode, TSchema, Type } from '@sinclair/typebox';
import { AccountId, MspId, PositiveAmount, RecordId, Sha256Hex, Timestamp, TxId, amountSchema, storedAmount, text } from '../shared/schema';

/**
 * The scrip system's shapes, defined once (issue 12; seeds/001 sections 5-6, Millicent scrip):
 * series, scrip, nullifiers, the swap request and its authorizations, the broker log. Stored
 * records decode amounts to bigints; views show them as decimal strings. scrip/README.md tells
 * the rules.
 */

/** Whose scrip a series issues: a broker's BrokerScrip or a vendor's VendorScrip. */
export const SeriesKind = Type.Union([Type.Literal('broker'), Type.Literal('vendor')], { description: 'broker: BrokerScrip, sold for money and exchanged for VendorScrip; vendor: VendorScrip, accepted only by its vendor' });
export type SeriesKind = Static<typeof SeriesKind>;

/** The swap flows of seeds/001 section 6 (6.1-6.8), the log's names for them. */
export const SwapFlow = Type.Union(
  [
    Type.Literal('buy'),
    Type.Literal('convert'),
    Type.Literal('purchase'),
    Type.Literal('topup-broker'),
    Type.Literal('topup-vendor'),
    Type.Literal('withdraw-broker'),
    Type.Literal('withdraw-vendor'),
    Type.Literal('renew'),
  ],
  { description: 'seeds/001 s. 6.1 buy, 6.2 convert, 6.3 purchase, 6.4 topup-broker, 6.5 topup-vendor, 6.6 withdraw-broker, 6.7 withdraw-vendor, 6.8 renew' },
);
export type SwapFlow = Static<typeof SwapFlow>;

/** A scrip serial (ScripID): lowercase hex SHA-256 of (request digest || uint32be output index). */
export const Serial = Type.String({ pattern: Sha256Hex.pattern, description: 'Scrip serial: SHA-256 hex of the swap request digest and the output index' });
/** A holder commitment: SHA-256 hex of ("covenant/scrip-holder/v1" || 65-byte holder public key). */
export const HolderCommitment = Type.String({ pattern: Sha256Hex.pattern, description: 'SHA-256 hex of utf8 "covenant/scrip-holder/v1" and the holder\'s 65-byte P-256 public key' });
/** A currency-like unit code: 3 upper-case letters (ISO 4217 style). */
export const Unit = Type.String({ pattern: '^[A-Z]{3}$', description: 'Unit code, ISO 4217 style ("USD")', examples: ['USD'] });

function seriesFields<A extends TSchema>(amount: (options: SchemaOptions) => A) {
  return {
    id: RecordId,
    issuer: AccountId,
    issuerMspId: MspId,
    kind: SeriesKind,
    unit: Unit,
    fee: amount({ description: 'Flat fee in minor units charged per scrip of this series issued (not on renewal), paid to the issuer' }),
    broker: AccountId,
    brokerMspId: MspId,
    lastIssueAt: Timestamp,
    spendBy: Timestamp,
    renewBy: Timestamp,
    active: Type.Boolean({ description: 'False: the issuer has stopped issuing from it (spending and renewal go on)' }),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    sweptAt: Type.Optional(Timestamp),
    swept: Type.Optional(amount({ description: 'What the issuer swept to its account after renewBy' })),
  };
}

/**
 * A stored series (`scrip-series` [id]): one issuer, one validity period, like a Cashu keyset or
 * a Taler denomination. `outstanding` is the value of its unspent scrip, the money reserved
 * behind it. `broker` is the issuer itself for a broker series, the broker a vendor series
 * redeems through for a vendor series (whose log records its swaps).
 */
export const SeriesRecord = Type.Object({ ...seriesFields(storedAmount), outstanding: storedAmount() });
export type Series = StaticDecode<typeof SeriesRecord>;

/** A series as callers see it; `outstanding` only for its issuer. */
export const SeriesView = Type.Object(
  { ...seriesFields(amountSchema), outstanding: Type.Optional(amountSchema({ description: 'Value of unspent scrip of the series (the reserve); shown to its issuer only' })) },
  { $id: 'ScripSeries' },
);
export type SeriesView = Static<typeof SeriesView>;

/** The body of scrip:createSeries. */
export const CreateSeriesRequest = Type.Object(
  {
    id: RecordId,
    kind: SeriesKind,
    unit: Unit,
    fee: amountSchema({ description: 'Flat fee per scrip issued, minor units' }),
    lastIssueAt: Type.String({ format: 'date-time', description: 'Last instant scrip of this series may be issued; after the transaction time' }),
    spendBy: Type.String({ format: 'date-time', description: 'Scrip spent after it is SCRIP_EXPIRED (renewable); >= lastIssueAt' }),
    renewBy: Type.String({ format: 'date-time', description: 'Last instant expired scrip may be renewed; then the issuer may sweep; >= spendBy' }),
    broker: Type.Optional(Type.String({ pattern: AccountId.pattern, description: 'Vendor series only (required there): the broker, holding the broker role, through which it redeems and whose log records it' })),
  },
  {
    additionalProperties: false,
    examples: [{ id: 'acme-2026-12', kind: 'vendor', unit: 'USD', fee: '1', lastIssueAt: '2026-12-31T00:00:00Z', spendBy: '2027-01-31T00:00:00Z', renewBy: '2027-03-31T00:00:00Z', broker: '3f1d2c4b5a69788796a5b4c3d2e1f00112233445' }],
  },
);
export type CreateSeriesRequest = Static<typeof CreateSeriesRequest>;

function scripFields<A extends TSchema>(amount: (options: SchemaOptions) => A) {
  return {
    serial: Serial,
    series: RecordId,
    value: amount({ description: 'Value in minor units' }),
    holder: HolderCommitment,
    issuerSignature: Type.String({ description: 'ECDSA P-256 signature (base64 DER) by the series issuer over canonicalBytes({type: "covenant.scrip/v1", serial, series, value, holder})' }),
    issuedAt: Timestamp,
    txId: TxId,
  };
}

/** An unspent scrip (`scrip` [serial]); deleted when spent (its nullifier remains). */
export const ScripRecord = Type.Object(scripFields(storedAmount));
export type Scrip = StaticDecode<typeof ScripRecord>;
export const ScripView = Type.Object(scripFields(amountSchema), { $id: 'Scrip' });
export type ScripView = Static<typeof ScripView>;

/** A spent serial (`scrip-spent` [serial]): read with GetState by every spend, so MVCC refuses a concurrent second one. */
export const NullifierRecord = Type.Object({ serial: Serial, txId: TxId, spentAt: Timestamp });
export type Nullifier = Static<typeof NullifierRecord>;

/** What scrip:getScrip answers: a serial's status, the scrip while unspent, the spend once spent. */
export const ScripStatusView = Type.Object(
  { serial: Serial, status: Type.Union([Type.Literal('unspent'), Type.Literal('spent')]), scrip: Type.Optional(ScripView), spent: Type.Optional(NullifierRecord) },
  { $id: 'ScripStatus' },
);

/** A request digest marker (`scrip-request` [digest]): a replayed swap request is ALREADY_EXISTS. */
export const RequestMarker = Type.Object({ digest: Sha256Hex, txId: TxId });

/** Most scrip or money inputs, and outputs, of one swap (each list). */
export const MAX_SWAP_ITEMS = 16;
/** Longest envelope string, characters (16 KiB), and most envelopes of one swap. */
export const MAX_ENVELOPE_LENGTH = 16 * 1024;
export const MAX_ENVELOPES = 8;

const MoneyLeg = Type.Object({ account: AccountId, amount: PositiveAmount }, { additionalProperties: false });
const items = <T extends TSchema>(item: T) => Type.Array(item, { maxItems: MAX_SWAP_ITEMS });

/** The swap request every party signs the SHA-256 digest of (its canonical JSON bytes). */
export const SwapRequest = Type.Object(
  {
    type: Type.Literal('covenant.scrip.swap/v1'),
    nonce: Type.String({ minLength: 16, maxLength: 64, pattern: '^[A-Za-z0-9_-]+$', description: 'Fresh per request (base64url): two requests never share a digest' }),
    flow: SwapFlow,
    inputs: Type.Object({ scrip: items(Serial), money: items(MoneyLeg) }, { additionalProperties: false }),
    outputs: Type.Object(
      { scrip: items(Type.Object({ series: RecordId, value: PositiveAmount, holder: HolderCommitment }, { additionalProperties: false })), money: items(MoneyLeg) },
      { additionalProperties: false },
    ),
    fee: amountSchema({ description: 'Sum of the output series\' fees (0 for renew)' }),
    context: Type.Optional(text(256, { description: 'Free text every signer signs with the request (an order reference)' })),
  },
  { additionalProperties: false, $id: 'ScripSwapRequest' },
);
export type SwapRequest = Static<typeof SwapRequest>;

const Signature = Type.String({ minLength: 1, maxLength: 200, description: 'ECDSA P-256/SHA-256, base64 DER or raw r||s' });

/** The consents and certificates that go with a swap request. */
export const SwapAuthorizations = Type.Object(
  {
    holders: items(
      Type.Object(
        { serial: Serial, publicKey: Type.String({ maxLength: 100, description: 'base64url of the 65-byte uncompressed P-256 holder key' }), signature: Signature },
        { additionalProperties: false, description: 'The holder key of an input scrip signs the request digest' },
      ),
    ),
    accounts: items(Type.Object({ account: AccountId, signature: Signature }, { additionalProperties: false, description: "An account's consent: its ledger key signs the request digest" })),
    issuers: items(Type.Object({ index: Type.Integer({ minimum: 0, maximum: MAX_SWAP_ITEMS - 1 }), signature: Signature }, { additionalProperties: false, description: 'The output series issuer signs the scrip at outputs.scrip[index]' })),
    envelopes: Type.Optional(Type.Record(AccountId, Type.String({ minLength: 1, maxLength: MAX_ENVELOPE_LENGTH }), { description: `Opaque sealed messages by reader account id (at most ${MAX_ENVELOPES})` })),
  },
  { additionalProperties: false, $id: 'ScripSwapAuthorizations' },
);
export type SwapAuthorizations = Static<typeof SwapAuthorizations>;

function legFields<A extends TSchema>(amount: (options: SchemaOptions) => A) {
  const scrip = Type.Array(Type.Object({ serial: Serial, series: RecordId, value: amount({}) }));
  const money = Type.Array(Type.Object({ account: AccountId, amount: amount({}) }));
  return Type.Object({ scrip, money });
}

function logFields<A extends TSchema>(amount: (options: SchemaOptions) => A) {
  return {
    txId: TxId,
    broker: AccountId,
    brokerMspId: MspId,
    at: Timestamp,
    flow: SwapFlow,
    digest: Sha256Hex,
    inputs: legFields(amount),
    outputs: legFields(amount),
    fee: amount({}),
    submitter: AccountId,
    parties: Type.Array(AccountId, { description: 'Accounts that acted or were paid: submitter, money accounts, issuers, the broker (sorted)' }),
    organizations: Type.Array(MspId, { description: "The parties' organisations (sorted)" }),
    envelopes: Type.Record(Type.String(), Type.String(), { description: 'Opaque sealed messages by reader account id' }),
  };
}

/** A broker log entry (`scrip-log` [txId], listed by `scrip-log-broker` [broker, at, txId]). */
export const LogRecord = Type.Object(logFields(storedAmount));
export type LogEntry = StaticDecode<typeof LogRecord>;
export const LogEntryView = Type.Object(logFields(amountSchema), { $id: 'ScripLogEntry' });
export type LogEntryView = Static<typeof LogEntryView>;
