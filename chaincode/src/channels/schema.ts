import { SchemaOptions, Static, StaticDecode, TSchema, Type } from '@sinclair/typebox';
import { AccountId, MspId, RecordId, Sha256Hex, Timestamp, amountSchema, storedAmount } from '../shared/schema';
import { SETTINGS_STAMP } from '../shared/settings';

/**
 * The payment channels' shapes, defined once ("Research on Multiparty Payment Technology Based on
 * Blockchain and Smart Contract Mechanism", J. Math. 2022, section 3): two-party channels,
 * multiparty channels and the channel settings, each as stored (amounts as bigints once decoded)
 * and as shown to callers (schema `$id`s Channel and Multiparty in the gateway's OpenAPI document).
 */

/**
 * The two parties' values, in the channel's party order: exactly two items, typed as a pair. An
 * array with minItems/maxItems rather than Type.Tuple, whose draft-07 `items: [...]` is not valid
 * in OpenAPI 3.1 (JSON Schema 2020-12) and which Ajv's draft-07 mode would not read as prefixItems.
 */
export const Pair = <T extends TSchema>(item: T) => Type.Unsafe<[StaticDecode<T>, StaticDecode<T>]>(Type.Array(item, { minItems: 2, maxItems: 2 }));

export const ChannelStatus = Type.Union([Type.Literal('OPEN'), Type.Literal('CLOSING'), Type.Literal('CLOSED')]);
export type ChannelStatus = Static<typeof ChannelStatus>;

/**
 * A pending hash-locked payment of a two-party state (state.ts Htlc; BOLT 2 update_add_htlc):
 * `amount` from party `payer`'s balance, to the other party on the SHA-256 preimage of `hash`
 * revealed on the ledger by `expiresAt`, back to the payer after it.
 */
function htlcSchema<A extends TSchema>(amount: (options: SchemaOptions) => A) {
  return Type.Object(
    {
      id: RecordId,
      hash: Sha256Hex,
      amount: amount({ description: 'Minor units held aside, greater than zero' }),
      expiresAt: Timestamp,
      payer: Type.Union([Type.Literal(0), Type.Literal(1)], { description: 'Index of the party whose balance funded it; the other party is the payee' }),
    },
    { description: 'A hash-locked conditional payment (HTLC)' },
  );
}

/** The HTLCs of a state: absent when there are none (plain states look exactly as before HTLCs existed). */
const htlcList = <A extends TSchema>(amount: (options: SchemaOptions) => A, description: string) => Type.Optional(Type.Array(htlcSchema(amount), { description }));

/** The two-party channel's fields, with `amount` building each amount (a decimal string, or a stored bigint). */
function channelFields<A extends TSchema>(amount: (options: SchemaOptions) => A) {
  return {
    id: Type.String(),
    parties: Pair(AccountId),
    deposits: Pair(amount({})),
    balances: Pair(amount({})),
    version: Type.Integer({ description: 'Version of the state last put on the ledger' }),
    htlcs: htlcList(amount, 'Pending HTLCs of the state last put on the ledger, sorted by id; `balances` plus their amounts make `total`'),
    total: amount({}),
    status: ChannelStatus,
    busy: Type.Union([Type.String(), Type.Null()], { description: 'Multiparty channel holding this channel, or null' }),
    closing: Type.Optional(
      Type.Object(
        {
          version: Type.Integer(),
          balances: Pair(amount({})),
          htlcs: htlcList(amount, 'HTLCs of the registered state, sorted by id: each settles to its payee if its preimage was revealed by its expiry, else to its payer'),
          deadline: Timestamp,
          registeredBy: AccountId,
        },
        { description: 'The state registered by a unilateral close, replaceable by a newer one until deadline' },
      ),
    ),
    createdAt: Timestamp,
    updatedAt: Timestamp,
    closedAt: Type.Optional(Timestamp),
  };
}

/** The channel as shown to callers: amounts as decimal strings. */
export const ChannelView = Type.Object(channelFields(amountSchema), { $id: 'Channel' });
export type ChannelView = Static<typeof ChannelView>;

/** The stored channel (`channel` [id]); `organizations`: both parties' MSP IDs, sorted (the key's endorsement policy). */
export const ChannelRecord = Type.Object({ ...channelFields(storedAmount), organizations: Type.Array(MspId) });
export type Channel = StaticDecode<typeof ChannelRecord>;
export type Closing = NonNullable<Channel['closing']>;

export const MultipartyStatus = Type.Union([Type.Literal('OPEN'), Type.Literal('CLOSING'), Type.Literal('CLOSED')]);
export type MultipartyStatus = Static<typeof MultipartyStatus>;

