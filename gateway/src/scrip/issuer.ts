import { ERROR_CODES, holderCommitment, parseSignature, requestDigest, scripBytes, serialOf, verifyWithP256Point } from '@covenant/chaincode';
import type { ErrorCode, ScripView, SeriesView, SwapAuthorizations } from '@covenant/chaincode';
import type { GatewayDb } from '../gateway-db';
import type { ChaincodeClient } from '../ledger/chaincode';
import { ChaincodeError } from '../ledger/port';
import { TransactionJournal, journalContext } from '../ledger/journal';
import type { IdentityStore, Principal } from '../identity/store';
import { accountIdOf, signAs } from '../identity/signing';
import { KeyedLocks } from '../channels/locks';
import { kidOfPublicKey, open, p256PointOf, seal } from '../envelopes';
import type { ScripAnswer, ScripMessage } from './protocol';
import { ServedSeriesStore } from './served-series';
import { IssuerRequestStore, ScripDone } from './issuer-requests';
import { IssuerPart, checkIssuerPart, refusal } from './issuer-policy';
import { logContext, receiptContext, receiptOf, receiptText, sealedContext } from './envelope-contexts';

/**
 * The issuer's side of the scrip protocol (protocol.ts; issue 12, seeds/001 s. 6): a broker or
 * vendor identity held by this gateway countersigns (scrip-sign → scrip-signed) or submits
 * (scrip-submit → scrip-done) swaps of the series it serves (served-series.ts), after the
 * gateway's policy (issuer-policy.ts) and a check of each input's holder signature. Output
 * signatures are ECDSA P-256 by the issuer identity's key over the chaincode's scripBytes; the
 * swap is submitted through the ChaincodeClient as the issuer, journaled by request digest
 * (issuer-requests.ts), so a repeat of an applied request answers the same scrip-done and never
 * applies it twice. Envelopes (envelope-contexts.ts): `sealed` is opened with the issuer's
 * encryption key and kept in the log re-sealed for the issuer; the receipt is sealed to the
 * message's `receiptKey`, and for the log to the customer's account key when the flow names
 * that account and it registered one.
 */

type SpendStatus = { serial: string; status: 'unspent' | 'spent'; scrip?: ScripView; spent?: { txId: string } };
type SwapResult = { txId: string; issued: ScripView[]; spent: string[] };
type LogEntryDigest = { txId: string; digest: string; at: string; inputs: { scrip: { serial: string }[] } };

/** The request of a message was already applied, in transaction `txId` (found while checking). */
class Applied extends Error {
  constructor(readonly txId: string) {
    super(`applied in ${txId}`);
  }
}

export class ScripIssuer {
  /** The series this gateway serves (written by POST /v1/scrip/series). */
  readonly served: ServedSeriesStore;
  private readonly requests: IssuerRequestStore;
  private readonly locks = new KeyedLocks();

  constructor(
    private readonly chaincode: ChaincodeClient,
    private readonly identities: IdentityStore,
    gatewayDb: GatewayDb,
  ) {
    this.served = new ServedSeriesStore(gatewayDb);
    this.requests = new IssuerRequestStore(gatewayDb);
  }

  /** The identity of this gateway whose account id is `account`, or undefined. */
  principalOf(account: string): Principal | undefined {
    return this.identities.principals.find((p) => accountIdOf(p) === account);
  }

  /**
   * Handles one message of the scrip protocol (already shaped by the route's schema). Answers
   * scrip-signed or scrip-done; refusals throw HttpProblem (the chaincode's codes: NOT_FOUND the
   * issuer is not held here or a serial or series is unknown, FORBIDDEN, INVALID_ARGUMENT,
   * DOUBLE_SPEND, SCRIP_EXPIRED, FAILED_PRECONDITION) or the ledger's errors from the submit.
   * Messages with one request digest are handled one at a time.
   */
  async handle(message: ScripMessage): Promise<ScripAnswer> {
    const principal = this.principalOf(message.issuer);
    if (!principal) throw refusal('NOT_FOUND', `this gateway holds no issuer ${message.issuer}`);
    if (message.receiptKey !== undefined && !kidOfPublicKey(message.receiptKey)) throw refusal('INVALID_ARGUMENT', 'receiptKey must be base64url of a 65-byte uncompressed P-256 point on the curve');
    const digest = requestDigest(message.request);
    const hex = digest.toString('hex');
    return this.locks.run(hex, () => (message.type === 'scrip-sign' ? this.sign(principal, message, digest) : this.submit(principal, message, digest)));
  }

