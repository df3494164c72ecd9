import { GatewayDb, jsonSublevel } from './gateway-db';

/**
 * Key prefixes of the gateway database before its stores moved into sublevels (idempotency
 * records, off-chain channels and proposals, forwarding permissions, multiparty consents), each
 * with the sublevel its records now live in and how its key and value carry over.
 */
interface LegacyPrefix {
  prefix: string;
  sublevel: string;
  /** The record's key in its sublevel, from the legacy key without its prefix (default: the same). */
  key?: (rest: string) => string;
  /** The record's value, from the legacy value's text (default: parsed as JSON). */
  value?: (raw: string) => unknown;
}

const LEGACY: readonly LegacyPrefix[] = [
  { prefix: 'idem!', sublevel: 'idempotency', value: legacyIdempotencyRecord },
  // `chan!<channel id>!<party>` became `<party>!<channel id>` (a party's channels listed together).
  { prefix: 'chan!', sublevel: 'channels', key: (rest) => rest.split('!').reverse().join('!') },
  { prefix: 'chanprop!', sublevel: 'channel-proposals' },
  { prefix: 'chanfwd!', sublevel: 'channel-forwarding' },
  { prefix: 'mpc-consent!', sublevel: 'mpc-consent' },
  // Authorized amounts (minor units) and binding bases were stored as bare strings.
  { prefix: 'mpc-auth!', sublevel: 'mpc-authorization', value: (raw) => raw },
  { prefix: 'mpc-basis!', sublevel: 'mpc-basis', value: (raw) => raw },
];

/** Records written before journals existed hold only the response, at the top level. */
function legacyIdempotencyRecord(raw: string): unknown {
  const o = JSON.parse(raw) as Record<string, unknown>;
  if (o.transactions) return o;
  const response = o.response ?? (o.statusCode ? { statusCode: o.statusCode, headers: o.headers, body: o.body } : undefined);
  return { fingerprint: o.fingerprint, storedAt: o.storedAt, transactions: [], response };
}

/**
 * Moves the records a gateway of an earlier release wrote under hand-made key prefixes into
 * their stores' sublevels, in one atomic, durable batch, so an upgraded gateway still replays an
 * acknowledged request (idempotency) and still knows its channels' latest agreed states. Runs at
 * every start; with nothing left under the old prefixes it reads a few empty ranges and writes
 * nothing. Sublevel keys start with `!` (abstract-level), which no legacy prefix does.
 * Returns how many records moved.
 */
export async function upgradeGatewayDb(db: GatewayDb): Promise<number> {
  const dec = new TextDecoder();
  const batch = db.batch();
  let moved = 0;
  for (const { prefix, sublevel, key = (rest: string) => rest, value = (raw: string): unknown => JSON.parse(raw) } of LEGACY) {
    const target = jsonSublevel<unknown>(db, sublevel);
    for await (const [k, v] of db.iterator({ gte: prefix, lt: `${prefix}\uffff` })) {
      batch.put(key(k.slice(prefix.length)), value(dec.decode(v)), { sublevel: target });
      batch.del(k);
      moved++;
    }
  }
  if (moved > 0) await batch.write({ sync: true } as never);
  else await batch.close();
  return moved;
}
