import { KeyObject, X509Certificate, createPrivateKey, sign, verify } from 'node:crypto';
import { canonicalBytes, parseSignature, tpcStateBytes, accountOfCertificate } from '@covenant/chaincode';
import type { TpcState } from '@covenant/chaincode';
import type { ChaincodeClient } from '../ledger/chaincode';
import type { IdentityStore, Principal } from '../identity/store';
import { HttpProblem, problem } from '../http/problem';
import { OffchainChannel, OffchainStore, SignedState } from './offchain-store';
import type { PeerDirectory } from './peers';

/**
 * The off-chain half of the payment channels of "Research on Multiparty Payment Technology Based
 * on Blockchain and Smart Contract Mechanism" (J. Math. 2022, section 3), between the parties'
 * gateways. The paper's messages travel as HTTP POSTs to the other party's gateway at
 * `/v1/offchain`:
 *   tpc-create → tpc-agree | tpc-reject   (opening state, version 0)
 *   tpc-update → tpc-agree | tpc-reject   (a payment: version + 1)
 *   tpc-close  → tpc-agree | tpc-reject   (final state for a cooperative close)
 *   tpc-sync   → the latest state both signed (recovery after a crash)
 * Each carries the sender's signature over the exact bytes the chaincode verifies
 * (tpcStateBytes), checked against the sender's certificate on the ledger; a reject is a
 * problem+json answer. A gateway countersigns only states that conserve the channel, follow its
 * latest agreed version by one, and never lower its own user's balance (money leaves a user only
 * by that user's own request to its own gateway). It stores the fully signed state before it
 * answers, and writes its own proposal before sending it, so a crash never loses an agreed state.
 */
export interface ChannelMessage {
  type: 'tpc-create' | 'tpc-update' | 'tpc-close' | 'tpc-sync' | 'mpc-query' | 'mpc-sign';
  /** Two-party messages: the channel; multiparty messages: the multiparty channel. */
  channel: string;
  from: string;
  to: string;
  /** tpc-create: the parties in channel order. */
  parties?: [string, string];
  state?: { version: number; balances: [string, string]; final: boolean };
  /** tpc-sync, mpc-query: when the request was made (ISO), signed to prove the sender is a party. */
  at?: string;
  /** mpc-query, mpc-sign: the multiparty channel's parties and member channels. */
  members?: { parties: string[]; channels: string[] };
  /** mpc-sign: the multiparty state to sign. */
  mpcState?: { version: number; channels: { channel: string; version: number; balances: [string, string] }[]; final: boolean };
  signature: string;
}

export interface Faults {
  /** Called after the other side agreed, before the agreed state is stored: a crash point. */
  afterAgreeBeforeStore?: (channel: string) => void;
}

const SYNC_DOMAIN = 'covenant/tpc-sync/v1';
const SYNC_WINDOW_MS = 5 * 60_000;
const CERTIFICATE_TTL_MS = 5 * 60_000;

const refuse = (status: number, code: 'INVALID_ARGUMENT' | 'FORBIDDEN' | 'FAILED_PRECONDITION' | 'NOT_FOUND', detail: string) =>
  new HttpProblem(problem(status, code, detail));

function stateOf(id: string, s: { version: number; balances: [string, string]; final: boolean }): TpcState {
  return { channel: id, version: s.version, balances: [BigInt(s.balances[0]), BigInt(s.balances[1])], final: s.final };
}

const privateKeys = new WeakMap<Principal, KeyObject>();

/** The principal's ECDSA P-256 / SHA-256 signature over `bytes`, base64 DER. */
function signBytes(principal: Principal, bytes: Uint8Array): string {
  let key = privateKeys.get(principal);
  if (!key) privateKeys.set(principal, (key = createPrivateKey(principal.identity.privateKey)));
  return sign('sha256', bytes, { key, dsaEncoding: 'der' }).toString('base64');
}

export class ChannelService {
  private readonly locks = new Map<string, Promise<unknown>>();
  private readonly accountOf = new Map<string, Principal>();
  private readonly accountIds = new Map<Principal, string>();
  /** Certificates read from the ledger, by account: they change only when an identity renews. */
  private readonly certificates = new Map<string, { mspId: string; certificate: string; publicKey: KeyObject; readAt: number }>();

