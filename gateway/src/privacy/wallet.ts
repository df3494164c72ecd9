import { randomUUID } from 'node:crypto';
import { isDenomination } from '@covenant/chaincode';
import type { Principal } from '../identity/store';
import { accountIdOf } from '../identity/signing';
import { ChaincodeError, LedgerConflictError } from '../ledger/port';
import type { TransactionIdSink } from '../ledger/chaincode';
import { PeerFailure } from '../channels/transport';
import { KeyedLocks } from '../channels/locks';
import { HttpProblem, problem } from '../http/problem';
import { MAX_INPUTS, selectCoins } from './coin-selection';
import { chooseDecoys, ringOf } from './decoys';
import { AddressView, NotesLedger, NotesSettings } from './notes-ledger';
import type { OwnedNote, PrivateNoteStore, PrivateRequest } from './note-store';
import { MAX_OUTPUTS, buildOutputs, denominationsOf, signSpend } from './payment-builder';
import type { RelayClient } from './relay-client';
import type { NoteScanner } from './scanner';
import type { BatchSealer } from './sealer';
import type { SignedSpend, SpendResult, Withdrawal } from './spend-types';
import type { WalletSigner } from './wallet-signer';

/** Default ring size (issue 13: "default ring size 11, configurable"). */
export const DEFAULT_RING_SIZE = 11;
/** Most notes of one denomination read as decoy candidates. */
const MAX_CANDIDATES = 4096;
/** Attempts at relaying one spend when the ledger applied nothing for a passing reason. */
const RELAY_ATTEMPTS = 3;
/** Defaults of the ledger settings while the chaincode has none to tell. */
const DEFAULT_SETTINGS: NotesSettings = { batchSeconds: 10, minRingSize: 11 };

/** What a deposit, payment or withdrawal answers. Amounts in minor units. */
export interface PrivateAnswer {
  txId: string;
  batchId: string;
  amount: string;
  change: string;
  /** The organisation whose relayer submitted the spend (not for deposits: the depositor submits). */
  relayedBy?: string;
  /** The notes created (one-time keys and denominations). */
  notes: { oneTimePublicKey: string; denomination: string }[];
}

/** The code of a ledger refusal, from this gateway's ledger or passed through by a relaying peer. */
function refusalCode(err: unknown): string | undefined {
  if (err instanceof ChaincodeError) return err.code;
  if (err instanceof PeerFailure && err.peerStatus !== undefined && err.peerStatus < 500) return err.code ?? 'FAILED_PRECONDITION';
  return undefined;
}

/**
 * The private-payment wallet of a gateway's users (issue 13; design section 3): keys in the
 * signer, notes found by scanning, deposits, payments and withdrawals built and signed here and
 * submitted under a relayer, inclusion proofs. Owner of keys = the caller's account id.
 */
export class PrivateWallet {
  private settingsCache?: { value: NotesSettings; at: number };
  /** One owner's note selection at a time, so two concurrent spends never choose the same note. */
  private readonly selecting = new KeyedLocks();

  constructor(
    readonly ledger: NotesLedger,
    private readonly signer: WalletSigner,
    readonly store: PrivateNoteStore,
    private readonly scanner: NoteScanner,
    private readonly relay: RelayClient,
    readonly sealer: BatchSealer,
    /** This gateway's relayer identity of `mspId` (any when undefined). */
    readonly relayer: (mspId?: string) => Principal | undefined,
    private readonly ringSize = DEFAULT_RING_SIZE,
  ) {}

  /** The ledger settings (notes:getSettings), cached a minute; the defaults when the ledger has none. */
  async settings(reader?: Principal): Promise<NotesSettings> {
    if (this.settingsCache && Date.now() - this.settingsCache.at < 60_000) return this.settingsCache.value;
    const p = reader ?? this.relayer();
    const value = p ? await this.ledger.getSettings(p).catch(() => DEFAULT_SETTINGS) : DEFAULT_SETTINGS;
    this.settingsCache = { value: { ...DEFAULT_SETTINGS, ...value }, at: Date.now() };
    return this.settingsCache.value;
  }

