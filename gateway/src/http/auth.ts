import type { FastifyReply, FastifyRequest } from 'fastify';
import type { IdentityStore, Principal } from '../identity/store';
import { HttpProblem, problem } from './problem';

declare module 'fastify' {
  interface FastifyRequest {
    principal?: Principal;
  }
}

/**
 * `Authorization: Bearer <api key>` → the Fabric identity the key stands for. A missing or
 * unknown key is answered 401 UNAUTHENTICATED with `WWW-Authenticate: Bearer`.
 */
export function bearerAuth(identities: IdentityStore) {
  return async function authenticate(request: FastifyRequest, _reply: FastifyReply): Promise<void> {
    const header = request.headers.authorization;
    const match = header ? /^Bearer\s+(\S+)\s*$/i.exec(header) : null;
    if (!match) throw new HttpProblem(problem(401, 'UNAUTHENTICATED', 'send Authorization: Bearer <api key>'));
    const principal = identities.authenticate(match[1]);
    if (!principal) throw new HttpProblem(problem(401, 'UNAUTHENTICATED', 'unknown API key'));
    request.principal = principal;
  };
}

/** The authenticated caller of a /v1 route (set by bearerAuth). */
export function principalOf(request: FastifyRequest): Principal {
  if (!request.principal) throw new HttpProblem(problem(401, 'UNAUTHENTICATED', 'not authenticated'));
  return request.principal;
}
