import type { ErrorCode } from '@covenant/chaincode';

/**
 * Why the off-chain protocol refuses a request or a message, as a stable code shared with the
 * chaincode's (DESIGN.md, "Chaincode rules"): INVALID_ARGUMENT (malformed), FORBIDDEN (a signature
 * or the user's consent is missing), NOT_FOUND, FAILED_PRECONDITION (the channel or proposal is
 * not in a state that allows it), INSUFFICIENT_FUNDS. The protocol knows nothing of HTTP: the
 * HTTP layer maps a refusal to a problem (http/problem.ts, toProblem).
 */
export type RefusalCode = Exclude<ErrorCode, 'ALREADY_EXISTS'>;

/** A refusal by the channel protocol: a stable `code` and a human-readable `detail`. */
export class ChannelRefusal extends Error {
  /**
   * @param transient the same request may succeed if simply sent again (the other side was busy
   *   with the same channel): such an answer is not kept for Idempotency-Key replays.
   */
  constructor(
    readonly code: RefusalCode,
    readonly detail: string,
    readonly transient = false,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'ChannelRefusal';
  }
}

/** A {@link ChannelRefusal} to throw. */
export const refuse = (code: RefusalCode, detail: string, transient = false): ChannelRefusal => new ChannelRefusal(code, detail, transient);
