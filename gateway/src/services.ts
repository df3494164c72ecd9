import fp from 'fastify-plugin';
import type { Ledger } from './ledger/port';
import type { GatewayDb } from './gateway-db';
import { ChaincodeClient, LedgerFaults } from './ledger/chaincode';
import type { IdentityStore } from './identity/store';
import { ChannelService, Faults } from './channels/service';
import { MultipartyService } from './channels/multiparty';
import { watchMultipartyRegistrations } from './channels/multiparty-watch';
import { RoutePaymentService } from './channels/route-payment';
import { RouteJournal } from './channels/route-journal';
import { PendingPaymentService } from './channels/pending-payments';
import { PendingPaymentStore } from './channels/pending-store';
import { OffchainStore } from './channels/offchain-store';
import { HtlcStore } from './channels/htlc-store';
import { HtlcSteps } from './channels/htlc-steps';
import { DEFAULT_HTLC_TIMING, type HtlcTiming } from './channels/htlc-timing';
import { HtlcRelay } from './channels/htlc-relay';
import { HtlcPayments } from './channels/htlc-payments';
import { PeerDirectory } from './channels/peers';
import { PeerTransport } from './channels/transport';
import { CertificateCache } from './channels/certificates';
import { ScripCustomer } from './scrip/customer';
import { WalletStore } from './scrip/wallet-store';
import { PeerScripInbox } from './scrip/inbox-client';
import { ScripIssuer } from './scrip/issuer';
import { PrivateWallet } from './privacy/wallet';
import { buildPrivateWallet } from './privacy/compose';
import { privacyReady } from '@covenant/chaincode/dist/privacy/group';
import type { WalletSigner } from './privacy/wallet-signer';
import type { WeightParams } from './channels/routing';

/** How long closing the app waits for a retry of waiting payments in progress. */
const CLOSE_WAIT_MS = 10_000;

/** What the gateway's services are built from. */
export interface ServiceOptions {
  ledger: Ledger;
  identities: IdentityStore;
  /** Durable store of the gateway's own records (idempotency, off-chain channel states, multiparty work). */
  gatewayDb: GatewayDb;
  /** The other organisations' gateways, for off-chain channel messages. */
  peers?: PeerDirectory;
  /** Crash points for tests of the channel protocol and of the submit path. */
  faults?: Faults & LedgerFaults;
  /** Whether closing the app closes the ledger (false when gateways share one in-process ledger). */
  ownsLedger?: boolean;
  /**
   * The signer holding the users' stealth keys (privacy/signer-client.ts: LocalSigner in process, or
   * HttpSigner for COVENANT_SIGNER_URL). Without one, the private payment routes answer 409.
   */
  privacySigner?: WalletSigner;
  /** Ring size of private spends (default 11; at least the ledger's minRingSize). */
  ringSize?: number;
  /** k1 and k2 of the channel weight W with which multiparty payments select member channels (default 0.5 each). */
  channelWeights?: WeightParams;
  /** Timing of routed payments settled by HTLCs, over DEFAULT_HTLC_TIMING. */
  htlcTiming?: Partial<HtlcTiming>;
}

/**
 * The gateway's services as Fastify decorators (typed below by declaration merging), built once
 * from `ServiceOptions`: the Ledger port, the identities, the gateway store, the chaincode client
 * and the channel services. Registered with fastify-plugin, so the whole app sees them. Closing
 * the app closes the ledger (unless shared) and the gateway store.
 */
