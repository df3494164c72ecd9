/**
 * The one error the envelopes module throws, with a stable code:
 * - `ENVELOPE_OPEN_FAILED`: `open` could not open the envelope: not sealed for this reader key,
 *   another context (moved or replayed), altered bytes, or not an envelope at all. The message is
 *   the same for every cause, so a failure tells nothing about which part was wrong.
 * - `ENVELOPE_SEAL_FAILED`: `seal` was given a reader key that is not a P-256 point on the curve,
 *   a kid that is not that key's id, a malformed context, or a plaintext over the size limit.
 */
export type EnvelopeErrorCode = 'ENVELOPE_OPEN_FAILED' | 'ENVELOPE_SEAL_FAILED';

export class EnvelopeError extends Error {
  constructor(
    readonly code: EnvelopeErrorCode,
    detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'EnvelopeError';
  }
}

/** The uniform failure of `open`. */
export const openFailed = () => new EnvelopeError('ENVELOPE_OPEN_FAILED', 'the envelope cannot be opened with this key in this context');
