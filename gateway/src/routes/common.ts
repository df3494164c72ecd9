import { Type } from '@sinclair/typebox';

const ProblemRef = Type.Ref('Problem');

/** Problem responses a route documents, besides its success response. */
export function problems(...statuses: number[]): Record<number, typeof ProblemRef> {
  const out: Record<number, typeof ProblemRef> = {};
  for (const s of [400, 401, ...statuses, 503]) out[s] = ProblemRef;
  return out;
}

export const IdempotencyHeader = Type.Object({
  'idempotency-key': Type.Optional(
    Type.String({ description: 'Makes this POST safe to retry: a repeat returns the first response', examples: ['b6f1c3e8-3a4e-4e2a-9d1e-1a2b3c4d5e6f'] }),
  ),
});

export const bearer = [{ bearerAuth: [] }];
