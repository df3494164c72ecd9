import { createHash } from 'node:crypto';
import { Static, Type } from '@sinclair/typebox';
import { AccountId, MspId, Timestamp } from '../shared/schema';
import { invalidArgument } from '../shared/errors';
import { parseP256Point } from '../shared/signature';
import { decoderOf, parseRequest } from '../shared/validate';
import { parseAccountId, parseJsonArg } from '../shared/args';
import { EVERYONE } from '../shared/audience';
import { AccountStore } from './account';
import { RecordStore } from '../shared/store';
import type { CovenantContext } from '../shared/context';

/**
 * An account's encryption key (issue 12, "Digital envelopes"): the P-256 public key others seal
 * envelopes for (HPKE, RFC 9180, DHKEM(P-256, HKDF-SHA256): gateway/src/envelopes/README.md),
 * separate from the account's signing key (its certificate). Stored under its own key
 * `encryption-key` [accountId], not on the account record: the account key is written by every
 * payment, so a key change there would conflict (MVCC) with the owner's payments, and a public
 * read of the key would touch the balance record; on its own key it is read by anyone without
 * either. Pure parts here (point check, key id), the store, and the two transactions' bodies.
 */

/** The public key as sent: base64url (no padding) of the 65-byte uncompressed point (87 characters). */
export const EncryptionPublicKey = Type.String({
  pattern: '^[A-Za-z0-9_-]{87}$',
  description: 'P-256 public key: base64url (no padding) of the 65-byte uncompressed SEC1 point 0x04||x||y',
  examples: ['BKvH5JpMazVm130DBK3cbtDphRL_zPUF5qjj6yXGhRNvhTFIVEh23nbA8u-ZzcOgXM9d7Xhgx8AhI4-eIHPSNWw'],
});

/** The key id: base64url of the first 16 bytes of SHA-256 of the 65-byte point (22 characters). */
export const EncryptionKeyId = Type.String({
  pattern: '^[A-Za-z0-9_-]{22}$',
  description: 'Key id: base64url (no padding) of the first 16 bytes of SHA-256(65-byte point)',
  examples: ['VOW3pHnL9aRQIMu1fLEmLA'],
});

/** The stored record and its view (the same: nothing in it is private). */
export const EncryptionKeyView = Type.Object(
  {
    account: AccountId,
    mspId: MspId,
    publicKey: EncryptionPublicKey,
    kid: EncryptionKeyId,
    setAt: Timestamp,
  },
  {
    $id: 'EncryptionKey',
    additionalProperties: false,
    description: "An account's public encryption key for digital envelopes (HPKE P-256), and its key id",
    examples: [
      {
        account: '3f1d2c4b5a69788796a5b4c3d2e1f00112233445',
        mspId: 'Org1MSP',
        publicKey: 'BKvH5JpMazVm130DBK3cbtDphRL_zPUF5qjj6yXGhRNvhTFIVEh23nbA8u-ZzcOgXM9d7Xhgx8AhI4-eIHPSNWw',
        kid: 'VOW3pHnL9aRQIMu1fLEmLA',
        setAt: '2026-11-30T12:00:00.000Z',
      },
    ],
  },
);
export type EncryptionKey = Static<typeof EncryptionKeyView>;

/** The request of accounts:setEncryptionKey. */
export const SetEncryptionKeyRequest = Type.Object(
  { publicKey: EncryptionPublicKey, kid: EncryptionKeyId },
  { additionalProperties: false },
);

/** The key id of a 65-byte point: base64url of the first 16 bytes of its SHA-256. */
export function encryptionKeyId(point: Uint8Array): string {
  return createHash('sha256').update(point).digest().subarray(0, 16).toString('base64url');
}

const ENCRYPTION_KEY = 'encryption-key';

/** `encryption-key` [accountId]; the key carries the owner organisation's key-level policy. */
export class EncryptionKeyStore extends RecordStore<EncryptionKey> {
  constructor(ctx: CovenantContext) {
    super(ctx, {
      objectType: ENCRYPTION_KEY,
      what: 'encryption key of account',
      decode: decoderOf(EncryptionKeyView, 'encryption key'),
      ids: (k) => [k.account],
      endorsers: (k) => [k.mspId],
    });
  }
}

/**
 * accounts:setEncryptionKey: registers `request` `{publicKey, kid}` (JSON) as the caller's own
 * encryption key (its own act: no account id is given, the caller's is used). Returns
 * `{changed, key}`: a repeat of the registered key changes nothing (`changed` false, no event);
 * another key replaces it (rotation). Errors: INVALID_ARGUMENT (not a P-256 point on the curve,
 * `kid` not the key's id, unknown fields), FAILED_PRECONDITION (the caller has no account).
 * Event `EncryptionKeySet {key}`, to everyone (the key is public).
 */
export async function setEncryptionKey(ctx: CovenantContext, rawRequest: string): Promise<{ changed: boolean; key: EncryptionKey }> {
  const request = parseRequest(SetEncryptionKeyRequest, parseJsonArg(rawRequest, 'request'), 'request');
  const point = parseP256Point(request.publicKey);
  if (encryptionKeyId(point) !== request.kid) throw invalidArgument('kid must be the key id of publicKey (base64url of the first 16 bytes of its SHA-256)');
  const account = await new AccountStore(ctx).own();
  const keys = new EncryptionKeyStore(ctx);
  const existing = await keys.find(account.id);
  if (existing && existing.publicKey === request.publicKey) return { changed: false, key: existing };
  const key: EncryptionKey = { account: account.id, mspId: account.mspId, publicKey: request.publicKey, kid: request.kid, setAt: ctx.now };
  await keys.save(key, { create: !existing });
  ctx.emit('EncryptionKeySet', { key }, EVERYONE);
  return { changed: true, key };
}

/** accounts:getEncryptionKey: the account's encryption key; anyone may read it. Errors: NOT_FOUND. */
export async function getEncryptionKey(ctx: CovenantContext, accountId: string): Promise<EncryptionKey> {
  return new EncryptionKeyStore(ctx).get(parseAccountId(accountId, 'accountId'));
}
