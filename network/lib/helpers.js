#!/usr/bin/env node
'use strict';
/**
 * Small JSON helpers for network.sh, so that no JSON is ever assembled by string concatenation in
 * bash. Every command prints to stdout; errors go to stderr with a non-zero exit.
 *
 *   helpers.js get <file|-> <dotted.path>        print one value of a JSON document
 *   helpers.js ctor <fn> [arg...]                print {"Args":[fn, arg...]} for `peer chaincode -c`
 *   helpers.js seed <bankCertPem> <arbiterCertPem>
 *                                                print the -c argument of consortium:init
 *   helpers.js ccpackage-json <address> <label> <outDir>
 *                                                write connection.json and metadata.json of a ccaas package
 *   helpers.js gateway-files <spec.json>         write connection.json, identities.json and
 *                                                dev-credentials.json (0600) for the gateway
 */
const fs = require('node:fs');
const path = require('node:path');
const crypto = require('node:crypto');

function die(msg) {
  process.stderr.write(`helpers.js: ${msg}\n`);
  process.exit(1);
}

function readJson(file) {
  const text = file === '-' ? fs.readFileSync(0, 'utf8') : fs.readFileSync(file, 'utf8');
  try {
    return JSON.parse(text);
  } catch (err) {
    // `go mod download -json` and some peer CLI outputs are JSON followed by other text; take
    // the first complete JSON value.
    const start = text.search(/[{[]/);
    if (start < 0) throw err;
    let depth = 0;
    let inString = false;
    for (let i = start; i < text.length; i++) {
      const c = text[i];
      if (inString) {
        if (c === '\\') i++;
        else if (c === '"') inString = false;
      } else if (c === '"') inString = true;
      else if (c === '{' || c === '[') depth++;
      else if (c === '}' || c === ']') {
        depth--;
        if (depth === 0) return JSON.parse(text.slice(start, i + 1));
      }
    }
    throw err;
  }
}

function writeFileAtomic(file, content, mode) {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.tmp-${process.pid}`;
  fs.writeFileSync(tmp, content, { mode });
  fs.chmodSync(tmp, mode);
  fs.renameSync(tmp, file);
}

const [cmd, ...args] = process.argv.slice(2);
switch (cmd) {
  case 'get': {
    const [file, dotted] = args;
    let v = readJson(file);
    for (const k of (dotted || '').split('.').filter(Boolean)) {
      if (v === null || typeof v !== 'object' || !(k in v)) die(`no ${dotted} in ${file}`);
      v = v[k];
    }
    process.stdout.write(typeof v === 'string' ? `${v}\n` : `${JSON.stringify(v)}\n`);
    break;
  }
  case 'ctor': {
    if (args.length < 1) die('ctor needs a function name');
    process.stdout.write(JSON.stringify({ Args: args }));
    break;
  }
  case 'seed': {
    const [bankCert, arbiterCert] = args;
    const seed = {
      members: ['Org1MSP', 'Org2MSP', 'Org3MSP'],
      roles: [
        { mspId: 'Org1MSP', certificate: fs.readFileSync(bankCert, 'utf8'), roles: ['issuer'] },
        { mspId: 'Org3MSP', certificate: fs.readFileSync(arbiterCert, 'utf8'), roles: ['arbitrator'] },
      ],
    };
    process.stdout.write(JSON.stringify({ Args: ['consortium:init', JSON.stringify(seed)] }));
    break;
  }
  case 'ccpackage-json': {
    const [address, label, outDir] = args;
    if (!address || !label || !outDir) die('ccpackage-json <address> <label> <outDir>');
    fs.mkdirSync(path.join(outDir, 'src'), { recursive: true });
    fs.writeFileSync(
      path.join(outDir, 'src', 'connection.json'),
      `${JSON.stringify({ address, dial_timeout: '10s', tls_required: false }, null, 2)}\n`,
    );
    fs.writeFileSync(path.join(outDir, 'metadata.json'), `${JSON.stringify({ type: 'ccaas', label })}\n`);
    break;
  }
  case 'gateway-files': {
    // spec: {outDir, channel, chaincode, organizations: {mspId: {peerEndpoint, hostAlias, tlsRootCert}},
    //        users: [{name, mspId, roles, certificatePath, privateKeyPath}]}
    const spec = readJson(args[0]);
    // COVENANT_SKIP_PATH_CHECK: paths as another container sees them (docker-compose), not checkable here.
    const check = process.env.COVENANT_SKIP_PATH_CHECK !== '1';
    for (const u of check ? spec.users : []) {
      for (const f of [u.certificatePath, u.privateKeyPath]) {
        if (!path.isAbsolute(f) || !fs.existsSync(f)) die(`missing identity file ${f}`);
      }
    }
    for (const o of check ? Object.values(spec.organizations) : []) {
      if (!path.isAbsolute(o.tlsRootCert) || !fs.existsSync(o.tlsRootCert)) die(`missing TLS root ${o.tlsRootCert}`);
    }
    const keys = spec.users.map(() => `cov_${crypto.randomBytes(32).toString('base64url')}`);
    const sha = (s) => crypto.createHash('sha256').update(s, 'utf8').digest('hex');
    const connection = { channel: spec.channel, chaincode: spec.chaincode, organizations: spec.organizations };
    const identities = {
      users: spec.users.map((u, i) => ({
        name: u.name,
        mspId: u.mspId,
        roles: u.roles,
        apiKeySha256: sha(keys[i]),
        certificatePath: u.certificatePath,
        privateKeyPath: u.privateKeyPath,
      })),
    };
    const credentials = {
      users: spec.users.map((u, i) => ({ name: u.name, mspId: u.mspId, roles: u.roles, apiKey: keys[i] })),
    };
    writeFileAtomic(path.join(spec.outDir, 'connection.json'), `${JSON.stringify(connection, null, 2)}\n`, 0o644);
    writeFileAtomic(path.join(spec.outDir, 'identities.json'), `${JSON.stringify(identities, null, 2)}\n`, 0o644);
    writeFileAtomic(path.join(spec.outDir, 'dev-credentials.json'), `${JSON.stringify(credentials, null, 2)}\n`, 0o600);
    break;
  }
  default:
    die(`unknown command ${cmd || '(none)'}`);
}