  /** Creates the caller's stealth keys in the signer (same keys on a repeat) and publishes its meta-address (notes:registerAddress) unless it is published already. */
  async registerKeys(p: Principal, sink?: TransactionIdSink): Promise<AddressView> {
    const keys = await this.signer.createKeys(accountIdOf(p));
    // Already published: unchanged (its registeredAt is where the owner's first scan starts).
    const published = await this.ledger.getAddress(p, accountIdOf(p)).catch(() => undefined);
    if (published?.viewPublicKey === keys.viewPublicKey && published.spendPublicKey === keys.spendPublicKey) return published;
    return this.ledger.registerAddress(p, { viewPublicKey: keys.viewPublicKey, spendPublicKey: keys.spendPublicKey }, sink);
  }

  /** The caller's own published address; 409 FAILED_PRECONDITION before PUT /v1/private/keys. */
  private async ownAddress(p: Principal): Promise<AddressView> {
    try {
      return await this.ledger.getAddress(p, accountIdOf(p));
    } catch (err) {
      if (err instanceof ChaincodeError && err.code === 'NOT_FOUND') throw new HttpProblem(problem(409, 'FAILED_PRECONDITION', 'register your private keys first (PUT /v1/private/keys)'));
      throw err;
    }
  }

  /** Scans the ledger for the caller's notes and answers them (unspent and pending; all with `all`) and the unspent balance. */
  async notes(p: Principal, all = false): Promise<{ notes: OwnedNote[]; balance: bigint }> {
    const owner = accountIdOf(p);
    await this.scanner.scan(owner, p, (await this.ownAddress(p)).registeredAt);
    const notes = await this.store.notesOf(owner);
    const balance = notes.filter((n) => n.status === 'unspent').reduce((s, n) => s + BigInt(n.denomination), 0n);
    return { notes: all ? notes : notes.filter((n) => n.status !== 'spent'), balance };
  }

  /**
   * Deposits `amount` of the caller's money into new notes of its own (notes:deposit, submitted as
   * the caller): the amount decomposed into 1-2-5 denominations, or, with `denomination`, into
   * amount / denomination notes of that one (to give rings decoys). At most 16 notes.
   */
  async deposit(p: Principal, key: string | undefined, body: { amount: string; denomination?: string }, sink?: TransactionIdSink): Promise<PrivateAnswer> {
    const owner = accountIdOf(p);
    const id = key ?? randomUUID();
    let request = await this.store.request(owner, id);
    if (!request) {
      const amount = BigInt(body.amount);
      const denominations = body.denomination === undefined ? denominationsOf(amount, 400) : this.split(amount, BigInt(body.denomination));
      if (denominations.length > MAX_OUTPUTS) throw new HttpProblem(problem(400, 'INVALID_ARGUMENT', `the deposit makes ${denominations.length} notes, more than ${MAX_OUTPUTS}`));
      const self = await this.ownAddress(p);
      const outputs = buildOutputs(denominations.map((d) => ({ address: self, amount: d })));
      request = { id, owner, kind: 'deposit', deposit: { requestId: id, outputs }, inputs: [], keyImages: [], amount: body.amount, change: '0', status: 'pending', createdAt: new Date().toISOString() };
      await this.store.begin(request);
    }
    if (request.status !== 'done') {
      const result = await this.ledger.deposit(p, request.deposit!, sink);
      request = await this.store.finish(request, { status: 'done', result: { txId: result.txId, batchId: result.batchId, outputs: result.outputs } });
      await this.store.queueSeal(result.batchId);
    }
    return this.answer(request);
  }

  private split(amount: bigint, denomination: bigint): bigint[] {
    if (!isDenomination(denomination) || amount % denomination !== 0n) {
      throw new HttpProblem(problem(400, 'INVALID_ARGUMENT', 'denomination must be a 1-2-5 denomination that divides the amount'));
    }
    return Array.from({ length: Number(amount / denomination) > MAX_OUTPUTS ? MAX_OUTPUTS + 1 : Number(amount / denomination) }, () => denomination);
  }

