import { mkdtemp, readFile, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { startGateway } from '../src/start';
import { redactQuery } from '../src/http/logging';

test('redactQuery keeps the path and hides every query value', () => {
  expect(redactQuery('/v1/accounts/me')).toBe('/v1/accounts/me');
  expect(redactQuery('/v1/accounts/me?api_key=secret&x=1')).toBe('/v1/accounts/me?[redacted]');
});

test('query strings never reach the gateway log, API keys sent in them included', async () => {
  const dir = await mkdtemp(join(tmpdir(), 'covenant-log-'));
  const lines: string[] = [];
  const stream = new Writable({
    write(chunk, _encoding, done) {
      lines.push(chunk.toString('utf8'));
      done();
    },
  });
  const gateway = await startGateway({ ledger: 'embedded', dataDir: dir, host: '127.0.0.1', port: 0, org: 'Org1MSP', logLevel: 'info' }, { level: 'info', stream });
  try {
    const alice = JSON.parse(await readFile(join(gateway.identitiesDir, 'dev-credentials.json'), 'utf8')).users.find((u: { name: string }) => u.name === 'alice').apiKey as string;
    for (const path of [`/v1/accounts/me?api_key=${alice}`, `/v1/no-such-route?token=${alice}`, `/healthz?key=${alice}`]) {
      const res = await fetch(gateway.url + path, { headers: { authorization: `Bearer ${alice}` } });
      await res.text();
      expect(res.status).not.toBe(500);
    }
    await fetch(`${gateway.url}/v1/accounts/me?api_key=${alice}`).then((r) => r.text());
  } finally {
    await gateway.close();
    await rm(dir, { recursive: true, force: true });
  }
  const log = lines.join('');
  expect(log).toContain('/v1/accounts/me?[redacted]');
  expect(log).not.toContain('api_key=');
  expect(log).not.toContain('token=');
  expect(log).not.toMatch(/key=/);
});