  constructor(
    private readonly chaincode: ChaincodeClient,
    identities: IdentityStore,
    private readonly store: OffchainStore,
    private readonly peers: PeerDirectory,
    private readonly faults: Faults = {},
  ) {
    for (const p of identities.principals) {
      const id = accountOfCertificate(p.mspId, p.identity.certificate);
      this.accountOf.set(id, p);
      this.accountIds.set(p, id);
    }
  }

  /** The account id of a principal of this gateway. */
  accountIdOf(principal: Principal): string {
    const id = this.accountIds.get(principal);
    if (!id) throw new Error(`principal ${principal.name} unknown to the channel service`);
    return id;
  }

  // ------------------------------------------------------------------ user requests

  /** Opens a channel: both sign version 0 off-chain, then the opener submits openChannel. */
  async open(principal: Principal, req: { id: string; counterparty: string; deposit: string; counterpartyDeposit: string }): Promise<unknown> {
    const self = this.accountIdOf(principal);
    if (req.counterparty === self) throw refuse(400, 'INVALID_ARGUMENT', 'a channel needs two different parties');
    const parties: [string, string] = [self, req.counterparty];
    const state = { version: 0, balances: [req.deposit, req.counterpartyDeposit] as [string, string], final: false };
    return this.locked(req.id, async () => {
      if (await this.store.get(req.id, self)) throw refuse(409, 'FAILED_PRECONDITION', `channel ${req.id} is already known to this gateway`);
      const mine = signBytes(principal, tpcStateBytes(stateOf(req.id, state)));
      const theirs = await this.send(principal, { type: 'tpc-create', channel: req.id, from: self, to: req.counterparty, parties, state, signature: mine });
      const signatures: [string, string] = [mine, theirs];
      const view = await this.chaincode.submit(principal, 'channels:openChannel', [
        JSON.stringify({ id: req.id, parties, deposits: state.balances, signatures }),
      ]);
      await this.store.put({ id: req.id, parties, self: 0, latest: { ...state, signatures }, updatedAt: '' });
      return view;
    });
  }

  /** Pays `amount` to the other party off-chain: a new version both sign; nothing on the ledger. */
  async pay(principal: Principal, id: string, amount: bigint): Promise<{ channel: string; version: number; balances: [string, string]; amount: string }> {
    return this.locked(id, async () => {
      const c = await this.own(principal, id);
      const other = (1 - c.self) as 0 | 1;
      const balances = c.latest.balances.map(BigInt) as [bigint, bigint];
      if (balances[c.self] < amount) {
        throw new HttpProblem(problem(422, 'INSUFFICIENT_FUNDS', `channel ${id} holds ${balances[c.self]} for the payer, ${amount} needed`));
      }
      balances[c.self] -= amount;
      balances[other] += amount;
      const state = { version: c.latest.version + 1, balances: balances.map(String) as [string, string], final: false };
      const latest = await this.propose(principal, c, 'tpc-update', state);
      return { channel: id, version: latest.version, balances: latest.balances, amount: amount.toString() };
    });
  }

  /** Cooperative close: both sign a final state with the latest balances; then closeChannel on-chain. */
  async close(principal: Principal, id: string): Promise<unknown> {
    return this.locked(id, async () => {
      const c = await this.own(principal, id);
      const state = { version: c.latest.version + 1, balances: c.latest.balances, final: true };
      const latest = await this.propose(principal, c, 'tpc-close', state);
      return this.chaincode.submit(principal, 'channels:closeChannel', [id, stateJson(latest), JSON.stringify(latest.signatures)]);
    });
  }

  /** Puts the latest state both signed on the ledger (checkpoint, start or challenge a unilateral close). */
  async onChain(principal: Principal, id: string, fn: 'checkpoint' | 'startClose' | 'challengeClose'): Promise<unknown> {
    return this.locked(id, async () => {
      const c = await this.own(principal, id);
      return this.chaincode.submit(principal, `channels:${fn}`, [id, stateJson(c.latest), JSON.stringify(c.latest.signatures)]);
    });
  }

