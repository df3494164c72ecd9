import { Contract } from 'fabric-contract-api';
import { CovenantContext } from './context';
import { canonicalJson } from './canonical';
import type { Audience } from './audience';
import type { StaticDecode, TSchema } from '@sinclair/typebox';
import { parseJsonArg } from './args';
import { parseRequest } from './validate';

/**
 * The base of every Covenant contract: the Fabric contract `name` (the gateway calls
 * `name:function`), the CovenantContext each transaction gets, and the one way a submit ends
 * (its one chaincode event, then its result as canonical JSON). Subclasses declare their
 * transactions with `@Transaction()`; the helpers here are not transactions. Subclasses import
 * CovenantContext as a value, not `import type`: the decorators' parameter metadata needs it.
 */
export abstract class CovenantContract extends Contract {
  protected constructor(name: string) {
    super(name);
  }

  override createContext(): CovenantContext {
    return new CovenantContext();
  }

  /**
   * A transaction's JSON argument `raw` checked against its request schema and decoded:
   * INVALID_ARGUMENT when it is not JSON or names the first field that does not conform.
   * `what` names the argument in refusals.
   */
  protected request<S extends TSchema>(schema: S, raw: string, what = 'request'): StaticDecode<S> {
    return parseRequest(schema, parseJsonArg(raw, what), what);
  }

  /**
   * Ends a submit: emits its one event `event` with `payload` plus the transaction id (`txId`) to
   * `audience`, and returns `result` as canonical JSON (the transaction's return value).
   */
  protected emitted(ctx: CovenantContext, event: string, result: unknown, payload: Record<string, unknown>, audience: Audience): string {
    ctx.emit(event, { ...payload, txId: ctx.txId }, audience);
    return canonicalJson(result);
  }
}
