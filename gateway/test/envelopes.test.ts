import { createHash, generateKeyPairSync } from 'node:crypto';
import { canonicalJson, encryptionKeyId, parseP256Point } from '@covenant/chaincode';
import {
  EncryptionKeyPair,
  EnvelopeContext,
  EnvelopeError,
  MAX_ENVELOPE_LENGTH,
  MAX_PLAINTEXT_BYTES,
  SUITE,
  bindingOf,
  generateEncryptionKeyPair,
  keyIdOf,
  kidOfPublicKey,
  p256PointOf,
  open,
  seal,
  sealFor,
} from '../src/envelopes';

const BROKER = 'b'.repeat(40);
const VENDOR = 'c'.repeat(40);
const CUSTOMER = 'a'.repeat(40);
const ctx = (over: Partial<EnvelopeContext> = {}): EnvelopeContext => ({ type: 'covenant.scrip.order/v1', ref: 'nonce-0001', from: CUSTOMER, to: VENDOR, ...over });
const text = (b: Uint8Array) => Buffer.from(b).toString('utf8');

/** `work` fails with EnvelopeError `code`. */
async function expectCode(work: Promise<unknown>, code: string): Promise<void> {
  const error = await work.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(error).toBeInstanceOf(EnvelopeError);
  expect((error as EnvelopeError).code).toBe(code);
}

let vendor: EncryptionKeyPair;
let broker: EncryptionKeyPair;
beforeAll(() => {
  vendor = generateEncryptionKeyPair();
  broker = generateEncryptionKeyPair();
});

describe('encryption key pairs', () => {
  test('publicKey is the 65-byte uncompressed point of the private JWK; kid is the first 16 bytes of its SHA-256', () => {
    const point = Buffer.from(vendor.publicKey, 'base64url');
    expect(point).toHaveLength(65);
    expect(point[0]).toBe(4);
    expect(point.subarray(1, 33).toString('base64url')).toBe(vendor.privateKey.x);
    expect(point.subarray(33).toString('base64url')).toBe(vendor.privateKey.y);
    expect(vendor.privateKey).toMatchObject({ kty: 'EC', crv: 'P-256', d: expect.stringMatching(/^[A-Za-z0-9_-]{43}$/) });
    expect(vendor.kid).toBe(createHash('sha256').update(point).digest().subarray(0, 16).toString('base64url'));
    expect(kidOfPublicKey(vendor.publicKey)).toBe(vendor.kid);
    expect(generateEncryptionKeyPair().kid).not.toBe(vendor.kid);
  });
});

describe('agreement with the ledger', () => {
  test('the point check and the kid are the chaincode\'s (accounts:setEncryptionKey), on good and bad keys', () => {
    for (let i = 0; i < 20; i++) {
      const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
      const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
      const bent = Buffer.from(point);
      bent[1 + (i % 64)] ^= 1 << i % 8;
      for (const p of [point, bent]) {
        const text64 = p.toString('base64url');
        const ledger = (() => {
          try {
            return encryptionKeyId(parseP256Point(text64, 'publicKey'));
          } catch {
            return undefined;
          }
        })();
        expect(kidOfPublicKey(text64)).toBe(ledger);
        expect(p256PointOf(text64) ? keyIdOf(p) : undefined).toBe(ledger);
      }
    }
  });

  test('the context bytes are the chaincode\'s canonical JSON of the context', () => {
    const context = ctx({ ref: 'tx "quoted" \u00e9\u{1F600}' });
    const json = canonicalJson(context);
    expect(Buffer.from(bindingOf(context).aad).toString('utf8')).toBe(json);
    expect(Buffer.from(bindingOf(context).info).toString('utf8')).toBe(`covenant/envelope/v1|${json}`);
  });
});

