import { Context } from 'fabric-contract-api';
import { Caller, callerOf } from './identity';
import { WorldState } from './state';
import { canonicalBytes } from './canonical';
import { AUDIENCE_FIELD, Audience } from './audience';

/**
 * The transaction context every Covenant contract uses: the caller, a world-state view with
 * read-your-writes, the transaction time and the single chaincode event of the transaction.
 */
export class CovenantContext extends Context {
  private stateView?: WorldState;
  private callerView?: Caller;

  get state(): WorldState {
    this.stateView ??= new WorldState(this.stub);
    return this.stateView;
  }

  get caller(): Caller {
    this.callerView ??= callerOf(this.clientIdentity);
    return this.callerView;
  }

  /** The transaction timestamp as ISO 8601 (the only clock chaincode may read). */
  get now(): string {
    return this.stub.getDateTimestamp().toISOString();
  }

  get txId(): string {
    return this.stub.getTxID();
  }

  /**
   * Emits the transaction's one chaincode event: a name and a canonical JSON payload, with the
   * event's audience (shared/audience.ts) as its `audience` member.
   */
  emit(name: string, payload: Record<string, unknown>, audience: Audience): void {
    this.stub.setEvent(name, canonicalBytes({ ...payload, [AUDIENCE_FIELD]: audience }));
  }
}
