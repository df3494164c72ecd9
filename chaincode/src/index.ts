/**
 * Covenant chaincode. fabric-chaincode-node finds the contracts through this module's `contracts`
 * export (fabric-samples asset-transfer-basic layout); the first is the default contract.
 */
import './shim-logging';
import { AccountsContract } from './accounts/contract';
import { ConsortiumContract } from './consortium/contract';
import { EscrowContract } from './escrow/contract';
import { DelegatesContract } from './dbcs/delegates-contract';
import { InvestmentsContract } from './dbcs/investment-contract';
import { ChannelsContract } from './channels/contract';
import { ScripContract } from './scrip/contract';
import { NotesContract } from './notes/contract';

export { AccountsContract, ConsortiumContract, EscrowContract, DelegatesContract, InvestmentsContract, ChannelsContract, ScripContract, NotesContract };
export { parseErrorMessage, ERROR_CODES } from './shared/errors';
export type { ErrorCode } from './shared/errors';
export const contracts: unknown[] = [AccountsContract, ConsortiumContract, EscrowContract, DelegatesContract, InvestmentsContract, ChannelsContract, ScripContract, NotesContract];
export { canonicalJson, canonicalBytes } from './shared/canonical';
export { tpcStateBytes, mpcStateBytes, TPC_DOMAIN, MPC_DOMAIN } from './channels/state';
export type { TpcState, MpcState, MpcChannelState, Htlc } from './channels/state';
export { preimageHash } from './channels/preimage';
export { parseSignature, verifyWithCertificate, verifyWithP256Point, parseP256Point, P256_POINT_LENGTH } from './shared/signature';
export { requestDigest, serialOf, holderCommitment, scripBytes, HOLDER_DOMAIN, SCRIP_TYPE } from './scrip/scrip';
export { accountOfCertificate, callerOfCertificate } from './shared/identity';
export { encryptionKeyId } from './accounts/encryption-key';
export { leafHash, nodeHash, emptyRoot, merkleRoot, rootFromLeafHashes, inclusionProof, inclusionPathLength, rootFromInclusionProof, verifyInclusion, HASH_LENGTH } from './privacy/merkle';
export type { InclusionProof, TreePosition, Verification } from './privacy/merkle';
export { consistencyProof, verifyConsistency } from './privacy/merkle-consistency';
export type { ConsistencyProof } from './privacy/merkle-consistency';
export { AUDIENCE_FIELD } from './shared/audience';
export { MAX_AMOUNT } from './shared/amount';
export { challengeMessage, CHALLENGE_MIN, CHALLENGE_MAX } from './dbcs/challenge';
export type { Audience } from './shared/audience';
export * from './schemas';
export * as ring from './privacy/ring';
export * as stealth from './privacy/stealth';
export type { RingSignature, RingMessage } from './privacy/ring';
export type { StealthMetaAddress, StealthKeys, StealthOutput, ScanResult } from './privacy/stealth';
export { DENOMINATIONS, MAX_DENOMINATION, decompose, isDenomination, parseDenomination, denominationKey } from './notes/denominations';
export { spendDigest, SPEND_DIGEST_TYPE } from './notes/spend-digest';
export type { SpendPayload } from './notes/spend-digest';
export { batchIdOf, batchWindow, recordLeafHash, batchRoot } from './notes/batch';
export type { RecordInclusionProof } from './notes/batch';
export type { NoteRecord, KeyImageRecord, AddressRecord, PrivateTxRecord, BatchRecord, NotesSettings } from './notes/schema';
export { DEFAULT_MIN_RING_SIZE, DEFAULT_BATCH_SECONDS } from './notes/settings';