describe('seal and open', () => {
  test('round trip: the reader opens what was sealed for it, bytes or text; two seals of one message differ', async () => {
    const envelope = await seal(vendor.publicKey, vendor.kid, ctx(), 'order 42: 3 items, 1250');
    expect(envelope).toMatch(new RegExp(`^v1\\.${vendor.kid}\\.[A-Za-z0-9_-]{87}\\.[A-Za-z0-9_-]+$`));
    expect(text(await open(vendor.privateKey, vendor.kid, ctx(), envelope))).toBe('order 42: 3 items, 1250');
    const bytes = Uint8Array.from([0, 1, 2, 255]);
    expect([...(await open(vendor.privateKey, vendor.kid, ctx(), await seal(vendor.publicKey, vendor.kid, ctx(), bytes)))]).toEqual([0, 1, 2, 255]);
    expect(await seal(vendor.publicKey, vendor.kid, ctx(), 'same')).not.toBe(await seal(vendor.publicKey, vendor.kid, ctx(), 'same'));
    expect(text(await open(vendor.privateKey, vendor.kid, ctx(), await seal(vendor.publicKey, vendor.kid, ctx(), '')))).toBe('');
  });

  test('the documented format: plain HPKE opens it with info = "covenant/envelope/v1|" + canonical context JSON and aad = that JSON', async () => {
    const envelope = await seal(vendor.publicKey, vendor.kid, ctx(), 'interop');
    const [, , enc, ct] = envelope.split('.');
    const json = `{"from":"${CUSTOMER}","ref":"nonce-0001","to":"${VENDOR}","type":"covenant.scrip.order/v1"}`;
    const recipientKey = await SUITE.kem.importKey('jwk', vendor.privateKey, false);
    const pt = await SUITE.open({ recipientKey, enc: Buffer.from(enc, 'base64url'), info: Buffer.from(`covenant/envelope/v1|${json}`) }, Buffer.from(ct, 'base64url'), Buffer.from(json));
    expect(Buffer.from(pt).toString('utf8')).toBe('interop');
    // The same info with another aad fails: the context is in both.
    await expect(SUITE.open({ recipientKey, enc: Buffer.from(enc, 'base64url'), info: Buffer.from(`covenant/envelope/v1|${json}`) }, Buffer.from(ct, 'base64url'), Buffer.from('{}'))).rejects.toThrow();
  });

  test('another reader cannot open it, neither under its own kid nor claiming the envelope\'s', async () => {
    const envelope = await seal(vendor.publicKey, vendor.kid, ctx(), 'for the vendor only');
    await expectCode(open(broker.privateKey, broker.kid, ctx(), envelope), 'ENVELOPE_OPEN_FAILED');
    await expectCode(open(broker.privateKey, vendor.kid, ctx(), envelope), 'ENVELOPE_OPEN_FAILED');
    // The envelope relabelled with the broker's kid still needs the vendor's key.
    await expectCode(open(broker.privateKey, broker.kid, ctx(), envelope.replace(vendor.kid, broker.kid)), 'ENVELOPE_OPEN_FAILED');
  });

  test('an envelope moved to another context (type, ref, from or to) or replayed there does not open', async () => {
    const envelope = await seal(vendor.publicKey, vendor.kid, ctx(), 'amount 1250');
    const others = [ctx({ type: 'covenant.scrip.receipt/v1' }), ctx({ ref: 'nonce-0002' }), ctx({ from: BROKER }), ctx({ to: BROKER })];
    for (const other of others) await expectCode(open(vendor.privateKey, vendor.kid, other, envelope), 'ENVELOPE_OPEN_FAILED');
    expect(text(await open(vendor.privateKey, vendor.kid, ctx(), envelope))).toBe('amount 1250');
  });

  test('any altered character of enc or ct, or a truncated ciphertext, does not open', async () => {
    const envelope = await seal(vendor.publicKey, vendor.kid, ctx(), 'amount 1250');
    const [v, kid, enc, ct] = envelope.split('.');
    const flip = (s: string, i: number) => s.slice(0, i) + (s[i] === 'A' ? 'B' : 'A') + s.slice(i + 1);
    const altered = [
      [v, kid, flip(enc, 10), ct],
      [v, kid, enc, flip(ct, 0)],
      [v, kid, enc, flip(ct, ct.length - 2)],
      [v, kid, enc, ct.slice(0, -4)],
    ].map((p) => p.join('.'));
    for (const bad of altered) await expectCode(open(vendor.privateKey, vendor.kid, ctx(), bad), 'ENVELOPE_OPEN_FAILED');
  });

  test('malformed strings and contexts fail with ENVELOPE_OPEN_FAILED', async () => {
    const envelope = await seal(vendor.publicKey, vendor.kid, ctx(), 'x');
    const [, kid, enc, ct] = envelope.split('.');
    const malformed: unknown[] = [
      '',
      'v1',
      `v2.${kid}.${enc}.${ct}`,
      `v1.${kid}.${enc}`,
      `v1.${kid}.${enc}.${ct}.extra`,
      `v1.${kid}.${enc}.${ct}=`,
      `v1.${kid}.${enc.slice(0, -1)}.${ct}`,
      `v1.${kid}.${Buffer.from(enc, 'base64url').toString('base64')}.${ct}`,
      `v1.${kid}.${enc}.${ct.slice(0, 10)}`,
      `v1.${kid}.${enc}.${'A'.repeat(MAX_ENVELOPE_LENGTH)}`,
      ` ${envelope}`,
      null,
      42,
    ];
    for (const bad of malformed) await expectCode(open(vendor.privateKey, vendor.kid, ctx(), bad as string), 'ENVELOPE_OPEN_FAILED');
    for (const badCtx of [{ ...ctx(), extra: 'x' }, { ...ctx(), to: '' }, { type: 't', ref: 'r', from: 'f' }]) {
      await expectCode(open(vendor.privateKey, vendor.kid, badCtx as EnvelopeContext, envelope), 'ENVELOPE_OPEN_FAILED');
    }
    await expectCode(open({ ...vendor.privateKey, d: 'AA' }, vendor.kid, ctx(), envelope), 'ENVELOPE_OPEN_FAILED');
  });

  test('seal refuses a key off the curve, a kid that is not the key\'s, a bad context and a plaintext over the limit', async () => {
    const point = Buffer.from(vendor.publicKey, 'base64url');
    point[64] ^= 1;
    await expectCode(seal(point.toString('base64url'), kidOfPoint(point), ctx(), 'x'), 'ENVELOPE_SEAL_FAILED');
    await expectCode(seal(vendor.publicKey, broker.kid, ctx(), 'x'), 'ENVELOPE_SEAL_FAILED');
    await expectCode(seal(vendor.publicKey, vendor.kid, { ...ctx(), ref: '' }, 'x'), 'ENVELOPE_SEAL_FAILED');
    await expectCode(seal(vendor.publicKey, vendor.kid, ctx(), Buffer.alloc(MAX_PLAINTEXT_BYTES + 1)), 'ENVELOPE_SEAL_FAILED');
    const largest = await seal(vendor.publicKey, vendor.kid, ctx(), Buffer.alloc(MAX_PLAINTEXT_BYTES, 7));
    expect(largest.length).toBeLessThanOrEqual(MAX_ENVELOPE_LENGTH);
    expect(largest.length).toBeGreaterThan(MAX_ENVELOPE_LENGTH - 4);
    expect((await open(vendor.privateKey, vendor.kid, ctx(), largest)).length).toBe(MAX_PLAINTEXT_BYTES);
  });
});

