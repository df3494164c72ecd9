import { Aes256Gcm, CipherSuite, DhkemP256HkdfSha256, HkdfSha256 } from '@hpke/core';

/**
 * The one HPKE cipher suite of Covenant's digital envelopes (RFC 9180, base mode):
 * KEM DHKEM(P-256, HKDF-SHA256) (kem_id 0x0010), KDF HKDF-SHA256 (kdf_id 0x0001),
 * AEAD AES-256-GCM (aead_id 0x0002), by @hpke/core over the runtime's WebCrypto.
 * A CipherSuite holds no per-message state: one instance serves every seal and open.
 */
export const SUITE = new CipherSuite({ kem: new DhkemP256HkdfSha256(), kdf: new HkdfSha256(), aead: new Aes256Gcm() });

/** The suite's identifiers, as RFC 9180 section 7 numbers them (and the README states). */
export const SUITE_IDS = { mode: 0x00, kemId: 0x0010, kdfId: 0x0001, aeadId: 0x0002 } as const;

/** Npk and Nenc of DHKEM(P-256): a public key and an `enc` are 65-byte uncompressed points. */
export const POINT_BYTES = 65;

/** Nt of AES-256-GCM: the tag every ciphertext ends with. */
export const TAG_BYTES = 16;
