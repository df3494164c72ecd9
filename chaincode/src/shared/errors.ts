/**
 * Stable error codes shared by every contract (DESIGN.md, "Chaincode rules").
 *
 * A failed transaction's message is `CODE: text`; the gateway maps the code to an HTTP status
 * (400, 404, 409, 403, 422, 409, 409, 409) and returns it in a problem+json body. DOUBLE_SPEND: a
 * scrip serial already spent (its nullifier exists); SCRIP_EXPIRED: a scrip past its series'
 * spend-by date, to be renewed (issue 12, chaincode/src/scrip/README.md).
 */
export const ERROR_CODES = [
  'INVALID_ARGUMENT',
  'NOT_FOUND',
  'ALREADY_EXISTS',
  'FORBIDDEN',
  'INSUFFICIENT_FUNDS',
  'FAILED_PRECONDITION',
  'DOUBLE_SPEND',
  'SCRIP_EXPIRED',
] as const;

export type ErrorCode = (typeof ERROR_CODES)[number];

/** An expected refusal: the transaction fails and changes nothing. */
export class CovenantError extends Error {
  constructor(
    readonly code: ErrorCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
    this.name = 'CovenantError';
  }
}

export const invalidArgument = (detail: string) => new CovenantError('INVALID_ARGUMENT', detail);
export const notFound = (detail: string) => new CovenantError('NOT_FOUND', detail);
export const alreadyExists = (detail: string) => new CovenantError('ALREADY_EXISTS', detail);
export const forbidden = (detail: string) => new CovenantError('FORBIDDEN', detail);
export const insufficientFunds = (detail: string) => new CovenantError('INSUFFICIENT_FUNDS', detail);
export const failedPrecondition = (detail: string) => new CovenantError('FAILED_PRECONDITION', detail);
export const doubleSpend = (detail: string) => new CovenantError('DOUBLE_SPEND', detail);
export const scripExpired = (detail: string) => new CovenantError('SCRIP_EXPIRED', detail);

/**
 * Splits a `CODE: text` message into its code and text; `undefined` when the message does not
 * start with one of ERROR_CODES (an unexpected failure).
 */
export function parseErrorMessage(message: string): { code: ErrorCode; detail: string } | undefined {
  const match = /^([A-Z_]+): ([\s\S]*)$/.exec(message);
  if (!match) return undefined;
  const code = match[1] as ErrorCode;
  return (ERROR_CODES as readonly string[]).includes(code) ? { code, detail: match[2] } : undefined;
}