  /** The latest state both parties signed, as this gateway holds it. */
  async latest(principal: Principal, id: string): Promise<SignedState> {
    return this.locked(id, async () => (await this.own(principal, id)).latest);
  }

  // ------------------------------------------------------------------ other gateways' messages

  /**
   * Handles a message from another party's gateway; returns the countersignature or the state.
   * While this gateway is itself working on the channel (its own user's proposal in flight), a
   * proposal from the other side is refused at once (409, retry) rather than queued: two
   * gateways each waiting for the other would otherwise deadlock on simultaneous payments.
   */
  async receive(m: ChannelMessage): Promise<unknown> {
    if ((m.type === 'tpc-update' || m.type === 'tpc-close' || m.type === 'tpc-create') && this.locks.has(m.channel)) {
      throw new HttpProblem(problem(409, 'FAILED_PRECONDITION', `channel ${m.channel} has a proposal in progress on this side: retry`), true);
    }
    return this.handle(m, true);
  }

  private async handle(m: ChannelMessage, lock: boolean): Promise<any> {
    const principal = this.accountOf.get(m.to);
    if (!principal) throw refuse(404, 'NOT_FOUND', `account ${m.to} is not served by this gateway`);
    if (m.type === 'mpc-query' || m.type === 'mpc-sign') {
      if (!this.multiparty) throw refuse(404, 'NOT_FOUND', 'multiparty channels are not served here');
      return this.multiparty.handle(principal, m);
    }
    const senderKey = await this.certificate(principal, m.from);
    if (m.type === 'tpc-sync') {
      const at = Date.parse(m.at ?? '');
      if (!(Math.abs(Date.now() - at) < SYNC_WINDOW_MS)) throw refuse(400, 'INVALID_ARGUMENT', 'tpc-sync needs a current `at`');
      this.verify(senderKey, canonicalBytes({ domain: SYNC_DOMAIN, channel: m.channel, from: m.from, at: m.at }), m.signature, m.from);
      const c = await this.store.get(m.channel, m.to);
      if (!c || c.parties[1 - c.self] !== m.from) throw refuse(404, 'NOT_FOUND', `no channel ${m.channel} with ${m.from}`);
      return { type: 'tpc-state', state: c.latest };
    }
    if (!m.state) throw refuse(400, 'INVALID_ARGUMENT', `${m.type} needs a state`);
    const state = m.state;
    this.verify(senderKey, tpcStateBytes(stateOf(m.channel, state)), m.signature, m.from);
    const work = async () => {
      if (m.type === 'tpc-create') return this.agreeCreate(principal, m, state);
      const known = await this.store.get(m.channel, m.to);
      if (!known || known.parties[known.self] !== m.to || known.parties[1 - known.self] !== m.from) throw refuse(404, 'NOT_FOUND', `no channel ${m.channel} between ${m.from} and ${m.to}`);
      const c = await this.usable(principal, known);
      checkNext(c, state, m.type === 'tpc-close');
      const mine = signBytes(principal, tpcStateBytes(stateOf(c.id, state)));
      const signatures: [string, string] = c.self === 0 ? [mine, m.signature] : [m.signature, mine];
      await this.store.put({ ...c, latest: { ...state, signatures }, pending: undefined });
      return { type: 'tpc-agree' as const, signature: mine };
    };
    // A message between two users of this gateway arrives inside the sender's own lock.
    return lock ? this.locked(m.channel, work) : work();
  }

  /** After a restart: asks the other side about every proposal that was sent but not stored. */
  async recover(): Promise<number> {
    let recovered = 0;
    for (const c of await this.store.withPending()) {
      const principal = this.accountOf.get(c.parties[c.self]);
      if (!principal) continue;
      try {
        await this.locked(c.id, async () => {
          if (await this.sync(principal, c)) recovered += 1;
        });
      } catch {
        /* the other gateway is unreachable: try again at the next request on this channel */
      }
    }
    return recovered;
  }

  // ------------------------------------------------------------------ for the multiparty protocol

  /** The multiparty protocol handler (multiparty.ts) that mpc-* messages go to. */
  multiparty?: { handle(principal: Principal, m: ChannelMessage): Promise<unknown> };

