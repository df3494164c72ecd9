import type { SeriesKind, SwapFlow } from '@covenant/chaincode';
import { GatewayDb, JsonSublevel, jsonSublevel } from '../gateway-db';
import { GroupCommit, GroupOperation } from '../group-commit';
import type { EncryptionPrivateKey } from '../envelopes';
import type { HolderKey } from './holder-keys';
import type { ScripMessage } from './protocol';

/**
 * The customer's wallet (issue 12, "The customer's gateway keeps its users' holder keys and
 * unspent scrip durably"), in three sublevels of the gateway database, every write synced to disk
 * (GroupCommit) before the gateway sends a message or answers:
 * - `scrip-holder-keys` [serial]: the one-time holder key of each scrip this gateway had issued to
 *   one of its users (private key PKCS#8 PEM: never logged, never returned). Never deleted: a key
 *   whose scrip turned out issued after all can still spend it.
 * - `scrip-wallet` [account, serial]: the user's scrip, `pending` (requested, not yet known
 *   issued), `unspent` (issued, the issuer's signature verified) or `spent`.
 * - `scrip-requests` [request id]: each swap request the gateway sent for a user, stored before
 *   it is sent, by the id derived from the caller's Idempotency-Key (or a generated one): a retry
 *   resends the same message (same nonce, same digest, so the issuer applies it once) and a
 *   finished one answers its stored result.
 */

/** A scrip in a user's wallet. Amounts are decimal strings of minor units; times ISO 8601 UTC. */
export interface WalletEntry {
  serial: string;
  series: string;
  kind: SeriesKind;
  /** The series issuer's account (broker or vendor) and its organisation. */
  issuer: string;
  issuerMspId: string;
  value: string;
  spendBy: string;
  renewBy: string;
  status: 'pending' | 'unspent' | 'spent';
  /** The request that issued it (id in `scrip-requests`), and the one that spent it. */
  request: string;
  spentBy?: string;
  /** Once issued: the transaction, its time and the issuer's signature (the scrip's certificate). */
  txId?: string;
  issuedAt?: string;
  issuerSignature?: string;
  updatedAt: string;
}

/** What a finished flow answered (also what a retry of its request answers). */
export interface FlowResult {
  txId: string;
  flow: SwapFlow;
  issued: WalletEntry[];
  spent: string[];
  /** The receipt the issuer sealed to the request's receiptKey, opened (JSON, or text). */
  receipt?: unknown;
}

/** A swap request sent (or about to be sent) for a user. */
export interface PendingRequest {
  id: string;
  account: string;
  flow: SwapFlow;
  /** The issuer that submits (its gateway's organisation), and the message for it. */
  submitTo: { issuer: string; mspId: string };
  message: ScripMessage;
  /** Issuers whose output signatures are asked first with scrip-sign (convert, topup-vendor). */
  countersign?: { issuer: string; mspId: string; indexes: number[] };
  /** Set once `countersign` answered: the message then carries its signatures. */
  countersigned?: boolean;
  /** The private half of the message's receiptKey (JWK) and its kid. */
  receiptKey?: { privateKey: EncryptionPrivateKey; kid: string };
  status: 'pending' | 'done' | 'refused';
  result?: FlowResult;
  createdAt: string;
  updatedAt: string;
}

const walletKey = (account: string, serial: string) => `${account}!${serial}`;

export class WalletStore {
  private readonly keys: JsonSublevel<HolderKey & { createdAt: string }>;
  private readonly wallet: JsonSublevel<WalletEntry>;
  private readonly requests: JsonSublevel<PendingRequest>;
  private readonly commits: GroupCommit;

  constructor(db: GatewayDb) {
    this.keys = jsonSublevel(db, 'scrip-holder-keys');
    this.wallet = jsonSublevel(db, 'scrip-wallet');
    this.requests = jsonSublevel(db, 'scrip-requests');
    this.commits = new GroupCommit(db);
  }

