import { toProblem } from '../src/http/problem';
import {
  ChannelRefusal,
  MultipartySigning,
  checkNextState,
  checkOpeningAtOnce,
  checkProposalAcceptable,
  decideMultipartySignature,
  proposalStatus,
} from '../src/channels/protocol';

/**
 * The one rule of what a gateway countersigns for its user (channels/protocol; DESIGN.md, "Consent,
 * exactly-once, visibility"): money leaves a user only by its own request to its own gateway.
 */
const ALICE = 'a'.repeat(40);
const BOB = 'b'.repeat(40);
const CAROL = 'c'.repeat(40);
const NOW = Date.parse('2026-11-30T12:00:00.000Z');
const later = (s: number) => new Date(NOW + s * 1000).toISOString();

/** The problem `fn` throws, as `status code`, or 'signed' when it does not refuse. */
function outcome(fn: () => unknown): string {
  try {
    fn();
    return 'signed';
  } catch (err) {
    // A refusal as the HTTP edge answers it (http/problem.ts).
    if (!(err instanceof ChannelRefusal)) throw err;
    const answered = toProblem(err);
    return `${answered.status} ${answered.code}`;
  }
}

describe('two-party openings', () => {
  const opening = (balances: [string, string]) => ({ version: 0, balances, final: false });

  test('an opening is countersigned at once only when it takes nothing from the countersigning user', () => {
    expect(outcome(() => checkOpeningAtOnce('c1', opening(['1000', '0']), 1, BOB))).toBe('signed');
    expect(outcome(() => checkOpeningAtOnce('c1', opening(['0', '1000']), 1, BOB))).toBe('403 FORBIDDEN');
    expect(outcome(() => checkOpeningAtOnce('c1', opening(['1', '1']), 1, BOB))).toBe('403 FORBIDDEN');
    expect(outcome(() => checkOpeningAtOnce('c1', opening(['0', '0']), 1, BOB))).toBe('400 INVALID_ARGUMENT');
    expect(outcome(() => checkOpeningAtOnce('c1', { version: 1, balances: ['5', '0'], final: false }, 1, BOB))).toBe('400 INVALID_ARGUMENT');
    expect(outcome(() => checkOpeningAtOnce('c1', opening(['-5', '0']), 1, BOB))).toBe('400 INVALID_ARGUMENT');
  });

  test('a proposal is accepted only while PROPOSED and unexpired, and only as proposed', () => {
    const p = { id: 'c1', status: 'PROPOSED' as const, deposits: ['10', '20'] as [string, string], expiresAt: later(60) };
    expect(proposalStatus(p, NOW)).toBe('PROPOSED');
    expect(outcome(() => checkProposalAcceptable(p, NOW, opening(['10', '20'])))).toBe('signed');
    expect(outcome(() => checkProposalAcceptable(p, NOW, opening(['10', '21'])))).toBe('403 FORBIDDEN');
    expect(outcome(() => checkProposalAcceptable(p, NOW, { version: 0, balances: ['10', '20'], final: true }))).toBe('403 FORBIDDEN');
    expect(proposalStatus(p, NOW + 60_000)).toBe('EXPIRED');
    expect(outcome(() => checkProposalAcceptable(p, NOW + 60_000))).toBe('409 FAILED_PRECONDITION');
    for (const status of ['DECLINED', 'WITHDRAWN', 'ACCEPTED'] as const) {
      expect(proposalStatus({ ...p, status }, NOW + 60_000)).toBe(status);
      expect(outcome(() => checkProposalAcceptable({ ...p, status }, NOW))).toBe('409 FAILED_PRECONDITION');
    }
  });
});

describe('two-party next states', () => {
  const channel = { id: 'c1', self: 1 as const, latest: { version: 3, balances: ['600', '400'] as [string, string], final: false } };
  const next = (balances: [string, string], version = 4, final = false) => ({ version, balances, final });

  test('a payment to the user is countersigned; one taking from it is not', () => {
    expect(outcome(() => checkNextState(channel, next(['500', '500']), false))).toBe('signed');
    expect(outcome(() => checkNextState(channel, next(['700', '300']), false))).toBe('403 FORBIDDEN');
  });

  test('versions follow by one; balances conserve; a close keeps the agreed balances', () => {
    expect(outcome(() => checkNextState(channel, next(['500', '500'], 5), false))).toBe('409 FAILED_PRECONDITION');
    expect(outcome(() => checkNextState(channel, next(['500', '600']), false))).toBe('400 INVALID_ARGUMENT');
    expect(outcome(() => checkNextState(channel, next(['500', '500'], 4, true), false))).toBe('400 INVALID_ARGUMENT');
    expect(outcome(() => checkNextState(channel, next(['600', '400'], 4, true), true))).toBe('signed');
    expect(outcome(() => checkNextState(channel, next(['500', '500'], 4, true), true))).toBe('409 FAILED_PRECONDITION');
    expect(outcome(() => checkNextState({ ...channel, latest: { ...channel.latest, final: true } }, next(['500', '500']), false))).toBe('409 FAILED_PRECONDITION');
  });
});