  principalFor(account: string): Principal | undefined {
    return this.accountOf.get(account);
  }

  signFor(principal: Principal, bytes: Uint8Array): string {
    return signBytes(principal, bytes);
  }

  /** FORBIDDEN unless `signature` is `account`'s signature over `bytes`. */
  async checkSignature(principal: Principal, account: string, bytes: Uint8Array, signature: string): Promise<void> {
    this.verify(await this.certificate(principal, account), bytes, signature, account);
  }

  /** Sends a message to the gateway serving `m.to` (this one included) and returns its answer. */
  exchange(principal: Principal, m: ChannelMessage): Promise<unknown> {
    return this.deliver(principal, m);
  }

  /** Marks `party`'s record of a two-party channel bound to a multiparty channel, or released. */
  async bind(id: string, party: string, boundTo: string | undefined): Promise<void> {
    const c = await this.store.get(id, party);
    if (c) await this.store.put({ ...c, boundTo, rebase: boundTo === undefined ? true : c.rebase });
  }

  /** The latest agreed off-chain version of `party`'s channel, if this gateway holds one. */
  async agreedVersion(id: string, party: string): Promise<number | undefined> {
    return (await this.store.get(id, party))?.latest.version;
  }

  // ------------------------------------------------------------------ internals

  private async agreeCreate(principal: Principal, m: ChannelMessage, state: NonNullable<ChannelMessage['state']>) {
    if (!m.parties || m.parties[0] !== m.from || m.parties[1] !== m.to) throw refuse(400, 'INVALID_ARGUMENT', 'tpc-create parties must be [from, to]');
    if (state.version !== 0 || state.final) throw refuse(400, 'INVALID_ARGUMENT', 'an opening state is version 0 and not final');
    const existing = await this.store.get(m.channel, m.to);
    // The same opening proposed again (the opener's on-chain submission failed) is signed again;
    // anything else under a known id is refused.
    const same = existing && existing.latest.version === 0 && existing.parties.join() === m.parties.join() && existing.latest.balances.join() === state.balances.join();
    if (existing && !same) throw refuse(409, 'FAILED_PRECONDITION', `channel ${m.channel} already exists`);
    const mine = signBytes(principal, tpcStateBytes(stateOf(m.channel, state)));
    if (m.to === m.from) throw refuse(400, 'INVALID_ARGUMENT', 'a channel needs two different parties');
    await this.store.put({ id: m.channel, parties: m.parties, self: 1, latest: { ...state, signatures: [m.signature, mine] }, updatedAt: '' });
    return { type: 'tpc-agree' as const, signature: mine };
  }

  /** Writes the proposal, sends it, verifies the countersignature and stores the agreed state. */
  private async propose(principal: Principal, c: OffchainChannel, type: 'tpc-update' | 'tpc-close', state: { version: number; balances: [string, string]; final: boolean }): Promise<SignedState> {
    const mine = signBytes(principal, tpcStateBytes(stateOf(c.id, state)));
    await this.store.put({ ...c, pending: state });
    const other = c.parties[1 - c.self];
    let theirs: string;
    try {
      theirs = await this.send(principal, { type, channel: c.id, from: c.parties[c.self], to: other, state, signature: mine });
    } catch (err) {
      // A refusal means the proposal was not countersigned: forget it. Anything else leaves it
      // pending for recovery.
      if (err instanceof HttpProblem && err.problem.status < 500) await this.store.put({ ...c, pending: undefined });
      throw err;
    }
    this.verify(await this.certificate(principal, other), tpcStateBytes(stateOf(c.id, state)), theirs, other);
    this.faults.afterAgreeBeforeStore?.(c.id);
    const signatures: [string, string] = c.self === 0 ? [mine, theirs] : [theirs, mine];
    const latest: SignedState = { ...state, signatures };
    await this.store.put({ ...c, latest, pending: undefined });
    return latest;
  }

  /** The caller's channel, recovered first if a proposal is pending. */
  private async own(principal: Principal, id: string): Promise<OffchainChannel> {
    const self = this.accountIdOf(principal);
    let c = await this.store.get(id, self);
    if (!c || c.parties[c.self] !== self) throw refuse(404, 'NOT_FOUND', `channel ${id} is not one of the caller's channels at this gateway`);
    if (c.pending) {
      await this.sync(principal, c);
      c = (await this.store.get(id, self))!;
    }
    return this.usable(principal, c);
  }

