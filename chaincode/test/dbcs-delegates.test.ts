import { createPrivateKey, sign } from 'node:crypto';
import { TestNetwork, UserName } from './network';
import { closeAfterEach, evalRefusal, expectRefusedUnchanged, submitWithEvent } from './helpers';
import { challengeMessage } from '../src/dbcs/challenge';
import {
  DAY,
  DELEGATE_DEPOSIT,
  FUNDS,
  HOUR,
  authorize,
  createRegistry,
  dbcsWorld,
  endorsersOf,
  fundedNetwork,
  iso,
  json,
  money,
  requestSigning,
  sleep,
  totalMoney,
} from './dbcs-fixture';

/**
 * DBCS-SC delegate authorization contract (`delegates`): registry, RequestDelegate,
 * AddSalesManager, UpdateDelegate, RemoveSalesManager, SalesManagerRefund, ChangeStatus,
 * isValidDelegate and the challenge-response verification (seeds/004).
 */
let net: TestNetwork;
closeAfterEach(() => net);

const validity = (manager: UserName = 'alice', as: UserName = 'carol') => net.evaluate(as, 'delegates:isValidDelegate', net.account.bank, net.account[manager]);

describe('registry', () => {
  test('an issuer creates its registry once; others are refused', async () => {
    net = await fundedNetwork();
    const { result, event } = await submitWithEvent(net, 'bank', 'delegates:createRegistry', net.account.bank, json({ delegateDeposit: '500', name: 'Acme signatories' }));
    expect(result).toMatchObject({ issuer: net.account.bank, issuerMspId: 'Org1MSP', status: 'ACTIVE', delegateDeposit: '500', name: 'Acme signatories' });
    expect(event.name).toBe('DelegateRegistryCreated');
    expect(event.payload).toEqual({ registry: result, txId: event.txId });
    expect(await net.evaluate('carol', 'delegates:getRegistry', net.account.bank)).toEqual(result);
    expect(await endorsersOf(net, 'dbcs-registry', [net.account.bank])).toEqual(['Org1MSP']);

    await expectRefusedUnchanged(net, 'ALREADY_EXISTS', 'bank', 'delegates:createRegistry', net.account.bank, json({ delegateDeposit: '1' }));
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'alice', 'delegates:createRegistry', net.account.alice, json({ delegateDeposit: '1' }));
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'alice', 'delegates:createRegistry', net.account.bank, json({ delegateDeposit: '1' }));
    for (const bad of [{}, { delegateDeposit: '0' }, { delegateDeposit: 5 }, { delegateDeposit: '5', extra: 1 }, { delegateDeposit: '5', name: '' }]) {
      await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'bank', 'delegates:createRegistry', net.account.bank, json(bad));
    }
    expect(await evalRefusal(net, 'bob', 'delegates:getRegistry', net.account.alice)).toBe('NOT_FOUND');
    expect(await evalRefusal(net, 'bob', 'delegates:getRegistry', 'not-an-account')).toBe('INVALID_ARGUMENT');
  });

  test('ChangeStatus: only the issuer deactivates and reactivates; an inactive registry refuses requests and invalidates delegates', async () => {
    net = await dbcsWorld();
    const bank = net.account.bank;
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'alice', 'delegates:changeRegistryStatus', bank, json({ status: 'INACTIVE' }));
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bank', 'delegates:changeRegistryStatus', bank, json({ status: 'ACTIVE' }));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'bank', 'delegates:changeRegistryStatus', bank, json({ status: 'PAUSED' }));
    const { result, event } = await submitWithEvent(net, 'bank', 'delegates:changeRegistryStatus', bank, json({ status: 'INACTIVE', reason: 'review' }));
    expect(result).toMatchObject({ status: 'INACTIVE', statusReason: 'review' });
    expect(event.name).toBe('DelegateRegistryStatusChanged');

    expect(await validity()).toMatchObject({ valid: false, reasons: ['REGISTRY_INACTIVE'], registryStatus: 'INACTIVE' });
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'dave', 'delegates:requestDelegate', bank, '{}');
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bob', 'investment:requestSigning', 'fund-a', json({ delegate: net.account.alice }));

    await net.submit('bank', 'delegates:changeRegistryStatus', bank, json({ status: 'ACTIVE' }));
    expect(await validity()).toMatchObject({ valid: true, reasons: [] });
  });
});

