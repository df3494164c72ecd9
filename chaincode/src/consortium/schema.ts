import { Static, Type } from '@sinclair/typebox';
import { AccountId, MspId, Timestamp } from '../shared/schema';

/**
 * The consortium's shapes, defined once: ledger roles, the consortium config record (stored as
 * shown), role records, and the init seed (DESIGN.md, "Money and accounts"; patent CN108399571A,
 * threshold-based participation).
 */

/**
 * issuer: may mint money into accounts (a bank or broker); arbitrator: rules disputes; broker:
 * issues BrokerScrip and keeps the scrip log; vendor: issues VendorScrip (issue 12, seeds/001 s. 5-6).
 */
export const Role = Type.Union([Type.Literal('arbitrator'), Type.Literal('broker'), Type.Literal('issuer'), Type.Literal('vendor')], { description: 'A ledger role' });
export type Role = Static<typeof Role>;

/** The default and the largest escrow active-contract threshold. */
export const DEFAULT_ESCROW_ACTIVE_THRESHOLD = 100;
export const MAX_ESCROW_ACTIVE_THRESHOLD = 1_000_000;

/** Most escrows a recipient may have confirmed and not yet settled; a recipient at it is refused new escrows. */
export const EscrowActiveThreshold = Type.Integer({
  minimum: 1,
  maximum: MAX_ESCROW_ACTIVE_THRESHOLD,
  description: `Most escrows a recipient may have confirmed and not yet settled (default ${DEFAULT_ESCROW_ACTIVE_THRESHOLD})`,
});

/** An MSP id a seed may name as a member: 1-64 of [A-Za-z0-9.-], starting alphanumeric. */
export const MemberMspId = Type.String({ pattern: '^[A-Za-z0-9][A-Za-z0-9.-]{0,63}$', examples: ['Org1MSP'] });

/** The consortium config record, `config [consortium]`, stored as callers see it. `members` sorted. */
export const ConsortiumConfig = Type.Object({
  members: Type.Array(MspId, { description: 'MSP IDs of the member organisations, sorted' }),
  escrowActiveThreshold: Type.Integer({ description: EscrowActiveThreshold.description }),
  initializedAt: Timestamp,
  updatedAt: Timestamp,
});
export type ConsortiumConfig = Static<typeof ConsortiumConfig>;

/** The roles of one account, `role [accountId]`. */
export const RoleRecord = Type.Object({ accountId: AccountId, mspId: MspId, roles: Type.Array(Role), updatedAt: Timestamp });
export type RoleRecord = Static<typeof RoleRecord>;

/** The roles of an account as getRoles shows them. */
export const Roles = Type.Object({ accountId: AccountId, roles: Type.Array(Type.String()) });

/** The init transaction's seed: the members, the threshold, and roles granted from the start. */
export const ConsortiumSeed = Type.Object(
  {
    members: Type.Array(MemberMspId, { minItems: 1 }),
    escrowActiveThreshold: Type.Optional(EscrowActiveThreshold),
    roles: Type.Optional(
      Type.Array(Type.Object({ mspId: Type.String({ description: 'One of members' }), certificate: Type.String({ description: 'X.509 certificate, PEM' }), roles: Type.Array(Role) })),
    ),
  },
  { additionalProperties: false },
);

/** The body of a settings change (PATCH /consortium/settings; setEscrowActiveThreshold's argument). */
export const ConsortiumSettingsRequest = Type.Object({ escrowActiveThreshold: EscrowActiveThreshold }, { additionalProperties: false });
