import { sha256Hex as sha256 } from '../src/shared/hash';
import { TestNetwork, UserName } from './network';
import { closeAfterEach, evalRefusal, expectRefusedUnchanged, submitWithEvent } from './helpers';
import {
  CLIENT_DEPOSIT,
  DAY,
  DELEGATE_DEPOSIT,
  FUNDS,
  PUBLISH_DEPOSIT,
  authorize,
  dbcsWorld,
  endorsersOf,
  iso,
  json,
  money,
  publish,
  reportFraud,
  requestSigning,
  signed,
  sleep,
  totalMoney,
} from './dbcs-fixture';

/**
 * DBCS-SC financial investment contract (`investment`): ContractPublishDeposit + AddContract,
 * ChangeStatus, RequestSigning (Algorithm 1), SignedByEntity, ContractConfirmed (Algorithm 2),
 * DisputeArbitration with Penalty and Settlement (Algorithm 3), evidence, escalation, the
 * arbitrators' queue and settings (seeds/004).
 */
let net: TestNetwork;
closeAfterEach(() => net);

const contract = (as: UserName = 'carol') => net.evaluate(as, 'investment:getContract', 'fund-a');
const signing = (id: string, as: UserName = 'bob') => net.evaluate(as, 'investment:getSigning', 'fund-a', id);
const delegateRecord = () => net.evaluate('carol', 'delegates:getDelegate', net.account.bank, net.account.alice);

/**
 * Sets `net` to a DBCS world where signing s1 is signed and its client reported fraud, and
 * returns the money in the system and the bank's money at that point, before any ruling.
 */
async function disputedWorld(): Promise<{ total: Awaited<ReturnType<typeof totalMoney>>; bank: Awaited<ReturnType<typeof money>> }> {
  net = await dbcsWorld();
  const total = await totalMoney(net);
  await signed(net, 's1');
  await reportFraud(net, 's1');
  return { total, bank: await money(net, 'bank') };
}

describe('ContractPublishDeposit + AddContract', () => {
  test('the issuer publishes; the publishing deposit is held; the content hash is computed and public', async () => {
    net = await dbcsWorld();
    const content = 'Fund B: 24 months, 3.5% a year';
    const { result, event } = await submitWithEvent(
      net,
      'bank',
      'investment:publishContract',
      json({ id: 'fund-b', name: 'Fund B', content, contentHash: sha256(content), clientDeposit: '200', publishDeposit: '7000', ratio: { client: 4, delegate: 1 }, penaltyShareBps: 10000 }),
    );
    expect(result).toMatchObject({
      id: 'fund-b',
      issuer: net.account.bank,
      issuerMspId: 'Org1MSP',
      name: 'Fund B',
      content,
      contentHash: sha256(content),
      clientDeposit: '200',
      publishDeposit: '7000',
      publishDepositHeld: '7000',
      ratio: { client: 4, delegate: 1 },
      penaltyShareBps: 10000,
      status: 'ACTIVE',
      openSignings: 0,
    });
    expect(event).toMatchObject({ name: 'ContractPublished', payload: { contract: result } });
    expect(await net.evaluate('dave', 'investment:getContract', 'fund-b')).toEqual(result);
    expect(await money(net, 'bank')).toEqual({ balance: FUNDS.bank! - PUBLISH_DEPOSIT - 7000n, held: PUBLISH_DEPOSIT + 7000n });
    expect(await endorsersOf(net, 'dbcs-contract', ['fund-b'])).toEqual(['Org1MSP']);
    const listed = await net.evaluate('dave', 'investment:listContracts', net.account.bank, '', '');
    expect(listed.records.map((c: any) => c.id)).toEqual(['fund-a', 'fund-b']);
    expect((await net.evaluate('dave', 'investment:listContracts', net.account.alice, '', '')).records).toEqual([]);
  });

  test('refusals: not an issuer, hash mismatch, malformed, penalty below the ledger minimum, duplicate id, insufficient funds', async () => {
    net = await dbcsWorld();
    const base = { name: 'X', content: 'terms', clientDeposit: '10', publishDeposit: '10', ratio: { client: 9, delegate: 1 } };
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'alice', 'investment:publishContract', json(base));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'bank', 'investment:publishContract', json({ ...base, contentHash: sha256('other') }));
    for (const bad of [
      { ...base, content: '' },
      { ...base, clientDeposit: '0' },
      { ...base, publishDeposit: '-1' },
      { ...base, ratio: { client: 0, delegate: 1 } },
      { ...base, ratio: { client: 9 } },
      { ...base, ratio: { client: 9, delegate: 1, broker: 1 } },
      { ...base, penaltyShareBps: 10001 },
      { ...base, unknown: 1 },
      { ...base, id: 'bad id' },
    ]) {
      await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'bank', 'investment:publishContract', json(bad));
    }
    await expectRefusedUnchanged(net, 'ALREADY_EXISTS', 'bank', 'investment:publishContract', json({ ...base, id: 'fund-a' }));
    await expectRefusedUnchanged(net, 'INSUFFICIENT_FUNDS', 'bank', 'investment:publishContract', json({ ...base, publishDeposit: '10000000' }));
    await net.submit('admin2', 'investment:setSettings', json({ penaltyShareBps: 5000 }));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'bank', 'investment:publishContract', json({ ...base, penaltyShareBps: 4999 }));
    expect((await publish(net, { id: 'fund-c' })).penaltyShareBps).toBe(5000);
    expect(await evalRefusal(net, 'bob', 'investment:getContract', 'nope')).toBe('NOT_FOUND');
  });
});

