import { canonicalBytes, mpcStateBytes, tpcStateBytes } from '@covenant/chaincode';
import type { ChannelView, MpcState, TpcState } from '@covenant/chaincode';
import { refuse } from './refusal';

/**
 * The messages of the off-chain channel protocol between the parties' gateways ("Research on
 * Multiparty Payment Technology Based on Blockchain and Smart Contract Mechanism", J. Math. 2022,
 * section 3), their answers, and the exact bytes each one signs. They travel as HTTP POSTs to the
 * other party's gateway at `/v1/offchain`:
 *   tpc-create → tpc-agree | reject   (opening state, version 0, taking nothing from the receiver)
 *   tpc-propose → tpc-noted | reject  (an opening that takes the receiver's deposit: a proposal,
 *                                      signed over the proposal, not over a channel state)
 *   tpc-accept → tpc-agree | reject   (the counterparty accepted the proposal: its signature over
 *                                      the opening state)
 *   tpc-decline, tpc-withdraw → tpc-noted (the counterparty declines / the opener withdraws)
 *   tpc-update → tpc-agree | reject   (a payment: version + 1)
 *   tpc-close  → tpc-agree | reject   (final state for a cooperative close)
 *   tpc-sync   → tpc-state            (the latest state both signed: recovery after a crash)
 *   mpc-query  → mpc-channels         (member channels' states, or the channels open to forwarding)
 *   mpc-sign   → mpc-agree | reject   (a multiparty state, with the coordinator's latest all-signed
 *                                      state: the receiver stores it first if it missed its commit)
 *   mpc-commit → mpc-stored | reject  (a multiparty state with every party's signature: stored
 *                                      durably by the receiving gateway before it answers)
 * Channel states are signed over the bytes the chaincode verifies (tpcStateBytes, mpcStateBytes);
 * proposals, answers, syncs and queries over domain-separated canonical JSON.
 */

/** A two-party channel state as JSON. */
export interface StateJson {
  version: number;
  /** Minor units, decimal strings, in the order of the channel's parties. */
  balances: [string, string];
  final: boolean;
  /** HTLCs in flight (protocol/htlc.ts), sorted by id; absent when none. */
  htlcs?: HtlcJson[];
}

/**
 * A hash-locked conditional payment inside a two-party state (the chaincode's Htlc): `amount`
 * minor units held aside from party `payer`'s balance, paid to the other party with the preimage
 * of `hash` (SHA-256, hex) until `expiresAt` (ISO 8601 with milliseconds), back to `payer` after.
 */
export interface HtlcJson {
  id: string;
  hash: string;
  amount: string;
  expiresAt: string;
  payer: 0 | 1;
}

/** One hop an intermediary is asked to forward an HTLC over: its channel to `to`, the amount and expiry of its outgoing HTLC. */
export interface ForwardHop {
  channel: string;
  to: string;
  amount: string;
  expiresAt: string;
}

/** A two-party state with both parties' signatures. */
export interface SignedState extends StateJson {
  /** Base64 DER signatures in the order of the channel's parties. */
  signatures: [string, string];
}

/** A multiparty channel state as JSON: every member channel's next state. */
export interface MpcStateJson {
  version: number;
  channels: { channel: string; version: number; balances: [string, string] }[];
  final: boolean;
}

/** A multiparty state every party signed: the state and the signatures by account (base64 DER). */
export interface AllSigned {
  state: MpcStateJson;
  signatures: Record<string, string>;
}

/** Every message type, in the order the API documents them. */
export const MESSAGE_TYPES = ['tpc-create', 'tpc-propose', 'tpc-accept', 'tpc-decline', 'tpc-withdraw', 'tpc-update', 'tpc-close', 'tpc-sync', 'mpc-query', 'mpc-sign', 'mpc-commit', 'htlc-invoice', 'htlc-update'] as const;
export type MessageType = (typeof MESSAGE_TYPES)[number];

export interface ChannelMessage {
  type: MessageType;
  /** Two-party messages: the channel; multiparty messages: the multiparty channel. */
  channel: string;
  from: string;
  to: string;
  /** tpc-create, tpc-propose, tpc-accept: the parties in channel order. */
  parties?: [string, string];
  /** tpc-propose: until when the proposal may be accepted (ISO 8601). */
  expiresAt?: string;
  state?: StateJson;
  /** tpc-sync, tpc-decline, tpc-withdraw, mpc-query: when the request was made (ISO), signed to prove the sender is a party. */
  at?: string;
  /** mpc-query, mpc-sign: the multiparty channel's parties and member channels. */
  members?: { parties: string[]; channels: string[] };
  /** mpc-sign: the multiparty state to sign; mpc-commit: the state every party signed. */
  mpcState?: MpcStateJson;
  /** mpc-commit: every party's signature over `mpcState`, by account (base64 DER). */
  signatures?: Record<string, string>;
  /**
   * mpc-sign: the latest state every party signed that the coordinator holds, with the signatures:
   * a receiving gateway that missed its mpc-commit verifies and stores it (as an mpc-commit) before
   * deciding on `mpcState`, and a final state is checked against the newest of it and its own.
   */
  previous?: AllSigned;
  /** htlc-invoice: the amount (minor units) the payer will pay; `channel` then names the payment. */
  amount?: string;
  /** htlc-update fulfilling an HTLC this side is paid by: the preimage of its hash (hex). */
  preimage?: string;
  /** htlc-update adding an HTLC to an intermediary: the hops it forwards over, its own first. */
  forward?: ForwardHop[];
  /** htlc-update failing an HTLC: why it could not be carried on (for the payer). */
  reason?: string;
  signature: string;
}

