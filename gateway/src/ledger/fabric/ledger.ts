import * as grpc from '@grpc/grpc-js';
import { Commit, Contract, Gateway, Network, Proposal, Status, Transaction, connect } from '@hyperledger/fabric-gateway';
import {
  EventCheckpoint,
  Ledger,
  LedgerConflictError,
  LedgerEvent,
  LedgerUnavailableError,
  PreparedTransaction,
  SigningIdentity,
  SubmitOptions,
  SubmitResult,
} from '../port';
import { readerOrganizations, splitAudience } from '../../events/audience';
import { chaincodeEventOf } from './envelope';
import { SigningScheme, signingScheme } from './signing';
import { commitVerdict, isOrderingFailure, isStaleEndorsement, statusName, translate } from './outcomes';
import type { ConnectionProfile } from './profile';

/** Deadlines of every gRPC call (fabric-gateway connect options). */
export const DEADLINES_MS = { evaluate: 10_000, endorse: 30_000, submit: 10_000, commitStatus: 15_000 };
/**
 * How long one submit may keep trying, from its first proposal: fresh proposals after conflicts,
 * resubmissions of the same signed transaction while the ordering service cannot take it
 * (a Raft election takes a few seconds). Then a conflict is a LedgerConflictError, an
 * ordering failure a LedgerUnavailableError.
 */
