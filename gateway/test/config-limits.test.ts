import { loadConfig, parseLimits } from '../src/config';

describe('rate limit and timeout settings', () => {
  test('--rate-limit names any subset of the limits, per minute', () => {
    expect(parseLimits('address=100,auth=5')).toEqual({ perAddress: 100, authFailures: 5 });
    expect(parseLimits('key=7, offchain=9')).toEqual({ perKey: 7, offchain: 9 });
    expect(parseLimits('')).toEqual({});
    expect(() => parseLimits('bogus=1')).toThrow(/address\|key\|auth\|offchain/);
    expect(() => parseLimits('auth=0')).toThrow(/positive integer/);
  });

  test('flags win over the environment; the request timeout defaults to 30 s', () => {
    const env = { COVENANT_RATE_LIMIT: 'auth=3', COVENANT_REQUEST_TIMEOUT_MS: '500' };
    expect(loadConfig(['node', 'server.js'], env)).toMatchObject({ limits: { authFailures: 3 }, requestTimeoutMs: 500 });
    expect(loadConfig(['node', 'server.js', '--rate-limit', 'key=4', '--request-timeout', '700'], env)).toMatchObject({ limits: { perKey: 4 }, requestTimeoutMs: 700 });
    expect(loadConfig(['node', 'server.js'], {})).toMatchObject({ limits: {}, requestTimeoutMs: 30_000 });
  });
});
