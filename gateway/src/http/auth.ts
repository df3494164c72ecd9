import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdentityStore, Principal } from '../identity/store';
import { HttpProblem, problem } from './problem';
import type { RateLimits } from './limits';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/**
 * `Authorization: Bearer <api key>` → the Fabric identity the key stands for. A missing or
 * unknown key, or more than one Authorization header (Node keeps only the first, so a second
 * would be silently ignored; issue 9, finding 2), is answered 401 UNAUTHENTICATED with
 * `WWW-Authenticate: Bearer`. With `limits`, an address past its failed-authentication limit is
 * answered 429 RATE_LIMITED, and each key's requests count against the per-key limit.
 */
export function bearerAuth(identities: IdentityStore, limits?: RateLimits) {
  return async function authenticate(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    await limits?.beforeAuthentication(request, reply);
    const refuse = async (detail: string): Promise<never> => {
      await limits?.authenticationFailed(request, reply);
      throw new HttpProblem(problem(401, 'UNAUTHENTICATED', detail));
    };
    if (authorizationHeaderCount(request.raw.rawHeaders) > 1) await refuse('send exactly one Authorization header');
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) return refuse('send Authorization: Bearer <api key>');
    const principal = identities.authenticate(match[1]);
    if (!principal) return refuse('unknown API key');
    request.principal = principal;
    await limits?.authenticated(request, reply);
  };
}

/** How many Authorization headers a request carried (rawHeaders: name, value, name, value, ...). */
function authorizationHeaderCount(rawHeaders: string[]): number {
  let n = 0;
  for (let i = 0; i < rawHeaders.length; i += 2) if (rawHeaders[i].toLowerCase() === 'authorization') n++;
  return n;
}

/** The authenticated caller of a /v1 route (set by bearerAuth). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new HttpProblem(problem(401, 'UNAUTHENTICATED', 'not authenticated'));
  return request.principal;
}
