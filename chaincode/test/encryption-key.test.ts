// network first: it loads fabric-contract-api, which installs the reflect-metadata polyfill dev-ca needs.
import { TestNetwork, testNetwork } from './network';
import { createHash, generateKeyPairSync } from 'node:crypto';
import { closeAfterEach, evalRefusal, expectRefusedUnchanged, submitWithEvent, withEvents } from './helpers';

let net: TestNetwork;
closeAfterEach(() => net);

/** A fresh P-256 key as the request of accounts:setEncryptionKey: base64url point and its kid. */
function freshKey(): { publicKey: string; kid: string } {
  const jwk = generateKeyPairSync('ec', { namedCurve: 'P-256' }).publicKey.export({ format: 'jwk' });
  const point = Buffer.concat([Buffer.from([4]), Buffer.from(jwk.x!, 'base64url'), Buffer.from(jwk.y!, 'base64url')]);
  return { publicKey: point.toString('base64url'), kid: kidOf(point) };
}

const kidOf = (point: Buffer) => createHash('sha256').update(point).digest().subarray(0, 16).toString('base64url');

/** RFC 9180 test vector pkRm (mode 0, kem 16, kdf 1, aead 2): a known point and its key id. */
const RFC_POINT = Buffer.from(
  '04abc7e49a4c6b3566d77d0304addc6ed0e98512ffccf505e6a8e3eb25c685136f853148544876de76c0f2ef99cdc3a05ccf5ded7860c7c021238f9e2073d2356c',
  'hex',
);

describe('accounts:setEncryptionKey and getEncryptionKey', () => {
  test("registers the caller's own key, readable by anyone; a repeat changes nothing; another key rotates it", async () => {
    net = await testNetwork();
    const key = freshKey();
    const { result, event } = await submitWithEvent(net, 'alice', 'accounts:setEncryptionKey', JSON.stringify(key));
    expect(result.changed).toBe(true);
    expect(result.key).toEqual({ account: net.account.alice, mspId: 'Org1MSP', ...key, setAt: expect.any(String) });
    expect(event.name).toBe('EncryptionKeySet');
    expect(event.payload.key).toEqual(result.key);
    expect(event.audience.everyone).toBe(true);
    // Anyone, in any organisation, reads it.
    for (const reader of ['alice', 'bob', 'carol'] as const) {
      expect(await net.evaluate(reader, 'accounts:getEncryptionKey', net.account.alice)).toEqual(result.key);
    }

    const { result: again, events } = await withEvents(net, () => net.submit('alice', 'accounts:setEncryptionKey', JSON.stringify(key)));
    expect(again).toEqual({ changed: false, key: result.key });
    expect(events).toEqual([]);
    expect(await net.evaluate('bob', 'accounts:getEncryptionKey', net.account.alice)).toEqual(result.key);

    const rotated = freshKey();
    const { result: third } = await submitWithEvent(net, 'alice', 'accounts:setEncryptionKey', JSON.stringify(rotated));
    expect(third).toMatchObject({ changed: true, key: { account: net.account.alice, ...rotated } });
    expect(await net.evaluate('bob', 'accounts:getEncryptionKey', net.account.alice)).toEqual(third.key);
  });

  test("each caller sets only its own key: bob's request never touches alice's", async () => {
    net = await testNetwork();
    const alices = freshKey();
    await net.submit('alice', 'accounts:setEncryptionKey', JSON.stringify(alices));
    const bobs = freshKey();
    const { key } = await net.submit('bob', 'accounts:setEncryptionKey', JSON.stringify(bobs));
    expect(key.account).toBe(net.account.bob);
    expect(await net.evaluate('carol', 'accounts:getEncryptionKey', net.account.alice)).toMatchObject(alices);
    // A request naming an account is refused: there is no such field.
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'bob', 'accounts:setEncryptionKey', JSON.stringify({ ...freshKey(), account: net.account.alice }));
    expect(await net.evaluate('carol', 'accounts:getEncryptionKey', net.account.alice)).toMatchObject(alices);
  });

  test('the RFC 9180 vector key registers with its derived kid', async () => {
    net = await testNetwork();
    const request = { publicKey: RFC_POINT.toString('base64url'), kid: kidOf(RFC_POINT) };
    const { key } = await net.submit('carol', 'accounts:setEncryptionKey', JSON.stringify(request));
    expect(key).toMatchObject(request);
  });

  test('a key that is not a P-256 point on the curve, or a kid that is not its id, is INVALID_ARGUMENT and changes nothing', async () => {
    net = await testNetwork();
    const good = freshKey();
    const point = Buffer.from(good.publicKey, 'base64url');
    const offCurve = Buffer.from(point);
    offCurve[64] ^= 1;
    const compressed = Buffer.concat([Buffer.from([2 + (point[64] & 1)]), point.subarray(1, 33)]);
    const zeros = Buffer.concat([Buffer.from([4]), Buffer.alloc(64)]);
    const notUncompressed = Buffer.from(point);
    notUncompressed[0] = 0x05;
    const withPoint = (p: Buffer) => ({ publicKey: p.toString('base64url'), kid: kidOf(p) });
    const bad: unknown[] = [
      withPoint(offCurve),
      withPoint(compressed),
      withPoint(zeros),
      withPoint(notUncompressed),
      { publicKey: point.toString('base64'), kid: good.kid },
      { ...good, kid: freshKey().kid },
      { ...good, kid: kidOf(point).slice(0, 21) },
      { publicKey: good.publicKey },
      { kid: good.kid },
      { ...good, extra: 1 },
      [good],
    ];
    for (const request of bad) await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'alice', 'accounts:setEncryptionKey', JSON.stringify(request));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'alice', 'accounts:setEncryptionKey', 'not json');
    expect(await evalRefusal(net, 'bob', 'accounts:getEncryptionKey', net.account.alice)).toBe('NOT_FOUND');
  });

  test('without an account it is FAILED_PRECONDITION; an unknown or malformed account id is NOT_FOUND or INVALID_ARGUMENT', async () => {
    net = await testNetwork({ register: false });
    expect(await net.refusal('alice', 'accounts:setEncryptionKey', JSON.stringify(freshKey()))).toBe('FAILED_PRECONDITION');
    expect(await evalRefusal(net, 'alice', 'accounts:getEncryptionKey', 'f'.repeat(40))).toBe('NOT_FOUND');
    expect(await evalRefusal(net, 'alice', 'accounts:getEncryptionKey', 'not-an-account')).toBe('INVALID_ARGUMENT');
  });
});