  private async sign(principal: Principal, message: ScripMessage, digest: Buffer): Promise<ScripAnswer> {
    const part = await this.check(principal, message, digest);
    const issuers = this.outputSignatures(principal, message, digest, part);
    // An issuer whose scrip is spent but who issues none of the outputs consents in `accounts`
    // (chaincode: "the issuer submits, signs an output or signs in accounts").
    const consent = issuers.length === 0 && part.spendsOwnScrip ? { accounts: [{ account: message.issuer, signature: signAs(principal, digest) }] } : {};
    return { type: 'scrip-signed', issuers, ...consent };
  }

  private async submit(principal: Principal, message: ScripMessage, digest: Buffer): Promise<ScripDone> {
    const hex = digest.toString('hex');
    const stored = await this.requests.answer(hex);
    if (stored) return stored;
    let part: IssuerPart;
    try {
      part = await this.check(principal, message, digest);
    } catch (err) {
      if (err instanceof Applied) return (await this.recover(principal, message, digest, err.txId)) ?? Promise.reject(refusal('ALREADY_EXISTS', `swap request ${hex} was already applied in ${err.txId}`));
      throw err;
    }
    const serials = message.request.outputs.scrip.map((_o, i) => serialOf(digest, i));
    const ours = this.outputSignatures(principal, message, digest, part);
    const others = message.authorizations.issuers.filter((s) => !part.outputs.includes(s.index));
    const envelopes = { ...message.authorizations.envelopes, ...(await this.logEnvelopes(principal, message, hex, serials)) };
    const authorizations: SwapAuthorizations = {
      ...message.authorizations,
      issuers: [...others, ...ours].sort((a, b) => a.index - b.index),
      ...(Object.keys(envelopes).length > 0 ? { envelopes } : {}),
    };
    const journal = new TransactionJournal(await this.requests.journal(hex), (entries) => this.requests.recordJournal(hex, message.issuer, entries), hex);
    let result: SwapResult;
    try {
      result = await journalContext.run(journal, () => this.chaincode.submit<SwapResult>(principal, 'scrip:swap', [JSON.stringify(message.request), JSON.stringify(authorizations)]));
    } catch (err) {
      if (err instanceof ChaincodeError && err.code === 'ALREADY_EXISTS') {
        const recovered = await this.recover(principal, message, digest);
        if (recovered) return recovered;
      }
      throw err;
    } finally {
      journal.close();
    }
    return this.done(message, hex, serials, result);
  }

  /** The scrip-done of an applied swap, with its receipt; stored for repeats. */
  private async done(message: ScripMessage, hex: string, serials: string[], result: SwapResult): Promise<ScripDone> {
    const { request, issuer, receiptKey } = message;
    const receipt = receiptKey === undefined ? undefined : await seal(receiptKey, kidOfPublicKey(receiptKey)!, receiptContext(request, issuer), receiptText(receiptOf(request, hex, serials, issuer, result.txId)));
    const answer: ScripDone = { type: 'scrip-done', txId: result.txId, issued: result.issued, spent: result.spent, ...(receipt === undefined ? {} : { receipt }) };
    await this.requests.recordAnswer(hex, issuer, answer);
    return answer;
  }

