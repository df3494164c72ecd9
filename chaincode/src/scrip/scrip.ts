import { createHash } from 'node:crypto';
import { canonicalBytes } from '../shared/canonical';
import type { SwapRequest } from './schema';

/**
 * The scrip's bytes and derived names (issue 12; seeds/001 s. 5: ScripID, UserKey/CustomerSecret,
 * the issuer's certificate against counterfeiting). Pure and deterministic; the gateway computes
 * the same values before it submits (the serials of a swap's outputs are known in advance).
 */

/** Domain prefix of a holder commitment. */
export const HOLDER_DOMAIN = 'covenant/scrip-holder/v1';
/** The `type` member of the bytes an issuer signs for each scrip. */
export const SCRIP_TYPE = 'covenant.scrip/v1';

/** SHA-256 of the swap request's canonical JSON bytes: what holders and consenting accounts sign. */
export function requestDigest(request: SwapRequest): Buffer {
  return createHash('sha256').update(canonicalBytes(request)).digest();
}

/** The serial of output `index` of the request with digest `digest`: hex SHA-256(digest || uint32be index). */
export function serialOf(digest: Uint8Array, index: number): string {
  const i = Buffer.alloc(4);
  i.writeUInt32BE(index);
  return createHash('sha256').update(digest).update(i).digest('hex');
}

/** The holder commitment of a 65-byte P-256 public key: hex SHA-256(utf8 HOLDER_DOMAIN || point). */
export function holderCommitment(point: Uint8Array): string {
  return createHash('sha256').update(HOLDER_DOMAIN, 'utf8').update(point).digest('hex');
}

/**
 * The bytes the series issuer signs for one scrip (its certificate):
 * canonicalBytes({type: "covenant.scrip/v1", serial, series, value (decimal string), holder}).
 */
export function scripBytes(scrip: { serial: string; series: string; value: bigint; holder: string }): Uint8Array {
  return canonicalBytes({ type: SCRIP_TYPE, serial: scrip.serial, series: scrip.series, value: scrip.value.toString(), holder: scrip.holder });
}
