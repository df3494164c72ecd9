import { AUDIENCE_FIELD, type Audience } from '@covenant/chaincode';

/**
 * Which chaincode events a caller of `GET /v1/events` receives (DESIGN.md, "Consent,
 * exactly-once, visibility": reads, listings, histories and the event stream apply the same rule).
 * The chaincode writes each event's audience next to the rule that lets the same identities read
 * the object (chaincode/src/shared/audience.ts); this module only applies it:
 * - a party named in `accounts` receives it;
 * - an organisation administrator (OU=admin) receives its organisation's (`organizations`);
 * - a holder of a ledger role in `roles` receives it (e.g. arbitrators: disputes);
 * - `everyone`: consortium-wide records (settings, roles, public offers).
 * An event without a well-formed audience is delivered to nobody (fail closed).
 */
export interface Viewer {
  accountId: string;
  mspId: string;
  isAdmin: boolean;
  /** The viewer's ledger roles (consortium:getRoles); refreshed when they change. */
  roles: ReadonlySet<string>;
}

export function mayReceive(audience: Audience | undefined, viewer: Viewer): boolean {
  if (!audience) return false;
  if (audience.everyone) return true;
  if (audience.accounts.includes(viewer.accountId)) return true;
  if (viewer.isAdmin && audience.organizations.includes(viewer.mspId)) return true;
  return audience.roles.some((r) => viewer.roles.has(r));
}

/**
 * The organisations whose members may read what an event is about: the parties' organisations;
 * every organisation (`all`) when holders of a role (who may belong to any organisation) or
 * everyone may read it, or when the audience is unknown. The Fabric adapter waits for these
 * organisations' peers to commit a transaction before answering (read-your-writes across
 * organisations).
 */
export function readerOrganizations(audience: Audience | undefined, all: readonly string[]): string[] {
  if (!audience || audience.everyone || audience.roles.length > 0) return [...all];
  return all.filter((org) => audience.organizations.includes(org));
}

/**
 * Splits an event payload (canonical JSON) into its audience and the data sent to the viewer:
 * the payload without the `audience` member, keys still sorted. A payload that is not a JSON
 * object, or whose audience is malformed, has no audience.
 */
export function splitAudience(payload: Uint8Array): { audience?: Audience; data: string } {
  const text = Buffer.from(payload).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return { data: text };
  }
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed)) return { data: text };
  const { [AUDIENCE_FIELD]: raw, ...rest } = parsed as Record<string, unknown>;
  return { audience: asAudience(raw), data: JSON.stringify(rest) };
}

function asAudience(raw: unknown): Audience | undefined {
  if (raw === null || typeof raw !== 'object') return undefined;
  const a = raw as Record<string, unknown>;
  const strings = (v: unknown): v is string[] => Array.isArray(v) && v.every((x) => typeof x === 'string');
  if (!strings(a.accounts) || !strings(a.organizations) || !strings(a.roles) || typeof a.everyone !== 'boolean') return undefined;
  return { accounts: a.accounts, organizations: a.organizations, roles: a.roles, everyone: a.everyone };
}
