import { Type } from '@sinclair/typebox';
import { LogEntryView, ScripStatusView, ScripView, SeriesView, SwapAuthorizations, SwapRequest } from '@covenant/chaincode';
import { AccountId } from './schemas';
import { SCRIP_MESSAGE_TYPES } from '../scrip/protocol';

/**
 * TypeBox schemas of the scrip resources and of the scrip protocol between gateways (issue 12;
 * seeds/001 s. 5-6). The records are defined once beside the chaincode that stores them
 * (chaincode/src/scrip/schema.ts) and registered on the app with addSchema (`scripSchemas`), so
 * the OpenAPI document shows each once under components and routes refer to them by `$id`.
 */
export const scripSchemas = [SeriesView, ScripView, ScripStatusView, SwapRequest, SwapAuthorizations, LogEntryView];

export const SeriesRef = Type.Ref(SeriesView);
export const ScripRef = Type.Ref(ScripView);
export const ScripStatusRef = Type.Ref(ScripStatusView);
export const LogEntryRef = Type.Ref(LogEntryView);

const P256_POINT = { minLength: 87, maxLength: 87, pattern: '^[A-Za-z0-9_-]{87}$' };
const IssuerSignature = Type.Object({ index: Type.Integer({ minimum: 0 }), signature: Type.String() });

/** A message to an issuer's gateway (gateway/src/scrip/protocol.ts ScripMessage). */
export const ScripMessageBody = Type.Object(
  {
    type: Type.Union(SCRIP_MESSAGE_TYPES.map((t) => Type.Literal(t)), { description: 'scrip-sign: countersign the issuer\'s outputs; scrip-submit: countersign and submit scrip:swap as the issuer' }),
    issuer: AccountId,
    request: Type.Ref(SwapRequest),
    authorizations: Type.Ref(SwapAuthorizations),
    sealed: Type.Optional(Type.String({ minLength: 1, maxLength: 16384, description: 'Digital envelope for the issuer (context scrip-<flow>, request nonce, "customer", issuer): the order, the customer\'s account' })),
    receiptKey: Type.Optional(Type.String({ ...P256_POINT, description: 'One-time HPKE public key of the customer (base64url of the 65-byte point): the receipt is sealed to it' })),
  },
  {
    additionalProperties: false,
    examples: [
      {
        type: 'scrip-submit',
        issuer: '3f1d2c4b5a69788796a5b4c3d2e1f00112233445',
        request: {
          type: 'covenant.scrip.swap/v1',
          nonce: 'q1w2e3r4t5y6u7i8o9p0',
          flow: 'buy',
          inputs: { scrip: [], money: [{ account: '1111111111111111111111111111111111111111', amount: '1001' }] },
          outputs: { scrip: [{ series: 'broker-2026-12', value: '1000', holder: '6a3f0c1e9d2b4a5c6d7e8f90a1b2c3d4e5f60718293a4b5c6d7e8f9012345678' }], money: [] },
          fee: '1',
        },
        authorizations: { holders: [], accounts: [{ account: '1111111111111111111111111111111111111111', signature: 'MEUCIQ...' }], issuers: [] },
      },
    ],
  },
);

/** The answers: scrip-signed (the issuer's output signatures, or its consent) or scrip-done. */
export const ScripAnswerBody = Type.Union([
  Type.Object({
    type: Type.Literal('scrip-signed'),
    issuers: Type.Array(IssuerSignature, { description: "The issuer's ECDSA P-256 signatures (base64 DER) over its outputs' scrip bytes" }),
    accounts: Type.Optional(Type.Array(Type.Object({ account: AccountId, signature: Type.String() }), { description: "The issuer's consent over the request digest, when it only spends its scrip" })),
  }),
  Type.Object({
    type: Type.Literal('scrip-done'),
    txId: Type.String(),
    issued: Type.Array(ScripRef, { description: 'The scrip issued, in output order' }),
    spent: Type.Array(Type.String(), { description: 'The serials spent' }),
    receipt: Type.Optional(Type.String({ description: 'The receipt sealed to receiptKey (context scrip-receipt, request nonce, issuer, "customer")' })),
  }),
]);
