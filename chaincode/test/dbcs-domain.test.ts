import 'reflect-metadata';
import { KeyObject, sign, webcrypto } from 'node:crypto';
import * as x509 from '@peculiar/x509';
import { shareOf } from '../src/shared/bps';
import { parseTimestamp } from '../src/shared/fields';
import { addSeconds } from '../src/shared/time';
import { Delegate, DelegateRegistry, delegateValidity } from '../src/dbcs/delegate';
import { InvestmentContract, Signing, signSigning } from '../src/dbcs/investment';
import { openDispute, ruleDispute } from '../src/dbcs/dispute';
import { parseSignature, verifyWithCertificate } from '../src/shared/signature';
import { CovenantError } from '../src/shared/errors';

x509.cryptoProvider.set(webcrypto as unknown as Parameters<typeof x509.cryptoProvider.set>[0]);

/** The pure DBCS-SC rules, without a ledger: time windows, ratios, ruling plans, signature parsing. */
const code = (fn: () => unknown): string => {
  try {
    fn();
  } catch (err) {
    if (err instanceof CovenantError) return err.code;
    throw err;
  }
  return 'OK';
};

const registry: DelegateRegistry = { issuer: 'i', issuerMspId: 'Org1MSP', status: 'ACTIVE', delegateDeposit: 5n, createdAt: 't', updatedAt: 't' };
const delegate: Delegate = {
  issuer: 'i',
  manager: 'm',
  managerMspId: 'Org2MSP',
  status: 'AUTHORIZED',
  deposit: 5n,
  depositTxId: 'tx',
  validFrom: '2026-01-01T00:00:00.000Z',
  validUntil: '2026-02-01T00:00:00.000Z',
  revision: 0,
  openSignings: 0,
  organizations: ['Org1MSP', 'Org2MSP'],
  requestedAt: 't',
  updatedAt: 't',
};

describe('delegateValidity', () => {
  const at = (now: string, d: Partial<Delegate> = {}, r: Partial<DelegateRegistry> = {}, issuerHasRole = true) =>
    delegateValidity({ registry: { ...registry, ...r }, delegate: { ...delegate, ...d }, issuerHasRole, now });

  test('valid from validFrom inclusive to validUntil exclusive', () => {
    expect(at('2025-12-31T23:59:59.999Z')).toEqual(['NOT_YET_VALID']);
    expect(at('2026-01-01T00:00:00.000Z')).toEqual([]);
    expect(at('2026-01-31T23:59:59.999Z')).toEqual([]);
    expect(at('2026-02-01T00:00:00.000Z')).toEqual(['EXPIRED']);
  });

  test('every failing condition is reported', () => {
    const now = '2026-01-15T00:00:00.000Z';
    expect(at(now, { status: 'REQUESTED' })).toEqual(['NOT_AUTHORIZED']);
    expect(at(now, { status: 'REVOKED' })).toEqual(['REVOKED']);
    expect(at(now, { status: 'REFUNDED' })).toEqual(['REFUNDED']);
    expect(at(now, {}, { status: 'INACTIVE' }, false)).toEqual(['REGISTRY_INACTIVE', 'ISSUER_ROLE_MISSING']);
    expect(delegateValidity({ issuerHasRole: false, now })).toEqual(['REGISTRY_NOT_FOUND', 'ISSUER_ROLE_MISSING', 'NOT_REGISTERED']);
  });
});

describe('timestamps and shares', () => {
  test('parseTimestamp accepts UTC ISO 8601 and normalises it; refuses the rest', () => {
    expect(parseTimestamp('2026-03-01T10:00:00Z', 'f')).toBe('2026-03-01T10:00:00.000Z');
    expect(parseTimestamp('2026-03-01T10:00:00.5Z', 'f')).toBe('2026-03-01T10:00:00.500Z');
    for (const bad of ['2026-03-01', '2026-03-01T10:00:00+01:00', '2026-02-30T00:00:00Z', '2026-13-01T00:00:00Z', 1767225600000, 'now']) {
      expect(code(() => parseTimestamp(bad, 'f'))).toBe('INVALID_ARGUMENT');
    }
  });

  test('deadlines add seconds to the transaction time; shares round down', () => {
    expect(addSeconds('2026-03-01T10:00:00.000Z', 7 * 24 * 3600)).toBe('2026-03-08T10:00:00.000Z');
    expect(shareOf(1001n, 5000)).toBe(500n);
    expect(shareOf(1n, 9999)).toBe(0n);
    expect(shareOf(12345n, 10000)).toBe(12345n);
  });
});

const contract: InvestmentContract = {
  id: 'c',
  issuer: 'i',
  issuerMspId: 'Org1MSP',
  name: 'n',
  content: 'x',
  contentHash: 'h',
  clientDeposit: 100n,
  publishDeposit: 1000n,
  publishDepositHeld: 1000n,
  ratio: { client: 9, delegate: 1 },
  penaltyShareBps: 2500,
  status: 'ACTIVE',
  openSignings: 1,
  completedSignings: 0,
  fraudRulings: 0,
  createdAt: 't',
  updatedAt: 't',
};
const requested: Signing = { id: 's', contractId: 'c', issuer: 'i', delegate: 'm', client: 'c1', status: 'REQUESTED', deposit: 100n, organizations: ['Org1MSP'], createdAt: 't', updatedAt: 't' };