/** What a gateway answers to a message. */
export type OffchainAnswer =
  | { type: 'tpc-agree'; signature: string }
  | { type: 'mpc-agree'; signature: string }
  | { type: 'tpc-state'; state: SignedState }
  | { type: 'tpc-noted' }
  | { type: 'mpc-stored'; version: number }
  | { type: 'mpc-channels'; channels: ChannelView[] }
  | { type: 'htlc-invoice'; hash: string; expiresAt: string };

/** `answer` narrowed to `type` (an agreement with its signature); FAILED_PRECONDITION naming what the other gateway answered otherwise. */
export function expectAnswer<T extends OffchainAnswer['type']>(answer: OffchainAnswer, type: T): Extract<OffchainAnswer, { type: T }> {
  const signed = type === 'tpc-agree' || type === 'mpc-agree';
  if (answer?.type !== type || (signed && !(answer as { signature?: string }).signature)) throw refuse('FAILED_PRECONDITION', `the other gateway answered ${answer?.type}`);
  return answer as Extract<OffchainAnswer, { type: T }>;
}

/** Messages that start work on a channel: refused at once while the receiving gateway works on it. */
export const PROPOSALS: ReadonlySet<MessageType> = new Set<MessageType>(['tpc-create', 'tpc-propose', 'tpc-accept', 'tpc-decline', 'tpc-withdraw', 'tpc-update', 'tpc-close', 'htlc-update']);

const SYNC_DOMAIN = 'covenant/tpc-sync/v1';
const PROPOSE_DOMAIN = 'covenant/tpc-propose/v1';
const ANSWER_DOMAIN = 'covenant/tpc-proposal-answer/v1';
const QUERY_DOMAIN = 'covenant/mpc-query/v1';
const INVOICE_DOMAIN = 'covenant/htlc-invoice/v1';

/** What a tpc-propose signs: the proposal, not a channel state (nothing the ledger would accept). */
export const proposalBytes = (p: { channel: string; parties: [string, string]; deposits: [string, string]; expiresAt: string }): Uint8Array =>
  canonicalBytes({ domain: PROPOSE_DOMAIN, channel: p.channel, parties: p.parties, deposits: p.deposits, expiresAt: p.expiresAt });
/** What a tpc-decline / tpc-withdraw signs. */
export const answerBytes = (type: string, channel: string, from: string, at: string): Uint8Array => canonicalBytes({ domain: ANSWER_DOMAIN, type, channel, from, at });
/** What a tpc-sync signs: the sender proves it is a party. */
export const syncBytes = (channel: string, from: string, at: string | undefined): Uint8Array => canonicalBytes({ domain: SYNC_DOMAIN, channel, from, at });
/** What an mpc-query signs (`mpc` "channel-list" with no channels: a request for announced channels). */
export const queryBytes = (mpc: string, channels: string[], from: string, at: string | undefined): Uint8Array => canonicalBytes({ domain: QUERY_DOMAIN, mpc, channels, from, at });

/** What an htlc-invoice signs: the payer asks the payee for a payment hash for `amount` (payment `payment`). */
export const invoiceBytes = (payment: string, from: string, to: string, amount: string | undefined, at: string | undefined): Uint8Array =>
  canonicalBytes({ domain: INVOICE_DOMAIN, payment, from, to, amount, at });

/** A two-party state of channel `id` as the chaincode signs it (bigint balances and HTLC amounts). */
export function tpcState(id: string, s: StateJson): TpcState {
  const state: TpcState = { channel: id, version: s.version, balances: [BigInt(s.balances[0]), BigInt(s.balances[1])], final: s.final };
  if (s.htlcs && s.htlcs.length > 0) state.htlcs = s.htlcs.map((h) => ({ ...h, amount: BigInt(h.amount) }));
  return state;
}
/** The bytes both parties sign for state `s` of channel `id` (tpcStateBytes, as the chaincode verifies). */
export const tpcBytes = (id: string, s: StateJson): Uint8Array => tpcStateBytes(tpcState(id, s));

/** The bytes every party signs for multiparty state `s` of `id` (mpcStateBytes, as the chaincode verifies). */
export function mpcBytes(id: string, s: MpcStateJson): Uint8Array {
  const state: MpcState = {
    mpc: id,
    version: s.version,
    final: s.final,
    channels: s.channels.map((c) => ({ channel: c.channel, version: c.version, balances: [BigInt(c.balances[0]), BigInt(c.balances[1])] })),
  };
  return mpcStateBytes(state);
}

/** The state without its signatures, as a transaction argument (JSON text). */
export const stateJson = (s: StateJson): string =>
  JSON.stringify({ version: s.version, balances: s.balances, final: s.final, ...(s.htlcs && s.htlcs.length > 0 ? { htlcs: s.htlcs } : {}) });

/** How far a signed `at` may be from now: a replayed request older than this is refused. */
export const REPLAY_WINDOW_MS = 5 * 60_000;

/** INVALID_ARGUMENT unless `at` (ISO 8601) is within REPLAY_WINDOW_MS of `now` (epoch ms). */
export function checkCurrent(type: MessageType, at: string | undefined, now: number): void {
  if (!(Math.abs(now - Date.parse(at ?? '')) < REPLAY_WINDOW_MS)) throw refuse('INVALID_ARGUMENT', `${type} needs a current \`at\``);
}
