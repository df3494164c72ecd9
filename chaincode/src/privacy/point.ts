import { Field } from '@noble/curves/abstract/modular.js';
import { sodiumLibrary } from './sodium';

/** ℓ = 2^252 + 27742317777372353535851937790883648493, the order of ristretto255 (RFC 9496 s.4.1). */
const L = 2n ** 252n + 27742317777372353535851937790883648493n;

/** Scalars mod ℓ as bigints, encoded 32 bytes little-endian (@noble/curves' prime field). */
const Fn = Field(L, { isLE: true });

/** The RFC 9496 generator's canonical encoding (appendix A.1, 1·B). */
const BASE_BYTES = Uint8Array.from(Buffer.from('e2f2ae0a6abc4e71a884a961c500515f58e30b6aa582dd8db6a65945e08d2d76', 'hex'));

/** True iff a and b hold the same 32 bytes. */
function sameBytes(a: Uint8Array, b: Uint8Array): boolean {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength).equals(Buffer.from(b.buffer, b.byteOffset, b.byteLength));
}

/**
 * An element of the ristretto255 group (RFC 9496), held as its canonical 32-byte encoding, with
 * the arithmetic done by libsodium (sodium.ts): `crypto_scalarmult_ristretto255(_base)` for
 * multiplications, `crypto_core_ristretto255_add` for additions, `..._is_valid_point` for
 * decoding. Because an encoding is canonical and unique, equality is equality of bytes and the
 * identity is 32 zero bytes. libsodium refuses (throws) to return the identity from a
 * multiplication; here a multiple that is the identity (scalar ≡ 0 mod ℓ, or the identity
 * multiplied) is answered directly, so no valid input makes an operation throw. The shape (BASE,
 * ZERO, fromBytes, toBytes, multiply, add, equals, is0, Fn) follows @noble/curves' points, which
 * this module replaced for speed (~0.2 ms a multiplication against ~1.5 ms). Every method
 * except the constants and `toBytes`/`equals`/`is0` needs libsodium loaded (await privacyReady()).
 */
export class Point {
  /** Scalars mod ℓ (bigint arithmetic; `Fn.ORDER` = ℓ; `Fn.toBytes` 32 bytes little-endian). */
  static readonly Fn = Fn;
  /** The RFC 9496 generator G. */
  static readonly BASE = new Point(BASE_BYTES);
  /** The identity (encoded as 32 zero bytes). */
  static readonly ZERO = new Point(new Uint8Array(32));

  private constructor(private readonly bytes: Uint8Array) {}

  /**
   * The point of 32-byte encoding `bytes` by RFC 9496 s.4.3.1 decoding (libsodium's
   * `crypto_core_ristretto255_is_valid_point`), or undefined when that refuses them: not 32 bytes,
   * a non-canonical field element, a negative s or a non-group encoding. The identity (32 zero
   * bytes) decodes. Throws only when libsodium is not loaded.
   */
  static decode(bytes: Uint8Array): Point | undefined {
    const valid = bytes instanceof Uint8Array && bytes.length === 32 && sodiumLibrary().crypto_core_ristretto255_is_valid_point(bytes);
    return valid ? new Point(Uint8Array.from(bytes)) : undefined;
  }

  /** The point of 32-byte encoding `bytes` ({@link decode}); throws an Error when it is refused. */
  static fromBytes(bytes: Uint8Array): Point {
    const point = Point.decode(bytes);
    if (!point) throw new Error('not a canonical ristretto255 encoding');
    return point;
  }

  /**
   * The point of a 64-byte uniform string by the RFC 9496 s.4.3.4 one-way map (libsodium's
   * `crypto_core_ristretto255_from_hash`): the second step of hash_to_ristretto255 (group.ts).
   */
  static fromUniformBytes(uniform: Uint8Array): Point {
    if (uniform.length !== 64) throw new Error('the one-way map takes 64 bytes');
    return new Point(sodiumLibrary().crypto_core_ristretto255_from_hash(uniform));
  }

  /** The canonical 32-byte encoding (RFC 9496 s.4.3.2), a fresh copy. */
  toBytes(): Uint8Array {
    return Uint8Array.from(this.bytes);
  }

  /** True iff this is the identity. */
  is0(): boolean {
    return sameBytes(this.bytes, Point.ZERO.bytes);
  }

  /** True iff both are the same group element (canonical encodings compared). */
  equals(other: Point): boolean {
    return sameBytes(this.bytes, other.bytes);
  }

  /** This + other (libsodium's ristretto255 addition; the identity may be either side or the sum). */
  add(other: Point): Point {
    return new Point(sodiumLibrary().crypto_core_ristretto255_add(this.bytes, other.bytes));
  }

  /**
   * k·this for any bigint k (reduced mod ℓ first), by libsodium's constant-time ladder, its
   * fixed-base variant when this is G. The identity when k ≡ 0 or this is the identity (the case
   * libsodium refuses).
   */
  multiply(k: bigint): Point {
    const scalar = Fn.create(k);
    if (scalar === 0n || this.is0()) return Point.ZERO;
    const sodium = sodiumLibrary();
    const encoded = Fn.toBytes(scalar);
    return new Point(this.equals(Point.BASE) ? sodium.crypto_scalarmult_ristretto255_base(encoded) : sodium.crypto_scalarmult_ristretto255(encoded, this.bytes));
  }
}