describe('RequestDelegate and AddSalesManager', () => {
  test('the manager pays the deposit as a hold; the issuer authorizes with a validity period', async () => {
    net = await fundedNetwork();
    await createRegistry(net);
    const before = await totalMoney(net);
    const { result: requested, event } = await submitWithEvent(net, 'bob', 'delegates:requestDelegate', net.account.bank, json({ message: 'licensed advisor' }));
    expect(requested).toMatchObject({
      issuer: net.account.bank,
      manager: net.account.bob,
      managerMspId: 'Org2MSP',
      status: 'REQUESTED',
      deposit: '500',
      depositHeld: true,
      depositTxId: event.txId,
      requestMessage: 'licensed advisor',
      openSignings: 0,
      organizations: ['Org1MSP', 'Org2MSP'],
    });
    expect(event).toMatchObject({ name: 'DelegateRequested', payload: { delegate: requested, txId: event.txId } });
    expect(await money(net, 'bob')).toEqual({ balance: FUNDS.bob! - DELEGATE_DEPOSIT, held: DELEGATE_DEPOSIT });
    expect(await totalMoney(net)).toBe(before);
    expect(await endorsersOf(net, 'dbcs-delegate', [net.account.bank, net.account.bob])).toEqual(['Org1MSP', 'Org2MSP']);
    expect(await validity('bob')).toMatchObject({ valid: false, reasons: ['NOT_AUTHORIZED'] });

    const from = iso(-HOUR);
    const until = iso(30 * DAY);
    const { result: added, event: addedEvent } = await submitWithEvent(
      net,
      'bank',
      'delegates:addSalesManager',
      net.account.bank,
      net.account.bob,
      json({ qualification: 'signatory', note: 'region north', validFrom: from, validUntil: until }),
    );
    expect(added).toMatchObject({ status: 'AUTHORIZED', qualification: 'signatory', note: 'region north', validFrom: from, validUntil: until, revision: 0 });
    expect(addedEvent.name).toBe('SalesManagerAdded');
    expect(await validity('bob')).toMatchObject({ valid: true, reasons: [], record: added });
    expect(await net.evaluate('dave', 'delegates:getDelegate', net.account.bank, net.account.bob)).toEqual(added);
  });

  test('refusals: issuer itself, twice, insufficient funds, no registry, wrong caller, bad periods', async () => {
    net = await fundedNetwork();
    const bank = net.account.bank;
    await expectRefusedUnchanged(net, 'NOT_FOUND', 'alice', 'delegates:requestDelegate', bank, '{}');
    await createRegistry(net, 200_000n);
    await expectRefusedUnchanged(net, 'INSUFFICIENT_FUNDS', 'alice', 'delegates:requestDelegate', bank, '{}');
    await net.close();
    net = await fundedNetwork();
    await createRegistry(net);
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'bank', 'delegates:requestDelegate', bank, '{}');
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'alice', 'delegates:requestDelegate', bank, json({ unknown: true }));
    await net.submit('alice', 'delegates:requestDelegate', bank, '{}');
    await expectRefusedUnchanged(net, 'ALREADY_EXISTS', 'alice', 'delegates:requestDelegate', bank, '{}');

    const add = (as: UserName, terms: Record<string, unknown>, manager: UserName = 'alice') =>
      [as, 'delegates:addSalesManager', bank, net.account[manager], json({ qualification: 'signatory', validUntil: iso(DAY), ...terms })] as const;
    await expectRefusedUnchanged(net, 'FORBIDDEN', ...add('alice', {}));
    await expectRefusedUnchanged(net, 'FORBIDDEN', ...add('carol', {}));
    await expectRefusedUnchanged(net, 'NOT_FOUND', ...add('bank', {}, 'dave'));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', ...add('bank', { validUntil: iso(-HOUR) }));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', ...add('bank', { validFrom: iso(2 * DAY) }));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', ...add('bank', { validUntil: '2026-02-30T00:00:00Z' }));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', ...add('bank', { validUntil: 'tomorrow' }));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', ...add('bank', { qualification: '' }));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'bank', 'delegates:addSalesManager', bank, net.account.alice, json({ validUntil: iso(DAY) }));
    await net.submit(...add('bank', {}));
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', ...add('bank', {}));
  });

  test('a delegate of one issuer is not a delegate of another', async () => {
    net = await fundedNetwork();
    await createRegistry(net);
    await authorize(net, 'alice');
    const carolRole = await net.submit('admin3', 'consortium:grantRole', net.account.carol, 'issuer');
    expect(carolRole.roles).toEqual(['issuer']);
    await createRegistry(net, 100n, 'carol');
    expect(await net.evaluate('bob', 'delegates:isValidDelegate', net.account.carol, net.account.alice)).toMatchObject({ valid: false, reasons: ['NOT_REGISTERED'] });
    expect(await net.evaluate('bob', 'delegates:isValidDelegate', net.account.dave, net.account.alice)).toMatchObject({
      valid: false,
      reasons: ['REGISTRY_NOT_FOUND', 'ISSUER_ROLE_MISSING', 'NOT_REGISTERED'],
    });
    // carol, an issuer, cannot manage bank's delegates.
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'carol', 'delegates:removeSalesManager', net.account.bank, net.account.alice, '{}');
  });
});

