/**
 * Writes the OpenAPI document the gateway serves at /docs/json to a file, for the offline checks
 * in .ci/run (Redocly lint, the generated client): `npx tsx test/openapi/dump.ts [out.json]`
 * (default test/openapi/.generated/openapi.json). Starts a gateway on the embedded ledger on
 * 127.0.0.1 with an ephemeral port and a temp data dir, reads the document, and removes both.
 */
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { startGateway } from '../../gateway/src/start';

export const DEFAULT_OUT = resolve(__dirname, '.generated', 'openapi.json');

/** The served document, as JSON text. */
export async function servedDocument(): Promise<string> {
  const dataDir = await mkdtemp(join(tmpdir(), 'covenant-openapi-'));
  const gateway = await startGateway({ ledger: 'embedded', dataDir, host: '127.0.0.1', port: 0, org: 'Org1MSP', logLevel: 'silent' });
  try {
    const res = await fetch(`${gateway.url}/docs/json`);
    if (res.status !== 200) throw new Error(`GET /docs/json answered ${res.status}`);
    return JSON.stringify(await res.json(), null, 2) + '\n';
  } finally {
    await gateway.close();
    await rm(dataDir, { recursive: true, force: true });
  }
}

if (require.main === module) {
  const out = resolve(process.argv[2] ?? DEFAULT_OUT);
  servedDocument()
    .then(async (doc) => {
      await mkdir(dirname(out), { recursive: true });
      await writeFile(out, doc);
      console.log(`OpenAPI document written to ${out}`);
    })
    .catch((err) => {
      console.error(err);
      process.exit(1);
    });
}
