import type { LevelDb } from '../ledger/embedded/store';
import type { BindingBasis, BindingConsent } from './protocol';

const AUTH_PREFIX = 'mpc-auth!';
const CONSENT_PREFIX = 'mpc-consent!';
const BASIS_PREFIX = 'mpc-basis!';
const enc = new TextEncoder();
const dec = new TextDecoder();

/**
 * What a user gave its own gateway for a multiparty channel, kept in the gateway's store, by
 * multiparty channel and account: its consent to a binding (until it expires), its authorization
 * of one update taking up to an amount (minor units, used up by that update), and the basis on
 * which its gateway bound its channels (recorded at the opening, it governs the updates).
 */
export class MultipartyConsents {
  constructor(private readonly db: LevelDb) {}

  private async read(key: string): Promise<string | undefined> {
    const raw = await this.db.get(key);
    return raw ? dec.decode(raw) : undefined;
  }

  private write(key: string, value: string): Promise<void> {
    return this.db.put(key, enc.encode(value));
  }

  /** `account`'s consent to binding its channels into `mpc`, if given. */
  async consent(mpc: string, account: string): Promise<BindingConsent | undefined> {
    const raw = await this.read(`${CONSENT_PREFIX}${mpc}!${account}`);
    return raw ? (JSON.parse(raw) as BindingConsent) : undefined;
  }

  setConsent(mpc: string, account: string, consent: BindingConsent): Promise<void> {
    return this.write(`${CONSENT_PREFIX}${mpc}!${account}`, JSON.stringify(consent));
  }

  /** What `account` authorized its gateway to let the next update of `mpc` take (minor units; 0 when none). */
  async authorized(mpc: string, account: string): Promise<bigint> {
    const raw = await this.read(`${AUTH_PREFIX}${mpc}!${account}`);
    return raw ? BigInt(raw) : 0n;
  }

  setAuthorized(mpc: string, account: string, amount: bigint): Promise<void> {
    return this.write(`${AUTH_PREFIX}${mpc}!${account}`, amount.toString());
  }

  /** The authorization is used up by the update it allowed. */
  useAuthorization(mpc: string, account: string): Promise<void> {
    return this.db.del(`${AUTH_PREFIX}${mpc}!${account}`);
  }

  /** Why `account`'s channels were bound into `mpc`, if they were. */
  async basis(mpc: string, account: string): Promise<BindingBasis | undefined> {
    return (await this.read(`${BASIS_PREFIX}${mpc}!${account}`)) as BindingBasis | undefined;
  }

  setBasis(mpc: string, account: string, basis: BindingBasis): Promise<void> {
    return this.write(`${BASIS_PREFIX}${mpc}!${account}`, basis);
  }
}
