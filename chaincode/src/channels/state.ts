import { canonicalBytes } from '../shared/canonical';

/**
 * What parties sign off-chain in a payment channel, and the exact bytes they sign
 * ("Research on Multiparty Payment Technology Based on Blockchain and Smart Contract Mechanism",
 * J. Math. 2022, section 3: a channel state is signed by both parties; a multiparty state by all).
 *
 * Both the chaincode (verifying) and the gateways (signing, countersigning) use these encoders,
 * so a signature made by one is checked by the other over identical bytes. Each encoding starts
 * with a domain string naming its kind and version, so a signature over one kind can never be
 * replayed as another. Signatures are ECDSA P-256 / SHA-256 by the party's Fabric identity key,
 * base64 DER (see shared/signature.ts).
 */

/** A two-party channel state: balances in minor units, in the order of the channel's parties. */
export interface TpcState {
  channel: string;
  /** Strictly increasing per channel; 0 is the opening state. */
  version: number;
  balances: [bigint, bigint];
  /** True only for a state both parties signed to close the channel cooperatively. */
  final: boolean;
}

/** One member channel's new state inside a multiparty state. */
export interface MpcChannelState {
  channel: string;
  version: number;
  balances: [bigint, bigint];
}

/** A multiparty channel state: the states of all member channels, applied all or nothing. */
export interface MpcState {
  mpc: string;
  /** Strictly increasing per multiparty channel; 0 is the opening state. */
  version: number;
  /** Every member channel, sorted by channel id. */
  channels: MpcChannelState[];
  /** True only for the state all parties signed to close the multiparty channel. */
  final: boolean;
}

export const TPC_DOMAIN = 'covenant/tpc-state/v1';
export const MPC_DOMAIN = 'covenant/mpc-state/v1';

/** The bytes a party signs for a two-party state (canonical JSON, UTF-8). */
export function tpcStateBytes(s: TpcState): Uint8Array {
  return canonicalBytes({ domain: TPC_DOMAIN, channel: s.channel, version: s.version, balances: s.balances, final: s.final });
}

/** The bytes every party signs for a multiparty state (member channels sorted by id). */
export function mpcStateBytes(s: MpcState): Uint8Array {
  const channels = [...s.channels]
    .sort((a, b) => (a.channel < b.channel ? -1 : a.channel > b.channel ? 1 : 0))
    .map((c) => ({ channel: c.channel, version: c.version, balances: c.balances }));
  return canonicalBytes({ domain: MPC_DOMAIN, mpc: s.mpc, version: s.version, channels, final: s.final });
}
