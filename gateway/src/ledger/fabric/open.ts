import type { Ledger } from '../port';

/** Opens the Fabric ledger adapter (issue 3, in progress). */
export async function openFabricLedger(_identitiesDir: string, _org: string): Promise<Ledger> {
  throw new Error('the fabric ledger backend is not available yet: use COVENANT_LEDGER=embedded');
}
