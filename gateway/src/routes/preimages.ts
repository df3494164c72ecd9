import { Type } from '@sinclair/typebox';
import { PreimageRecord, Sha256Hex } from '@covenant/chaincode';
import { problems } from './common';
import { ChaincodeRoute, forward, jsonArg } from './forward';
import { read } from './rows';

/**
 * The preimage registry over REST (chaincode channels/preimage.ts): publishing the SHA-256
 * preimage that settles hash-locked conditional payments (HTLCs) in two-party channel states to
 * their payees on the ledger, as Lightning's BOLT 2 update_fulfill_htlc / BOLT 3 HTLC-success
 * path do, and reading it back. Extends the two-party channels of ../shared/seeds/003 (J. Math.
 * 2022, section 3.1). Registered by the channel routes (channels.ts), tag `channels`.
 */
export const preimageRoutes: ChaincodeRoute[] = [
  forward({
    method: 'POST',
    url: '/preimages',
    idempotent: true,
    fn: 'channels:revealPreimage',
    schema: {
      summary: 'Reveal a payment preimage on the ledger (settles HTLCs locked to its hash to their payees)',
      description:
        'Stores `{hash: SHA-256 of the preimage bytes, preimage, revealedAt: transaction time}` for anyone to read. An HTLC of a state registered by a unilateral close settles to its payee when its hash was revealed at or before its `expiresAt`, else to its payer after that: a payee reveals well before the expiry. The first reveal wins: revealing the same preimage again changes nothing and answers the first record. Event `PreimageRevealed` to every member. Errors: 409 the caller has no account.',
      operationId: 'revealPreimage',
      body: Type.Object(
        { preimage: Type.String({ pattern: '^([0-9a-f]{2}){1,64}$', description: 'The preimage, 1-64 bytes as lowercase hex (Lightning: 32 bytes)' }) },
        { additionalProperties: false, examples: [{ preimage: '0000000000000000000000000000000000000000000000000000000000000001' }] },
      ),
      response: { 200: PreimageRecord, ...problems(409) },
    },
    args: ({ body }) => [jsonArg(body)],
  }),
  read({
    url: '/preimages/:hash',
    fn: 'channels:getPreimage',
    summary: 'A revealed preimage by its SHA-256 hash (anyone)',
    operationId: 'getPreimage',
    params: Type.Object({ hash: Sha256Hex }),
    response: PreimageRecord,
    statuses: [404],
  }),
];