describe('Algorithm 1: RequestSigning', () => {
  test('the client pays the deposit (hold) to sign with a valid delegate', async () => {
    net = await dbcsWorld();
    const { result, event } = await submitWithEvent(net, 'bob', 'investment:requestSigning', 'fund-a', json({ id: 's1', delegate: net.account.alice, deposit: '1000' }));
    expect(result).toMatchObject({
      id: 's1',
      contractId: 'fund-a',
      issuer: net.account.bank,
      delegate: net.account.alice,
      client: net.account.bob,
      status: 'REQUESTED',
      deposit: '1000',
      organizations: ['Org1MSP', 'Org2MSP'],
    });
    expect(event).toMatchObject({ name: 'SigningRequested', payload: { signing: result } });
    expect(await money(net, 'bob')).toEqual({ balance: FUNDS.bob! - CLIENT_DEPOSIT, held: CLIENT_DEPOSIT });
    expect((await contract()).openSignings).toBe(1);
    expect((await delegateRecord()).openSignings).toBe(1);
    expect(await endorsersOf(net, 'dbcs-signing', ['s1'])).toEqual(['Org1MSP', 'Org2MSP']);
    // Parties and arbitrators read it; others do not.
    for (const u of ['bob', 'alice', 'bank', 'arbiter'] as UserName[]) expect(await signing('s1', u)).toEqual(result);
    expect(await evalRefusal(net, 'carol', 'investment:getSigning', 'fund-a', 's1')).toBe('FORBIDDEN');
    expect(await evalRefusal(net, 'bob', 'investment:getSigning', 'other', 's1')).toBe('NOT_FOUND');
    expect((await net.evaluate('alice', 'investment:listSignings', '', '')).records.map((s: any) => s.id)).toEqual(['s1']);
    expect((await net.evaluate('carol', 'investment:listSignings', '', '')).records).toEqual([]);
  });

  test('refused: revoked, expired, unauthorized or unknown delegate, inactive contract, client is the issuer or the delegate, wrong deposit, no funds', async () => {
    net = await dbcsWorld();
    const { bank, alice, dave, carol } = net.account;
    const req = (as: UserName, body: Record<string, unknown>, contractId = 'fund-a') => [as, 'investment:requestSigning', contractId, json(body)] as const;
    await expectRefusedUnchanged(net, 'NOT_FOUND', ...req('bob', { delegate: alice }, 'nope'));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', ...req('bob', { delegate: alice, deposit: '999' }));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', ...req('bob', { delegate: 'alice' }));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', ...req('bank', { delegate: alice }));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', ...req('alice', { delegate: alice }));
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', ...req('bob', { delegate: carol }));
    await net.submit('dave', 'delegates:requestDelegate', bank, '{}');
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', ...req('bob', { delegate: dave }));
    await net.submit('bank', 'delegates:addSalesManager', bank, dave, json({ qualification: 'signatory', validUntil: iso(600) }));
    await sleep(700);
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', ...req('bob', { delegate: dave })); // expired
    await net.submit('bank', 'delegates:removeSalesManager', bank, alice, '{}');
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', ...req('bob', { delegate: alice })); // revoked
    await net.submit('bank', 'delegates:updateDelegate', bank, dave, json({ validUntil: iso(DAY) }));
    await net.submit('bank', 'investment:changeContractStatus', 'fund-a', json({ status: 'INACTIVE' }));
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', ...req('bob', { delegate: dave }));
    await net.submit('bank', 'investment:changeContractStatus', 'fund-a', json({ status: 'ACTIVE' }));
    await net.submit('bob', 'accounts:transfer', carol, (FUNDS.bob! - 10n).toString());
    await expectRefusedUnchanged(net, 'INSUFFICIENT_FUNDS', ...req('bob', { delegate: dave }));
    await requestSigning(net, 'dup', 'carol', 'dave');
    await expectRefusedUnchanged(net, 'ALREADY_EXISTS', ...req('carol', { id: 'dup', delegate: dave }));
  });
});

