import type { ChaincodeClient } from '../ledger/chaincode';
import type { Principal } from '../identity/store';

/** How long an account's certificate read from the ledger is kept: it changes only when an identity renews. */
export const CERTIFICATE_TTL_MS = 5 * 60_000;

/** An account's organisation and certificate, as its ledger account record holds them. */
export interface AccountCertificate {
  mspId: string;
  /** PEM X.509 certificate. */
  certificate: string;
}

/**
 * The certificates of the accounts this gateway exchanges off-chain messages with, read from the
 * ledger (accounts:getCertificate, as `principal`) and kept for CERTIFICATE_TTL_MS. Errors: the
 * chaincode's (NOT_FOUND for an unknown account).
 */
export class CertificateCache {
  private readonly entries = new Map<string, AccountCertificate & { readAt: number }>();

  constructor(private readonly chaincode: ChaincodeClient) {}

  /** `account`'s MSP ID and certificate. */
  async of(principal: Principal, account: string): Promise<AccountCertificate> {
    const cached = this.entries.get(account);
    if (cached && Date.now() - cached.readAt < CERTIFICATE_TTL_MS) return cached;
    const read = await this.chaincode.evaluate<AccountCertificate>(principal, 'accounts:getCertificate', [account]);
    const entry = { mspId: read.mspId, certificate: read.certificate, readAt: Date.now() };
    this.entries.set(account, entry);
    return entry;
  }
}
