/**
 * The signer's refusals: a stable code and its HTTP status, thrown by the core (core.ts), answered
 * by the HTTP server as JSON `{code, message}` (http-server.ts) and rebuilt from that JSON by the
 * HTTP client (gateway/src/privacy/signer-client.ts), so a caller sees the same error from the
 * in-process LocalSigner and from the signer process.
 */
export const SIGNER_ERROR_STATUS = {
  INVALID_ARGUMENT: 400,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  PAYLOAD_TOO_LARGE: 413,
  UNSUPPORTED_MEDIA_TYPE: 415,
  INTERNAL: 500,
  UNAVAILABLE: 503,
} as const;

/** A signer error code. */
export type SignerErrorCode = keyof typeof SIGNER_ERROR_STATUS;

/** A refusal by the signer: `code` is stable, `status` its HTTP status, `message` for people. */
export class SignerError extends Error {
  readonly status: number;
  constructor(
    readonly code: SignerErrorCode,
    message: string,
  ) {
    super(`${code}: ${message}`);
    this.name = 'SignerError';
    this.status = SIGNER_ERROR_STATUS[code];
  }

  /** The message without the code prefix (the JSON answer's `message`). */
  get detail(): string {
    return this.message.slice(this.code.length + 2);
  }
}

/** True iff `code` is one of the signer's error codes. */
export function isSignerErrorCode(code: unknown): code is SignerErrorCode {
  return typeof code === 'string' && Object.prototype.hasOwnProperty.call(SIGNER_ERROR_STATUS, code);
}