  /** Pays `amount` privately to account `to` (its published address), with an optional memo sealed for it. */
  pay(p: Principal, key: string | undefined, body: { to: string; amount: string; memo?: string }): Promise<PrivateAnswer> {
    return this.spend(p, key, 'payment', BigInt(body.amount), async () => {
      const to = await this.ledger.getAddress(p, body.to);
      return { payee: { address: to, memo: body.memo }, to: body.to };
    });
  }

  /** Withdraws `amount` from the caller's notes into its own account (change as new notes). */
  withdraw(p: Principal, key: string | undefined, body: { amount: string }): Promise<PrivateAnswer> {
    return this.spend(p, key, 'withdrawal', BigInt(body.amount), async () => ({ withdrawal: { account: accountIdOf(p), amount: body.amount } }));
  }

  private async spend(
    p: Principal,
    key: string | undefined,
    kind: 'payment' | 'withdrawal',
    amount: bigint,
    target: () => Promise<{ payee?: { address: AddressView; memo?: string }; to?: string; withdrawal?: Withdrawal }>,
  ): Promise<PrivateAnswer> {
    const owner = accountIdOf(p);
    const id = key ?? randomUUID();
    let request = await this.selecting.run(owner, () => this.prepareSpend(p, owner, id, kind, amount, target));
    if (request.status !== 'done') request = await this.send(p, request);
    return this.answer(request);
  }

  /**
   * The stored spend of request `id` (an Idempotency-Key's retry finds it), or a new one: scan,
   * choose unspent notes, draw rings, sign, and store it with its notes marked pending. Runs under
   * the owner's selection lock.
   */
  private async prepareSpend(
    p: Principal,
    owner: string,
    id: string,
    kind: 'payment' | 'withdrawal',
    amount: bigint,
    target: () => Promise<{ payee?: { address: AddressView; memo?: string }; to?: string; withdrawal?: Withdrawal }>,
  ): Promise<PrivateRequest> {
    let request = await this.store.request(owner, id);
    if (request?.status === 'refused') throw new HttpProblem(problem(409, 'FAILED_PRECONDITION', 'this request was refused earlier: send a new one with another Idempotency-Key'));
    if (!request) {
      const { payee, to, withdrawal } = await target();
      const self = await this.ownAddress(p);
      await this.scanner.scan(owner, p, self.registeredAt);
      const unspent = (await this.store.notesOf(owner)).filter((n) => n.status === 'unspent');
      const { chosen, change } = selectCoins(unspent.map((n) => ({ ...n, denomination: BigInt(n.denomination), note: n })), amount);
      const outputs = buildOutputs([...(payee ? [{ address: payee.address, amount, memo: payee.memo }] : []), { address: self, amount: change }]);
      if (outputs.length > MAX_OUTPUTS) throw new HttpProblem(problem(409, 'FAILED_PRECONDITION', `the spend makes ${outputs.length} notes, more than ${MAX_OUTPUTS}: pay a rounder amount`));
      const size = Math.max(this.ringSize, (await this.settings(p)).minRingSize);
      const inputs = [];
      for (const { note } of chosen) {
        const candidates = await this.ledger.noteKeys(p, note.denomination, MAX_CANDIDATES);
        inputs.push({ note, ring: ringOf(note.oneTimePublicKey, chooseDecoys(candidates, note.oneTimePublicKey, size - 1, note.denomination)) });
      }
      const spend = await signSpend(this.signer, owner, this.ledger.channel, inputs, outputs, withdrawal);
      request = { id, owner, kind, spend, inputs: chosen.map((c) => c.oneTimePublicKey), keyImages: chosen.map((c) => c.note.keyImage), amount: amount.toString(), change: change.toString(), ...(to ? { to } : {}), status: 'pending', createdAt: new Date().toISOString() };
      if (chosen.length > MAX_INPUTS) throw new Error('unreachable: selectCoins bounds the inputs');
      await this.store.begin(request);
    }
    return request;
  }

