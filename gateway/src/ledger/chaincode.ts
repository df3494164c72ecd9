import type { FastifyReply } from 'fastify';
import type { Principal } from '../identity/store';
import type { Ledger } from './port';

/**
 * The routes' view of the chaincode: calls a transaction function as the caller's Fabric identity
 * and decodes its JSON result. Submits set `X-Transaction-Id` on the reply.
 */
export class ChaincodeClient {
  constructor(readonly ledger: Ledger) {}

  async submit<T>(principal: Principal, fn: string, args: string[], reply?: FastifyReply): Promise<T> {
    const result = await this.ledger.submit(principal.identity, fn, args);
    reply?.header('x-transaction-id', result.txId);
    return decode(result.payload) as T;
  }

  async evaluate<T>(principal: Principal, fn: string, args: string[]): Promise<T> {
    return decode(await this.ledger.evaluate(principal.identity, fn, args)) as T;
  }
}

function decode(payload: Uint8Array): unknown {
  const text = Buffer.from(payload).toString('utf8');
  return text === '' ? undefined : JSON.parse(text);
}
