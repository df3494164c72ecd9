import * as grpc from '@grpc/grpc-js';
import { CommitStatusError, EndorseError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { ERROR_CODES, parseErrorMessage } from '@covenant/chaincode';
import { ChaincodeError, LedgerConflictError, LedgerUnavailableError } from '../port';

/**
 * What Fabric's answers mean for a submitter: validation codes, endorsement disagreements,
 * ordering failures, and fabric-gateway errors turned into the Ledger port's errors.
 */

const CONFLICTS = new Set<number>([StatusCode.MVCC_READ_CONFLICT, StatusCode.PHANTOM_READ_CONFLICT]);

/** The name of a validation code (peer.TxValidationCode), e.g. MVCC_READ_CONFLICT. */
export function statusName(code: number): string {
  return Object.entries(StatusCode).find(([, v]) => v === code)?.[0] ?? `STATUS_${code}`;
}

/**
 * A validation code, classified: `valid`; `conflict` (MVCC_READ_CONFLICT, PHANTOM_READ_CONFLICT:
 * a fresh proposal may succeed); `duplicate` (DUPLICATE_TXID: says nothing about the first
 * transaction with this id); `invalid` (any other code: the transaction never becomes valid).
 */
export function commitVerdict(code: number): 'valid' | 'conflict' | 'duplicate' | 'invalid' {
  if (code === StatusCode.VALID) return 'valid';
  if (CONFLICTS.has(code)) return 'conflict';
  if (code === StatusCode.DUPLICATE_TXID) return 'duplicate';
  return 'invalid';
}

/**
 * True when the endorsing peers disagreed, as happens while one peer lags a block behind the
 * peer that answered the previous commit: their results differ ("ProposalResponsePayloads do not
 * match"), or some organisations' peers refused while others endorsed (a key not yet visible on
 * the lagging peer). A refusal by every organisation's peer is a real refusal, not stale.
 */
export function isStaleEndorsement(err: unknown, endorsingOrganizations: string[] = []): boolean {
  if (!(err instanceof EndorseError)) return false;
  if ([err.message, ...err.details.map((d) => d.message)].some((m) => m.includes('ProposalResponsePayloads do not match'))) return true;
  const refusing = new Set(err.details.map((d) => d.mspId));
  return refusing.size > 0 && endorsingOrganizations.some((org) => !refusing.has(org));
}

/** A chaincode refusal `CODE: text` at the end of a message, for every code of ERROR_CODES. */
const CHAINCODE_REFUSAL = new RegExp(`(${ERROR_CODES.join('|')}): [\\s\\S]*$`);

/**
 * Turns a fabric-gateway error into the port's errors. A chaincode refusal reaches the client
 * inside the endorsement (or evaluation) error details as "... CODE: text".
 */
export function translate(err: unknown, txId?: string): Error {
  if (err instanceof ChaincodeError || err instanceof LedgerUnavailableError || err instanceof LedgerConflictError) return err;
  if (err instanceof GatewayError) {
    // The message starts with the gRPC status ("9 FAILED_PRECONDITION: no combination of peers
    // can be derived ..."), whose names overlap the chaincode's codes: only what follows it counts.
    const messages = [err.message.replace(/^\d+ [A-Z_]+: /, ''), ...err.details.map((d) => d.message)];
    for (const message of messages) {
      const match = CHAINCODE_REFUSAL.exec(message);
      const parsed = match ? parseErrorMessage(match[0]) : undefined;
      if (parsed) return new ChaincodeError(parsed.code, parsed.detail, txId);
    }
    const id = (err as { transactionId?: string }).transactionId ?? txId;
    const grpcStatus = grpc.status[err.code] ?? String(err.code);
    const detail = err.details.map((d) => `${d.mspId}@${d.address}: ${d.message}`).join('; ');
    const text = `${err.message}${detail ? ` (${detail})` : ''}`;
    if (err instanceof EndorseError) return new LedgerUnavailableError(text, 'endorse', grpcStatus, id);
    if (err.name === 'SubmitError') return new LedgerUnavailableError(text, 'submit', grpcStatus, id);
    if (err instanceof CommitStatusError) return new LedgerUnavailableError(text, 'commit-status', grpcStatus, id);
    return new LedgerUnavailableError(text, txId ? 'endorse' : 'evaluate', grpcStatus, id);
  }
  return err instanceof Error ? err : new Error(String(err));
}

/**
 * True when a failure came from ordering, not from the transaction: no orderer accepted the
 * signed transaction (fabric-gateway SubmitError: unreachable, or SERVICE_UNAVAILABLE while the
 * Raft cluster has no leader or no quorum), or its commit status did not arrive in time. Sending
 * the same signed bytes again is safe: a transaction id commits at most once (a repeat is
 * DUPLICATE_TXID), so the caller resubmits them until its deadline.
 */
export function isOrderingFailure(err: unknown): boolean {
  if (!(err instanceof GatewayError)) return false;
  if (err.name === 'SubmitError') return true;
  return err instanceof CommitStatusError && (err.code === grpc.status.DEADLINE_EXCEEDED || err.code === grpc.status.UNAVAILABLE);
}
