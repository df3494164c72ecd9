import { accountOfCertificate } from '@covenant/chaincode';
import type { IdentityStore, Principal } from '../identity/store';
import { signAs } from '../identity/signing';
import type { CertificateCache } from './certificates';
import { ChannelMessage, ChannelRefusal, MessageType, OffchainAnswer, refuse, verifySignature } from './protocol';
import { PeerFailure, PeerTransport } from './transport';

/**
 * Handles one message for the account `principal` it is addressed to. `remote`: it came from
 * another gateway (POST /v1/offchain), not from a user of this gateway inside its own request.
 */
export type MessageHandler = (principal: Principal, m: ChannelMessage, remote: boolean) => Promise<OffchainAnswer>;
/** Handlers by message type. */
export type MessageHandlers = Partial<Record<MessageType, MessageHandler>>;

/**
 * The off-chain messaging of this gateway's accounts, shared by the two-party and multiparty
 * protocols (the port both depend on): who this gateway serves, signing as them, checking
 * others' signatures against their ledger certificates, and delivering messages, to a handler
 * of this gateway (keyed by message type, registered by each protocol) when it serves the
 * receiver, else to the receiver's gateway.
 */
export class OffchainMessenger {
  private readonly principals = new Map<string, Principal>();
  private readonly accountIds = new Map<Principal, string>();
  private readonly handlers: MessageHandlers = {};

  constructor(
    identities: IdentityStore,
    private readonly certificates: CertificateCache,
    private readonly transport: PeerTransport,
  ) {
    for (const p of identities.principals) {
      const id = accountOfCertificate(p.mspId, p.identity.certificate);
      this.principals.set(id, p);
      this.accountIds.set(p, id);
    }
  }

  /** The account id of a principal of this gateway; throws for a principal it does not serve (a programming error). */
  accountIdOf(principal: Principal): string {
    const id = this.accountIds.get(principal);
    if (!id) throw new Error(`principal ${principal.name} unknown to the channel service`);
    return id;
  }

  /** The principal of `account` when this gateway serves it. */
  principalOf(account: string): Principal | undefined {
    return this.principals.get(account);
  }

  /** Registers the handlers of some message types (each type has one). */
  on(handlers: MessageHandlers): void {
    for (const [type, handler] of Object.entries(handlers) as [MessageType, MessageHandler][]) {
      if (this.handlers[type]) throw new Error(`a handler for ${type} is already registered`);
      this.handlers[type] = handler;
    }
  }

  /** Handles a message addressed to an account of this gateway: NOT_FOUND when it serves neither the account nor the type. */
  async dispatch(m: ChannelMessage, remote: boolean): Promise<OffchainAnswer> {
    const principal = this.principals.get(m.to);
    if (!principal) throw refuse('NOT_FOUND', `account ${m.to} is not served by this gateway`);
    const handler = this.handlers[m.type];
    if (!handler) throw refuse('NOT_FOUND', 'multiparty channels are not served here');
    return handler(principal, m, remote);
  }

  /** Delivers a message to the gateway serving `m.to` (this one, or a peer over HTTP) and returns its answer. */
  async deliver(principal: Principal, m: ChannelMessage): Promise<OffchainAnswer> {
    if (this.principals.has(m.to)) return this.dispatch(m, false);
    const { mspId } = await this.certificates.of(principal, m.to);
    return this.transport.send(mspId, m);
  }

  /** `principal`'s signature (base64 DER ECDSA P-256) over `bytes`. */
  sign(principal: Principal, bytes: Uint8Array): string {
    return signAs(principal, bytes);
  }

  /** The PEM certificate on `account`'s ledger record (read as `principal`, cached). */
  async certificate(principal: Principal, account: string): Promise<string> {
    return (await this.certificates.of(principal, account)).certificate;
  }

  /** FORBIDDEN unless `signature` is `account`'s signature over `bytes`. */
  async verify(principal: Principal, account: string, bytes: Uint8Array, signature: string): Promise<void> {
    verifySignature(await this.certificate(principal, account), bytes, signature, account);
  }
}

/** True when the other side refused a message (it did not sign it), as opposed to not answering. */
export function wasRefused(err: unknown): boolean {
  return err instanceof ChannelRefusal || (err instanceof PeerFailure && err.peerStatus !== undefined && err.peerStatus < 500);
}
