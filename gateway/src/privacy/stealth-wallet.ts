import { Point, decodePoint, decodeScalar, encodePoint, encodeScalar } from '@covenant/chaincode/dist/privacy/group';
import { outputIndexBytes, parseStealthOutput, tweak, viewTagOf, type ScanResult, type StealthKeys, type StealthMetaAddress, type StealthOutput } from '@covenant/chaincode/dist/privacy/stealth';
import { invalidArgument } from '@covenant/chaincode/dist/shared/errors';
import { randomScalar } from './keys';

/**
 * The wallet's half of one-time (stealth) keys, CryptoNote style with ERC-5564 view tags: the
 * sender's output (draws r) and the recipient's scan and one-time secret key (hold a and b).
 * Off-chain only; the chaincode keeps parsing, Hs and the view tag
 * (chaincode/src/privacy/stealth.ts), which this module reuses. Layouts: chaincode/src/privacy/README.md.
 */

/**
 * The sender's side: a one-time output for `recipient`, P = Hs(r·A, i)·G + B with R = r·G, and the
 * shared secret D = r·A (base64url; it keys the memo, gateway/src/privacy/memo.ts, and must not be
 * published). `ephemeralSecretKey` r defaults to a fresh random scalar; pass the same r with
 * different `outputIndex` values for several notes under one R. Throws INVALID_ARGUMENT for a
 * malformed meta-address, key or index.
 */
export function createStealthOutput(recipient: StealthMetaAddress, outputIndex = 0, ephemeralSecretKey?: string): { output: StealthOutput; sharedSecret: string } {
  const A = decodePoint(recipient.viewPublicKey, 'viewPublicKey');
  const B = decodePoint(recipient.spendPublicKey, 'spendPublicKey');
  const index = outputIndexBytes(outputIndex);
  const r = ephemeralSecretKey === undefined ? randomScalar() : decodeScalar(ephemeralSecretKey, 'ephemeralSecretKey', true);
  const shared = A.multiply(r);
  const P = Point.BASE.multiply(tweak(shared, index)).add(B);
  return {
    output: { ephemeralPublicKey: encodePoint(Point.BASE.multiply(r)), outputIndex, oneTimePublicKey: encodePoint(P), viewTag: viewTagOf(shared, index) },
    sharedSecret: encodePoint(shared),
  };
}

/**
 * The recipient's scan of one output with its view secret key a and spend public key B: computes
 * D = a·R, compares the view tag first ('view-tag-mismatch': one scalar multiplication and one
 * SHA-256 spent), then checks P = Hs(D, i)·G + B ('not-mine' or 'mine' with the shared secret D
 * for the memo). The view key alone finds notes but cannot spend them. Throws INVALID_ARGUMENT
 * for malformed keys or a malformed output.
 */
export function scanOutput(viewSecretKey: string, spendPublicKey: string, output: StealthOutput): ScanResult {
  const a = decodeScalar(viewSecretKey, 'viewSecretKey', true);
  const B = decodePoint(spendPublicKey, 'spendPublicKey');
  const parsed = parseStealthOutput(output);
  const index = outputIndexBytes(parsed.outputIndex);
  const shared = decodePoint(parsed.ephemeralPublicKey, 'ephemeralPublicKey').multiply(a);
  if (viewTagOf(shared, index) !== parsed.viewTag) return { status: 'view-tag-mismatch' };
  const expected = Point.BASE.multiply(tweak(shared, index)).add(B);
  if (!expected.equals(decodePoint(parsed.oneTimePublicKey, 'oneTimePublicKey'))) return { status: 'not-mine' };
  return { status: 'mine', sharedSecret: encodePoint(shared) };
}

/**
 * The one-time secret key x = Hs(a·R, i) + b of an output found by {@link scanOutput}, such that
 * x·G = P: the key that signs the ring spending the note (ring-sign.ts). Throws INVALID_ARGUMENT
 * for malformed keys, or when the output does not belong to these keys.
 */
export function oneTimeSecretKey(keys: Pick<StealthKeys, 'viewSecretKey' | 'spendSecretKey'>, output: StealthOutput): string {
  const a = decodeScalar(keys.viewSecretKey, 'viewSecretKey', true);
  const b = decodeScalar(keys.spendSecretKey, 'spendSecretKey', true);
  const parsed = parseStealthOutput(output);
  const shared = decodePoint(parsed.ephemeralPublicKey, 'ephemeralPublicKey').multiply(a);
  const x = Point.Fn.add(tweak(shared, outputIndexBytes(parsed.outputIndex)), b);
  if (x === 0n || !Point.BASE.multiply(x).equals(decodePoint(parsed.oneTimePublicKey, 'oneTimePublicKey'))) throw invalidArgument('output is not owned by these keys');
  return encodeScalar(x);
}