const kidOfPoint = (point: Buffer) => createHash('sha256').update(point).digest().subarray(0, 16).toString('base64url');

describe('sealFor: several readers', () => {
  test('one envelope per reader, each opened by its reader alone and bound to it as `to`', async () => {
    const customer = generateEncryptionKeyPair();
    const readers = [
      { id: BROKER, ...broker },
      { id: VENDOR, ...vendor },
      { id: CUSTOMER, ...customer },
    ];
    const base = { type: 'covenant.scrip.receipt/v1', ref: 'tx-77', from: VENDOR };
    const envelopes = await sealFor(readers, base, 'receipt: 1250 paid, 250 change');
    expect(Object.keys(envelopes).sort()).toEqual([BROKER, VENDOR, CUSTOMER].sort());
    for (const r of readers) {
      expect(text(await open(r.privateKey, r.kid, { ...base, to: r.id }, envelopes[r.id]))).toBe('receipt: 1250 paid, 250 change');
      for (const other of readers.filter((o) => o.id !== r.id)) {
        // Neither another reader's envelope nor this one moved to another reader's context opens.
        await expectCode(open(r.privateKey, r.kid, { ...base, to: r.id }, envelopes[other.id]), 'ENVELOPE_OPEN_FAILED');
        await expectCode(open(r.privateKey, r.kid, { ...base, to: other.id }, envelopes[r.id]), 'ENVELOPE_OPEN_FAILED');
      }
    }
  });

  test('no reader, or one reader twice, is refused', async () => {
    await expectCode(sealFor([], { type: 't', ref: 'r', from: 'f' }, 'x'), 'ENVELOPE_SEAL_FAILED');
    await expectCode(sealFor([{ id: VENDOR, ...vendor }, { id: VENDOR, ...broker }], { type: 't', ref: 'r', from: 'f' }, 'x'), 'ENVELOPE_SEAL_FAILED');
  });
});
