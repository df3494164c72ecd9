import type { CovenantContext } from '../shared/context';
import type { Page } from '../shared/state';
import { RecordIndex, RecordStore } from '../shared/store';
import { decoderOf } from '../shared/validate';
import { LogEntry, LogRecord, Nullifier, NullifierRecord, RequestMarker, Scrip, ScripRecord, Series, SeriesRecord } from './schema';

/**
 * Where the scrip system lives in the world state, each key with its key-level endorsement policy
 * (issue 12: the issuer's peer must endorse issuing and spending its scrip):
 * - `scrip-series` [id]: the series; the issuer's organisation;
 * - `scrip` [serial]: an unspent scrip; its series issuer's organisation;
 * - `scrip-spent` [serial]: the nullifier of a spent serial; the issuer's organisation;
 * - `scrip-request` [digest]: a swap request already applied; the broker's organisation;
 * - `scrip-log` [txId] with index `scrip-log-broker` [broker, at, txId]: the broker log; the
 *   broker's organisation.
 * Records carry the MSP id their policy names (series issuerMspId / brokerMspId); scrip and
 * nullifier stores are made per issuer organisation for that reason.
 */

export class SeriesStore extends RecordStore<Series> {
  constructor(ctx: CovenantContext) {
    super(ctx, { objectType: 'scrip-series', what: 'scrip series', decode: decoderOf(SeriesRecord, 'scrip series'), ids: (s) => [s.id], endorsers: (s) => [s.issuerMspId] });
  }
}

/** Unspent scrip; `issuerMspId` is the organisation that endorses new records (from their series). */
export class ScripStore extends RecordStore<Scrip> {
  constructor(ctx: CovenantContext, issuerMspId = '') {
    super(ctx, { objectType: 'scrip', what: 'scrip', decode: decoderOf(ScripRecord, 'scrip'), ids: (s) => [s.serial], endorsers: () => [issuerMspId] });
  }

  /** Deletes a spent scrip's record (its history keeps it). */
  remove(serial: string): Promise<void> {
    return this.ctx.state.delete(this.key(serial));
  }
}

export class NullifierStore extends RecordStore<Nullifier> {
  constructor(ctx: CovenantContext, issuerMspId = '') {
    super(ctx, { objectType: 'scrip-spent', what: 'spent serial', decode: decoderOf(NullifierRecord, 'nullifier'), ids: (n) => [n.serial], endorsers: () => [issuerMspId] });
  }
}

type Marker = { digest: string; txId: string };

export class RequestStore extends RecordStore<Marker> {
  constructor(ctx: CovenantContext, brokerMspId = '') {
    super(ctx, { objectType: 'scrip-request', what: 'swap request', decode: decoderOf(RequestMarker, 'swap request marker'), ids: (m) => [m.digest], endorsers: () => [brokerMspId] });
  }
}

const BROKER_INDEX: RecordIndex<LogEntry> = {
  objectType: 'scrip-log-broker',
  fixed: true,
  entries: (e) => [[e.broker, e.at, e.txId]],
};

/** The broker log: one entry per swap, listed per broker in time order. */
export class LogStore extends RecordStore<LogEntry> {
  constructor(ctx: CovenantContext) {
    super(ctx, { objectType: 'scrip-log', what: 'scrip log entry', decode: decoderOf(LogRecord, 'scrip log entry'), ids: (e) => [e.txId], endorsers: (e) => [e.brokerMspId], indexes: [BROKER_INDEX] });
  }

  /** One page of `broker`'s log, oldest first. */
  listByBroker(broker: string, pageSize: string | undefined, bookmark: string | undefined): Promise<Page<LogEntry>> {
    return this.listBy(BROKER_INDEX, [broker], pageSize, bookmark);
  }
}