describe('multiparty signatures', () => {
  // bob is in ab (alice-bob) and bc (bob-carol); carol coordinates.
  const ab = { id: 'ab', parties: [ALICE, BOB] as [string, string], version: 2, balances: ['50', '50'] as [string, string] };
  const bc = { id: 'bc', parties: [BOB, CAROL] as [string, string], version: 0, balances: ['40', '60'] as [string, string] };
  const members = { parties: [ALICE, BOB, CAROL], channels: ['ab', 'bc'] };
  const opening = { version: 0, final: false, channels: [{ channel: 'ab', version: 2, balances: ['50', '50'] as [string, string] }, { channel: 'bc', version: 0, balances: ['40', '60'] as [string, string] }] };
  const base: MultipartySigning = {
    self: BOB,
    mpc: 'm1',
    members,
    state: opening,
    own: [ab, bc],
    agreedVersions: { ab: 2, bc: 0 },
    requestedBySelf: false,
    forwarding: {},
    authorized: 0n,
    now: NOW,
  };
  const decide = (over: Partial<MultipartySigning>) => outcome(() => decideMultipartySignature({ ...base, ...over }));

  test("binding a user's channels needs its request, its exact unexpired consent, or forwarding on each channel", () => {
    expect(decide({})).toBe('403 FORBIDDEN');
    expect(() => decideMultipartySignature(base)).toThrow(BOB);
    expect(decideMultipartySignature({ ...base, requestedBySelf: true }).basis).toBe('request');
    const consent = { parties: [CAROL, BOB, ALICE], channels: ['bc', 'ab'], expiresAt: later(60) };
    expect(decideMultipartySignature({ ...base, consent }).basis).toBe('consent');
    expect(decide({ consent: { ...consent, channels: ['ab', 'bc', 'cd'] } })).toBe('403 FORBIDDEN');
    expect(decide({ consent: { ...consent, parties: [ALICE, BOB] } })).toBe('403 FORBIDDEN');
    expect(decide({ consent: { ...consent, expiresAt: later(0) } })).toBe('403 FORBIDDEN');
    expect(decide({ forwarding: { ab: {} } })).toBe('403 FORBIDDEN');
    expect(decideMultipartySignature({ ...base, forwarding: { ab: {}, bc: { cap: '5' } } }).basis).toBe('forwarding');
  });

  test('the opening is the ledger state, checkpointed', () => {
    const requested = { requestedBySelf: true };
    expect(decide({ ...requested, agreedVersions: { ab: 3, bc: 0 } })).toBe('409 FAILED_PRECONDITION');
    expect(decide({ ...requested, state: { ...opening, channels: [{ ...opening.channels[0], balances: ['40', '60'] }, opening.channels[1]] } })).toBe('409 FAILED_PRECONDITION');
    expect(decide({ ...requested, state: { ...opening, channels: [{ ...opening.channels[0], balances: ['50', '51'] }, opening.channels[1]] } })).toBe('400 INVALID_ARGUMENT');
    expect(decide({ ...requested, own: [] })).toBe('404 NOT_FOUND');
  });

  test("an update never lowers the user's balance beyond its authorization; forwarding moves no more than the cap", () => {
    const update = (abBalances: [string, string], bcBalances: [string, string]) => ({
      version: 1,
      final: false,
      channels: [{ channel: 'ab', version: 3, balances: abBalances }, { channel: 'bc', version: 1, balances: bcBalances }],
    });
    // bob forwards 10 from alice to carol: +10 in ab, -10 in bc: his balance over the route is unchanged.
    const forward = update(['40', '60'], ['30', '70']);
    expect(decide({ state: forward, basis: 'forwarding', forwarding: { ab: {}, bc: {} } })).toBe('signed');
    expect(decide({ state: forward, basis: 'forwarding', forwarding: { ab: { cap: '10' }, bc: { cap: '10' } } })).toBe('signed');
    expect(decide({ state: forward, basis: 'forwarding', forwarding: { ab: { cap: '10' }, bc: { cap: '9' } } })).toBe('403 FORBIDDEN');
    expect(decide({ state: forward, basis: 'forwarding', forwarding: { ab: {} } })).toBe('403 FORBIDDEN');
    expect(decide({ state: forward, basis: 'consent' })).toBe('signed');
    // bob pays 10 net: refused unless authorized (then it is used up) or requested by bob.
    const pays = update(['50', '50'], ['30', '70']);
    expect(decide({ state: pays, basis: 'consent' })).toBe('403 FORBIDDEN');
    expect(decide({ state: pays, basis: 'consent', authorized: 9n })).toBe('403 FORBIDDEN');
    expect(decideMultipartySignature({ ...base, state: pays, basis: 'consent', authorized: 10n })).toEqual({ consumesAuthorization: true });
    expect(decideMultipartySignature({ ...base, state: pays, requestedBySelf: true })).toEqual({ consumesAuthorization: false });
    // gaining is always signed
    expect(decide({ state: update(['40', '60'], ['40', '60']), basis: 'consent' })).toBe('signed');
  });
});