  /**
   * A channel that can take a two-party update: not bound to a multiparty channel, and, once
   * released by one, rebased on the state the multiparty channel left on the ledger.
   */
  private async usable(principal: Principal, c: OffchainChannel): Promise<OffchainChannel> {
    if (!c.boundTo && !c.rebase) return c;
    // The ledger decides: a binding whose multiparty channel never opened, or has closed, lapses.
    const onLedger = await this.chaincode.evaluate<{ version: number; balances: [string, string]; busy: string | null }>(principal, 'channels:getChannel', [c.id]);
    if (onLedger.busy) throw refuse(409, 'FAILED_PRECONDITION', `channel ${c.id} is bound to multiparty channel ${onLedger.busy}`);
    const rebased: OffchainChannel =
      onLedger.version > c.latest.version
        ? { ...c, boundTo: undefined, rebase: undefined, latest: { version: onLedger.version, balances: onLedger.balances, final: false, signatures: ['', ''] } }
        : { ...c, boundTo: undefined, rebase: undefined };
    await this.store.put(rebased);
    return rebased;
  }

  /** Adopts the other side's latest state when it is newer and signed by both. */
  private async sync(principal: Principal, c: OffchainChannel): Promise<boolean> {
    const self = c.parties[c.self];
    const other = c.parties[1 - c.self];
    const at = new Date().toISOString();
    const signature = signBytes(principal, canonicalBytes({ domain: SYNC_DOMAIN, channel: c.id, from: self, at }));
    const answer = (await this.deliver(principal, { type: 'tpc-sync', channel: c.id, from: self, to: other, at, signature })) as { state: SignedState };
    const theirs = answer.state;
    let adopted = false;
    if (theirs.version > c.latest.version) {
      const bytes = tpcStateBytes(stateOf(c.id, theirs));
      this.verify(await this.certificate(principal, c.parties[0]), bytes, theirs.signatures[0], c.parties[0]);
      this.verify(await this.certificate(principal, c.parties[1]), bytes, theirs.signatures[1], c.parties[1]);
      const sum = (s: { balances: [string, string] }) => BigInt(s.balances[0]) + BigInt(s.balances[1]);
      if (sum(theirs) !== sum(c.latest)) throw refuse(409, 'FAILED_PRECONDITION', `channel ${c.id}: the other side's state does not conserve the channel`);
      await this.store.put({ ...c, latest: theirs, pending: undefined });
      adopted = true;
    } else {
      await this.store.put({ ...c, pending: undefined });
    }
    return adopted;
  }

  private async send(principal: Principal, m: ChannelMessage): Promise<string> {
    const answer = (await this.deliver(principal, m)) as { type: string; signature?: string };
    if (answer.type !== 'tpc-agree' || !answer.signature) throw refuse(409, 'FAILED_PRECONDITION', `the other gateway answered ${answer.type}`);
    return answer.signature;
  }

