import { GatewayDb, JsonSublevel, jsonSublevel } from '../gateway-db';
import type { BindingBasis, BindingConsent } from './protocol';

/** Key of an account's record about a multiparty channel. */
const key = (mpc: string, account: string) => `${mpc}!${account}`;

/**
 * What a user gave its own gateway for a multiparty channel, kept in the gateway's store, by
 * multiparty channel and account, each kind in its own sublevel: its consent to a binding (until it
 * expires), its authorization of one update taking up to an amount (minor units as a decimal
 * string, used up by that update), and the basis on which its gateway bound its channels (recorded
 * at the opening, it governs the updates).
 */
export class MultipartyConsents {
  private readonly consents: JsonSublevel<BindingConsent>;
  private readonly authorizations: JsonSublevel<string>;
  private readonly bases: JsonSublevel<BindingBasis>;

  constructor(db: GatewayDb) {
    this.consents = jsonSublevel(db, 'mpc-consent');
    this.authorizations = jsonSublevel(db, 'mpc-authorization');
    this.bases = jsonSublevel(db, 'mpc-basis');
  }

  /** `account`'s consent to binding its channels into `mpc`, if given. */
  consent(mpc: string, account: string): Promise<BindingConsent | undefined> {
    return this.consents.get(key(mpc, account));
  }

  setConsent(mpc: string, account: string, consent: BindingConsent): Promise<void> {
    return this.consents.put(key(mpc, account), consent);
  }

  /** What `account` authorized its gateway to let the next update of `mpc` take (minor units; 0 when none). */
  async authorized(mpc: string, account: string): Promise<bigint> {
    return BigInt((await this.authorizations.get(key(mpc, account))) ?? '0');
  }

  setAuthorized(mpc: string, account: string, amount: bigint): Promise<void> {
    return this.authorizations.put(key(mpc, account), amount.toString());
  }

  /** The authorization is used up by the update it allowed. */
  useAuthorization(mpc: string, account: string): Promise<void> {
    return this.authorizations.del(key(mpc, account));
  }

  /** Why `account`'s channels were bound into `mpc`, if they were. */
  basis(mpc: string, account: string): Promise<BindingBasis | undefined> {
    return this.bases.get(key(mpc, account));
  }

  setBasis(mpc: string, account: string, basis: BindingBasis): Promise<void> {
    return this.bases.put(key(mpc, account), basis);
  }
}