export const SUBMIT_DEADLINE_MS = 30_000;
/** How long read-your-writes waits for the other organisations' peers to commit a transaction. */
export const OTHER_PEERS_COMMIT_WAIT_MS = 5_000;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * Exponential backoff with full jitter (AWS Architecture Blog, "Exponential Backoff and
 * Jitter"): a random pause in [base, base·2^attempt], capped, so that transactions that
 * conflicted with each other do not propose again in step.
 */
export function backoffMs(attempt: number, baseMs = 25, capMs = 1_000): number {
  const ceiling = Math.min(capMs, baseMs * 2 ** attempt);
  return baseMs + Math.floor(Math.random() * (ceiling - baseMs + 1));
}

/**
 * The Fabric adapter of the Ledger port: @hyperledger/fabric-gateway over one @grpc/grpc-js client
 * to each organisation's peer (this organisation's is the gateway peer, whose Gateway service
 * plans endorsement and submits to the orderers).
 * The flow is explicit: proposal → endorse → sign (prepare) → record (the caller's journal) →
 * submit → commit status, each call with a deadline; `resolve` resubmits recorded signed bytes
 * and reads their commit status.
 * Endorsement is planned per transaction by the peer's Gateway: it simulates at this
 * organisation's peer first, and the simulation's chaincode interest names the key-level
 * (state-based) policies of every key written; discovery then adds the organisations those
 * policies need (Fabric's gateway "planFromFirstEndorser", core/endorser buildChaincodeInterest).
 * A transfer between two accounts of one organisation is endorsed by that organisation alone and
 * succeeds while another organisation's peer is down.
 * Refusals from chaincode become ChaincodeError; conflicts that outlast the deadline a
 * LedgerConflictError; every other failure a LedgerUnavailableError naming the stage and the
 * Fabric status.
 */
export class FabricLedger implements Ledger {
  readonly kind = 'fabric' as const;
  /** One gRPC client per organisation's peer; this organisation's is the gateway peer. */
  private readonly clients = new Map<string, grpc.Client>();
  /** Gateway connections by identity and peer organisation. */
  private readonly gateways = new Map<string, Gateway>();
  private readonly schemes = new Map<string, SigningScheme>();
  private readonly submitDeadlineMs: number;

  constructor(
    readonly profile: ConnectionProfile,
    readonly org: string,
    options: { submitDeadlineMs?: number } = {},
  ) {
    if (!profile.organizations[org]) throw new Error(`organization ${org} is not in the connection profile (${Object.keys(profile.organizations).join(', ')})`);
    this.submitDeadlineMs = options.submitDeadlineMs ?? SUBMIT_DEADLINE_MS;
    for (const [mspId, peer] of Object.entries(profile.organizations)) {
      const credentials = grpc.credentials.createSsl(Buffer.from(peer.tlsRootCert));
      this.clients.set(mspId, new grpc.Client(peer.peerEndpoint, credentials, { 'grpc.ssl_target_name_override': peer.hostAlias }));
    }
  }

  private get client(): grpc.Client {
    return this.clients.get(this.org)!;
  }

  /** The channel of the connection profile. */
  get channel(): string {
    return this.profile.channel;
  }

  get organizations(): string[] {
    return Object.keys(this.profile.organizations).sort();
  }

  /**
   * Prepare, record, order, commit status (the Ledger port), within SUBMIT_DEADLINE_MS. A commit
   * that fails with MVCC_READ_CONFLICT or PHANTOM_READ_CONFLICT, and an endorsement the peers
   * disagree on (one a block behind), are retried with a fresh proposal (recorded again) after a
   * jittered backoff; when the deadline leaves no room for another, LedgerConflictError.
   * Throws ChaincodeError for a refusal, the error of `options.record` if recording fails
   * (nothing sent), LedgerUnavailableError otherwise.
   */
  async submit(identity: SigningIdentity, fn: string, args: string[], options: SubmitOptions = {}): Promise<SubmitResult> {
    const deadline = Date.now() + this.submitDeadlineMs;
    const planned = options.endorsingOrganizations;
    for (let attempt = 1; ; attempt++) {
      let txId: string | undefined;
      let outcome: SubmitResult | { retry: string } | Error;
      try {
        const proposal = this.contract(identity).newProposal(fn, planned ? { arguments: args, endorsingOrganizations: planned } : { arguments: args });
        txId = proposal.getTransactionId();
        const transaction = await this.prepare(identity, proposal);
        await options.record?.({ txId, bytes: transaction.getBytes(), result: transaction.getResult() });
        outcome =
          (await this.order(identity, transaction, deadline)) ??
          new LedgerUnavailableError(`transaction ${txId} committed as DUPLICATE_TXID`, 'commit', 'DUPLICATE_TXID', txId, false);
      } catch (err) {
        // A peer a block behind answers differently from this organisation's: retry. Without an
        // explicit plan this organisation's peer endorses first, so a refusal by it alone is real.
        outcome = isStaleEndorsement(err, planned ?? [this.org]) ? { retry: 'STALE_ENDORSEMENT' } : translate(err, txId);
      }
      if (outcome instanceof Error) throw outcome;
      if (!('retry' in outcome)) return outcome;
      const pause = backoffMs(attempt);
      if (Date.now() + pause >= deadline) {
        throw new LedgerConflictError(`transaction ${txId ?? ''} conflicted with concurrent transactions ${attempt} times (${outcome.retry})`, outcome.retry, attempt, txId);
      }
      await sleep(pause);
    }
  }

  /**
   * Sends a signed transaction for ordering and reads its commit status. While no orderer takes
   * it (unreachable, no Raft leader or quorum) or its status does not come, the same signed bytes
   * are sent again after a backoff until `deadline`: a transaction id commits at most once, so a
   * repeat is harmless. Returns `outcome`'s verdict; throws the last ordering failure at the
   * deadline.
   */
  private async order(identity: SigningIdentity, transaction: Transaction, deadline: number): Promise<SubmitResult | { retry: string } | LedgerUnavailableError | undefined> {
    const readers = this.readersOf(transaction.getBytes());
    for (let round = 1; ; round++) {
      try {
        const submitted = await transaction.submit();
        const status = await submitted.getStatus({ deadline: Math.min(deadline, Date.now() + DEADLINES_MS.commitStatus) });
        return await this.outcome(identity, submitted, status, transaction.getResult(), readers);
      } catch (err) {
        const pause = backoffMs(round, 100, 2_000);
        if (!isOrderingFailure(err) || Date.now() + pause >= deadline) throw err;
        await sleep(pause);
      }
    }
  }

  /**
   * A recorded transaction's fate: its signed bytes are submitted again (a transaction that already
   * reached the orderer is not applied twice: the peers keep the first transaction with an id and
   * mark a repeat DUPLICATE_TXID) and its commit status is awaited. VALID gives the recorded
   * result; another validation code (MVCC_READ_CONFLICT, ENDORSEMENT_POLICY_FAILURE, ...)
   * `undefined`, as the transaction can never become valid. Throws LedgerUnavailableError
   * (stage submit or commit-status) when the peers cannot say now, and for DUPLICATE_TXID.
   */
  async resolve(identity: SigningIdentity, recorded: PreparedTransaction): Promise<SubmitResult | undefined> {
    try {
      const transaction = this.gateway(identity).newTransaction(recorded.bytes);
      if (transaction.getTransactionId() !== recorded.txId) throw new Error(`recorded bytes are transaction ${transaction.getTransactionId()}, not ${recorded.txId}`);
      const submitted = await transaction.submit();
      const outcome = await this.outcome(identity, submitted, await submitted.getStatus(), recorded.result, this.readersOf(recorded.bytes));
      if (outcome === undefined) {
        throw new LedgerUnavailableError(`transaction ${recorded.txId}: the peers report a duplicate transaction id; its first commit decides`, 'commit-status', 'DUPLICATE_TXID', recorded.txId, true);
      }
      return outcome instanceof LedgerUnavailableError || 'retry' in outcome ? undefined : outcome;
    } catch (err) {
      throw translate(err, recorded.txId);
    }
  }

  async evaluate(identity: SigningIdentity, fn: string, args: string[]): Promise<Uint8Array> {
    try {
      return await this.contract(identity).evaluateTransaction(fn, ...args);
    } catch (err) {
      throw translate(err);
    }
  }

  /**
   * Chaincode events from the peer's event service (network.getChaincodeEvents), resuming after a
   * checkpoint (block number and transaction id) as fabric-gateway's checkpointers do. The stream
   * ends when `signal` aborts; a broken connection (a peer restart, fabric-gateway#261) throws
   * and the caller resumes from its last checkpoint.
   */
  async *chaincodeEvents(identity: SigningIdentity, options: { after?: EventCheckpoint; from: 'start' | 'now'; signal: AbortSignal }): AsyncIterable<LedgerEvent> {
    const network = this.gateway(identity).getNetwork(this.profile.channel);
    const { after, signal } = options;
    const checkpoint = after ? { getBlockNumber: () => after.blockNumber, getTransactionId: () => after.txId } : undefined;
    let events;
    try {
      events = await network.getChaincodeEvents(this.profile.chaincode, checkpoint ? { checkpoint } : options.from === 'start' ? { startBlock: 0n } : {});
    } catch (err) {
      throw translate(err);
    }
    const close = () => events.close();
    signal.addEventListener('abort', close);
    try {
      for await (const e of events) {
        yield { blockNumber: e.blockNumber, txId: e.transactionId, name: e.eventName, payload: e.payload, timestamp: '' };
      }
    } catch (err) {
      if (!signal.aborted) throw translate(err);
    } finally {
      signal.removeEventListener('abort', close);
      events.close();
    }
  }

  async ready(): Promise<void> {
    const deadline = new Date(Date.now() + 3_000);
    await new Promise<void>((resolve, reject) =>
      this.client.waitForReady(deadline, (err) =>
        err ? reject(new LedgerUnavailableError(`peer ${this.profile.organizations[this.org].peerEndpoint} unreachable: ${err.message}`, 'connect')) : resolve(),
      ),
    );
  }

  async close(): Promise<void> {
    for (const gateway of this.gateways.values()) gateway.close();
    this.gateways.clear();
    for (const client of this.clients.values()) client.close();
  }

  /**
   * Endorsement of a proposal by the peers it names, and the caller's signature over the endorsed
   * transaction: the signed transaction that `record` keeps and `submit` sends. Throws
   * fabric-gateway's EndorseError.
   */
  private async prepare(identity: SigningIdentity, proposal: Proposal): Promise<Transaction> {
    const endorsed = await proposal.endorse();
    const signature = await this.scheme(identity).signer(endorsed.getDigest());
    return this.gateway(identity).newSignedTransaction(endorsed.getBytes(), signature);
  }

  /**
   * What a commit status means for the submitter: VALID → the result (once the other endorsing
   * organisations' peers have it too); MVCC_READ_CONFLICT or PHANTOM_READ_CONFLICT → retry with a
   * fresh proposal; DUPLICATE_TXID → `undefined` (an earlier transaction with this id decides);
   * any other code → a LedgerUnavailableError naming it (the transaction is invalid for good).
   */
  private async outcome(identity: SigningIdentity, commit: Commit, status: Status, result: Uint8Array, readers: string[]): Promise<SubmitResult | { retry: string } | LedgerUnavailableError | undefined> {
    const txId = status.transactionId;
    switch (commitVerdict(status.code)) {
      case 'valid':
        await this.committedAt(identity, commit, readers);
        return { txId, blockNumber: status.blockNumber, payload: result };
      case 'conflict':
        return { retry: statusName(status.code) };
      case 'duplicate':
        return undefined;
      default:
        return new LedgerUnavailableError(`transaction ${txId} committed as ${statusName(status.code)}`, 'commit', statusName(status.code), txId, false);
    }
  }

  /**
   * The organisations whose members may read what a transaction changed: those of its chaincode
   * event's audience (events/audience.ts `readerOrganizations`), or all when it has none.
   */
  private readersOf(envelopeBytes: Uint8Array): string[] {
    const event = chaincodeEventOf(envelopeBytes);
    return readerOrganizations(event ? splitAudience(event.payload).audience : undefined, this.organizations);
  }

  /**
   * Read-your-writes across organisations: waits until the peers of the other organisations whose
   * members may read what the transaction changed (`readers`: the parties' organisations, from its
   * event's audience) have committed it too, with the same signed commit status request, so that
   * a request that follows at a counterparty's gateway (confirming an escrow just created) reads
   * what this one wrote. A transfer between two accounts of this organisation waits for no other
   * peer. A peer that is down answers at once and one that lags is waited for at most
   * OTHER_PEERS_COMMIT_WAIT_MS: failures here are ignored (nothing worse than a later stale read).
   */
  private async committedAt(identity: SigningIdentity, commit: Commit, readers: string[]): Promise<void> {
    const others = readers.filter((o) => o !== this.org && this.clients.has(o));
    if (others.length === 0) return;
    const signature = await this.scheme(identity).signer(commit.getDigest());
    const deadline = Date.now() + OTHER_PEERS_COMMIT_WAIT_MS;
    await Promise.all(
      others.map((org) =>
        this.gateway(identity, org)
          .newSignedCommit(commit.getBytes(), signature)
          .getStatus({ deadline })
          .catch(() => undefined),
      ),
    );
  }

  /** The identity's hash and signer (ledger/fabric/signing.ts), its private key parsed once. */
  private scheme(identity: SigningIdentity): SigningScheme {
    let scheme = this.schemes.get(identity.name);
    if (!scheme) this.schemes.set(identity.name, (scheme = signingScheme(identity.privateKey)));
    return scheme;
  }

  /**
   * The channel as `identity` sees it through this organisation's peer (fabric-gateway's Network,
   * with this adapter's deadlines), for what the Ledger port does not cover, such as reading
   * blocks with the query system chaincode (qscc).
   */
  network(identity: SigningIdentity): Network {
    return this.gateway(identity).getNetwork(this.profile.channel);
  }

  private contract(identity: SigningIdentity): Contract {
    return this.network(identity).getContract(this.profile.chaincode);
  }

  private gateway(identity: SigningIdentity, org = this.org): Gateway {
    const key = `${identity.name}@${org}`;
    let gateway = this.gateways.get(key);
    if (!gateway) {
      gateway = connect({
        client: this.clients.get(org)!,
        identity: { mspId: identity.mspId, credentials: Buffer.from(identity.certificate) },
        ...this.scheme(identity),
        evaluateOptions: () => ({ deadline: Date.now() + DEADLINES_MS.evaluate }),
        endorseOptions: () => ({ deadline: Date.now() + DEADLINES_MS.endorse }),
        submitOptions: () => ({ deadline: Date.now() + DEADLINES_MS.submit }),
        commitStatusOptions: () => ({ deadline: Date.now() + DEADLINES_MS.commitStatus }),
      });
      this.gateways.set(key, gateway);
    }
    return gateway;
  }
}