  /**
   * Loads what the policy needs (each input's status and series, each output's series, the
   * served series), checks each input's holder key and signature, then the policy. Throws
   * `Applied` when an input was spent by this very request (a repeat after the swap committed).
   */
  private async check(principal: Principal, message: ScripMessage, digest: Buffer): Promise<IssuerPart> {
    const { request, authorizations, issuer } = message;
    const cache = new Map<string, Promise<SeriesView>>();
    const seriesOf = (id: string) => {
      if (!cache.has(id)) cache.set(id, this.chaincode.evaluate<SeriesView>(principal, 'scrip:getSeries', [id]));
      return cache.get(id)!;
    };
    const holders = new Map(authorizations.holders.map((h) => [h.serial, h]));
    const inputSeries: SeriesView[] = [];
    for (const serial of request.inputs.scrip) {
      const status = await this.chaincode.evaluate<SpendStatus>(principal, 'scrip:getScrip', [serial]);
      if (status.status === 'spent') {
        const txId = status.spent!.txId;
        if (await this.appliedIn(principal, txId, digest.toString('hex'))) throw new Applied(txId);
        throw refusal('DOUBLE_SPEND', `scrip ${serial} was spent in transaction ${txId}`);
      }
      const scrip = status.scrip!;
      const holder = holders.get(serial);
      const point = holder && p256PointOf(holder.publicKey);
      if (!holder || !point) throw refusal('FORBIDDEN', `scrip ${serial} has no valid holder key`);
      if (holderCommitment(point) !== scrip.holder) throw refusal('FORBIDDEN', `the key given for scrip ${serial} is not its holder's`);
      if (!verifyWithP256Point(point, digest, chaincodeRule(() => parseSignature(holder.signature)))) throw refusal('FORBIDDEN', `the holder signature of scrip ${serial} does not verify`);
      inputSeries.push(await seriesOf(scrip.series));
    }
    const outputSeries = await Promise.all(request.outputs.scrip.map((o) => seriesOf(o.series)));
    if (request.inputs.money.some((m) => m.account === issuer)) throw refusal('FORBIDDEN', "a message cannot move the issuer's own money: no money input from its account");
    const served = new Set<string>();
    for (const s of [...inputSeries, ...outputSeries]) if (s.issuer === issuer && (await this.served.serves(s.id, issuer))) served.add(s.id);
    return checkIssuerPart({ type: message.type, issuer, request, inputSeries, outputSeries, served, now: new Date().toISOString() });
  }

  /** The issuer's signatures over its outputs' scrip bytes. */
  private outputSignatures(principal: Principal, message: ScripMessage, digest: Buffer, part: IssuerPart): { index: number; signature: string }[] {
    return part.outputs.map((index) => {
      const o = message.request.outputs.scrip[index];
      return { index, signature: signAs(principal, scripBytes({ serial: serialOf(digest, index), series: o.series, value: BigInt(o.value), holder: o.holder })) };
    });
  }

  /**
   * The log's envelopes this issuer writes: what `sealed` holds, re-sealed for the issuer itself;
   * the receipt for each customer account the flow names (money legs other than the issuer's)
   * that has registered an encryption key. INVALID_ARGUMENT when `sealed` does not open for the
   * issuer.
   */
  private async logEnvelopes(principal: Principal, message: ScripMessage, hex: string, serials: string[]): Promise<Record<string, string>> {
    const { request, issuer, sealed } = message;
    const out: Record<string, string> = {};
    if (sealed !== undefined) {
      const plaintext = await this.openSealed(principal, message, sealed);
      const own = await this.identities.encryptionKeys.current(principal.signingKeyPath!);
      out[issuer] = await seal(own!.publicKey, own!.kid, logContext(hex, issuer, issuer), plaintext);
    }
    const customers = new Set([...request.inputs.money, ...request.outputs.money].map((m) => m.account).filter((a) => a !== issuer));
    const receipt = receiptText(receiptOf(request, hex, serials, issuer));
    for (const account of customers) {
      const key = await this.encryptionKeyOf(principal, account);
      if (key) out[account] = await seal(key.publicKey, key.kid, logContext(hex, issuer, account), receipt);
    }
    return out;
  }

