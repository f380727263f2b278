// One-shot key setup for the local compose stack (never for production: Kubernetes mounts real
// Secrets). Writes into the directory given as argv[2], once (existing keys are kept):
//   signing-key.pem      Signals' manifest/attestation signing key (ECDSA P-256, PKCS#8)
//   authority.pub.pem    the public key of a stand-in token issuer
//   auth-public-keys.json  the same key in ReachGraph's REACHGRAPH_AUTH_PUBLIC_KEYS format
//   tokens.env           bearer tokens (ES256 JWTs, valid 30 days) for the contract's principals
// Usage: node dev-keys.mjs <dir> [tenant]. Only node:crypto: the script runs inside the Signals image with no extra packages.
import { createPrivateKey, generateKeyPairSync, sign } from 'node:crypto';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.argv[2] ?? '/keys';
const ISSUER = 'https://authority.stella-ops.local';
const TENANT = process.argv[3] ?? 'demo';
const KID = 'compose-dev';
mkdirSync(dir, { recursive: true });
const file = (name) => join(dir, name);
const pem = (key, type) => String(key.export({ type, format: 'pem' }));

if (!existsSync(file('signing-key.pem'))) {
  const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(file('signing-key.pem'), pem(privateKey, 'pkcs8'), { mode: 0o644 });
}
if (!existsSync(file('authority-key.pem'))) {
  const { privateKey, publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  writeFileSync(file('authority-key.pem'), pem(privateKey, 'pkcs8'), { mode: 0o600 });
  writeFileSync(file('authority.pub.pem'), pem(publicKey, 'spki'), { mode: 0o644 });
  const keys = [{ kid: KID, pem: pem(publicKey, 'spki'), alg: 'ES256' }];
  writeFileSync(file('auth-public-keys.json'), JSON.stringify(keys), { mode: 0o644 });
}

const authority = createPrivateKey(readFileSync(file('authority-key.pem'), 'utf8'));
const b64 = (value) => Buffer.from(JSON.stringify(value)).toString('base64url');
const now = Math.floor(Date.now() / 1000);
function jwt(principal, scope) {
  const head = `${b64({ alg: 'ES256', kid: KID, typ: 'JWT' })}.${b64({
    iss: ISSUER,
    aud: ['stella-signals', 'stella-reachgraph'],
    sub: `dev:${principal}`,
    principal,
    tenant: TENANT,
    scope,
    iat: now,
    exp: now + 30 * 24 * 3600,
  })}`;
  const signature = sign('sha256', Buffer.from(head), { key: authority, dsaEncoding: 'ieee-p1363' });
  return `${head}.${signature.toString('base64url')}`;
}
const tokens = {
  SCANNER_WORKER_TOKEN: jwt('scanner-worker', 'signals:write'),
  RUNTIME_AGENT_TOKEN: jwt('runtime-agent', 'signals:write'),
  POLICY_ENGINE_TOKEN: jwt('policy-engine', 'signals:read reachgraph:read'),
  AUDIT_SERVICE_TOKEN: jwt('audit-service', 'signals:read reachgraph:read'),
  REACHGRAPH_WRITER_TOKEN: jwt('reachgraph-builder', 'reachgraph:read reachgraph:write'),
};
writeFileSync(
  file('tokens.env'),
  Object.entries(tokens)
    .map(([k, v]) => `${k}=${v}\n`)
    .join(''),
  { mode: 0o644 },
);
process.stdout.write(`dev keys and tokens for tenant ${TENANT} in ${dir}\n`);