describe('signSigning ratio', () => {
  test('amounts are k x parts for one k, whichever side signs first', () => {
    const ratio = { client: 3, delegate: 2 };
    expect(code(() => signSigning(requested, ratio, 'c1', 10n, 'n'))).toBe('INVALID_ARGUMENT');
    const clientFirst = signSigning(requested, ratio, 'c1', 9n, 'n');
    expect(code(() => signSigning(clientFirst, ratio, 'm', 4n, 'n'))).toBe('INVALID_ARGUMENT');
    expect(signSigning(clientFirst, ratio, 'm', 6n, 'n')).toMatchObject({ status: 'SIGNED', clientAmount: 9n, delegateAmount: 6n });
    const delegateFirst = signSigning(requested, ratio, 'm', 4n, 'n');
    expect(signSigning(delegateFirst, ratio, 'c1', 6n, 'n').status).toBe('SIGNED');
    expect(code(() => signSigning(requested, ratio, 'i', 6n, 'n'))).toBe('FORBIDDEN');
  });
});

describe('ruleDispute plans', () => {
  const signedSigning: Signing = { ...requested, status: 'SIGNED', clientAmount: 900n, delegateAmount: 100n };
  const disputeOf = (s: Signing) => openDispute({ signing: s, windowSeconds: 60, now: '2026-01-01T00:00:00.000Z' });
  const rule = (s: Signing, ruling: 'FRAUD' | 'NO_FRAUD', c = contract, arbitrator = 'a') =>
    ruleDispute({ dispute: disputeOf(s), signing: { ...s, status: 'DISPUTED' }, contract: c, arbitrator, ruling, reason: 'r', txId: 't', now: 'n' });

  test('Penalty pays the penalty share, capped at the deposit still held, and refunds every commitment', () => {
    const plan = rule(signedSigning, 'FRAUD');
    expect(plan.movements.map((m) => [m.type, m.kind, m.from, m.to, m.amount])).toEqual([
      ['pay', 'penalty', 'i', 'c1', 250n],
      ['refund', 'clientDepositRefund', 'c1', 'c1', 100n],
      ['refund', 'clientInvestmentRefund', 'c1', 'c1', 900n],
      ['refund', 'delegateInvestmentRefund', 'm', 'm', 100n],
    ]);
    expect(plan.contract).toMatchObject({ publishDepositHeld: 750n, fraudRulings: 1, status: 'INACTIVE', openSignings: 0 });
    expect(plan.signing.status).toBe('PENALIZED');
    const capped = rule(signedSigning, 'FRAUD', { ...contract, publishDepositHeld: 100n });
    expect(capped.movements[0].amount).toBe(100n);
    expect(capped.contract.publishDepositHeld).toBe(0n);
  });

  test('Settlement forfeits the deposit; completes a signed contract, refunds an unsigned one', () => {
    expect(rule(signedSigning, 'NO_FRAUD').movements.map((m) => [m.kind, m.from, m.to, m.amount])).toEqual([
      ['forfeitedDeposit', 'c1', 'i', 100n],
      ['investment', 'c1', 'i', 900n],
      ['investment', 'm', 'i', 100n],
    ]);
    const partly: Signing = { ...requested, delegateAmount: 100n };
    const plan = rule(partly, 'NO_FRAUD');
    expect(plan.movements.map((m) => [m.kind, m.amount])).toEqual([
      ['forfeitedDeposit', 100n],
      ['delegateInvestmentRefund', 100n],
    ]);
    expect(plan.contract.completedSignings).toBe(0);
  });

  test('a party cannot rule; a ruled dispute cannot be ruled again', () => {
    expect(code(() => rule(signedSigning, 'FRAUD', contract, 'c1'))).toBe('FORBIDDEN');
    expect(code(() => rule(signedSigning, 'FRAUD', contract, 'i'))).toBe('FORBIDDEN');
    const ruled = rule(signedSigning, 'NO_FRAUD');
    expect(code(() => ruleDispute({ dispute: ruled.dispute, signing: { ...signedSigning, status: 'DISPUTED' }, contract, arbitrator: 'a', ruling: 'FRAUD', reason: 'r', txId: 't', now: 'n' }))).toBe(
      'FAILED_PRECONDITION',
    );
  });
});

describe('challenge signatures', () => {
  test('DER and raw encodings are told apart; garbage is refused', () => {
    expect(parseSignature(Buffer.alloc(64, 1).toString('base64')).encoding).toBe('ieee-p1363');
    expect(parseSignature(Buffer.from([0x30, 6, 2, 1, 1, 2, 1, 1]).toString('base64')).encoding).toBe('der');
    for (const bad of ['', '!!!', Buffer.alloc(63).toString('base64'), Buffer.alloc(70, 7).toString('base64'), 42]) {
      expect(code(() => parseSignature(bad))).toBe('INVALID_ARGUMENT');
    }
  });

  test('a certificate that does not parse, or a key that is not P-256, verifies nothing', async () => {
    const keys = (await webcrypto.subtle.generateKey({ name: 'ECDSA', namedCurve: 'P-384' }, true, ['sign', 'verify'])) as webcrypto.CryptoKeyPair;
    const cert = await x509.X509CertificateGenerator.createSelfSigned({
      serialNumber: '01',
      name: 'CN=p384',
      notBefore: new Date(Date.now() - 60_000),
      notAfter: new Date(Date.now() + 3600_000),
      signingAlgorithm: { name: 'ECDSA', hash: 'SHA-256' },
      keys,
    });
    const sig = { bytes: sign('sha256', Buffer.from('m'), KeyObject.from(keys.privateKey)), encoding: 'der' as const };
    expect(verifyWithCertificate(cert.toString('pem'), 'm', sig)).toBe(false);
    expect(verifyWithCertificate('not a certificate', 'm', sig)).toBe(false);
  });
});