  /**
   * Relays a stored spend and records its outcome. A spend the ledger already applied (ALREADY_EXISTS:
   * a retry) is looked up by its first key image. A definite refusal marks the request refused
   * (its notes unspent again) and is rethrown; an unknown outcome (unreachable, 5xx) leaves it
   * pending for a retry with the same Idempotency-Key.
   */
  private async send(p: Principal, request: PrivateRequest): Promise<PrivateRequest> {
    let relayed: { result: SpendResult; relayedBy?: string };
    try {
      relayed = await this.relayRetrying(request.spend!);
    } catch (err) {
      const code = refusalCode(err);
      if (code === 'ALREADY_EXISTS') {
        const status = await this.ledger.keyImageStatus(p, request.keyImages[0]);
        if (!status.spent || !status.txId) throw err;
        const record = await this.ledger.getTransaction(p, status.txId);
        relayed = { result: { txId: record.txId, batchId: record.batchId, keyImages: request.keyImages, outputs: record.outputs } };
      } else {
        if (code !== undefined && code !== 'LEDGER_CONFLICT') await this.store.finish(request, { status: 'refused' });
        throw err;
      }
    }
    await this.store.queueSeal(relayed.result.batchId);
    return this.store.finish(request, { status: 'done', result: { txId: relayed.result.txId, batchId: relayed.result.batchId, outputs: relayed.result.outputs, ...(relayed.relayedBy ? { relayedBy: relayed.relayedBy } : {}) } });
  }

  /**
   * Relays `spend`, again (a new proposal, possibly another relayer) up to RELAY_ATTEMPTS times
   * while the ledger answers that nothing was applied for a passing reason: a read conflict with
   * concurrent transactions, or a batch sealed under a proposal timed just before the seal.
   */
  private async relayRetrying(spend: SignedSpend): Promise<{ result: SpendResult; relayedBy?: string }> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await this.relay.relay(spend);
      } catch (err) {
        const code = refusalCode(err) ?? (err instanceof LedgerConflictError ? 'LEDGER_CONFLICT' : undefined);
        const passing = code === 'LEDGER_CONFLICT' || (code === 'FAILED_PRECONDITION' && /batch .*sealed/.test((err as Error).message));
        if (!passing || attempt >= RELAY_ATTEMPTS) throw err;
      }
    }
  }

  /** Submits a spend relayed to this gateway (POST /v1/private/relay) under its relayer of `mspId` (any when undefined). */
  async submitRelayed(spend: SignedSpend, mspId?: string): Promise<SpendResult> {
    const relayer = this.relayer(mspId);
    if (!relayer) throw new HttpProblem(problem(409, 'FAILED_PRECONDITION', 'this gateway holds no relayer identity'));
    const result = await this.ledger.spend(relayer, spend);
    await this.store.queueSeal(result.batchId);
    return result;
  }

  /**
   * The inclusion proof of private transaction `txId` in its batch (notes:inclusionProof); when the
   * batch is not sealed yet but its window has ended, seals it first. 409 FAILED_PRECONDITION with
   * `retryAfter` (seconds) while its window is open.
   */
  async inclusionProof(p: Principal, txId: string) {
    try {
      return await this.ledger.inclusionProof(p, txId);
    } catch (err) {
      if (!(err instanceof ChaincodeError) || err.code !== 'FAILED_PRECONDITION') throw err;
      const record = await this.ledger.getTransaction(p, txId);
      const { batchSeconds } = await this.settings(p);
      const wait = (Number(record.batchId) + 1) * batchSeconds - Date.now() / 1000;
      const relayer = this.relayer() ?? p;
      if (wait > 0 || !(await this.sealer.seal(relayer, record.batchId))) {
        throw new HttpProblem(problem(409, 'FAILED_PRECONDITION', `batch ${record.batchId} is not sealed yet: retry after ${Math.max(1, Math.ceil(wait))} s`), true);
      }
      return this.ledger.inclusionProof(p, txId);
    }
  }

  private answer(request: PrivateRequest): PrivateAnswer {
    const r = request.result!;
    return {
      txId: r.txId,
      batchId: r.batchId,
      amount: request.amount,
      change: request.change,
      ...(r.relayedBy ? { relayedBy: r.relayedBy } : {}),
      notes: r.outputs.map((o) => ({ oneTimePublicKey: o.output.oneTimePublicKey, denomination: o.denomination })),
    };
  }
}
