/**
 * Who may receive a chaincode event (DESIGN.md, "Consent, exactly-once, visibility": a caller sees
 * only what it is a party to, on every path, the event stream included). Every event carries its
 * audience under the payload member `audience`, computed here next to the rule that lets the same
 * identities read the object:
 * - `accounts`: the parties (account ids) who may read the object the event is about;
 * - `organizations`: the MSP IDs of those parties; administrators (OU=admin) of these
 *   organisations receive the event too ("an organisation admin sees its organisation's");
 * - `roles`: ledger roles whose holders may read the object (e.g. `arbitrator` for disputes,
 *   `issuer` for accounts);
 * - `everyone`: consortium-wide records every member may read (settings, public offers).
 * Fabric itself delivers every event of a channel to every member's peer; the gateway filters its
 * Server-Sent Events by this audience (gateway/src/events/audience.ts). An event without an
 * audience is delivered to nobody.
 */
export interface Audience {
  accounts: string[];
  organizations: string[];
  roles: string[];
  everyone: boolean;
}

export const AUDIENCE_FIELD = 'audience';

/** The audience of an object read by these parties (and, optionally, holders of these roles). */
export function partiesAudience(parties: { accounts: readonly string[]; organizations: readonly string[]; roles?: readonly string[] }): Audience {
  const sorted = (xs: readonly string[]) => [...new Set(xs)].sort();
  return { accounts: sorted(parties.accounts), organizations: sorted(parties.organizations), roles: sorted(parties.roles ?? []), everyone: false };
}

/** The audience of a consortium-wide record that every member may read. */
export const EVERYONE: Audience = Object.freeze({ accounts: [], organizations: [], roles: [], everyone: true }) as Audience;
