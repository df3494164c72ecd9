import { createPrivateKey } from 'node:crypto';
import * as grpc from '@grpc/grpc-js';
import {
  Commit,
  CommitStatusError,
  Contract,
  EndorseError,
  Gateway,
  GatewayError,
  Network,
  Proposal,
  Status,
  StatusCode,
  Transaction,
  connect,
  hash,
  signers,
} from '@hyperledger/fabric-gateway';
import { parseErrorMessage } from '@covenant/chaincode';
import {
  ChaincodeError,
  EventCheckpoint,
  Ledger,
  LedgerEvent,
  LedgerUnavailableError,
  PreparedTransaction,
  SigningIdentity,
  SubmitOptions,
  SubmitResult,
} from '../port';
import type { ConnectionProfile } from './profile';

/** Deadlines of every gRPC call (fabric-gateway connect options). */
export const DEADLINES_MS = { evaluate: 10_000, endorse: 30_000, submit: 10_000, commitStatus: 60_000 };
/**
 * Conflicts that a fresh proposal resolves are retried this many times with backoff:
 * MVCC_READ_CONFLICT and PHANTOM_READ_CONFLICT at commit (fabric#3748), and endorsements that
 * differ between peers because one peer has not yet committed the block another has
 * ("ProposalResponsePayloads do not match": nothing reached the orderer, so a retry is safe).
 */
export const MAX_ATTEMPTS = 4;
const RETRYABLE = new Set<number>([StatusCode.MVCC_READ_CONFLICT, StatusCode.PHANTOM_READ_CONFLICT]);