describe('SignedByEntity', () => {
  test('delegate and client commit at the 9:1 ratio; both held; SIGNED when both signed', async () => {
    net = await dbcsWorld();
    await requestSigning(net, 's1');
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'bob', 'investment:signedByEntity', 'fund-a', 's1', '1000'); // not a multiple of 9
    const first = await submitWithEvent(net, 'alice', 'investment:signedByEntity', 'fund-a', 's1', '1000');
    expect(first.result).toMatchObject({ status: 'REQUESTED', delegateAmount: '1000' });
    expect(first.event.name).toBe('SignedByEntity');
    expect(await money(net, 'alice')).toEqual({ balance: FUNDS.alice! - DELEGATE_DEPOSIT - 1000n, held: DELEGATE_DEPOSIT + 1000n });
    await expectRefusedUnchanged(net, 'ALREADY_EXISTS', 'alice', 'investment:signedByEntity', 'fund-a', 's1', '1000');
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'bob', 'investment:signedByEntity', 'fund-a', 's1', '9009');
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'dave', 'investment:signedByEntity', 'fund-a', 's1', '9000');
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'bank', 'investment:signedByEntity', 'fund-a', 's1', '9000');
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'bob', 'investment:signedByEntity', 'fund-a', 's1', '0');
    const second = await submitWithEvent(net, 'bob', 'investment:signedByEntity', 'fund-a', 's1', '9000');
    expect(second.result).toMatchObject({ status: 'SIGNED', clientAmount: '9000', delegateAmount: '1000' });
    expect(second.result.signedAt).toBe(second.result.clientSignedAt);
    expect(second.event.name).toBe('ContractSigned');
    expect(await money(net, 'bob')).toEqual({ balance: FUNDS.bob! - CLIENT_DEPOSIT - 9000n, held: CLIENT_DEPOSIT + 9000n });
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bob', 'investment:signedByEntity', 'fund-a', 's1', '9000');
  });

  test('the client may sign first; its amount fixes the delegate amount', async () => {
    net = await dbcsWorld();
    await requestSigning(net, 's1');
    await net.submit('bob', 'investment:signedByEntity', 'fund-a', 's1', '18000');
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'alice', 'investment:signedByEntity', 'fund-a', 's1', '1000');
    expect((await net.submit('alice', 'investment:signedByEntity', 'fund-a', 's1', '2000')).status).toBe('SIGNED');
  });

  test('no new signatures once the delegate is revoked or the contract or registry is deactivated', async () => {
    net = await dbcsWorld();
    await requestSigning(net, 's1');
    await net.submit('bank', 'investment:changeContractStatus', 'fund-a', json({ status: 'INACTIVE' }));
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'alice', 'investment:signedByEntity', 'fund-a', 's1', '1000');
    await net.submit('bank', 'investment:changeContractStatus', 'fund-a', json({ status: 'ACTIVE' }));
    await net.submit('bank', 'delegates:changeRegistryStatus', net.account.bank, json({ status: 'INACTIVE' }));
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'alice', 'investment:signedByEntity', 'fund-a', 's1', '1000');
    await net.submit('bank', 'delegates:changeRegistryStatus', net.account.bank, json({ status: 'ACTIVE' }));
    await net.submit('alice', 'investment:signedByEntity', 'fund-a', 's1', '1000');
    await net.submit('bank', 'delegates:removeSalesManager', net.account.bank, net.account.alice, '{}');
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bob', 'investment:signedByEntity', 'fund-a', 's1', '9000');
    // The client leaves: its deposit and the delegate's commitment are refunded.
    const { result, event } = await submitWithEvent(net, 'bob', 'investment:cancelSigning', 'fund-a', 's1', json({ reason: 'delegate revoked' }));
    expect(result.signing).toMatchObject({ status: 'CANCELLED', cancelledBy: net.account.bob, cancelReason: 'delegate revoked' });
    expect(event.name).toBe('SigningCancelled');
    expect(await money(net, 'bob')).toEqual({ balance: FUNDS.bob!, held: 0n });
    expect(await money(net, 'alice')).toEqual({ balance: FUNDS.alice! - DELEGATE_DEPOSIT, held: DELEGATE_DEPOSIT });
    expect((await contract()).openSignings).toBe(0);
    expect((await delegateRecord()).openSignings).toBe(0);
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bob', 'investment:cancelSigning', 'fund-a', 's1', '{}');
  });

  test('cancellation: only the client or the delegate, only before both signed', async () => {
    net = await dbcsWorld();
    await signed(net, 's1');
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bob', 'investment:cancelSigning', 'fund-a', 's1', '{}');
    await requestSigning(net, 's2', 'dave');
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'bank', 'investment:cancelSigning', 'fund-a', 's2', '{}');
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'bob', 'investment:cancelSigning', 'fund-a', 's2', '{}');
    expect((await net.submit('alice', 'investment:cancelSigning', 'fund-a', 's2', '{}')).signing.status).toBe('CANCELLED');
  });
});

