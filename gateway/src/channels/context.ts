import type { ChaincodeClient } from '../ledger/chaincode';
import type { KeyedLocks } from './locks';
import type { MessageHandler, OffchainMessenger } from './messenger';
import type { Principal } from '../identity/store';
import { ChannelMessage, OffchainAnswer, StateJson, refuse, tpcBytes, verifySignature } from './protocol';
import type { ChannelRecords } from './records';

/** Crash points for tests of the channel protocol. */
export interface Faults {
  /** Called after the other side agreed, before the agreed state is stored: a crash point. */
  afterAgreeBeforeStore?: (channel: string) => void;
  /**
   * Called after a step of a routed payment (its multiparty channel opened, or its update made or
   * refused), before the next: a crash point. A throw leaves the route as a crash at that moment
   * would: no close, the route journal as written.
   */
  afterRouteStep?: (multiparty: string, stage: 'opened' | 'paid' | 'failed') => void;
  /**
   * Called before this gateway decides an htlc-update the other side proposed for `account`: a
   * throw (a ChannelRefusal) answers it as that user's refusal would (htlc-relay.ts).
   */
  beforeHtlcDecision?: (account: string, kind: 'add' | 'fulfill' | 'fail') => void;
  /** Called after a payer's first HTLCs are added, before the request waits for them to settle: a crash point (htlc-payments.ts). */
  afterHtlcsAdded?: (payment: string) => void;
  /** Called after a waiting payment is stored, before the request is answered 202: a crash point (pending-payments.ts). */
  afterPendingStored?: (id: string) => void;
  /**
   * Called when an mpc-commit for `account` arrives, before the state is verified and stored: a
   * throw answers it as a crash there would (nothing stored), the gateway missing that commit.
   */
  beforeMpcCommitStore?: (multiparty: string, account: string) => void;
}

/** What the two-party protocol's parts (openings.ts, updates.ts) share. */
export interface TwoPartyContext {
  chaincode: ChaincodeClient;
  records: ChannelRecords;
  messenger: OffchainMessenger;
  /** Per-channel locks: one request or message at a time works on a channel. */
  locks: KeyedLocks;
  faults: Faults;
}

type SenderHandler = (principal: Principal, m: ChannelMessage, certificate: string) => Promise<OffchainAnswer>;

/**
 * A two-party message handler: reads the sender's certificate, then runs `run` — inside the
 * channel's lock when the message came from another gateway (`exclusive`); a message between two
 * users of this gateway arrives inside the sender's own lock.
 */
export function fromSender(ctx: TwoPartyContext, run: SenderHandler, exclusive = true): MessageHandler {
  return async (principal, m, remote) => {
    const certificate = await ctx.messenger.certificate(principal, m.from);
    const work = () => run(principal, m, certificate);
    return remote && exclusive ? ctx.locks.run(m.channel, work) : work();
  };
}

/**
 * A handler of a message carrying a channel state the sender signed (tpc-create, tpc-accept,
 * tpc-update, tpc-close): INVALID_ARGUMENT without a state, FORBIDDEN unless the sender's
 * signature over the state's bytes verifies; then {@link fromSender}.
 */
export function withSignedState(ctx: TwoPartyContext, run: (principal: Principal, m: ChannelMessage, state: StateJson) => Promise<OffchainAnswer>): MessageHandler {
  return fromSender(ctx, async (principal, m, certificate) => {
    if (!m.state) throw refuse('INVALID_ARGUMENT', `${m.type} needs a state`);
    verifySignature(certificate, tpcBytes(m.channel, m.state), m.signature, m.from);
    return run(principal, m, m.state);
  });
}
