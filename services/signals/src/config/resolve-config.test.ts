import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError } from './config-error.js';
import { loadConfig, resolveConfig, resolveStorageConfig } from './resolve-config.js';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const ed = generateKeyPairSync('ed25519');
const rsa = generateKeyPairSync('rsa', { modulusLength: 1024 });
const pkcs8 = (k: { privateKey: { export(o: object): string | Buffer } }) =>
  String(k.privateKey.export({ type: 'pkcs8', format: 'pem' }));
const spki = String(ec.publicKey.export({ type: 'spki', format: 'pem' }));

const base = {
  Database: { Url: 'postgres://signals@db:5432/signals' },
  Signing: { KeyPem: pkcs8(ec) },
  Auth: { Issuer: 'https://auth', PublicKeys: [{ Kid: 'k1', Pem: spki }] },
};
const doc = (over: Record<string, unknown> = {}) => ({ Signals: { ...base, ...over } });

function errorOf(fn: () => unknown): ConfigError {
  try {
    fn();
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('no error');
}

describe('resolveConfig', () => {
  it('applies the contract defaults (§9)', () => {
    const cfg = resolveConfig(doc());
    expect(cfg.cas).toMatchObject({
      bucket: 'signals',
      writeEnabled: true,
      retention: { runtimeFactsDays: 90, orphanCallgraphsDays: 30 },
      backend: { kind: 'fs', root: '.data/signals-blobs' },
    });
    expect(cfg.provenance).toMatchObject({
      enabled: true,
      signManifests: true,
      attestBatches: true,
      rekorEnabled: false,
    });
    expect(cfg.signing.algorithm).toBe('ECDSA-P256-SHA256');
    expect(cfg.signing.keyId).toMatch(/^sha256:[a-f0-9]{64}$/);
    expect(cfg.limits.maxBatchBytes).toBe(10 * 1024 * 1024);
    expect(cfg.auth).toMatchObject({
      issuer: 'https://auth',
      audience: 'stella-signals',
      devTokensEnabled: false,
      verifiedTokenCacheSeconds: 60,
    });
  });

  it('lets SIGNALS_* variables override the file', () => {
    const cfg = resolveConfig(doc({ CAS: { BucketPrefix: 'cas://from-file' } }), {
      SIGNALS_CAS_BUCKET_PREFIX: 'cas://from-env',
      S3_ENDPOINT: 'http://minio:9000',
      SIGNALS_S3_ACCESS_KEY_ID: 'ak',
      SIGNALS_S3_SECRET_ACCESS_KEY: 'sk',
      SIGNALS_RETENTION_RUNTIME_FACTS_DAYS: '7',
      SIGNALS_REKOR_ENABLED: 'true',
      SIGNALS_SIGNING_KEY_ID: 'signals-signer-2025-001',
      DATABASE_URL: 'postgres://other/db',
      SIGNALS_PORT: '9090',
    });
    expect(cfg.cas.bucket).toBe('from-env');
    expect(cfg.cas.backend).toEqual({
      kind: 's3',
      bucket: 'from-env',
      endpoint: 'http://minio:9000',
      region: 'us-east-1',
      forcePathStyle: true,
      credentials: { accessKeyId: 'ak', secretAccessKey: 'sk' },
    });
    expect(cfg.cas.retention.runtimeFactsDays).toBe(7);
    expect(cfg.provenance.rekorEnabled).toBe(true);
    expect(cfg.signing.keyId).toBe('signals-signer-2025-001');
    expect(cfg.db.url).toBe('postgres://other/db');
    expect(cfg.http.port).toBe(9090);
    const uncached = resolveConfig(doc({}), { SIGNALS_AUTH_VERIFIED_TOKEN_CACHE_SECONDS: '0' });
    expect(uncached.auth.verifiedTokenCacheSeconds).toBe(0);
  });

  it('turns every signing feature off with Provenance.Enabled: false, needing no key', () => {
    const cfg = resolveConfig({
      Signals: { ...base, Signing: {}, Provenance: { Enabled: false, RekorEnabled: true } },
    });
    expect(cfg.provenance).toMatchObject({ signManifests: false, attestBatches: false, rekorEnabled: false });
    expect(cfg.signing.privateKeyPem).toBeUndefined();
  });

  const bad: [string, Record<string, unknown>, NodeJS.ProcessEnv, RegExp][] = [
    [
      'no database',
      { Database: {} },
      {},
      /Signals\.Database\.Url \(SIGNALS_DATABASE_URL or DATABASE_URL\): is required/,
    ],
    ['a non-postgres URL', { Database: { Url: 'mysql://x' } }, {}, /Signals\.Database\.Url/],
    ['a bad bucket prefix', { CAS: { BucketPrefix: 's3://x' } }, {}, /Signals\.CAS\.BucketPrefix/],
    [
      'a bad integer',
      {},
      { SIGNALS_RETENTION_RUNTIME_FACTS_DAYS: 'ninety' },
      /SIGNALS_RETENTION_RUNTIME_FACTS_DAYS\): must be an integer/,
    ],
    ['zero retention', { CAS: { RetentionDays: { OrphanCallgraphs: 0 } } }, {}, /OrphanCallgraphs/],
    [
      'a bad boolean',
      {},
      { SIGNALS_SIGN_MANIFESTS: 'perhaps' },
      /SIGNALS_SIGN_MANIFESTS\): must be true or false/,
    ],
    ['an unknown backend', { CAS: { Backend: 'ftp' } }, {}, /Signals\.CAS\.Backend/],
    ['a bad S3 endpoint', { CAS: { S3: { Endpoint: 'not a url' } } }, {}, /Signals\.CAS\.S3\.Endpoint/],
    ['half the S3 credentials', {}, { S3_ENDPOINT: 'http://m', S3_ACCESS_KEY_ID: 'a' }, /SecretAccessKey/],
    [
      'no signing key while signing',
      { Signing: {} },
      {},
      /Signals\.Signing\.KeyFile .*signing key is required/,
    ],
    [
      'an unreadable key file',
      { Signing: { KeyFile: '/nonexistent/key.pem' } },
      {},
      /Signals\.Signing\.KeyFile: cannot read/,
    ],
    ['an RSA key', { Signing: { KeyPem: pkcs8(rsa) } }, {}, /is not ECDSA P-256 or Ed25519/],
    [
      'an algorithm that is not the key',
      { Signing: { KeyPem: pkcs8(ed) } },
      {},
      /Algorithm \(SIGNALS_SIGNING_ALGORITHM\): is ECDSA-P256-SHA256 but the signing key is Ed25519/,
    ],
    [
      'an unknown algorithm',
      { Signing: { KeyPem: pkcs8(ec), Algorithm: 'RSA' } },
      {},
      /Signals\.Signing\.Algorithm/,
    ],
    ['no token verification', { Auth: {} }, {}, /Signals\.Auth\.JwksUrl/],
    ['no issuer', { Auth: { JwksUrl: 'https://auth/jwks' } }, {}, /Signals\.Auth\.Issuer/],
    [
      'a token cache longer than an hour',
      {},
      { SIGNALS_AUTH_VERIFIED_TOKEN_CACHE_SECONDS: '3601' },
      /Signals\.Auth\.VerifiedTokenCacheSeconds/,
    ],
    [
      'a short dev token',
      { Auth: { DevTokensEnabled: true, DevTokens: [{ Token: 'x', Principal: 'p' }] } },
      {},
      /DevTokens\[0\]/,
    ],
  ];
  it.each(bad)('rejects %s, naming the setting', (_name, over, env, message) => {
    const err = errorOf(() => resolveConfig(doc(over), env));
    expect(err.message).toMatch(message);
  });

  it('accepts an Ed25519 key with Algorithm Ed25519', () => {
    const cfg = resolveConfig(doc({ Signing: { KeyPem: pkcs8(ed), Algorithm: 'Ed25519', KeyId: 'ed-1' } }));
    expect(cfg.signing).toMatchObject({ algorithm: 'Ed25519', keyId: 'ed-1' });
  });

  it('reads the storage part alone for the migrate, tenant and gc commands', () => {
    const cfg = resolveStorageConfig({ Signals: { Database: { Url: 'postgres://x/y' } } });
    expect(cfg.db.url).toBe('postgres://x/y');
    expect(cfg.cas.retention.runtimeFactsDays).toBe(90);
  });
});

