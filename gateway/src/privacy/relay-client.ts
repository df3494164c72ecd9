import { randomInt } from 'node:crypto';
import type { PeerDirectory } from '../channels/peers';
import { PeerFailure, type PeerTransport } from '../channels/transport';
import type { SignedSpend, SpendResult } from './spend-types';

/** Path of the relay route on every gateway. */
export const RELAY_PATH = '/v1/private/relay';

/** Who relays: one of this gateway's relayer identities (by organisation), or another organisation's gateway. */
export type Relayer = { kind: 'local'; mspId: string } | { kind: 'peer'; mspId: string };

/**
 * Submits signed spends under a relayer chosen uniformly at random among the organisations
 * (issue 13: "any organisation's gateway can relay any payment"; the submitter's identity, which
 * Fabric records, then says nothing of the payer's organisation): one of this gateway's own
 * relayer identities, or another organisation's gateway through POST /v1/private/relay over the
 * peers' kept-alive connections (PeerTransport, as the scrip inbox). A peer that is unreachable
 * is replaced by a local relayer (the same signed spend: the ledger applies it at most once).
 */
export class RelayClient {
  constructor(
    private readonly transport: PeerTransport,
    private readonly peers: PeerDirectory,
    /** The organisations this gateway holds a relayer identity of. */
    private readonly localOrgs: () => string[],
    /** Submits as the local relayer of `mspId`. */
    private readonly submitLocal: (mspId: string, spend: SignedSpend) => Promise<SpendResult>,
  ) {}

  /** The relayers to choose from: each organisation once, this gateway's own relayers first. */
  candidates(): Relayer[] {
    const local = this.localOrgs();
    return [...local.map((mspId): Relayer => ({ kind: 'local', mspId })), ...this.peers.mspIds().filter((m) => !local.includes(m)).map((mspId): Relayer => ({ kind: 'peer', mspId }))];
  }

  /**
   * Relays `spend` and answers the ledger's result and the relaying organisation. Errors: the
   * ledger's refusal (ChaincodeError locally, PeerFailure with the code kept from a peer), or
   * 409 FAILED_PRECONDITION when no relayer is known.
   */
  async relay(spend: SignedSpend): Promise<{ result: SpendResult; relayedBy: string }> {
    const candidates = this.candidates();
    if (candidates.length === 0) throw new Error('no relayer: the gateway holds no identity with role relayer and knows no peer gateway');
    const chosen = candidates[randomInt(candidates.length)];
    if (chosen.kind === 'local') return { result: await this.submitLocal(chosen.mspId, spend), relayedBy: chosen.mspId };
    try {
      return { result: await this.transport.postJson<SpendResult>(chosen.mspId, RELAY_PATH, spend, 'private spend', true), relayedBy: chosen.mspId };
    } catch (err) {
      const local = this.localOrgs();
      if (err instanceof PeerFailure && err.peerStatus === undefined && local.length > 0) {
        const mspId = local[randomInt(local.length)];
        return { result: await this.submitLocal(mspId, spend), relayedBy: mspId };
      }
      throw err;
    }
  }
}
