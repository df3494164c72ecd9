import type { AbstractLevel, AbstractSublevel } from 'abstract-level';

/**
 * The gateway's own key-value database, apart from the embedded ledger's: any abstract-level
 * database with string keys and, at its root, byte values (classic-level in `<data dir>/gateway`,
 * memory-level in tests). Each store keeps its records in its own named sublevel with JSON values
 * (`jsonSublevel`), so no store sees or writes another's keys and none encodes values by hand.
 */
export type GatewayDb = AbstractLevel<string | Uint8Array, string, Uint8Array>;

/** A sublevel of the gateway database: string keys, values of type `V` stored as JSON. */
export type JsonSublevel<V> = AbstractSublevel<GatewayDb, string | Uint8Array, string, V>;

/**
 * The sublevel `name` of `db` (keys prefixed `!name!` by abstract-level) with string keys and JSON
 * values. `name` must be printable ASCII without `!` (abstract-level's rule for sublevel names).
 */
export function jsonSublevel<V>(db: GatewayDb, name: string): JsonSublevel<V> {
  return db.sublevel<string, V>(name, { valueEncoding: 'json' });
}