  /**
   * Stores a new request with its output scrip (status pending) and their holder keys, atomically
   * and synced, before anything is sent. `keys` are by output serial.
   */
  async begin(request: PendingRequest, outputs: WalletEntry[], keys: Map<string, HolderKey>): Promise<void> {
    const createdAt = request.createdAt;
    const ops: GroupOperation[] = [{ type: 'put', sublevel: this.requests, key: request.id, value: request }];
    for (const [serial, key] of keys) ops.push({ type: 'put', sublevel: this.keys, key: serial, value: { ...key, createdAt } });
    for (const entry of outputs) ops.push({ type: 'put', sublevel: this.wallet, key: walletKey(request.account, entry.serial), value: entry });
    await this.commits.write(ops);
  }

  /** The request with id `id`, or undefined. */
  async request(id: string): Promise<PendingRequest | undefined> {
    return this.requests.get(id);
  }

  /** Replaces a stored request (its countersignatures arrived). */
  async updateRequest(request: PendingRequest): Promise<void> {
    await this.commits.write([{ type: 'put', sublevel: this.requests, key: request.id, value: { ...request, updatedAt: new Date().toISOString() } }]);
  }

  /**
   * Records a finished request: its outputs become `unspent` (with txId, signatures), its inputs
   * `spent`, the request `done` with its result; one synced write.
   */
  async complete(request: PendingRequest, result: FlowResult, spent: string[]): Promise<void> {
    const now = new Date().toISOString();
    const ops: GroupOperation[] = [{ type: 'put', sublevel: this.requests, key: request.id, value: { ...request, status: 'done', result, updatedAt: now } }];
    for (const entry of result.issued) ops.push({ type: 'put', sublevel: this.wallet, key: walletKey(request.account, entry.serial), value: entry });
    for (const serial of spent) {
      const entry = await this.entry(request.account, serial);
      if (entry) ops.push({ type: 'put', sublevel: this.wallet, key: walletKey(request.account, serial), value: { ...entry, status: 'spent', spentBy: request.id, updatedAt: now } });
    }
    await this.commits.write(ops);
  }

  /** Records a request its issuer refused (nothing applied): its pending outputs leave the wallet (their keys stay). */
  async refuse(request: PendingRequest, outputs: string[]): Promise<void> {
    const ops: GroupOperation[] = [{ type: 'put', sublevel: this.requests, key: request.id, value: { ...request, status: 'refused', updatedAt: new Date().toISOString() } }];
    for (const serial of outputs) {
      const entry = await this.entry(request.account, serial);
      if (entry?.status === 'pending') ops.push({ type: 'del', sublevel: this.wallet, key: walletKey(request.account, serial) });
    }
    await this.commits.write(ops);
  }

  /** One scrip of `account`'s wallet, or undefined. */
  async entry(account: string, serial: string): Promise<WalletEntry | undefined> {
    return this.wallet.get(walletKey(account, serial));
  }

  /** Replaces entries of `account` (reconciled with the ledger). */
  async putEntries(account: string, entries: WalletEntry[]): Promise<void> {
    if (entries.length === 0) return;
    await this.commits.write(entries.map((value) => ({ type: 'put', sublevel: this.wallet, key: walletKey(account, value.serial), value })));
  }

  /** Every scrip in `account`'s wallet (any status), in serial order. */
  async entries(account: string): Promise<WalletEntry[]> {
    const out: WalletEntry[] = [];
    for await (const value of this.wallet.values({ gt: `${account}!`, lt: `${account}!\uffff` })) out.push(value);
    return out;
  }

  /** The holder key of `serial`, or undefined when this gateway never made it. */
  async holderKey(serial: string): Promise<HolderKey | undefined> {
    const stored = await this.keys.get(serial);
    return stored && { publicKey: stored.publicKey, privateKey: stored.privateKey, commitment: stored.commitment };
  }
}
