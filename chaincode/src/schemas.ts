/**
 * The shapes the gateway shares with the chaincode (TypeBox schemas, i.e. JSON Schema): field
 * schemas and each converted system's views and requests, each defined once beside its system.
 * The gateway's request/response schemas and OpenAPI document are built from these.
 */
export {
  Amount,
  PositiveAmount,
  AccountId,
  RecordId,
  MspId,
  Timestamp,
  TxId,
  Sha256Hex,
  ShareBps,
  PageSize,
  PageQuery,
  Page,
  DEFAULT_PAGE_SIZE,
  MAX_PAGE_SIZE,
  amountSchema,
  text,
} from './shared/schema';
export { AccountView, AccountParams, SubBalancesRequest, MAX_SUB_BALANCES } from './accounts/schema';
export { EncryptionKeyView, EncryptionKeyId, EncryptionPublicKey, SetEncryptionKeyRequest } from './accounts/encryption-key';
export { EscrowView, EscrowStatus, RulingOutcome, CreateEscrowRequest, DeclineRequest, DisputeRequest, RulingRequest } from './escrow/schema';
export { ConsortiumConfig, ConsortiumSeed, ConsortiumSettingsRequest, EscrowActiveThreshold, Role, Roles } from './consortium/schema';
export { Pair, ChannelView, ChannelStatus, MultipartyView, MultipartyStatus, MemberState, ChannelSettings, PreimageRecord } from './channels/schema';
export { DbcsSettings, DbcsSettingsRequest } from './dbcs/schema';
export {
  DelegateRegistryView,
  DelegateStatus,
  DelegateView,
  InvalidReason,
  InvestmentContractView,
  Ratio,
  SigningStatus,
  SigningView,
  MovementView,
  DisputeView,
} from './dbcs/records';
export { SeriesKind, SwapFlow, SeriesView, ScripView, ScripStatusView, CreateSeriesRequest, SwapRequest, SwapAuthorizations, LogEntryView, Serial, HolderCommitment } from './scrip/schema';
export {
  Encoded32,
  Denomination,
  StealthOutputSchema,
  NoteOutput,
  RingSignatureSchema,
  SpendInput,
  RegisterAddressRequest as StealthAddressRequest,
  DepositRequest as NotesDepositRequest,
  SpendRequest as NotesSpendRequest,
  AddressRecord as StealthAddressView,
  PrivateTxRecord as PrivateTransactionView,
  BatchRecord as PrivateBatchView,
  MAX_NOTE_ITEMS,
  MAX_MEMO_LENGTH,
} from './notes/schema';