  private async openSealed(principal: Principal, message: ScripMessage, sealed: string): Promise<Uint8Array> {
    const kid = sealed.split('.')[1] ?? '';
    const key = principal.signingKeyPath === undefined ? undefined : await this.identities.encryptionKeys.privateKey(principal.signingKeyPath, kid);
    try {
      if (!key) throw new Error('no key');
      return await open(key, kid, sealedContext(message.request, message.issuer), sealed);
    } catch {
      throw refusal('INVALID_ARGUMENT', `sealed does not open with the encryption key of issuer ${message.issuer} under context scrip-${message.request.flow}`);
    }
  }

  private async encryptionKeyOf(principal: Principal, account: string): Promise<{ publicKey: string; kid: string } | undefined> {
    try {
      return await this.chaincode.evaluate<{ publicKey: string; kid: string }>(principal, 'accounts:getEncryptionKey', [account]);
    } catch (err) {
      if (err instanceof ChaincodeError && err.code === 'NOT_FOUND') return undefined;
      throw err;
    }
  }

  /** True when transaction `txId` is the swap of request digest `hex` (its log entry says so and the issuer may read it). */
  private async appliedIn(principal: Principal, txId: string, hex: string): Promise<boolean> {
    return (await this.logEntry(principal, txId))?.digest === hex;
  }

  private async logEntry(principal: Principal, txId: string): Promise<LogEntryDigest | undefined> {
    try {
      return await this.chaincode.evaluate<LogEntryDigest>(principal, 'scrip:logEntry', [txId]);
    } catch (err) {
      if (err instanceof ChaincodeError && (err.code === 'NOT_FOUND' || err.code === 'FORBIDDEN')) return undefined;
      throw err;
    }
  }

  /**
   * The scrip-done of a request the ledger already applied but this gateway has no answer for (its
   * database lost it, or another gateway submitted it), rebuilt from the log entry and the output
   * scrip: the transaction is `txId` or the one that issued the first output. An output already
   * spent is signed again when it is the issuer's (its issuer signature is a certificate anyone
   * can check, not a secret); undefined when the answer cannot be rebuilt.
   */
  private async recover(principal: Principal, message: ScripMessage, digest: Buffer, txId?: string): Promise<ScripDone | undefined> {
    const hex = digest.toString('hex');
    const serials = message.request.outputs.scrip.map((_o, i) => serialOf(digest, i));
    const statuses = await Promise.all(serials.map((s) => this.chaincode.evaluate<SpendStatus>(principal, 'scrip:getScrip', [s]).catch(() => undefined)));
    const tx = txId ?? statuses.find((s) => s?.scrip)?.scrip?.txId;
    const entry = tx === undefined ? undefined : await this.logEntry(principal, tx);
    if (!entry || entry.digest !== hex) return undefined;
    const issued: ScripView[] = [];
    for (const [index, o] of message.request.outputs.scrip.entries()) {
      const live = statuses[index]?.scrip;
      if (live) {
        issued.push(live);
        continue;
      }
      const series = await this.chaincode.evaluate<SeriesView>(principal, 'scrip:getSeries', [o.series]);
      if (series.issuer !== message.issuer) return undefined;
      const scrip = { serial: serials[index], series: o.series, value: BigInt(o.value), holder: o.holder };
      issued.push({ ...scrip, value: o.value, issuerSignature: signAs(principal, scripBytes(scrip)), issuedAt: entry.at, txId: entry.txId });
    }
    return this.done(message, hex, serials, { txId: entry.txId, issued, spent: entry.inputs.scrip.map((s) => s.serial) });
  }
}

/** Runs a chaincode-side parser, turning its coded refusal into a gateway refusal with the same code. */
function chaincodeRule<T>(work: () => T): T {
  try {
    return work();
  } catch (err) {
    const code = (err as { code?: unknown }).code;
    if (typeof code === 'string' && (ERROR_CODES as readonly string[]).includes(code)) throw refusal(code as ErrorCode, (err as Error).message);
    throw err;
  }
}

