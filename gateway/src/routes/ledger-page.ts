import type { FastifyPluginAsyncTypebox } from '@fastify/type-provider-typebox';
import { Type } from '@sinclair/typebox';
import { principalOf } from '../http/auth';
import type { ChaincodeClient } from '../ledger/chaincode';
import { Page, PageQuery } from './schemas';
import { bearer, problems } from './common';

/** The Fastify instance a TypeBox-typed route plugin receives. */
type TypedApp = Parameters<FastifyPluginAsyncTypebox>[0];

/**
 * Registers GET `path`: one page (`{items, bookmark}`) of the caller's records as chaincode
 * function `fn` lists them (arguments pageSize and bookmark, answer `{records, bookmark}`), each
 * item described by `item`.
 */
export function ledgerPageRoute(
  app: TypedApp,
  chaincode: ChaincodeClient,
  spec: { path: string; fn: string; item: ReturnType<typeof Type.Ref>; tags: string[]; summary: string; operationId: string },
): void {
  app.get(
    spec.path,
    { schema: { tags: spec.tags, summary: spec.summary, operationId: spec.operationId, security: bearer, querystring: PageQuery, response: { 200: Page(spec.item), ...problems() } } },
    async (request) => {
      const page = await chaincode.evaluate<{ records: unknown[]; bookmark: string }>(principalOf(request), spec.fn, [request.query.pageSize ?? '', request.query.bookmark ?? '']);
      return { items: page.records, bookmark: page.bookmark };
    },
  );
}