describe('Algorithm 2: ContractConfirmed', () => {
  test('1 (satisfied) completes: investment to the issuer, client deposit refunded', async () => {
    net = await dbcsWorld();
    const total = await totalMoney(net);
    await signed(net, 's1');
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'alice', 'investment:contractConfirmed', 'fund-a', 's1', json({ decision: 1 }));
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'bank', 'investment:contractConfirmed', 'fund-a', 's1', json({ decision: 1 }));
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'dave', 'investment:contractConfirmed', 'fund-a', 's1', json({ decision: 1 }));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'bob', 'investment:contractConfirmed', 'fund-a', 's1', json({ decision: 3 }));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'bob', 'investment:contractConfirmed', 'fund-a', 's1', json({ decision: '1' }));
    const bankBefore = await money(net, 'bank');
    const { result, event } = await submitWithEvent(net, 'bob', 'investment:contractConfirmed', 'fund-a', 's1', json({ decision: 1 }));
    expect(result.signing).toMatchObject({ status: 'COMPLETED' });
    expect(result.dispute).toBeUndefined();
    expect(result.movements).toEqual([
      { kind: 'investment', from: net.account.bob, to: net.account.bank, amount: '9000' },
      { kind: 'investment', from: net.account.alice, to: net.account.bank, amount: '1000' },
      { kind: 'clientDepositRefund', from: net.account.bob, to: net.account.bob, amount: '1000' },
    ]);
    expect(event.name).toBe('ContractConfirmed');
    expect(await money(net, 'bank')).toEqual({ balance: bankBefore.balance + 10_000n, held: bankBefore.held });
    expect(await money(net, 'bob')).toEqual({ balance: FUNDS.bob! - 9000n, held: 0n });
    expect(await money(net, 'alice')).toEqual({ balance: FUNDS.alice! - DELEGATE_DEPOSIT - 1000n, held: DELEGATE_DEPOSIT });
    expect(await contract()).toMatchObject({ openSignings: 0, completedSignings: 1 });
    expect(await totalMoney(net)).toBe(total);
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bob', 'investment:contractConfirmed', 'fund-a', 's1', json({ decision: 1 }));
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bob', 'investment:contractConfirmed', 'fund-a', 's1', json({ decision: 2 }));
  });

  test('1 needs both signatures; 2 may be reported before signing', async () => {
    net = await dbcsWorld();
    await requestSigning(net, 's1');
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bob', 'investment:contractConfirmed', 'fund-a', 's1', json({ decision: 1 }));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'bob', 'investment:contractConfirmed', 'fund-a', 's1', json({ decision: 1, statement: 'x' }));
    const { result } = await submitWithEvent(net, 'bob', 'investment:contractConfirmed', 'fund-a', 's1', json({ decision: 2 }));
    expect(result.dispute).toMatchObject({ id: 's1', status: 'OPEN', reportedFrom: 'REQUESTED' });
  });
});

