import { generateKeyPairSync } from 'node:crypto';
import { GatewayError, StatusCode } from '@hyperledger/fabric-gateway';
import { FabricLedger } from '../src/ledger/fabric/ledger';
import { commitVerdict } from '../src/ledger/fabric/outcomes';
import { LedgerConflictError, LedgerUnavailableError } from '../src/ledger/port';
import type { PreparedTransaction, SigningIdentity } from '../src/ledger/port';

/**
 * The Fabric adapter's exactly-once steps without a network: fabric-gateway's Gateway and
 * Contract replaced by fakes that log each call, so the order prepare → sign → record → submit →
 * commit status, the recorded bytes, and what `resolve` makes of each commit status are checked.
 * (The real network run is `npm run test:fabric`.)
 */

const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const identity: SigningIdentity = { name: 'alice', mspId: 'Org1MSP', certificate: 'cert', privateKey: privateKey.export({ format: 'pem', type: 'pkcs8' }).toString() };
const profile = { channel: 'covenant', chaincode: 'covenant', organizations: { Org1MSP: { peerEndpoint: '127.0.0.1:1', hostAlias: 'peer0', tlsRootCert: 'not used' } } };

interface Fakes {
  log: string[];
  /** Commit status codes returned in turn. */
  statuses: number[];
  /** Every submit fails with this error. */
  submitError?: Error;
  /** The next submits fail with these errors, in turn (then they succeed). */
  submitErrors?: Error[];
}

function fabric(fakes: Fakes, options: { submitDeadlineMs?: number } = {}): FabricLedger {
  const ledger = new FabricLedger(profile, 'Org1MSP', options);
  let proposals = 0;
  const transaction = (bytes: Uint8Array) => {
    const txId = Buffer.from(bytes).toString().split('|')[0];
    return {
      getTransactionId: () => txId,
      getBytes: () => bytes,
      getResult: () => Buffer.from(`result of ${txId}`),
      submit: async () => {
        fakes.log.push(`submit ${Buffer.from(bytes).toString()}`);
        if (fakes.submitError) throw fakes.submitError;
        const failure = fakes.submitErrors?.shift();
        if (failure) throw failure;
        return {
          getStatus: async () => {
            const code = fakes.statuses.shift() ?? StatusCode.VALID;
            fakes.log.push(`status ${txId} ${code}`);
            return { code, successful: code === StatusCode.VALID, blockNumber: 7n, transactionId: txId };
          },
        };
      },
    };
  };
  const gateway = {
    newSignedTransaction: (bytes: Uint8Array, signature: Uint8Array) => {
      fakes.log.push(`sign ${Buffer.from(bytes).toString()}`);
      return transaction(Buffer.concat([bytes, Buffer.from('|signed:'), Buffer.from(signature.length > 0 ? 'yes' : 'no')]));
    },
    newTransaction: (bytes: Uint8Array) => {
      fakes.log.push(`load ${Buffer.from(bytes).toString()}`);
      return transaction(bytes);
    },
  };
  const contract = {
    newProposal: (fn: string) => {
      const txId = `tx${++proposals}`;
      return {
        getTransactionId: () => txId,
        endorse: async () => {
          fakes.log.push(`endorse ${txId} ${fn}`);
          return { getDigest: () => Buffer.from(`digest ${txId}`), getBytes: () => Buffer.from(txId) };
        },
      };
    },
  };
  Object.assign(ledger as object, { gateway: () => gateway, contract: () => contract });
  return ledger;
}

/** fabric-gateway's SubmitError when no orderer takes the transaction (gRPC 14 UNAVAILABLE). */
function unreachable(): Error {
  const cause = Object.assign(new Error('grpc'), { code: 14, details: '', metadata: undefined }) as never;
  return Object.assign(new GatewayError({ code: 14, details: [], cause, message: '14 UNAVAILABLE: no Raft leader' }), { name: 'SubmitError' });
}

