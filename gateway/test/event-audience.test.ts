import { mayReceive, splitAudience } from '../src/events/audience';

const viewer = { accountId: 'a1', mspId: 'Org1MSP', isAdmin: false, roles: new Set<string>() };
const audience = (over: Partial<{ accounts: string[]; organizations: string[]; roles: string[]; everyone: boolean }> = {}) => ({
  accounts: [],
  organizations: [],
  roles: [],
  everyone: false,
  ...over,
});
const bytes = (o: unknown) => Buffer.from(JSON.stringify(o));

describe('event audience', () => {
  test('a party, its organisation\'s administrator and a reading role receive; others do not', () => {
    const a = audience({ accounts: ['a1', 'b2'], organizations: ['Org1MSP', 'Org2MSP'], roles: ['arbitrator'] });
    expect(mayReceive(a, viewer)).toBe(true);
    expect(mayReceive(a, { ...viewer, accountId: 'c3', mspId: 'Org3MSP' })).toBe(false);
    expect(mayReceive(a, { ...viewer, accountId: 'x', isAdmin: true })).toBe(true);
    expect(mayReceive(a, { ...viewer, accountId: 'x', mspId: 'Org3MSP', isAdmin: true })).toBe(false);
    expect(mayReceive(a, { ...viewer, accountId: 'x', mspId: 'Org3MSP', roles: new Set(['arbitrator']) })).toBe(true);
    expect(mayReceive(a, { ...viewer, accountId: 'x', mspId: 'Org3MSP', roles: new Set(['issuer']) })).toBe(false);
    expect(mayReceive(audience({ everyone: true }), { ...viewer, accountId: 'x' })).toBe(true);
  });

  test('the audience is taken out of the data; a missing or malformed one reaches nobody', () => {
    const split = splitAudience(bytes({ a: 1, audience: audience({ accounts: ['a1'] }), z: 'x' }));
    expect(split.data).toBe('{"a":1,"z":"x"}');
    expect(mayReceive(split.audience, viewer)).toBe(true);
    expect(mayReceive(splitAudience(bytes({ a: 1 })).audience, { ...viewer, isAdmin: true })).toBe(false);
    expect(mayReceive(splitAudience(bytes({ audience: { accounts: 'a1' } })).audience, viewer)).toBe(false);
    expect(splitAudience(Buffer.from('not json')).audience).toBeUndefined();
  });
});
