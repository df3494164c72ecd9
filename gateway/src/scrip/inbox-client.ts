import type { PeerTransport } from '../channels/transport';
import type { ScripAnswer, ScripMessage } from './protocol';

/** The issuer gateways' scrip inbox as the customer's gateway sees it (a fake in unit tests). */
export interface ScripInbox {
  /**
   * Sends `message` to the gateway of organisation `mspId` and returns its answer. Errors:
   * PeerFailure (channels/transport.ts): unreachable (no `peerStatus`) or refused, with the
   * refusal's problem `code` kept (DOUBLE_SPEND, SCRIP_EXPIRED, FORBIDDEN, ...).
   */
  send(mspId: string, message: ScripMessage): Promise<ScripAnswer>;
}

/** The scrip protocol (protocol.ts) over the peers' kept-alive connections: JSON POSTs to `{peer}/v1/scrip/inbox`. */
export class PeerScripInbox implements ScripInbox {
  constructor(private readonly transport: PeerTransport) {}

  send(mspId: string, message: ScripMessage): Promise<ScripAnswer> {
    return this.transport.postJson<ScripAnswer>(mspId, '/v1/scrip/inbox', message, message.type, true);
  }
}
