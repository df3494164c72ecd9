import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Static, Type } from '@sinclair/typebox';
import { EncryptionKeyView } from '@covenant/chaincode';
import { principalOf } from '../http/auth';
import { HttpProblem, problem } from '../http/problem';
import { accountIdOf } from '../identity/signing';
import type { Principal } from '../identity/store';
import { generateEncryptionKeyPair } from '../envelopes';
import { ChaincodeError } from '../ledger/port';
import { AccountParams } from './schemas';
import { IdempotencyHeader, bearer, problems } from './common';
import { read } from './rows';
import { registerChaincodeRoutes } from './forward';

const TAGS = ['accounts'];
const KeyRef = Type.Ref(EncryptionKeyView);
type EncryptionKey = Static<typeof EncryptionKeyView>;

const PUT_DESCRIPTION = [
  "Gives the caller an encryption key for digital envelopes (HPKE, RFC 9180: DHKEM(P-256, HKDF-SHA256), HKDF-SHA256, AES-256-GCM; format in gateway/src/envelopes/README.md), separate from its signing key.",
  'The gateway generates the key pair, keeps the private key with the identity (never returned, never logged) and registers the public key on the ledger (accounts:setEncryptionKey), where anyone may read it.',
  "Idempotent: when this gateway already keeps a key for the caller, that key is returned (and registered again if the ledger has another); `rotate: true` makes a new one (earlier private keys are kept, so envelopes sealed for them still open).",
  '201 when this call registered a key on the ledger, 200 when the ledger already had it. Errors: 409 the caller has no account (register it first), or the gateway keeps no key files for this identity.',
].join(' ');

/**
 * An account's encryption key (digital envelopes, issue 12): PUT /v1/accounts/me/encryption-key
 * (generate, keep, register) and GET /v1/accounts/{id}/encryption-key (public). Chaincode
 * `accounts:setEncryptionKey` and `accounts:getEncryptionKey`.
 */
export const encryptionKeyRoutes: FastifyPluginAsyncTypebox = async (app) => {
  const { chaincode, identities } = app;
  registerChaincodeRoutes(app, chaincode, TAGS, [
    read({
      url: '/accounts/:id/encryption-key',
      fn: 'accounts:getEncryptionKey',
      summary: "An account's encryption key (anyone)",
      description: 'The public key others seal digital envelopes for, and its key id. Public: any caller may read it. Errors: 404 the account has registered none.',
      operationId: 'getEncryptionKey',
      params: AccountParams,
      response: KeyRef,
      statuses: [404],
    }),
  ]);

  /** What the ledger holds for the principal's account, or undefined before the first key. */
  const onLedger = async (principal: Principal): Promise<EncryptionKey | undefined> => {
    try {
      return await chaincode.evaluate<EncryptionKey>(principal, 'accounts:getEncryptionKey', [accountIdOf(principal)]);
    } catch (err) {
      if (err instanceof ChaincodeError && err.code === 'NOT_FOUND') return undefined;
      throw err;
    }
  };

  app.put(
    '/accounts/me/encryption-key',
    {
      config: { idempotent: true },
      preValidation: async (request) => {
        request.body ??= {};
      },
      schema: {
        tags: TAGS,
        summary: "Create (or rotate) the caller's encryption key",
        description: PUT_DESCRIPTION,
        operationId: 'putOwnEncryptionKey',
        security: bearer,
        headers: IdempotencyHeader,
        body: Type.Object(
          { rotate: Type.Optional(Type.Boolean({ default: false, description: 'Make a new key even when one exists' })) },
          { additionalProperties: false, examples: [{}, { rotate: true }] },
        ),
        response: { 200: KeyRef, 201: KeyRef, ...problems(409) },
      },
    },
    async (request, reply) => {
      const principal = principalOf(request);
      const path = principal.signingKeyPath;
      if (!path) throw new HttpProblem(problem(409, 'FAILED_PRECONDITION', 'this gateway keeps no key files for the caller'));
      const rotate = request.body?.rotate === true;
      const kept = (!rotate && (await identities.encryptionKeys.current(path))) || (await identities.encryptionKeys.add(path, generateEncryptionKeyPair()));
      const registered = rotate ? undefined : await onLedger(principal);
      if (registered?.kid === kept.kid) return reply.code(200).send(registered);
      const args = [JSON.stringify({ publicKey: kept.publicKey, kid: kept.kid })];
      const { changed, key } = await chaincode.submit<{ changed: boolean; key: EncryptionKey }>(principal, 'accounts:setEncryptionKey', args, reply);
      return reply.code(changed ? 201 : 200).send(key);
    },
  );
};
