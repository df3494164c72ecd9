import { Type } from '@sinclair/typebox';

/** A written reason kept on the record an action changes (revocation, status change, escalation): 1-1024 characters. */
export const ReasonText = Type.String({ minLength: 1, maxLength: 1024 });

/** The body of an action whose only input is an optional written reason; `example` documents one. */
export function OptionalReason(example: string) {
  return Type.Object({ reason: Type.Optional(ReasonText) }, { additionalProperties: false, examples: [{ reason: example }] });
}