export const services = fp<ServiceOptions>(
  async (app, options) => {
    const chaincode = new ChaincodeClient(options.ledger, options.faults);
    const peers = options.peers ?? new PeerDirectory();
    const offchainStore = new OffchainStore(options.gatewayDb);
    const channels = new ChannelService(chaincode, options.identities, offchainStore, peers, options.faults);
    const multiparty = new MultipartyService(chaincode, channels, options.gatewayDb, options.channelWeights, options.faults);
    // One kept-alive pool (PeerTransport, as channels use) for the other gateway-to-gateway
    // requests: the scrip inboxes of issuers, and the relay routes of private payments.
    const peerTransport = new PeerTransport(peers);
    const scripCustomer = new ScripCustomer(chaincode, new WalletStore(options.gatewayDb), new PeerScripInbox(peerTransport), new CertificateCache(chaincode));
    app.decorate('ledger', options.ledger);
    app.decorate('identities', options.identities);
    app.decorate('gatewayDb', options.gatewayDb);
    app.decorate('chaincode', chaincode);
    app.decorate('channels', channels);
    app.decorate('multiparty', multiparty);
    const principalNamed = (name: string) => options.identities.principals.find((p) => p.name === name);
    const routePayments = new RoutePaymentService(multiparty, (p) => channels.accountIdOf(p), new RouteJournal(options.gatewayDb), principalNamed, options.faults);
    app.decorate('routePayments', routePayments);
    // Routed payments settled off-chain by HTLCs: the payer's side, and the relay that decides
    // for this gateway's users as payees and intermediaries, with its watch.
    const htlcTiming: HtlcTiming = { ...DEFAULT_HTLC_TIMING, ...options.htlcTiming };
    const htlcStore = new HtlcStore(options.gatewayDb);
    const htlcSteps = new HtlcSteps(channels);
    const htlcPayments = new HtlcPayments(channels, (p) => routePayments.knownGraph(p), htlcStore, htlcSteps, htlcTiming, options.faults);
    const htlcRelay = new HtlcRelay(channels, chaincode, htlcStore, htlcSteps, htlcTiming, (...settled) => htlcPayments.settled(...settled), app.log, options.faults);
    channels.setHtlcPolicy(htlcRelay);
    app.decorate('htlcPayments', htlcPayments);
    const htlcWatching = new AbortController();
    let htlcWatches: Promise<unknown> = Promise.resolve();
    app.addHook('onReady', () => {
      htlcWatches = Promise.all([htlcRelay.run((account) => channels.messenger.principalOf(account), htlcWatching.signal), htlcPayments.run(htlcWatching.signal)]);
    });
    // Routed payments that wait for liquidity: retried when one of the payer's channels changes here
    // and every few seconds, from when the gateway is ready until it closes.
    const pendingPayments = new PendingPaymentService(routePayments, new PendingPaymentStore(options.gatewayDb), (p) => channels.accountIdOf(p), principalNamed, (p) => multiparty.openChannelsOf(p), app.log, options.faults);
    offchainStore.onChange((party) => pendingPayments.changed(party));
    app.decorate('pendingPayments', pendingPayments);
    const waiting = new AbortController();
    let retrying: Promise<void> = Promise.resolve();
    app.addHook('onReady', async () => {
      await pendingPayments.load();
      retrying = pendingPayments.run(waiting.signal);
    });
    // Routes a stop left open are closed once the gateway is up (its peers may be starting too),
    // retried for a few minutes while a party's gateway cannot answer yet, stopped by the close.
    const resuming = new AbortController();
    app.addHook('onReady', () => {
      void routePayments.resume(resuming.signal).then(
        ({ closed, left }) => (closed.length || left.length ? app.log.info({ closed, left }, 'routed payments left open by a stop') : undefined),
        (err) => app.log.error({ err }, 'resuming routed payments failed'),
      );
    });
    app.decorate('scripCustomer', scripCustomer);
    app.decorate('scripIssuer', new ScripIssuer(chaincode, options.identities, options.gatewayDb));
    // Private payments: the wallet's one-time keys need libsodium loaded (chaincode/src/privacy/sodium.ts).
    await privacyReady();
    const privateWallet = buildPrivateWallet({ chaincode, identities: options.identities, db: options.gatewayDb, peers, transport: peerTransport, signer: options.privacySigner, ringSize: options.ringSize, log: app.log });
    app.decorate('privateWallet', privateWallet);
    privateWallet.sealer.start();
    // A stale multiparty state registered for close is answered with the newer one held here.
    const watching = new AbortController();
    const watcher = options.identities.principals[0];
    const watched = watcher
      ? watchMultipartyRegistrations(options.ledger, watcher.identity, (view) => multiparty.answerRegistration(view), watching.signal, app.log)
      : Promise.resolve();
    app.addHook('onClose', async () => {
      resuming.abort();
      waiting.abort();
      htlcWatching.abort();
      await Promise.race([htlcWatches, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
      // A retry in progress ends its attempt (journaled: a stop mid-route is settled at the next start); bounded.
      await Promise.race([retrying, new Promise((resolve) => setTimeout(resolve, CLOSE_WAIT_MS).unref())]);
      watching.abort();
      await watched;
      await privateWallet.sealer.stop();
      channels.closeConnections();
      peerTransport.close();
      if (options.ownsLedger !== false) await options.ledger.close();
      await options.gatewayDb.close();
    });
  },
  { name: 'covenant-services', fastify: '5.x' },
);

declare module 'fastify' {
  interface FastifyInstance {
    /** The ledger the gateway runs on (Fabric or embedded). */
    ledger: Ledger;
    /** Which API key acts as which Fabric identity. */
    identities: IdentityStore;
    /** The gateway's own durable store. */
    gatewayDb: GatewayDb;
    /** Transaction functions as the caller's identity, journaled for idempotent requests. */
    chaincode: ChaincodeClient;
    /** Two-party payment channels and their off-chain protocol. */
    channels: ChannelService;
    /** Multiparty channels over bound two-party channels. */
    multiparty: MultipartyService;
    /** Payments routed over a path of channels. */
    routePayments: RoutePaymentService;
    /** Routed payments settled off-chain by HTLCs (the payer's side). */
    htlcPayments: HtlcPayments;
    /** Routed payments that wait for liquidity until a deadline (POST /v1/payments with waitSeconds). */
    pendingPayments: PendingPaymentService;
    /** The customer side of scrip payments: wallets, holder keys, the flows of seeds/001 s. 6. */
    scripCustomer: ScripCustomer;
    /** The scrip protocol's issuer side: the broker and vendor identities this gateway holds. */
    scripIssuer: ScripIssuer;
    /** Private payments (issue 13): the users' notes, spends relayed by a random organisation, batch sealing. */
    privateWallet: PrivateWallet;
  }
}