describe('validity period', () => {
  test('a delegate is valid only inside [validFrom, validUntil) of the transaction time', async () => {
    net = await fundedNetwork();
    await createRegistry(net);
    await authorize(net, 'alice', { validFrom: iso(HOUR), validUntil: iso(DAY) });
    expect(await validity()).toMatchObject({ valid: false, reasons: ['NOT_YET_VALID'] });
    await authorize(net, 'dave', { validUntil: iso(700) });
    expect(await validity('dave')).toMatchObject({ valid: true });
    await sleep(800);
    expect(await validity('dave')).toMatchObject({ valid: false, reasons: ['EXPIRED'] });
  });

  test('losing the ledger issuer role invalidates every delegate of the issuer', async () => {
    net = await dbcsWorld();
    await net.submit('admin1', 'consortium:revokeRole', net.account.bank, 'issuer');
    expect(await validity()).toMatchObject({ valid: false, reasons: ['ISSUER_ROLE_MISSING'] });
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'bank', 'delegates:updateDelegate', net.account.bank, net.account.alice, json({ note: 'x' }));
  });
});

describe('UpdateDelegate', () => {
  test('the issuer updates an authorized delegate; every version is in the history', async () => {
    net = await dbcsWorld();
    const bank = net.account.bank;
    const alice = net.account.alice;
    const { result, event } = await submitWithEvent(net, 'bank', 'delegates:updateDelegate', bank, alice, json({ note: 'moved south', qualification: 'senior signatory' }));
    expect(result).toMatchObject({ status: 'AUTHORIZED', note: 'moved south', qualification: 'senior signatory', revision: 1 });
    expect(event.name).toBe('DelegateUpdated');
    const expired = await net.submit('bank', 'delegates:updateDelegate', bank, alice, json({ validFrom: iso(-2 * DAY), validUntil: iso(-DAY) }));
    expect(expired.revision).toBe(2);
    expect(await validity()).toMatchObject({ valid: false, reasons: ['EXPIRED'] });

    await expectRefusedUnchanged(net, 'FORBIDDEN', 'alice', 'delegates:updateDelegate', bank, alice, json({ note: 'self-promoted' }));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'bank', 'delegates:updateDelegate', bank, alice, '{}');
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'bank', 'delegates:updateDelegate', bank, alice, json({ validFrom: iso(DAY) }));
    await expectRefusedUnchanged(net, 'NOT_FOUND', 'bank', 'delegates:updateDelegate', bank, net.account.dave, json({ note: 'x' }));

    const history = await net.evaluate('carol', 'delegates:delegateHistory', bank, alice);
    expect(history.map((h: any) => [h.value.status, h.value.revision, h.value.note ?? null])).toEqual([
      ['REQUESTED', 0, null],
      ['AUTHORIZED', 0, null],
      ['AUTHORIZED', 1, 'moved south'],
      ['AUTHORIZED', 2, 'moved south'],
    ]);
    expect(history.every((h: any) => /^[0-9a-f]{64}$/.test(h.txId) && !Number.isNaN(Date.parse(h.timestamp)))).toBe(true);

    await net.submit('bank', 'delegates:removeSalesManager', bank, alice, '{}');
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bank', 'delegates:updateDelegate', bank, alice, json({ note: 'x' }));
  });
});

