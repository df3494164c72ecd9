import { Info, Returns, Transaction } from 'fabric-contract-api';
import { CovenantContract } from '../shared/contract';
import { CovenantContext } from '../shared/context';
import { alreadyExists, failedPrecondition, forbidden, invalidArgument } from '../shared/errors';
import { parseJsonArg } from '../shared/args';
import { parseRequest } from '../shared/validate';
import { ConsortiumSeed, EscrowActiveThreshold } from './schema';
import { callerOfCertificate } from '../shared/identity';
import { canonicalJson } from '../shared/canonical';
import { AccountStore } from '../accounts/account';
import {
  ConsortiumConfig,
  DEFAULT_ESCROW_ACTIVE_THRESHOLD,
  CONSORTIUM_CONFIG,
  findConfig,
  requireAdmin,
  requireMemberAdmin,
} from './config';
import { Role, parseRole, rolesOf, writeRoles } from './roles';
import { EVERYONE } from '../shared/audience';

/** The threshold argument of setEscrowActiveThreshold (a decimal string) against EscrowActiveThreshold. */
function parseThreshold(raw: string): number {
  return parseRequest(EscrowActiveThreshold, /^[1-9][0-9]{0,15}$/.test(raw) ? Number(raw) : raw, 'escrowActiveThreshold');
}

/**
 * The consortium: its one-time initialisation, ledger roles and settings.
 * Contract name `consortium`; every submit emits one chaincode event.
 */
@Info({ title: 'consortium', description: 'Consortium members, ledger roles and settings' })
export class ConsortiumContract extends CovenantContract {
  constructor() {
    super('consortium');
  }

  /**
   * The first deployment's init transaction. `seed` is JSON:
   * `{members: [mspId...], escrowActiveThreshold?: number, roles?: [{mspId, certificate (PEM), roles: [role...]}]}`.
   * Caller: an organisation administrator. Errors: ALREADY_EXISTS once initialised,
   * FORBIDDEN for a non-admin, INVALID_ARGUMENT for a malformed seed. Event `ConsortiumInitialized`.
   */
  @Transaction()
  @Returns('string')
  async init(ctx: CovenantContext, seed: string): Promise<string> {
    requireAdmin(ctx);
    if (await findConfig(ctx)) throw alreadyExists('the consortium is already initialised');
    const body = parseRequest(ConsortiumSeed, parseJsonArg(seed, 'seed'), 'seed');
    if (!body.members.includes(ctx.caller.mspId)) throw forbidden('the caller organisation is not among seed.members');
    const config: ConsortiumConfig = {
      members: [...new Set(body.members)].sort(),
      escrowActiveThreshold: body.escrowActiveThreshold ?? DEFAULT_ESCROW_ACTIVE_THRESHOLD,
      initializedAt: ctx.now,
      updatedAt: ctx.now,
    };
    const seeded: { accountId: string; mspId: string; roles: Role[] }[] = [];
    for (const [i, grant] of (body.roles ?? []).entries()) {
      if (!config.members.includes(grant.mspId)) throw invalidArgument(`seed.roles[${i}].mspId must be one of seed.members`);
      const who = callerOfCertificate(grant.mspId, grant.certificate);
      if (seeded.some((s) => s.accountId === who.accountId)) throw invalidArgument(`seed.roles[${i}] repeats an identity`);
      seeded.push({ accountId: who.accountId, mspId: who.mspId, roles: grant.roles });
    }
    await CONSORTIUM_CONFIG.save(ctx, config, config.members);
    for (const s of seeded) await writeRoles(ctx, s.accountId, s.mspId, s.roles);
    ctx.emit('ConsortiumInitialized', { config, roles: seeded }, EVERYONE);
    return canonicalJson({ config, roles: seeded });
  }

  /** The consortium settings `{members, escrowActiveThreshold, initializedAt, updatedAt}`; FAILED_PRECONDITION before init. */
  @Transaction(false)
  @Returns('string')
  async getConfig(ctx: CovenantContext): Promise<string> {
    const config = await findConfig(ctx);
    if (!config) throw failedPrecondition('the consortium is not initialised');
    return canonicalJson(config);
  }

  /**
   * Sets the escrow active-contract threshold (an integer 1..1,000,000). Caller: an administrator
   * of a member organisation. Errors: FORBIDDEN, INVALID_ARGUMENT, FAILED_PRECONDITION before init.
   * Event `SettingChanged`.
   */
  @Transaction()
  @Returns('string')
  async setEscrowActiveThreshold(ctx: CovenantContext, value: string): Promise<string> {
    const config = await requireMemberAdmin(ctx, 'do this');
    const threshold = parseThreshold(value);
    const updated = { ...config, escrowActiveThreshold: threshold, updatedAt: ctx.now };
    await CONSORTIUM_CONFIG.save(ctx, updated, config.members);
    ctx.emit('SettingChanged', { setting: 'escrowActiveThreshold', from: config.escrowActiveThreshold, to: threshold, by: ctx.caller.accountId }, EVERYONE);
    return canonicalJson(updated);
  }

  /**
   * Grants `role` (issuer | arbitrator) to a registered account of the caller's organisation.
   * Caller: an administrator of that organisation. Returns `{accountId, mspId, roles, updatedAt}`.
   * Errors: FORBIDDEN (not an admin, other organisation), NOT_FOUND (no such account),
   * INVALID_ARGUMENT (unknown role). Event `RoleGranted`.
   */
  @Transaction()
  @Returns('string')
  async grantRole(ctx: CovenantContext, accountId: string, role: string): Promise<string> {
    return this.changeRole(ctx, accountId, role, 'grant');
  }

  /** Revokes `role` from an account; the same rules as grantRole. Event `RoleRevoked`. */
  @Transaction()
  @Returns('string')
  async revokeRole(ctx: CovenantContext, accountId: string, role: string): Promise<string> {
    return this.changeRole(ctx, accountId, role, 'revoke');
  }

  /** The roles of an account: `{accountId, roles}` (empty when it has none). Anyone may read. */
  @Transaction(false)
  @Returns('string')
  async getRoles(ctx: CovenantContext, accountId: string): Promise<string> {
    return canonicalJson({ accountId, roles: await rolesOf(ctx, accountId) });
  }

  private async changeRole(ctx: CovenantContext, accountId: string, rawRole: string, change: 'grant' | 'revoke'): Promise<string> {
    requireAdmin(ctx);
    const role = parseRole(rawRole);
    const account = await new AccountStore(ctx).get(accountId);
    if (account.mspId !== ctx.caller.mspId) {
      throw forbidden(`only an administrator of ${account.mspId} may change this account's roles`);
    }
    const current = await rolesOf(ctx, accountId);
    // Granting a role already held, or revoking one not held, changes nothing and emits nothing.
    if (current.includes(role) === (change === 'grant')) return canonicalJson({ accountId, roles: current });
    const roles = change === 'grant' ? [...current, role] : current.filter((r) => r !== role);
    const record = await writeRoles(ctx, accountId, account.mspId, roles);
    // Roles are public (getRoles: anyone may read), so their changes are too.
    ctx.emit(change === 'grant' ? 'RoleGranted' : 'RoleRevoked', { accountId, role, by: ctx.caller.accountId }, EVERYONE);
    return canonicalJson({ accountId, roles: record.roles });
  }
}