describe('Algorithm 3: disputes and DisputeArbitration', () => {
  test('a fraud report opens a dispute with a 7-day deadline; money stays held', async () => {
    net = await dbcsWorld();
    await signed(net, 's1');
    const held = await money(net, 'bob');
    const { result, event } = await submitWithEvent(net, 'bob', 'investment:contractConfirmed', 'fund-a', 's1', json({ decision: 2, statement: 'promised 12%' }));
    expect(event.name).toBe('FraudReported');
    expect(result.signing).toMatchObject({ status: 'DISPUTED', disputeId: 's1' });
    const dispute = result.dispute;
    expect(dispute).toMatchObject({
      id: 's1',
      signingId: 's1',
      contractId: 'fund-a',
      client: net.account.bob,
      delegate: net.account.alice,
      issuer: net.account.bank,
      status: 'OPEN',
      reportedFrom: 'SIGNED',
      statement: 'promised 12%',
      evidence: [],
    });
    expect(Date.parse(dispute.deadline) - Date.parse(dispute.openedAt)).toBe(7 * DAY);
    expect(await money(net, 'bob')).toEqual(held);
    expect(await endorsersOf(net, 'dbcs-dispute', ['s1'])).toEqual(['Org1MSP', 'Org2MSP']);
    for (const u of ['bob', 'alice', 'bank', 'arbiter'] as UserName[]) expect((await net.evaluate(u, 'investment:getDispute', 's1')).id).toBe('s1');
    expect(await evalRefusal(net, 'carol', 'investment:getDispute', 's1')).toBe('FORBIDDEN');
    expect(await evalRefusal(net, 'bob', 'investment:getDispute', 'nope')).toBe('NOT_FOUND');
  });

  test('FRAUD -> Penalty: the publishing deposit goes to the client, holds refunded, contract deactivated', async () => {
    const { total, bank } = await disputedWorld();

    for (const u of ['bank', 'bob', 'alice', 'carol', 'admin3'] as UserName[]) {
      await expectRefusedUnchanged(net, 'FORBIDDEN', u, 'investment:disputeArbitration', 's1', json({ ruling: 'FRAUD', reason: 'x' }));
    }
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'arbiter', 'investment:disputeArbitration', 's1', json({ ruling: 'FRAUD' }));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'arbiter', 'investment:disputeArbitration', 's1', json({ ruling: 'MAYBE', reason: 'x' }));
    await expectRefusedUnchanged(net, 'NOT_FOUND', 'arbiter', 'investment:disputeArbitration', 'nope', json({ ruling: 'FRAUD', reason: 'x' }));

    const { result, event } = await submitWithEvent(net, 'arbiter', 'investment:disputeArbitration', 's1', json({ ruling: 'FRAUD', reason: 'brochure contradicts contract' }));
    expect(event.name).toBe('DisputeRuled');
    expect(event.payload.signing.status).toBe('PENALIZED');
    expect(result).toMatchObject({
      status: 'RULED',
      ruling: {
        ruling: 'FRAUD',
        outcome: 'PENALTY',
        reason: 'brochure contradicts contract',
        arbitrator: net.account.arbiter,
        txId: event.txId,
        movements: [
          { kind: 'penalty', from: net.account.bank, to: net.account.bob, amount: PUBLISH_DEPOSIT.toString() },
          { kind: 'clientDepositRefund', from: net.account.bob, to: net.account.bob, amount: '1000' },
          { kind: 'clientInvestmentRefund', from: net.account.bob, to: net.account.bob, amount: '9000' },
          { kind: 'delegateInvestmentRefund', from: net.account.alice, to: net.account.alice, amount: '1000' },
        ],
      },
    });
    expect(await money(net, 'bob')).toEqual({ balance: FUNDS.bob! + PUBLISH_DEPOSIT, held: 0n });
    expect(await money(net, 'alice')).toEqual({ balance: FUNDS.alice! - DELEGATE_DEPOSIT, held: DELEGATE_DEPOSIT });
    expect(await money(net, 'bank')).toEqual({ balance: bank.balance, held: bank.held - PUBLISH_DEPOSIT });
    expect(await signing('s1')).toMatchObject({ status: 'PENALIZED' });
    expect(await contract()).toMatchObject({ status: 'INACTIVE', fraudRulings: 1, publishDepositHeld: '0', openSignings: 0 });
    expect((await delegateRecord()).openSignings).toBe(0);
    expect(await totalMoney(net)).toBe(total);

    // Double ruling, evidence or escalation after the ruling, reactivating a fraudulent contract: refused.
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'arbiter', 'investment:disputeArbitration', 's1', json({ ruling: 'NO_FRAUD', reason: 'changed my mind' }));
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bob', 'investment:submitEvidence', 's1', json({ text: 'late' }));
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bob', 'investment:escalateDispute', 's1', '{}');
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bank', 'investment:changeContractStatus', 'fund-a', json({ status: 'ACTIVE' }));
    expect((await net.evaluate('arbiter', 'investment:listOpenDisputes', '', '')).records).toEqual([]);
    // Closing the contract now releases nothing more (the deposit went to the client).
    const closed = await net.submit('bank', 'investment:changeContractStatus', 'fund-a', json({ status: 'CLOSED' }));
    expect(closed).toMatchObject({ status: 'CLOSED', publishDepositHeld: '0' });
    expect(await money(net, 'bank')).toEqual({ balance: bank.balance, held: 0n });
  });

  test('the penalty share is a contract parameter, capped at what is still held of the deposit', async () => {
    net = await dbcsWorld();
    await net.submit('admin1', 'investment:setSettings', json({ penaltyShareBps: 5000 }));
    expect((await publish(net, { id: 'fund-g' })).penaltyShareBps).toBe(5000);
    await publish(net, { id: 'fund-h', penaltyShareBps: 6000, publishDeposit: '1000' });
    for (const [id, client] of [['h1', 'bob'], ['h2', 'dave']] as const) {
      await net.submit(client, 'investment:requestSigning', 'fund-h', json({ id, delegate: net.account.alice }));
      await net.submit(client, 'investment:contractConfirmed', 'fund-h', id, json({ decision: 2 }));
    }
    const first = await net.submit('arbiter', 'investment:disputeArbitration', 'h1', json({ ruling: 'FRAUD', reason: 'r' }));
    expect(first.ruling.movements[0]).toEqual({ kind: 'penalty', from: net.account.bank, to: net.account.bob, amount: '600' });
    const second = await net.submit('arbiter', 'investment:disputeArbitration', 'h2', json({ ruling: 'FRAUD', reason: 'r' }));
    expect(second.ruling.movements[0]).toEqual({ kind: 'penalty', from: net.account.bank, to: net.account.dave, amount: '400' });
    expect(await net.evaluate('bob', 'investment:getContract', 'fund-h')).toMatchObject({ publishDepositHeld: '0', fraudRulings: 2, status: 'INACTIVE' });
  });

  test('NO_FRAUD -> Settlement of a signed contract: the deposit is forfeited to the issuer and the contract completes', async () => {
    const { total, bank } = await disputedWorld();
    const result = await net.submit('arbiter', 'investment:disputeArbitration', 's1', json({ ruling: 'NO_FRAUD', reason: 'contract matches the brochure' }));
    expect(result.ruling).toMatchObject({ ruling: 'NO_FRAUD', outcome: 'SETTLEMENT' });
    expect(result.ruling.movements).toEqual([
      { kind: 'forfeitedDeposit', from: net.account.bob, to: net.account.bank, amount: '1000' },
      { kind: 'investment', from: net.account.bob, to: net.account.bank, amount: '9000' },
      { kind: 'investment', from: net.account.alice, to: net.account.bank, amount: '1000' },
    ]);
    expect(await money(net, 'bank')).toEqual({ balance: bank.balance + 11_000n, held: bank.held });
    expect(await money(net, 'bob')).toEqual({ balance: FUNDS.bob! - 10_000n, held: 0n });
    expect(await signing('s1')).toMatchObject({ status: 'SETTLED' });
    expect(await contract()).toMatchObject({ status: 'ACTIVE', completedSignings: 1, openSignings: 0, publishDepositHeld: PUBLISH_DEPOSIT.toString() });
    expect(await totalMoney(net)).toBe(total);
  });

  test('NO_FRAUD for a report made before signing: deposit forfeited, commitments refunded', async () => {
    net = await dbcsWorld();
    await requestSigning(net, 's1');
    await net.submit('alice', 'investment:signedByEntity', 'fund-a', 's1', '1000');
    await reportFraud(net, 's1');
    const result = await net.submit('arbiter', 'investment:disputeArbitration', 's1', json({ ruling: 'NO_FRAUD', reason: 'no misrepresentation' }));
    expect(result.ruling.movements).toEqual([
      { kind: 'forfeitedDeposit', from: net.account.bob, to: net.account.bank, amount: '1000' },
      { kind: 'delegateInvestmentRefund', from: net.account.alice, to: net.account.alice, amount: '1000' },
    ]);
    expect(await money(net, 'bob')).toEqual({ balance: FUNDS.bob! - CLIENT_DEPOSIT, held: 0n });
    expect(await money(net, 'alice')).toEqual({ balance: FUNDS.alice! - DELEGATE_DEPOSIT, held: DELEGATE_DEPOSIT });
    expect(await contract()).toMatchObject({ completedSignings: 0, openSignings: 0 });
  });

  test('evidence from both sides while open; only parties; text or document hash', async () => {
    net = await dbcsWorld();
    await signed(net, 's1');
    await reportFraud(net, 's1');
    const doc = sha256('brochure.pdf');
    const { result: e1, event } = await submitWithEvent(net, 'bob', 'investment:submitEvidence', 's1', json({ text: 'call recording transcript' }));
    expect(event.name).toBe('EvidenceSubmitted');
    expect(e1.evidence).toEqual([{ by: net.account.bob, role: 'client', kind: 'text', text: 'call recording transcript', at: e1.updatedAt, txId: event.txId }]);
    await net.submit('bank', 'investment:submitEvidence', 's1', json({ documentHash: doc, description: 'approved brochure' }));
    const e3 = await net.submit('alice', 'investment:submitEvidence', 's1', json({ text: 'I never promised a return' }));
    expect(e3.evidence.map((e: any) => [e.role, e.kind])).toEqual([
      ['client', 'text'],
      ['issuer', 'document'],
      ['delegate', 'text'],
    ]);
    expect(e3.evidenceCount).toBe(3);
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'carol', 'investment:submitEvidence', 's1', json({ text: 'hearsay' }));
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'arbiter', 'investment:submitEvidence', 's1', json({ text: 'x' }));
    for (const bad of [{}, { text: '' }, { text: 'x'.repeat(4097) }, { text: 'a', documentHash: doc }, { documentHash: 'ABC' }, { text: 'a', description: 'd' }, { text: 'a', extra: 1 }]) {
      await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'bob', 'investment:submitEvidence', 's1', json(bad));
    }
    await expectRefusedUnchanged(net, 'NOT_FOUND', 'bob', 'investment:submitEvidence', 'nope', json({ text: 'x' }));
  });

  test('escalation after the deadline (ledger setting); still rulable; arbitrators list open disputes oldest first', async () => {
    net = await dbcsWorld();
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'bob', 'investment:setSettings', json({ disputeWindowSeconds: 1 }));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'admin1', 'investment:setSettings', json({ disputeWindowSeconds: 0 }));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'admin1', 'investment:setSettings', json({}));
    const { result: settings, event } = await submitWithEvent(net, 'admin1', 'investment:setSettings', json({ disputeWindowSeconds: 1 }));
    expect(settings).toMatchObject({ disputeWindowSeconds: 1, penaltyShareBps: 10000, updatedBy: net.account.admin1 });
    expect(event.name).toBe('DbcsSettingsChanged');
    expect(await endorsersOf(net, 'dbcs-settings', ['current'])).toEqual(['Org1MSP', 'Org2MSP', 'Org3MSP']);
    expect(await net.evaluate('bob', 'investment:getSettings')).toEqual(settings);

    await authorize(net, 'dave');
    for (const [id, client] of [['d1', 'bob'], ['d2', 'carol'], ['d3', 'bob']] as const) {
      await requestSigning(net, id, client, id === 'd2' ? 'dave' : 'alice');
      await reportFraud(net, id, client);
    }
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bob', 'investment:escalateDispute', 'd1', '{}');
    await sleep(1100);
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'carol', 'investment:escalateDispute', 'd1', '{}');
    const escalated = await submitWithEvent(net, 'alice', 'investment:escalateDispute', 'd1', json({ reason: 'no ruling yet' }));
    expect(escalated.result).toMatchObject({ status: 'ESCALATED', escalatedBy: net.account.alice, escalationReason: 'no ruling yet' });
    expect(escalated.event.name).toBe('DisputeEscalated');
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bob', 'investment:escalateDispute', 'd1', '{}');
    await net.submit('bob', 'investment:submitEvidence', 'd1', json({ text: 'still waiting' }));

    expect(await evalRefusal(net, 'bob', 'investment:listOpenDisputes', '', '')).toBe('FORBIDDEN');
    const page1 = await net.evaluate('arbiter', 'investment:listOpenDisputes', '2', '');
    expect(page1.records.map((d: any) => [d.id, d.status])).toEqual([
      ['d1', 'ESCALATED'],
      ['d2', 'OPEN'],
    ]);
    const page2 = await net.evaluate('arbiter', 'investment:listOpenDisputes', '2', page1.bookmark);
    expect(page2.records.map((d: any) => d.id)).toEqual(['d3']);
    expect(page2.bookmark).toBe('');

    expect((await net.submit('arbiter', 'investment:disputeArbitration', 'd1', json({ ruling: 'NO_FRAUD', reason: 'r' }))).status).toBe('RULED');
    expect((await net.evaluate('arbiter', 'investment:listOpenDisputes', '', '')).records.map((d: any) => d.id)).toEqual(['d2', 'd3']);
  });

  test('an arbitrator who is a party to the dispute cannot rule it', async () => {
    net = await dbcsWorld();
    await net.submit('bank', 'accounts:mint', net.account.arbiter, '5000');
    await requestSigning(net, 'own', 'arbiter');
    await reportFraud(net, 'own', 'arbiter');
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'arbiter', 'investment:disputeArbitration', 'own', json({ ruling: 'FRAUD', reason: 'in my favour' }));
    await net.submit('admin2', 'consortium:grantRole', net.account.dave, 'arbitrator');
    expect((await net.submit('dave', 'investment:disputeArbitration', 'own', json({ ruling: 'NO_FRAUD', reason: 'r' }))).ruling.arbitrator).toBe(net.account.dave);
  });

  test('an arbitrator refers an OPEN dispute to the panel before its deadline, with written reasons; still rulable', async () => {
    net = await dbcsWorld();
    await requestSigning(net, 'p1');
    await reportFraud(net, 'p1');
    // The deadline (default 7 days) is far away: a party may not escalate yet, an arbitrator may.
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bob', 'investment:escalateDispute', 'p1', json({ reason: 'too slow' }));
    for (const bad of [{}, { reason: '' }, { reason: 'x'.repeat(4097) }, { reason: 'r', extra: 1 }]) {
      await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'arbiter', 'investment:escalateDispute', 'p1', json(bad));
    }
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'carol', 'investment:escalateDispute', 'p1', json({ reason: 'not mine to refer' }));
    const reason = 'Conflicting evidence on the promised return; referred to the three-member panel. '.repeat(40).slice(0, 4096);
    expect(reason.length).toBeGreaterThan(1024);
    const { result, event } = await submitWithEvent(net, 'arbiter', 'investment:escalateDispute', 'p1', json({ reason }));
    expect(result).toMatchObject({ status: 'ESCALATED', escalatedBy: net.account.arbiter, escalationReason: reason });
    expect(event.name).toBe('DisputeEscalated');
    expect((await net.evaluate('arbiter', 'investment:listOpenDisputes', '', '')).records.map((d: any) => [d.id, d.status])).toEqual([['p1', 'ESCALATED']]);
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'arbiter', 'investment:escalateDispute', 'p1', json({ reason: 'again' }));
    expect((await net.submit('arbiter', 'investment:disputeArbitration', 'p1', json({ ruling: 'NO_FRAUD', reason: 'panel: no misrepresentation' }))).status).toBe('RULED');
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'arbiter', 'investment:escalateDispute', 'p1', json({ reason: 'after the ruling' }));
  });

  test('an arbitrator who is a party escalates only as a party (after the deadline)', async () => {
    net = await dbcsWorld();
    await net.submit('bank', 'accounts:mint', net.account.arbiter, '5000');
    await requestSigning(net, 'own', 'arbiter');
    await reportFraud(net, 'own', 'arbiter');
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'arbiter', 'investment:escalateDispute', 'own', json({ reason: 'my own case' }));
  });
});

