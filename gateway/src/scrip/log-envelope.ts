import { open } from '../envelopes';
import type { IdentityStore, Principal } from '../identity/store';
import { accountIdOf } from '../identity/signing';
import { logContext } from './envelope-contexts';

/** What of a log entry `openOwnEnvelope` needs. */
export interface SealedLogEntry {
  digest: string;
  submitter: string;
  envelopes: Record<string, string>;
}

/**
 * The plaintext (UTF-8) of the envelope a broker log entry holds for the principal's account
 * (envelope-contexts.ts: context `scrip-log`, the request digest, the submitting issuer, the
 * reader), when this gateway keeps the encryption key it was sealed for; undefined otherwise (no
 * envelope for the reader, a key this gateway never had, or an envelope that does not open), in
 * which case the caller shows the envelope sealed.
 */
export async function openOwnEnvelope(identities: IdentityStore, principal: Principal, entry: SealedLogEntry): Promise<string | undefined> {
  const reader = accountIdOf(principal);
  const envelope = entry.envelopes[reader];
  if (envelope === undefined || principal.signingKeyPath === undefined) return undefined;
  const kid = envelope.split('.')[1] ?? '';
  const key = await identities.encryptionKeys.privateKey(principal.signingKeyPath, kid);
  if (!key) return undefined;
  try {
    return Buffer.from(await open(key, kid, logContext(entry.digest, entry.submitter, reader), envelope)).toString('utf8');
  } catch {
    return undefined;
  }
}
