import { money } from './format';

/**
 * The DBCS-SC shapes the console reads (OpenAPI schemas InvestmentContract and Signing, the fields
 * it shows; amounts are minor units as decimal strings) and the pure functions that turn them
 * into a case page's rows: the deposits and holds of a disputed signing, and what happened at
 * each committed version of its contract.
 */
export interface ContractLike {
  id: string;
  issuer: string;
  name: string;
  clientDeposit: string;
  publishDeposit: string;
  publishDepositHeld: string;
  ratio: { client: number; delegate: number };
  penaltyShareBps: number;
  status: string;
  statusReason?: string;
  openSignings: number;
  completedSignings: number;
  fraudRulings: number;
  updatedAt: string;
}

export interface SigningLike {
  id: string;
  client: string;
  delegate: string;
  status: string;
  deposit: string;
  clientAmount?: string;
  delegateAmount?: string;
}

/** One item of `GET /v1/investment-contracts/{id}/history` (oldest first); `value` null once deleted. */
export interface ContractVersion {
  txId: string;
  timestamp: string;
  value: ContractLike | null;
}

/** One line of the deposits and holds table: `held` is what of `amount` is held on `account` now. */
export interface HoldRow {
  what: string;
  account: string;
  amount: string;
  held: string;
}

/** Signing statuses whose deposit and invested amounts are still held (not yet completed, ruled or cancelled). */
const OPEN_SIGNING = new Set(['REQUESTED', 'SIGNED', 'DISPUTED']);

/**
 * What a FRAUD ruling pays the client (Penalty): `penaltyShareBps` of the publishing deposit,
 * rounded down, capped at what is still held of it (as chaincode/src/dbcs/dispute.ts ruleDispute).
 */
export function penaltyDue(contract: ContractLike): string {
  const due = (BigInt(contract.publishDeposit) * BigInt(contract.penaltyShareBps)) / 10000n;
  const held = BigInt(contract.publishDepositHeld);
  return (due < held ? due : held).toString();
}

/**
 * The money a dispute puts at stake: the issuer's publishing deposit (and what is left of it), the
 * client's signing deposit and both invested amounts (held while the signing is open, released
 * by the ruling), and the penalty a FRAUD ruling would pay now.
 */
export function holdRows(contract: ContractLike, signing: SigningLike): HoldRow[] {
  const open = OPEN_SIGNING.has(signing.status);
  const signingRow = (what: string, account: string, amount: string | undefined): HoldRow[] => (amount === undefined ? [] : [{ what, account, amount, held: open ? amount : '0' }]);
  return [
    { what: 'Issuer’s publishing deposit', account: contract.issuer, amount: contract.publishDeposit, held: contract.publishDepositHeld },
    ...signingRow('Client’s signing deposit', signing.client, signing.deposit),
    ...signingRow(`Client’s invested amount (ratio ${contract.ratio.client}:${contract.ratio.delegate})`, signing.client, signing.clientAmount),
    ...signingRow('Delegate’s invested amount', signing.delegate, signing.delegateAmount),
  ];
}

/** Basis points as a percentage ("100%", "12.5%"). */
export function percent(bps: number): string {
  return `${bps / 100}%`;
}

/** What changed from `before` to `after` (one contract version to the next), in words. */
function changes(before: ContractLike, after: ContractLike): string[] {
  const out: string[] = [];
  const heldBefore = BigInt(before.publishDepositHeld);
  const heldAfter = BigInt(after.publishDepositHeld);
  if (after.fraudRulings > before.fraudRulings) out.push(`Fraud ruled: penalty of ${money((heldBefore - heldAfter).toString())} paid from the publishing deposit`);
  if (after.completedSignings > before.completedSignings) out.push('Signing completed: investment paid to the issuer');
  if (after.openSignings > before.openSignings) out.push(`Signing requested (${after.openSignings} open)`);
  else if (after.openSignings < before.openSignings && after.completedSignings === before.completedSignings) out.push(`Signing ended (${after.openSignings} open)`);
  if (after.status !== before.status) out.push(`Status ${before.status} → ${after.status}${after.statusReason ? `: ${after.statusReason}` : ''}`);
  if (after.fraudRulings === before.fraudRulings && heldAfter < heldBefore) out.push(`${money((heldBefore - heldAfter).toString())} of the publishing deposit released`);
  return out;
}

/**
 * A contract's history as rows of a table: the publication (its deposits and penalty share), then
 * at each later version what changed (signings requested, completed or ended, a fraud ruling and
 * its penalty, status changes, deposit released), "Updated" when nothing shown changed.
 */
export function contractEvents(versions: ContractVersion[]): { timestamp: string; txId: string; what: string }[] {
  return versions.map((v, i) => {
    const before = i > 0 ? versions[i - 1].value : null;
    const after = v.value;
    let what: string;
    if (!after) what = 'Deleted';
    else if (!before) what = `Published (${after.status}): publishing deposit ${money(after.publishDeposit)} held, client deposit ${money(after.clientDeposit)}, penalty share ${percent(after.penaltyShareBps)}`;
    else what = changes(before, after).join('; ') || 'Updated';
    return { timestamp: v.timestamp, txId: v.txId, what };
  });
}
