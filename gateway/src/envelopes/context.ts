import { Type } from '@sinclair/typebox';
import { Value } from '@sinclair/typebox/value';

/**
 * What an envelope is bound to (gateway/src/envelopes/README.md, "What is bound"):
 * `type` the message type (e.g. "covenant.scrip.order/v1"), `ref` the transaction id or request
 * nonce it belongs to, `from` the sender and `to` the reader (account ids or other party ids).
 * Its canonical JSON (keys sorted, as chaincode/src/shared/canonical.ts writes it) goes into HPKE's `info` and
 * the AEAD's `aad`, so an envelope opens only under the very context it was sealed for.
 */
export const EnvelopeContext = Type.Object(
  {
    type: Type.String({ minLength: 1, maxLength: 128 }),
    ref: Type.String({ minLength: 1, maxLength: 256 }),
    from: Type.String({ minLength: 1, maxLength: 256 }),
    to: Type.String({ minLength: 1, maxLength: 256 }),
  },
  { additionalProperties: false },
);
export interface EnvelopeContext {
  type: string;
  ref: string;
  from: string;
  to: string;
}

/** The domain-separation prefix of `info`. */
export const INFO_PREFIX = 'covenant/envelope/v1|';

/** True when `context` has exactly the four string members within their limits. */
export function isEnvelopeContext(context: unknown): context is EnvelopeContext {
  return Value.Check(EnvelopeContext, context);
}

/**
 * The bytes an envelope is bound to: `aad` = UTF-8 of the context's canonical JSON, `info` =
 * UTF-8 of INFO_PREFIX followed by the same JSON. The caller checks the context first.
 */
export function bindingOf(context: EnvelopeContext): { info: Uint8Array; aad: Uint8Array } {
  // Members in sorted order and strings only: exactly the chaincode's canonical JSON of the context.
  const json = JSON.stringify({ from: context.from, ref: context.ref, to: context.to, type: context.type });
  return { info: Buffer.from(INFO_PREFIX + json, 'utf8'), aad: Buffer.from(json, 'utf8') };
}
