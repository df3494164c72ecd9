import { literalsOf } from '../shared/schema';
import { decoderOf } from '../shared/validate';
import { Role, RoleRecord } from './schema';
import { forbidden, invalidArgument } from '../shared/errors';
import type { CovenantContext } from '../shared/context';

/**
 * Ledger roles (DESIGN.md, "Money and accounts"; issue: roles are ledger records granted by an
 * administrator of the identity's own organisation):
 * - issuer: may mint money into accounts (a bank or broker);
 * - arbitrator: rules disputes (an arbitration institution's staff);
 * - broker: creates BrokerScrip series, sells and redeems BrokerScrip, keeps the scrip log;
 * - vendor: creates VendorScrip series that only it accepts (scrip/README.md, seeds/001 s. 5-6).
 */
export type { Role, RoleRecord };
export const ROLES: readonly Role[] = literalsOf(Role);

const WHAT = 'role record';
const ROLE = 'role';

export function parseRole(raw: unknown): Role {
  if (typeof raw !== 'string' || !(ROLES as readonly string[]).includes(raw)) {
    throw invalidArgument(`role must be one of ${ROLES.join(', ')}`);
  }
  return raw as Role;
}

export const decodeRoleRecord = decoderOf(RoleRecord, WHAT);

export function roleKey(ctx: CovenantContext, accountId: string): string {
  return ctx.state.key(ROLE, [accountId]);
}

export async function rolesOf(ctx: CovenantContext, accountId: string): Promise<Role[]> {
  return (await ctx.state.get(roleKey(ctx, accountId), decodeRoleRecord))?.roles ?? [];
}

/** FORBIDDEN unless the caller holds `role` on the ledger. */
export async function requireRole(ctx: CovenantContext, role: Role): Promise<void> {
  if (!(await rolesOf(ctx, ctx.caller.accountId)).includes(role)) {
    throw forbidden(`the caller does not have the ${role} role`);
  }
}

/** Writes the role set of an account (sorted, duplicates removed); an empty set deletes the record. */
export async function writeRoles(ctx: CovenantContext, accountId: string, mspId: string, roles: Role[]): Promise<RoleRecord> {
  const record: RoleRecord = { accountId, mspId, roles: [...new Set(roles)].sort(), updatedAt: ctx.now };
  const key = roleKey(ctx, accountId);
  if (record.roles.length === 0) await ctx.state.delete(key);
  else await ctx.state.put(key, record, { endorsers: [mspId] });
  return record;
}