  /** Delivers a message to the gateway serving `m.to`: this one, or a peer gateway over HTTP. */
  private async deliver(principal: Principal, m: ChannelMessage): Promise<unknown> {
    if (this.accountOf.has(m.to)) return this.handle(m, false);
    const { mspId } = await this.account(principal, m.to);
    const url = this.peers.url(mspId);
    if (!url) throw new HttpProblem(problem(503, 'LEDGER_UNAVAILABLE', `no gateway known for ${mspId} (set --peers)`));
    let res: Response;
    try {
      res = await fetch(`${url}/v1/offchain`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(m),
        signal: AbortSignal.timeout(15_000),
      });
    } catch (err) {
      throw new HttpProblem(problem(503, 'LEDGER_UNAVAILABLE', `the gateway of ${mspId} is unreachable: ${(err as Error).message}`));
    }
    const body = (await res.json().catch(() => ({}))) as { detail?: string; code?: string };
    if (!res.ok) {
      const code = res.status === 403 ? 'FORBIDDEN' : res.status === 404 ? 'NOT_FOUND' : res.status === 400 ? 'INVALID_ARGUMENT' : 'FAILED_PRECONDITION';
      const status = res.status >= 500 ? 503 : res.status === 422 ? 409 : res.status;
      const transient = status === 503 || /: retry$/.test(body.detail ?? '');
      throw new HttpProblem(problem(status, status === 503 ? 'LEDGER_UNAVAILABLE' : code, `the gateway of ${mspId} refused ${m.type}: ${body.detail ?? res.statusText}`), transient);
    }
    return body;
  }

  private async certificate(principal: Principal, account: string): Promise<KeyObject> {
    return (await this.account(principal, account)).publicKey;
  }

  /** An account's MSP ID and certificate (public key) from the ledger, kept for CERTIFICATE_TTL_MS. */
  private async account(principal: Principal, account: string): Promise<{ mspId: string; publicKey: KeyObject }> {
    const cached = this.certificates.get(account);
    if (cached && Date.now() - cached.readAt < CERTIFICATE_TTL_MS) return cached;
    const read = await this.chaincode.evaluate<{ mspId: string; certificate: string }>(principal, 'accounts:getCertificate', [account]);
    const entry = { ...read, publicKey: new X509Certificate(read.certificate).publicKey, readAt: Date.now() };
    this.certificates.set(account, entry);
    return entry;
  }

  /** FORBIDDEN unless `signature` is `who`'s ECDSA P-256 signature over `bytes` (as the chaincode checks it). */
  private verify(publicKey: KeyObject, bytes: Uint8Array, signature: string, who: string): void {
    let parsed;
    try {
      parsed = parseSignature(signature);
    } catch {
      throw refuse(403, 'FORBIDDEN', `the signature of ${who} is malformed`);
    }
    let valid = false;
    try {
      valid = verify('sha256', bytes, { key: publicKey, dsaEncoding: parsed.encoding }, parsed.bytes);
    } catch {
      valid = false;
    }
    if (!valid) throw refuse(403, 'FORBIDDEN', `the signature of ${who} does not verify`);
  }

  private locked<T>(id: string, work: () => Promise<T>): Promise<T> {
    const previous = this.locks.get(id) ?? Promise.resolve();
    const run = previous.then(work, work);
    const tail = run.catch(() => undefined);
    this.locks.set(id, tail);
    void tail.then(() => {
      if (this.locks.get(id) === tail) this.locks.delete(id);
    });
    return run;
  }
}

/** The rules for countersigning the next state of a channel (tpc-update, tpc-close). */
function checkNext(c: OffchainChannel, state: { version: number; balances: [string, string]; final: boolean }, closing: boolean): void {
  if (state.version !== c.latest.version + 1) {
    throw refuse(409, 'FAILED_PRECONDITION', `channel ${c.id}: version ${state.version} does not follow the agreed version ${c.latest.version}`);
  }
  if (c.latest.final) throw refuse(409, 'FAILED_PRECONDITION', `channel ${c.id} is closed`);
  if (state.final !== closing) throw refuse(400, 'INVALID_ARGUMENT', closing ? 'a closing state must be final' : 'a payment state must not be final');
  const next = state.balances.map((b) => (/^(0|[1-9][0-9]*)$/.test(b) ? BigInt(b) : -1n));
  const prev = c.latest.balances.map(BigInt);
  if (next.some((b) => b < 0n)) throw refuse(400, 'INVALID_ARGUMENT', 'balances must be non-negative decimal strings');
  if (next[0] + next[1] !== prev[0] + prev[1]) throw refuse(400, 'INVALID_ARGUMENT', `channel ${c.id}: the state does not conserve the channel total`);
  if (next[c.self] < prev[c.self]) throw refuse(403, 'FORBIDDEN', `channel ${c.id}: the state lowers this party's balance without its request`);
  if (closing && (next[0] !== prev[0] || next[1] !== prev[1])) throw refuse(409, 'FAILED_PRECONDITION', 'a closing state must keep the agreed balances');
}

function stateJson(s: SignedState): string {
  return JSON.stringify({ version: s.version, balances: s.balances, final: s.final });
}
