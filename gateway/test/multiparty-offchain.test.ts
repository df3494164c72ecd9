import { toProblem } from '../src/http/problem';
import { ChannelRefusal, MpcStateJson, checkSignable, conflictingVersion, nextUpdate } from '../src/channels/protocol';
import { PeerFailure } from '../src/channels/transport';

/**
 * What a gateway signs of off-chain multiparty states (protocol/multiparty-offchain.ts): one state
 * per version, only above the latest state every party signed, the final one only as that state.
 */
const state = (version: number, channelVersion: number, ab: [string, string], cd: [string, string], final = false): MpcStateJson => ({
  version,
  final,
  channels: [
    { channel: 'ab', version: channelVersion, balances: ab },
    { channel: 'cd', version: channelVersion, balances: cd },
  ],
});
const BASE = state(4, 4, ['50', '50'], ['10', '0']);

/** The problem `fn` throws, as `status code`, or 'signed'. */
function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'signed';
  } catch (err) {
    if (!(err instanceof ChannelRefusal)) throw err;
    const answered = toProblem(err);
    return `${answered.status} ${answered.code}`;
  }
}

describe('checkSignable', () => {
  const next = state(5, 5, ['40', '60'], ['10', '0']);

  test('an update above the latest agreed state is signed; the same state again too, another of that version not', () => {
    expect(outcome(() => checkSignable('m', BASE, undefined, next))).toBe('signed');
    expect(outcome(() => checkSignable('m', BASE, next, next))).toBe('signed');
    // channels listed in another order are the same state
    expect(outcome(() => checkSignable('m', BASE, next, { ...next, channels: [...next.channels].reverse() }))).toBe('signed');
    const other = state(5, 5, ['30', '70'], ['10', '0']);
    expect(outcome(() => checkSignable('m', BASE, next, other))).toBe('409 FAILED_PRECONDITION');
    // nor an older version than one it signed
    expect(outcome(() => checkSignable('m', BASE, state(7, 7, ['1', '99'], ['10', '0']), other))).toBe('409 FAILED_PRECONDITION');
    expect(outcome(() => checkSignable('m', BASE, next, state(6, 6, ['30', '70'], ['10', '0'])))).toBe('signed');
  });

  test('an update not above the latest agreed state, or a member channel not above its version, is refused', () => {
    expect(outcome(() => checkSignable('m', BASE, undefined, state(4, 5, ['40', '60'], ['10', '0'])))).toBe('409 FAILED_PRECONDITION');
    expect(outcome(() => checkSignable('m', BASE, undefined, state(3, 5, ['40', '60'], ['10', '0'])))).toBe('409 FAILED_PRECONDITION');
    expect(outcome(() => checkSignable('m', BASE, undefined, state(5, 4, ['40', '60'], ['10', '0'])))).toBe('409 FAILED_PRECONDITION');
    expect(outcome(() => checkSignable('m', BASE, undefined, { ...next, channels: next.channels.slice(0, 1) }))).toBe('400 INVALID_ARGUMENT');
  });

  test('the final state is the latest agreed one; once signed, no further update is', () => {
    const final = { ...BASE, final: true };
    expect(outcome(() => checkSignable('m', BASE, state(5, 5, ['1', '99'], ['10', '0']), final))).toBe('signed');
    expect(outcome(() => checkSignable('m', BASE, undefined, { ...next, final: true }))).toBe('409 FAILED_PRECONDITION');
    expect(outcome(() => checkSignable('m', BASE, undefined, state(4, 4, ['49', '51'], ['10', '0'], true)))).toBe('409 FAILED_PRECONDITION');
    expect(outcome(() => checkSignable('m', BASE, final, next))).toBe('409 FAILED_PRECONDITION');
  });

  test('a final state older than the latest agreed one (a close that would undo an update) is refused naming the version held', () => {
    const stale = state(3, 3, ['60', '40'], ['10', '0'], true);
    expect(() => checkSignable('m', BASE, undefined, stale)).toThrow(expect.objectContaining({ code: 'FAILED_PRECONDITION', detail: expect.stringContaining('this gateway holds the all-signed version 4') }));
  });
});

describe('nextUpdate and conflictingVersion', () => {
  const build = (version: number) => state(version, 5, ['40', '60'], ['10', '0']);

  test('the next version is the agreed one + 1, unless the coordinator signed another state of it', () => {
    expect(nextUpdate(BASE, undefined, build).version).toBe(5);
    expect(nextUpdate(BASE, build(5), build).version).toBe(5);
    expect(nextUpdate(BASE, state(5, 5, ['0', '100'], ['10', '0']), build).version).toBe(6);
    expect(nextUpdate(BASE, state(9, 9, ['0', '100'], ['10', '0']), build).version).toBe(10);
    expect(outcome(() => nextUpdate(BASE, { ...BASE, final: true }, build))).toBe('409 FAILED_PRECONDITION');
  });

  test("a party's refusal names the version it signed, locally or relayed by a peer", () => {
    let refusal: unknown;
    try {
      checkSignable('m', BASE, build(7), state(7, 5, ['1', '99'], ['10', '0']));
    } catch (err) {
      refusal = err;
    }
    expect(conflictingVersion(refusal)).toBe(7);
    expect(conflictingVersion(new PeerFailure('Org2MSP', `the gateway of Org2MSP refused mpc-sign: ${(refusal as ChannelRefusal).detail}`, 409))).toBe(7);
    expect(conflictingVersion(new PeerFailure('Org2MSP', 'the gateway of Org2MSP is unreachable'))).toBeUndefined();
    expect(conflictingVersion(undefined)).toBeUndefined();
  });
});
