import type { Ledger } from '../port';
import { FabricLedger } from './ledger';
import { loadConnectionProfile } from './profile';

/**
 * Opens the Fabric ledger for organisation `org` from `<dir>/connection.json` (written by
 * `npm run network:up`).
 */
export async function openFabricLedger(dir: string, org: string): Promise<Ledger> {
  return new FabricLedger(await loadConnectionProfile(dir), org);
}