describe('RemoveSalesManager and SalesManagerRefund', () => {
  test('revocation is immediate and recorded; the deposit stays held until the manager refunds', async () => {
    net = await dbcsWorld();
    const bank = net.account.bank;
    const alice = net.account.alice;
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'alice', 'delegates:removeSalesManager', bank, alice, '{}');
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'bob', 'delegates:removeSalesManager', bank, alice, '{}');
    const { result, event } = await submitWithEvent(net, 'bank', 'delegates:removeSalesManager', bank, alice, json({ reason: 'left the company' }));
    expect(result).toMatchObject({ status: 'REVOKED', revokeReason: 'left the company', depositHeld: true });
    expect(result.revokedAt).toBe(result.updatedAt);
    expect(event.name).toBe('SalesManagerRemoved');
    expect(await validity()).toMatchObject({ valid: false, reasons: ['REVOKED'] });
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bank', 'delegates:removeSalesManager', bank, alice, '{}');
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bob', 'investment:requestSigning', 'fund-a', json({ delegate: alice }));
    await expectRefusedUnchanged(net, 'ALREADY_EXISTS', 'alice', 'delegates:requestDelegate', bank, '{}');
    expect(await money(net, 'alice')).toEqual({ balance: FUNDS.alice! - DELEGATE_DEPOSIT, held: DELEGATE_DEPOSIT });

    await expectRefusedUnchanged(net, 'FORBIDDEN', 'bob', 'delegates:salesManagerRefund', bank, alice);
    const refunded = await submitWithEvent(net, 'alice', 'delegates:salesManagerRefund', bank, alice);
    expect(refunded.result).toMatchObject({ status: 'REFUNDED', depositHeld: false });
    expect(refunded.event.name).toBe('SalesManagerRefunded');
    expect(await money(net, 'alice')).toEqual({ balance: FUNDS.alice!, held: 0n });
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'alice', 'delegates:salesManagerRefund', bank, alice);
    expect(await validity()).toMatchObject({ valid: false, reasons: ['REFUNDED'] });

    // A refunded manager may ask again, paying a new deposit.
    const again = await net.submit('alice', 'delegates:requestDelegate', bank, '{}');
    expect(again).toMatchObject({ status: 'REQUESTED', depositHeld: true });
    const statuses = (await net.evaluate('bob', 'delegates:delegateHistory', bank, alice)).map((h: any) => h.value.status);
    expect(statuses).toEqual(['REQUESTED', 'AUTHORIZED', 'REVOKED', 'REFUNDED', 'REQUESTED']);
  });

  test('a manager gives up while authorized; refused while a signing naming it is open', async () => {
    net = await dbcsWorld();
    const bank = net.account.bank;
    await requestSigning(net, 's1');
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'alice', 'delegates:salesManagerRefund', bank, net.account.alice);
    await net.submit('bob', 'investment:cancelSigning', 'fund-a', 's1', '{}');
    await net.submit('alice', 'delegates:salesManagerRefund', bank, net.account.alice);
    expect(await validity()).toMatchObject({ valid: false, reasons: ['REFUNDED'] });
    expect(await evalRefusal(net, 'alice', 'delegates:getDelegate', bank, net.account.dave)).toBe('NOT_FOUND');
  });

  test('an issuer may reject a pending request by removing it; the manager then takes its deposit back', async () => {
    net = await fundedNetwork();
    await createRegistry(net);
    await net.submit('dave', 'delegates:requestDelegate', net.account.bank, '{}');
    await net.submit('bank', 'delegates:removeSalesManager', net.account.bank, net.account.dave, json({ reason: 'not licensed' }));
    await net.submit('dave', 'delegates:salesManagerRefund', net.account.bank, net.account.dave);
    expect(await money(net, 'dave')).toEqual({ balance: FUNDS.dave!, held: 0n });
  });

  test('listing pages through every delegate of an issuer', async () => {
    net = await fundedNetwork();
    await createRegistry(net);
    for (const u of ['alice', 'bob', 'dave', 'carol'] as UserName[]) await net.submit(u, 'delegates:requestDelegate', net.account.bank, '{}');
    const seen: string[] = [];
    let bookmark = '';
    for (let i = 0; i < 5; i++) {
      const page = await net.evaluate('arbiter', 'delegates:listDelegates', net.account.bank, '3', bookmark);
      seen.push(...page.records.map((d: any) => d.manager));
      bookmark = page.bookmark;
      if (!bookmark) break;
    }
    expect(seen).toEqual([net.account.alice, net.account.bob, net.account.dave, net.account.carol].sort());
    expect(await evalRefusal(net, 'bob', 'delegates:listDelegates', net.account.bank, '0', '')).toBe('INVALID_ARGUMENT');
  });
});