/** The multiparty channel's own fields (stored and shown), in two parts so the view's `states` sits between them. */
const MULTIPARTY_HEAD = {
  id: Type.String(),
  parties: Type.Array(AccountId, { description: 'Every party, in the order the opening request gave them' }),
  channels: Type.Array(Type.String(), { description: 'Member channel ids, sorted' }),
  version: Type.Integer(),
  status: MultipartyStatus,
};
const MULTIPARTY_TAIL = { createdAt: Timestamp, updatedAt: Timestamp, closedAt: Type.Optional(Timestamp), exitedBy: Type.Optional(AccountId) };

/**
 * The multiparty state registered by a unilateral close (registerMultipartyState, or exitMultiparty
 * with the recorded state): every member channel's `{channel, version, balances}`, replaceable by
 * a newer all-signed state until `deadline`, then settled onto the member channels.
 */
function multipartyClosing<A extends TSchema>(amount: (options: SchemaOptions) => A) {
  return Type.Optional(
    Type.Object(
      {
        version: Type.Integer({ description: 'Multiparty version of the registered state' }),
        states: Type.Array(Type.Object({ channel: Type.String(), version: Type.Integer(), balances: Pair(amount({})) }), { description: "Member channels' registered states, sorted by channel id" }),
        deadline: Timestamp,
        registeredBy: AccountId,
      },
      { description: 'The state registered by a unilateral close, replaceable by a newer all-signed one until deadline' },
    ),
  );
}

/** A member channel's current state `{channel, version, balances}`, what the parties sign the next multiparty state over. */
export const MemberState = Type.Object({ channel: Type.String(), version: Type.Integer(), balances: Pair(amountSchema()) });

/** The multiparty channel as shown to callers, with its member channels' current states. */
export const MultipartyView = Type.Object(
  {
    ...MULTIPARTY_HEAD,
    states: Type.Array(MemberState, { description: "Member channels' current states" }),
    ...MULTIPARTY_TAIL,
    closing: multipartyClosing(amountSchema),
    ledgerVersion: Type.Optional(
      Type.Integer({
        description:
          "Set by a party's gateway: the version recorded on the ledger. `version` and `states` are then those of the latest state every party signed off-chain that this gateway holds (multiparty payments are off-chain), when it is newer",
      }),
    ),
  },
  { $id: 'Multiparty' },
);
export type MultipartyView = Static<typeof MultipartyView>;

/** The stored multiparty channel (`multiparty` [id]); `organizations`: every party's MSP ID, sorted. */
export const MultipartyRecord = Type.Object({ ...MULTIPARTY_HEAD, ...MULTIPARTY_TAIL, closing: multipartyClosing(storedAmount), organizations: Type.Array(MspId) });
export type Multiparty = StaticDecode<typeof MultipartyRecord>;
export type MultipartyClosing = NonNullable<Multiparty['closing']>;

/** The channel settings as shown to callers (and stored, once upgraded). */
export const ChannelSettings = Type.Object({
  challengePeriodSeconds: Type.Integer({ description: 'Unilateral-close challenge period, transaction time' }),
  multipartyTimeoutSeconds: Type.Integer({ description: 'Time without an on-ledger change of a multiparty channel after which any one party may start its unilateral close alone with the recorded state (POST /v1/multiparty/{id}/exit)' }),
  ...SETTINGS_STAMP,
});
export type ChannelSettings = Static<typeof ChannelSettings>;

/** The stored settings: records written before the multiparty timeout existed lack it. */
export const ChannelSettingsRecord = Type.Object({ ...ChannelSettings.properties, multipartyTimeoutSeconds: Type.Optional(ChannelSettings.properties.multipartyTimeoutSeconds) });

/**
 * A preimage revealed on the ledger (`preimage` [hash], channels/preimage.ts): SHA-256 of the
 * bytes of `preimage` is `hash`; `revealedAt` is the transaction time of the first reveal, which
 * decides whether an HTLC of that hash settles to its payee (revealed by its expiry).
 */
export const PreimageRecord = Type.Object(
  {
    hash: Sha256Hex,
    preimage: Type.String({ pattern: '^([0-9a-f]{2}){1,64}$', description: 'The preimage, 1-64 bytes as lowercase hex' }),
    revealedAt: Timestamp,
  },
  { description: 'A preimage revealed on the ledger: SHA-256 of its bytes is hash; revealedAt is the transaction time of the first reveal' },
);
export type PreimageRecord = Static<typeof PreimageRecord>;
