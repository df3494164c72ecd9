import { createCipheriv, createDecipheriv, createECDH, createHmac } from 'node:crypto';
import { SUITE, SUITE_IDS } from '../src/envelopes';

/**
 * The RFC 9180 test vector of the envelopes' exact suite: mode_base, kem_id 0x0010
 * (DHKEM(P-256, HKDF-SHA256)), kdf_id 0x0001 (HKDF-SHA256), aead_id 0x0002 (AES-256-GCM).
 *
 * Source: the CFRG's test-vectors.json that RFC 9180 Appendix A points to (the draft repository
 * cfrg/draft-irtf-cfrg-hpke at commit 5f503c5, git blob 514dd8bbcc4339f99ad9cf527007523f94668582;
 * copied byte for byte, checked by that blob hash, from the copy cloudflare/circl vendors as
 * hpke/testdata/vectors_rfc9180_5f503c5.json.gz), the entry with those four ids. The RFC's
 * printed Appendix A.3 is the AES-128-GCM sibling (aead_id 0x0001); this suite's vector exists only
 * in the JSON file. Encryptions: sequence numbers 0 and 1 of the entry's 257.
 */
const V = {
  info: '4f6465206f6e2061204772656369616e2055726e',
  ikmR: 'a0ce15d49e28bd47a18a97e147582d814b08cbe00109fed5ec27d1b4e9f6f5e3',
  ikmE: 'a90d3417c3da9cb6c6ae19b4b5dd6cc9529a4cc24efb7ae0ace1f31887a8cd6c',
  skRm: '317f915db7bc629c48fe765587897e01e282d3e8445f79f27f65d031a88082b2',
  skEm: '90345e3a1d116c1dd39ae76d95ab858c142223a63e44f8f85318cfa91a84858e',
  pkRm: '04abc7e49a4c6b3566d77d0304addc6ed0e98512ffccf505e6a8e3eb25c685136f853148544876de76c0f2ef99cdc3a05ccf5ded7860c7c021238f9e2073d2356c',
  pkEm: '04c06b4f6bebc7bb495cb797ab753f911aff80aefb86fd8b6fcc35525f3ab5f03e0b21bd31a86c6048af3cb2d98e0d3bf01da5cc4c39ff5370d331a4f1f7d5a4e0',
  enc: '04c06b4f6bebc7bb495cb797ab753f911aff80aefb86fd8b6fcc35525f3ab5f03e0b21bd31a86c6048af3cb2d98e0d3bf01da5cc4c39ff5370d331a4f1f7d5a4e0',
  shared_secret: '48893fecd82f7c3456af6a42d8f56325d21e08c10fa81299986aaff54cde7b49',
  key_schedule_context:
    '008fc3aeb832490a4b5ab3e42023287db29a1f4bc7c222c0df228727b70a4021127f1ff3fd1aa97af7e5d473e1cb01ba74831133d9659b6c26b03a038a49a84074',
  secret: '520da82c752ee6e0be7aafbad57a62535d266b6333513d3eb94cb497dceaf94e',
  key: 'ee16802a936d5f544771131900ee6973d0551de9e852ece2ef34bf0d5f9e1d1d',
  base_nonce: '9bc50980832a7b4b58c40161',
  encryptions: [
    {
      seq: 0,
      aad: '436f756e742d30',
      nonce: '9bc50980832a7b4b58c40161',
      pt: '4265617574792069732074727574682c20747275746820626561757479',
      ct: '58c61a45059d0c5704560e9d88b564a8b63f1364b8d1fcb3c4c6ddc1d291742465e902cd216f8908da49f8f96f',
    },
    {
      seq: 1,
      aad: '436f756e742d31',
      nonce: '9bc50980832a7b4b58c40160',
      pt: '4265617574792069732074727574682c20747275746820626561757479',
      ct: 'b4e7c90d1dd62cb563694956eb517ab55d5e7d1f6366a0066c04ababaa444dbaf60a30d7bb7d3e91b969762dee',
    },
  ],
};

const hex = (s: string) => Buffer.from(s, 'hex');
const toHex = (b: ArrayBuffer | Uint8Array) => Buffer.from(b as ArrayBuffer).toString('hex');
const i2osp = (n: number, len: number) => Buffer.from(n.toString(16).padStart(len * 2, '0'), 'hex');

/**
 * RFC 9180 sections 4 and 5.1 written out with node:crypto (HMAC-SHA256, ECDH, AES-256-GCM),
 * independent of @hpke/core, to check the vector's intermediate values: the KEM's shared secret
 * and the key schedule's key and base nonce.
 */
const hpkeLabel = (suiteId: Buffer, label: string) => Buffer.concat([Buffer.from('HPKE-v1'), suiteId, Buffer.from(label)]);
const labeledExtract = (suiteId: Buffer, salt: Buffer, label: string, ikm: Buffer) =>
  createHmac('sha256', salt.length ? salt : Buffer.alloc(32)).update(Buffer.concat([hpkeLabel(suiteId, label), ikm])).digest();
/** HKDF-Expand for L <= 32 (one HMAC block), as every value here needs. */
const labeledExpand = (suiteId: Buffer, prk: Buffer, label: string, info: Buffer, length: number) =>
  createHmac('sha256', prk).update(Buffer.concat([i2osp(length, 2), hpkeLabel(suiteId, label), info, Buffer.from([1])])).digest().subarray(0, length);
