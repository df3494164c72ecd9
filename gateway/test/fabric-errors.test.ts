import { EndorseError, GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { ChaincodeError, LedgerUnavailableError } from '../src/ledger/port';
import { isStaleEndorsement, statusName, translate } from '../src/ledger/fabric/outcomes';
import { toProblem } from '../src/http/problem';

const cause = Object.assign(new Error('grpc'), { code: 10, details: '', metadata: undefined }) as never;

/** One peer's answer inside an endorsement error: its address, organisation and message. */
type PeerDetail = { address: string; mspId: string; message: string };

/** An EndorseError as fabric-gateway raises it for transaction `transactionId`: gRPC `code` (default 10 ABORTED) and the peers' `details`. */
const endorseError = (transactionId: string, message: string, details: PeerDetail[] = [], code = 10) =>
  new EndorseError({ code, details, cause, transactionId, message });

describe('fabric-gateway errors become port errors and problems', () => {
  test('a chaincode refusal inside an endorsement error keeps its code', () => {
    const err = endorseError('tx1', '10 ABORTED: failed to endorse transaction', [
      { address: 'peer0.org2.example.com:7051', mspId: 'Org2MSP', message: 'chaincode response 500, INSUFFICIENT_FUNDS: account abc has 5 available, 10 needed' },
    ]);
    const translated = translate(err, 'tx1');
    expect(translated).toBeInstanceOf(ChaincodeError);
    expect(translated).toMatchObject({ code: 'INSUFFICIENT_FUNDS', detail: 'account abc has 5 available, 10 needed', txId: 'tx1' });
    expect(toProblem(translated)).toMatchObject({ status: 422, code: 'INSUFFICIENT_FUNDS', txId: 'tx1' });
  });

  test.each([
    ['DOUBLE_SPEND', 'scrip 9f86 was spent in transaction tx0 at 2026-11-30T12:00:00.000Z'],
    ['SCRIP_EXPIRED', 'scrip of series s1 expired at 2026-11-30T12:00:00.000Z: renew it (until 2026-12-30T12:00:00.000Z)'],
  ])('the scrip refusal %s keeps its own code and is a 409 problem', (code, detail) => {
    const err = endorseError('tx9', '10 ABORTED: failed to endorse transaction', [{ address: 'peer0.org1.example.com:7051', mspId: 'Org1MSP', message: `chaincode response 500, ${code}: ${detail}` }]);
    const translated = translate(err, 'tx9');
    expect(translated).toMatchObject({ code, detail, txId: 'tx9' });
    expect(toProblem(translated)).toMatchObject({ status: 409, code, detail, type: `urn:covenant:problem:${code.toLowerCase().replace('_', '-')}` });
  });

  test('an unreachable peer is a retryable 503 naming the stage and gRPC status', () => {
    const err = endorseError('tx2', '14 UNAVAILABLE: connection refused', [], 14);
    const translated = translate(err, 'tx2') as LedgerUnavailableError;
    expect(translated).toBeInstanceOf(LedgerUnavailableError);
    expect(translated).toMatchObject({ stage: 'endorse', fabricStatus: 'UNAVAILABLE', txId: 'tx2', retryable: true });
    expect(toProblem(translated)).toMatchObject({ status: 503, code: 'LEDGER_UNAVAILABLE', fabricStatus: 'UNAVAILABLE', txId: 'tx2' });
  });

  test("the gRPC status of a plan that no live peers satisfy is not mistaken for the chaincode's FAILED_PRECONDITION", () => {
    const message = '9 FAILED_PRECONDITION: no combination of peers can be derived which satisfy the endorsement policy: no peer combination can satisfy the endorsement policy';
    const translated = translate(endorseError('tx6', message, [], 9), 'tx6');
    expect(translated).toBeInstanceOf(LedgerUnavailableError);
    expect(toProblem(translated)).toMatchObject({ status: 503, code: 'LEDGER_UNAVAILABLE', fabricStatus: 'FAILED_PRECONDITION', txId: 'tx6' });
  });

  test('an evaluation failure without a code is not mistaken for a refusal', () => {
    const err = new GatewayError({ code: 2, details: [{ address: 'p', mspId: 'Org1MSP', message: 'chaincode response 500, some panic' }], cause, message: '2 UNKNOWN: evaluate call failed' });
    expect(translate(err)).toMatchObject({ stage: 'evaluate', fabricStatus: 'UNKNOWN' });
  });

  test('an invalid commit is a 502 carrying the validation code', () => {
    const err = new LedgerUnavailableError('transaction tx3 committed as ENDORSEMENT_POLICY_FAILURE', 'commit', 'ENDORSEMENT_POLICY_FAILURE', 'tx3', false);
    expect(toProblem(err)).toMatchObject({ status: 502, code: 'LEDGER_REJECTED', fabricStatus: 'ENDORSEMENT_POLICY_FAILURE', txId: 'tx3' });
  });

  test('validation codes have their Fabric names', () => {
    expect(statusName(StatusCode.MVCC_READ_CONFLICT)).toBe('MVCC_READ_CONFLICT');
    expect(statusName(StatusCode.ENDORSEMENT_POLICY_FAILURE)).toBe('ENDORSEMENT_POLICY_FAILURE');
  });

  test('unexpected errors are 500 without internals', () => {
    expect(toProblem(new TypeError('secret stack detail'))).toEqual(expect.objectContaining({ status: 500, code: 'INTERNAL', detail: 'the gateway failed to handle the request' }));
  });
});

describe('stale endorsements', () => {
  test('peers disagreeing on the result (one a block behind) is recognised as retryable', () => {
    const mismatch = endorseError('tx4', '10 ABORTED: failed to collect enough transaction endorsements', [
      { address: '127.0.0.1:27160', mspId: 'Org2MSP', message: 'ProposalResponsePayloads do not match' },
    ]);
    expect(isStaleEndorsement(mismatch)).toBe(true);
    expect(isStaleEndorsement(endorseError('tx5', '14 UNAVAILABLE', [], 14))).toBe(false);
  });

  test('a refusal from some organisations while others endorsed is stale; from all of them it is real', () => {
    const orgs = ['Org1MSP', 'Org2MSP', 'Org3MSP'];
    const refusal = (mspIds: string[]) =>
      endorseError(
        'tx6',
        '10 ABORTED: failed to endorse transaction',
        mspIds.map((mspId) => ({ address: `${mspId}-peer`, mspId, message: 'chaincode response 500, NOT_FOUND: contract c-1 does not exist' })),
      );
    expect(isStaleEndorsement(refusal(['Org2MSP']), orgs)).toBe(true);
    expect(isStaleEndorsement(refusal(orgs), orgs)).toBe(false);
    expect(translate(refusal(orgs), 'tx6')).toMatchObject({ code: 'NOT_FOUND' });
  });
});