describe('ChangeStatus of a contract', () => {
  test('INACTIVE refuses new signings; CLOSED needs no open signing and releases the publishing deposit', async () => {
    net = await dbcsWorld();
    await expectRefusedUnchanged(net, 'FORBIDDEN', 'alice', 'investment:changeContractStatus', 'fund-a', json({ status: 'INACTIVE' }));
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bank', 'investment:changeContractStatus', 'fund-a', json({ status: 'ACTIVE' }));
    await expectRefusedUnchanged(net, 'INVALID_ARGUMENT', 'bank', 'investment:changeContractStatus', 'fund-a', json({ status: 'DELETED' }));
    await requestSigning(net, 's1');
    const { result, event } = await submitWithEvent(net, 'bank', 'investment:changeContractStatus', 'fund-a', json({ status: 'INACTIVE', reason: 'full' }));
    expect(result).toMatchObject({ status: 'INACTIVE', statusReason: 'full' });
    expect(event.name).toBe('ContractStatusChanged');
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'dave', 'investment:requestSigning', 'fund-a', json({ delegate: net.account.alice }));
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bank', 'investment:changeContractStatus', 'fund-a', json({ status: 'CLOSED' }));
    // An open signing can still end: the client reports fraud, the arbitrator rules.
    await reportFraud(net, 's1');
    await net.submit('arbiter', 'investment:disputeArbitration', 's1', json({ ruling: 'NO_FRAUD', reason: 'r' }));
    const bank = await money(net, 'bank');
    const closed = await submitWithEvent(net, 'bank', 'investment:changeContractStatus', 'fund-a', json({ status: 'CLOSED' }));
    expect(closed.result).toMatchObject({ status: 'CLOSED', publishDepositHeld: '0' });
    expect(closed.event.payload.movements).toEqual([{ kind: 'publishDepositRefund', from: net.account.bank, to: net.account.bank, amount: PUBLISH_DEPOSIT.toString() }]);
    expect(await money(net, 'bank')).toEqual({ balance: bank.balance + PUBLISH_DEPOSIT, held: bank.held - PUBLISH_DEPOSIT });
    await expectRefusedUnchanged(net, 'FAILED_PRECONDITION', 'bank', 'investment:changeContractStatus', 'fund-a', json({ status: 'ACTIVE' }));
    const history = await net.evaluate('bob', 'investment:contractHistory', 'fund-a');
    expect(history.map((h: any) => h.value.status)).toEqual(['ACTIVE', 'ACTIVE', 'INACTIVE', 'INACTIVE', 'CLOSED']);
  });
});