const KEM_SUITE = Buffer.concat([Buffer.from('KEM'), i2osp(SUITE_IDS.kemId, 2)]);
const HPKE_SUITE = Buffer.concat([Buffer.from('HPKE'), i2osp(SUITE_IDS.kemId, 2), i2osp(SUITE_IDS.kdfId, 2), i2osp(SUITE_IDS.aeadId, 2)]);

describe('RFC 9180 test vector, DHKEM(P-256, HKDF-SHA256) / HKDF-SHA256 / AES-256-GCM, base mode', () => {
  test('the suite is the vector\'s', () => {
    expect(SUITE_IDS).toEqual({ mode: 0, kemId: 0x10, kdfId: 1, aeadId: 2 });
    expect([SUITE.kem.id, SUITE.kdf.id, SUITE.aead.id]).toEqual([0x10, 1, 2]);
  });

  test('@hpke/core DeriveKeyPair(ikmR) and DeriveKeyPair(ikmE) give pkRm/skRm and pkEm/skEm', async () => {
    const r = await SUITE.kem.deriveKeyPair(hex(V.ikmR));
    expect(toHex(await SUITE.kem.serializePublicKey(r.publicKey))).toBe(V.pkRm);
    expect(toHex(await SUITE.kem.serializePrivateKey(r.privateKey))).toBe(V.skRm);
    const e = await SUITE.kem.deriveKeyPair(hex(V.ikmE));
    expect(toHex(await SUITE.kem.serializePublicKey(e.publicKey))).toBe(V.pkEm);
    expect(toHex(await SUITE.kem.serializePrivateKey(e.privateKey))).toBe(V.skEm);
  });

  test('@hpke/core with the ephemeral key from ikmE reproduces enc and the ciphertexts of seq 0 and 1', async () => {
    const recipientPublicKey = await SUITE.kem.deserializePublicKey(hex(V.pkRm));
    const sender = await SUITE.createSenderContext({ recipientPublicKey, info: hex(V.info), ekm: hex(V.ikmE) });
    expect(toHex(sender.enc)).toBe(V.enc);
    for (const e of V.encryptions) expect(toHex(await sender.seal(hex(e.pt), hex(e.aad)))).toBe(e.ct);
  });

  test('@hpke/core opens the vector\'s ciphertexts with skRm, and refuses one altered bit', async () => {
    const recipientKey = await SUITE.kem.deserializePrivateKey(hex(V.skRm));
    const recipient = await SUITE.createRecipientContext({ recipientKey, enc: hex(V.enc), info: hex(V.info) });
    for (const e of V.encryptions) expect(toHex(await recipient.open(hex(e.ct), hex(e.aad)))).toBe(e.pt);
    const tampered = hex(V.encryptions[0].ct);
    tampered[3] ^= 1;
    const fresh = await SUITE.createRecipientContext({ recipientKey, enc: hex(V.enc), info: hex(V.info) });
    await expect(fresh.open(tampered, hex(V.encryptions[0].aad))).rejects.toThrow();
  });

  test('shared_secret, key_schedule_context, secret, key and base_nonce match RFC 9180 written out with node:crypto', () => {
    const ecdh = createECDH('prime256v1');
    ecdh.setPrivateKey(hex(V.skEm));
    expect(ecdh.getPublicKey('hex', 'uncompressed')).toBe(V.pkEm);
    const dh = ecdh.computeSecret(hex(V.pkRm));
    const eaePrk = labeledExtract(KEM_SUITE, Buffer.alloc(0), 'eae_prk', dh);
    const sharedSecret = labeledExpand(KEM_SUITE, eaePrk, 'shared_secret', Buffer.concat([hex(V.enc), hex(V.pkRm)]), 32);
    expect(sharedSecret.toString('hex')).toBe(V.shared_secret);

    const pskIdHash = labeledExtract(HPKE_SUITE, Buffer.alloc(0), 'psk_id_hash', Buffer.alloc(0));
    const infoHash = labeledExtract(HPKE_SUITE, Buffer.alloc(0), 'info_hash', hex(V.info));
    const context = Buffer.concat([Buffer.from([SUITE_IDS.mode]), pskIdHash, infoHash]);
    expect(context.toString('hex')).toBe(V.key_schedule_context);
    const secret = labeledExtract(HPKE_SUITE, sharedSecret, 'secret', Buffer.alloc(0));
    expect(secret.toString('hex')).toBe(V.secret);
    expect(labeledExpand(HPKE_SUITE, secret, 'key', context, 32).toString('hex')).toBe(V.key);
    expect(labeledExpand(HPKE_SUITE, secret, 'base_nonce', context, 12).toString('hex')).toBe(V.base_nonce);
  });

  test('AES-256-GCM under key and base_nonce XOR seq gives the vector\'s nonces and ciphertexts', () => {
    for (const e of V.encryptions) {
      const nonce = hex(V.base_nonce);
      nonce[nonce.length - 1] ^= e.seq;
      expect(nonce.toString('hex')).toBe(e.nonce);
      const cipher = createCipheriv('aes-256-gcm', hex(V.key), nonce).setAAD(hex(e.aad));
      const ct = Buffer.concat([cipher.update(hex(e.pt)), cipher.final(), cipher.getAuthTag()]);
      expect(ct.toString('hex')).toBe(e.ct);
      const decipher = createDecipheriv('aes-256-gcm', hex(V.key), nonce).setAAD(hex(e.aad));
      decipher.setAuthTag(ct.subarray(ct.length - 16));
      expect(Buffer.concat([decipher.update(ct.subarray(0, ct.length - 16)), decipher.final()]).toString('hex')).toBe(e.pt);
    }
  });
});