describe('loadConfig', () => {
  it('reads the shipped etc/signals.yaml with secrets from the environment', () => {
    const dir = mkdtempSync(join(tmpdir(), 'signals-cfg-'));
    try {
      writeFileSync(join(dir, 'key.pem'), pkcs8(ec));
      const cfg = loadConfig({
        SIGNALS_CONFIG: new URL('../../etc/signals.yaml', import.meta.url).pathname,
        SIGNALS_SIGNING_KEY_FILE: join(dir, 'key.pem'),
        DATABASE_URL: 'postgres://signals@db/signals',
        SIGNALS_AUTH_JWKS_URL: 'https://authority.stella-ops.local/jwks',
      });
      expect(cfg.signing.keyId).toBe('signals-signer-2025-001');
      expect(cfg.cas.bucket).toBe('signals');
      expect(cfg.provenance.rekorEnabled).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('names SIGNALS_CONFIG when the file is missing or not YAML', () => {
    expect(errorOf(() => loadConfig({ SIGNALS_CONFIG: '/nonexistent.yaml' })).message).toMatch(
      /^SIGNALS_CONFIG: cannot read/,
    );
    const dir = mkdtempSync(join(tmpdir(), 'signals-cfg-'));
    try {
      writeFileSync(join(dir, 'bad.yaml'), 'Signals: [unclosed');
      expect(errorOf(() => loadConfig({ SIGNALS_CONFIG: join(dir, 'bad.yaml') })).message).toMatch(
        /not valid YAML/,
      );
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