describe('challenge-response (verifyDelegateSignature)', () => {
  const signAs = (user: UserName, message: string, dsaEncoding: 'der' | 'ieee-p1363' = 'der') =>
    sign('sha256', Buffer.from(message, 'utf8'), { key: createPrivateKey(net.ids[user].privateKey), dsaEncoding }).toString('base64');

  test('the delegate signs the challenge with its identity key; anyone verifies it against the ledger certificate', async () => {
    net = await dbcsWorld();
    const { bank, alice } = net.account;
    const challenge = 'nonce-7f3a9c2e-client-bob';
    const message = challengeMessage(bank, alice, challenge);
    const verify = (signature: string, c = challenge, as: UserName = 'bob') => net.evaluate(as, 'delegates:verifyDelegateSignature', bank, alice, c, signature);

    const der = await verify(signAs('alice', message, 'der'));
    expect(der).toMatchObject({ issuer: bank, delegate: alice, challenge, message, signatureValid: true, delegateValid: true, valid: true, reasons: [] });
    expect((await verify(signAs('alice', message, 'ieee-p1363'))).valid).toBe(true);
    const urlSafe = signAs('alice', message).replace(/\+/g, '-').replace(/\//g, '_');
    expect((await verify(urlSafe)).signatureValid).toBe(true);

    // Someone else's key, another challenge, the bare challenge without the binding: not valid.
    expect(await verify(signAs('dave', message))).toMatchObject({ signatureValid: false, delegateValid: true, valid: false });
    expect((await verify(signAs('alice', message), 'another-challenge')).signatureValid).toBe(false);
    expect((await verify(signAs('alice', challenge))).signatureValid).toBe(false);
    expect((await net.evaluate('bob', 'delegates:verifyDelegateSignature', bank, net.account.dave, challenge, signAs('alice', message))).signatureValid).toBe(false);

    // The signature is still the delegate's, but a revoked delegate is not valid.
    await net.submit('bank', 'delegates:removeSalesManager', bank, alice, '{}');
    expect(await verify(signAs('alice', message))).toMatchObject({ signatureValid: true, delegateValid: false, valid: false, reasons: ['REVOKED'] });

    expect(await evalRefusal(net, 'bob', 'delegates:verifyDelegateSignature', bank, alice, 'short', signAs('alice', message))).toBe('INVALID_ARGUMENT');
    expect(await evalRefusal(net, 'bob', 'delegates:verifyDelegateSignature', bank, alice, challenge, 'not base64!')).toBe('INVALID_ARGUMENT');
    expect(await evalRefusal(net, 'bob', 'delegates:verifyDelegateSignature', bank, alice, challenge, Buffer.alloc(10).toString('base64'))).toBe('INVALID_ARGUMENT');
    expect(await evalRefusal(net, 'bob', 'delegates:verifyDelegateSignature', bank, 'e'.repeat(40), challenge, signAs('alice', message))).toBe('NOT_FOUND');
  });
});
