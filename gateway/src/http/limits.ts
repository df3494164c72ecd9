import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import rateLimit from '@fastify/rate-limit';
import { HttpProblem, problem } from './problem';

/**
 * Request limits per time window (issue 9, finding 3). Counts are requests per `windowMs`.
 * The defaults are far above what one back office sends (and what the test suites send from
 * 127.0.0.1), low enough to stop key guessing and floods.
 */
export interface Limits {
  /** Requests from one client address, any route. */
  perAddress: number;
  /** Requests made with one API key (after authentication). */
  perKey: number;
  /** Failed authentications from one client address; past it even a valid key waits. */
  authFailures: number;
  /** Off-chain channel messages (`/v1/offchain`, unauthenticated) from one client address. */
  offchain: number;
  /** The window, milliseconds. */
  windowMs: number;
}

export const DEFAULT_LIMITS: Limits = { perAddress: 20_000, perKey: 10_000, authFailures: 50, offchain: 5_000, windowMs: 60_000 };

type Which = 'address' | 'key' | 'authFailures' | 'offchain';
type Check = (request: FastifyRequest, options?: { increment?: boolean }) => Promise<{ isAllowed: boolean; isExceeded: boolean; ttlInSeconds: number }>;

/**
 * The gateway's rate limits over @fastify/rate-limit's in-memory store. A request over a limit
 * is answered 429 RATE_LIMITED (problem+json) with `Retry-After` in seconds and changes nothing.
 */
export class RateLimits {
  private constructor(
    private readonly checks: Record<Which, Check>,
  ) {}

  /**
   * Registers @fastify/rate-limit (no global hook: the checks below are called where they
   * apply) and the per-address check as a root onRequest hook.
   */
  static async register(app: FastifyInstance, limits: Limits): Promise<RateLimits> {
    await app.register(rateLimit, { global: false });
    const limiter = (prefix: string, max: number, key: (r: FastifyRequest) => string): Check =>
      app.createRateLimit({ max, timeWindow: limits.windowMs, keyGenerator: (r) => `${prefix}:${key(r)}` }) as Check;
    const principal = (r: FastifyRequest) => r.principal?.name ?? '';
    const self = new RateLimits({
      address: limiter('address', limits.perAddress, (r) => r.ip),
      key: limiter('key', limits.perKey, principal),
      authFailures: limiter('auth', limits.authFailures, (r) => r.ip),
      offchain: limiter('offchain', limits.offchain, (r) => r.ip),
    });
    app.addHook('onRequest', async (request, reply) => self.enforce('address', request, reply, 'too many requests from this address'));
    return self;
  }

  /** Before authenticating: refused while this address is over its failed-authentication limit. */
  async beforeAuthentication(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    await this.enforce('authFailures', request, reply, 'too many failed authentications from this address', { increment: false });
  }

  /** Counts a failed authentication; the one that passes the limit is answered 429 already. */
  async authenticationFailed(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    await this.enforce('authFailures', request, reply, 'too many failed authentications from this address');
  }

  /** After authenticating: the per-key limit. */
  async authenticated(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    await this.enforce('key', request, reply, 'too many requests with this API key');
  }

  /** onRequest hook for the off-chain message routes. */
  readonly offchain = async (request: FastifyRequest, reply: FastifyReply): Promise<void> => {
    await this.enforce('offchain', request, reply, 'too many off-chain messages from this address');
  };

  private async enforce(which: Which, request: FastifyRequest, reply: FastifyReply, detail: string, options?: { increment?: boolean }): Promise<void> {
    const r = await this.checks[which](request, options);
    if (r.isAllowed || !r.isExceeded) return;
    reply.header('retry-after', String(Math.max(1, r.ttlInSeconds)));
    throw new HttpProblem(problem(429, 'RATE_LIMITED', detail));
  }
}