export function statusName(code: number): string {
  return Object.entries(StatusCode).find(([, v]) => v === code)?.[0] ?? `STATUS_${code}`;
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/**
 * The Fabric adapter of the Ledger port: @hyperledger/fabric-gateway over one @grpc/grpc-js client
 * to this organisation's peer (its Gateway service plans endorsement and submits to the orderers).
 * The flow is explicit: proposal → endorse → sign (prepare) → record (the caller's journal) →
 * submit → commit status, each call with a deadline; `resolve` resubmits recorded signed bytes
 * and reads their commit status.
 * Every submit asks the peers of all consortium organisations to endorse, because key-level
 * (state-based) policies name organisations that discovery alone does not plan (fabric#2764).
 * Refusals from chaincode become ChaincodeError; every other failure a LedgerUnavailableError
 * naming the stage and the Fabric status.
 */
export class FabricLedger implements Ledger {
  readonly kind = 'fabric' as const;
  /** One gRPC client per organisation's peer; this organisation's is the gateway peer. */
  private readonly clients = new Map<string, grpc.Client>();
  /** Gateway connections by identity and peer organisation. */
  private readonly gateways = new Map<string, Gateway>();
  private readonly signers = new Map<string, ReturnType<typeof signers.newPrivateKeySigner>>();

  constructor(
    readonly profile: ConnectionProfile,
    readonly org: string,
  ) {
    if (!profile.organizations[org]) throw new Error(`organization ${org} is not in the connection profile (${Object.keys(profile.organizations).join(', ')})`);
    for (const [mspId, peer] of Object.entries(profile.organizations)) {
      const credentials = grpc.credentials.createSsl(Buffer.from(peer.tlsRootCert));
      this.clients.set(mspId, new grpc.Client(peer.peerEndpoint, credentials, { 'grpc.ssl_target_name_override': peer.hostAlias }));
    }
  }

  private get client(): grpc.Client {
    return this.clients.get(this.org)!;
  }

  get organizations(): string[] {
    return Object.keys(this.profile.organizations).sort();
  }

  /**
   * Prepare, record, submit, commit status (the Ledger port). A commit that fails with
   * MVCC_READ_CONFLICT or PHANTOM_READ_CONFLICT, and an endorsement the peers disagree on (one a
   * block behind), are retried with a fresh proposal, which is recorded again, up to
   * MAX_ATTEMPTS. Throws ChaincodeError for a refusal, the error of `options.record` if recording
   * fails (nothing sent), LedgerUnavailableError otherwise.
   */
  async submit(identity: SigningIdentity, fn: string, args: string[], options: SubmitOptions = {}): Promise<SubmitResult> {
    const endorsingOrganizations = options.endorsingOrganizations ?? this.organizations;
    for (let attempt = 1; ; attempt++) {
      let txId: string | undefined;
      let outcome: SubmitResult | { retry: string } | Error;
      try {
        const proposal = this.contract(identity).newProposal(fn, { arguments: args, endorsingOrganizations });
        txId = proposal.getTransactionId();
        const transaction = await this.prepare(identity, proposal);
        await options.record?.({ txId, bytes: transaction.getBytes(), result: transaction.getResult() });
        const submitted = await transaction.submit();
        outcome =
          (await this.outcome(identity, submitted, await submitted.getStatus(), transaction.getResult(), endorsingOrganizations)) ??
          new LedgerUnavailableError(`transaction ${txId} committed as DUPLICATE_TXID`, 'commit', 'DUPLICATE_TXID', txId, false);
      } catch (err) {
        // A peer a block behind answers differently from the others: retry; on the last attempt
        // report what the peers said (a refusal code if there is one).
        outcome = isStaleEndorsement(err, endorsingOrganizations) && attempt < MAX_ATTEMPTS ? { retry: 'STALE_ENDORSEMENT' } : translate(err, txId);
      }
      if (outcome instanceof Error) throw outcome;
      if (!('retry' in outcome)) return outcome;
      if (attempt >= MAX_ATTEMPTS) {
        throw new LedgerUnavailableError(`transaction ${txId ?? ''} failed ${attempt} times with ${outcome.retry}`, 'commit', outcome.retry, txId, true);
      }
      await sleep(100 * 2 ** attempt + Math.floor(Math.random() * 50));
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
    const organizations = this.organizations;
    try {
      const transaction = this.gateway(identity).newTransaction(recorded.bytes);
      if (transaction.getTransactionId() !== recorded.txId) throw new Error(`recorded bytes are transaction ${transaction.getTransactionId()}, not ${recorded.txId}`);
      const submitted = await transaction.submit();
      const outcome = await this.outcome(identity, submitted, await submitted.getStatus(), recorded.result, organizations);
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
    const signature = await this.signer(identity)(endorsed.getDigest());
    return this.gateway(identity).newSignedTransaction(endorsed.getBytes(), signature);
  }

  /**
   * What a commit status means for the submitter: VALID → the result (once the other endorsing
   * organisations' peers have it too); MVCC_READ_CONFLICT or PHANTOM_READ_CONFLICT → retry with a
   * fresh proposal; DUPLICATE_TXID → `undefined` (an earlier transaction with this id decides);
   * any other code → a LedgerUnavailableError naming it (the transaction is invalid for good).
   */
  private async outcome(identity: SigningIdentity, commit: Commit, status: Status, result: Uint8Array, organizations: string[]): Promise<SubmitResult | { retry: string } | LedgerUnavailableError | undefined> {
    const txId = status.transactionId;
    switch (commitVerdict(status.code)) {
      case 'valid':
        await this.committedEverywhere(identity, commit, organizations);
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
   * Waits until the other endorsing organisations' peers have committed the transaction too (the
   * same signed commit status request, asked of each peer), so a request that follows at another
   * organisation's gateway reads what this one wrote. Commit status only ever comes from one
   * peer in fabric-gateway; a peer that is down or slow past the deadline is logged by the caller
   * as nothing worse than a later stale read, so failures here are ignored.
   */
  private async committedEverywhere(identity: SigningIdentity, commit: Commit, organizations: string[]): Promise<void> {
    const others = organizations.filter((o) => o !== this.org && this.clients.has(o));
    if (others.length === 0) return;
    const signature = await this.signer(identity)(commit.getDigest());
    await Promise.all(
      others.map((org) =>
        this.gateway(identity, org)
          .newSignedCommit(commit.getBytes(), signature)
          .getStatus({ deadline: Date.now() + DEADLINES_MS.commitStatus })
          .catch(() => undefined),
      ),
    );
  }

  /** The identity's signer, its private key parsed once. */
  private signer(identity: SigningIdentity) {
    let signer = this.signers.get(identity.name);
    if (!signer) this.signers.set(identity.name, (signer = signers.newPrivateKeySigner(createPrivateKey(identity.privateKey))));
    return signer;
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
        signer: this.signer(identity),
        hash: hash.sha256,
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

/**
 * A validation code, classified: `valid`; `conflict` (MVCC_READ_CONFLICT, PHANTOM_READ_CONFLICT:
 * a fresh proposal may succeed); `duplicate` (DUPLICATE_TXID: says nothing about the first
 * transaction with this id); `invalid` (any other code: the transaction never becomes valid).
 */
export function commitVerdict(code: number): 'valid' | 'conflict' | 'duplicate' | 'invalid' {
  if (code === StatusCode.VALID) return 'valid';
  if (RETRYABLE.has(code)) return 'conflict';
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

/**
 * Turns a fabric-gateway error into the port's errors. A chaincode refusal reaches the client
 * inside the endorsement (or evaluation) error details as "... CODE: text".
 */
export function translate(err: unknown, txId?: string): Error {
  if (err instanceof ChaincodeError || err instanceof LedgerUnavailableError) return err;
  if (err instanceof GatewayError) {
    const messages = [err.message, ...err.details.map((d) => d.message)];
    for (const message of messages) {
      const match = /(INVALID_ARGUMENT|NOT_FOUND|ALREADY_EXISTS|FORBIDDEN|INSUFFICIENT_FUNDS|FAILED_PRECONDITION): [\s\S]*$/.exec(message);
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