describe('Fabric adapter: record before submit, resolve after', () => {
  test('each proposal is signed and recorded before it is submitted; a conflict records the fresh proposal too', async () => {
    const fakes: Fakes = { log: [], statuses: [StatusCode.MVCC_READ_CONFLICT, StatusCode.VALID] };
    const ledger = fabric(fakes);
    const recorded: PreparedTransaction[] = [];
    const result = await ledger.submit(identity, 'accounts:transfer', ['b', '5'], {
      record: async (p) => {
        fakes.log.push(`record ${p.txId}`);
        recorded.push(p);
      },
    });
    expect(fakes.log).toEqual([
      'endorse tx1 accounts:transfer',
      'sign tx1',
      'record tx1',
      'submit tx1|signed:yes',
      `status tx1 ${StatusCode.MVCC_READ_CONFLICT}`,
      'endorse tx2 accounts:transfer',
      'sign tx2',
      'record tx2',
      'submit tx2|signed:yes',
      `status tx2 ${StatusCode.VALID}`,
    ]);
    expect(recorded.map((p) => [p.txId, Buffer.from(p.bytes).toString(), Buffer.from(p.result).toString()])).toEqual([
      ['tx1', 'tx1|signed:yes', 'result of tx1'],
      ['tx2', 'tx2|signed:yes', 'result of tx2'],
    ]);
    expect(result).toEqual({ txId: 'tx2', blockNumber: 7n, payload: Buffer.from('result of tx2') });
    await ledger.close();
  });

  test('a failed record sends nothing', async () => {
    const fakes: Fakes = { log: [], statuses: [] };
    const ledger = fabric(fakes);
    await expect(ledger.submit(identity, 'accounts:transfer', [], { record: async () => Promise.reject(new Error('disk full')) })).rejects.toThrow('disk full');
    expect(fakes.log.some((l) => l.startsWith('submit'))).toBe(false);
    await ledger.close();
  });

  test('resolve resubmits the recorded signed bytes and answers by the commit status', async () => {
    const recorded: PreparedTransaction = { txId: 'tx9', bytes: Buffer.from('tx9|signed:yes'), result: Buffer.from('original result') };
    const valid: Fakes = { log: [], statuses: [StatusCode.VALID] };
    const ledger = fabric(valid);
    expect(await ledger.resolve(identity, recorded)).toEqual({ txId: 'tx9', blockNumber: 7n, payload: Buffer.from('original result') });
    expect(valid.log).toEqual(['load tx9|signed:yes', 'submit tx9|signed:yes', `status tx9 ${StatusCode.VALID}`]);

    // Known not to have committed validly, for good: the caller may propose afresh.
    expect(await fabric({ log: [], statuses: [StatusCode.MVCC_READ_CONFLICT] }).resolve(identity, recorded)).toBeUndefined();
    expect(await fabric({ log: [], statuses: [StatusCode.ENDORSEMENT_POLICY_FAILURE] }).resolve(identity, recorded)).toBeUndefined();

    // Not knowable now: an error, never a fresh proposal.
    await expect(fabric({ log: [], statuses: [StatusCode.DUPLICATE_TXID] }).resolve(identity, recorded)).rejects.toMatchObject({ fabricStatus: 'DUPLICATE_TXID', retryable: true });
    const failed = fabric({ log: [], statuses: [], submitError: unreachable() }).resolve(identity, recorded);
    await expect(failed).rejects.toBeInstanceOf(LedgerUnavailableError);
    await expect(failed).rejects.toMatchObject({ stage: 'submit', txId: 'tx9', retryable: true });
    await ledger.close();
  });

  test('commit status codes: valid, conflict (fresh proposal), duplicate (undecided), invalid for good', () => {
    expect(commitVerdict(StatusCode.VALID)).toBe('valid');
    expect(commitVerdict(StatusCode.MVCC_READ_CONFLICT)).toBe('conflict');
    expect(commitVerdict(StatusCode.PHANTOM_READ_CONFLICT)).toBe('conflict');
    expect(commitVerdict(StatusCode.DUPLICATE_TXID)).toBe('duplicate');
    expect(commitVerdict(StatusCode.ENDORSEMENT_POLICY_FAILURE)).toBe('invalid');
  });

  test('ordering failover: while no orderer takes it, the same signed transaction is sent again, never a new proposal', async () => {
    const fakes: Fakes = { log: [], statuses: [StatusCode.VALID], submitErrors: [unreachable(), unreachable()] };
    const ledger = fabric(fakes);
    const result = await ledger.submit(identity, 'accounts:transfer', ['b', '5'], { record: async (p) => void fakes.log.push(`record ${p.txId}`) });
    expect(fakes.log).toEqual([
      'endorse tx1 accounts:transfer',
      'sign tx1',
      'record tx1',
      'submit tx1|signed:yes',
      'submit tx1|signed:yes',
      'submit tx1|signed:yes',
      `status tx1 ${StatusCode.VALID}`,
    ]);
    expect(result.txId).toBe('tx1');
    await ledger.close();
  });

  test('ordering that stays down past the deadline is LEDGER_UNAVAILABLE at the submit stage', async () => {
    const fakes: Fakes = { log: [], statuses: [], submitError: unreachable() };
    const ledger = fabric(fakes, { submitDeadlineMs: 400 });
    await expect(ledger.submit(identity, 'accounts:transfer', ['b', '5'])).rejects.toMatchObject({ name: 'LedgerUnavailableError', stage: 'submit', txId: 'tx1' });
    expect(fakes.log.filter((l) => l.startsWith('endorse'))).toHaveLength(1);
    expect(fakes.log.filter((l) => l.startsWith('submit')).length).toBeGreaterThan(1);
    await ledger.close();
  });

  test('conflicts are retried with fresh proposals until the deadline, then LedgerConflictError (409), not an outage', async () => {
    const fakes: Fakes = { log: [], statuses: Array(1000).fill(StatusCode.MVCC_READ_CONFLICT) };
    const ledger = fabric(fakes, { submitDeadlineMs: 600 });
    const failure = ledger.submit(identity, 'accounts:transfer', ['b', '5']);
    await expect(failure).rejects.toBeInstanceOf(LedgerConflictError);
    await expect(failure).rejects.toMatchObject({ fabricStatus: 'MVCC_READ_CONFLICT' });
    const proposals = fakes.log.filter((l) => l.startsWith('endorse')).length;
    expect(proposals).toBeGreaterThan(2);
    await ledger.close();
  });
});
