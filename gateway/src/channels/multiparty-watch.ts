import type { MultipartyView } from '@covenant/chaincode';
import type { EventCheckpoint, Ledger, SigningIdentity } from '../ledger/port';
import { splitAudience } from '../events/audience';

/** The events that register a multiparty state for a unilateral close. */
const REGISTRATIONS: ReadonlySet<string> = new Set(['MultipartyCloseStarted', 'MultipartyChallenged', 'MultipartyExited']);
/** Wait before subscribing again after the event stream failed. */
const RETRY_MS = 1000;

/** The part of the gateway's logger (pino) the watch uses. */
export interface WarnLog {
  warn(obj: object, msg: string): void;
}

/**
 * Watches the chaincode events for registrations of a multiparty state (a unilateral close, its
 * challenge, an exit with the recorded state) and hands each registered view to `answer`, which
 * challenges with a newer all-signed state when this gateway holds one for a party it serves
 * (MultipartyService.answerRegistration): a party whose gateway runs needs no action of its own to
 * defeat a stale registration. One subscription (as `identity`, any identity of this gateway: the
 * ledger delivers every event; `answer` decides for which parties to act), resumed after the last
 * event seen when it fails, until `signal` aborts. Answers run one after another.
 */
export function watchMultipartyRegistrations(
  ledger: Ledger,
  identity: SigningIdentity,
  answer: (view: MultipartyView) => Promise<void>,
  signal: AbortSignal,
  log: WarnLog,
): Promise<void> {
  let after: EventCheckpoint | undefined;
  const loop = async (): Promise<void> => {
    while (!signal.aborted) {
      try {
        for await (const e of ledger.chaincodeEvents(identity, { after, from: 'now', signal })) {
          after = { blockNumber: e.blockNumber, txId: e.txId };
          if (!REGISTRATIONS.has(e.name)) continue;
          const view = (JSON.parse(splitAudience(e.payload).data) as { multiparty?: MultipartyView }).multiparty;
          if (view) await answer(view).catch((err: unknown) => log.warn({ err, multiparty: view.id }, 'answering a multiparty registration failed'));
        }
      } catch (err) {
        if (signal.aborted) return;
        log.warn({ err }, 'multiparty registration watch: the event stream failed; subscribing again');
      }
      if (signal.aborted) return;
      await new Promise((resolve) => setTimeout(resolve, RETRY_MS));
    }
  };
  return loop();
}
