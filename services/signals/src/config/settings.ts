/** How a setting's raw text or YAML value is read. */
export type SettingKind = 'string' | 'int' | 'bool' | 'list';

/** One setting: its path in `etc/signals.yaml`, the env vars that override it, its default. */
export interface Setting {
  path: string;
  /** Environment variables, first set wins; they override the file. */
  env: readonly string[];
  kind: SettingKind;
  default?: string | number | boolean;
  doc: string;
}

const s = (
  path: string,
  env: string | readonly string[],
  kind: SettingKind,
  doc: string,
  def?: string | number | boolean,
): Setting => ({
  path: `Signals.${path}`,
  env: typeof env === 'string' ? [env] : env,
  kind,
  doc,
  ...(def === undefined ? {} : { default: def }),
});

/**
 * Every setting of the service. Contract §9 names `CAS.*`, `Provenance.*` and `Signing.*`; the rest
 * is what a deployment needs besides (database, object store, auth, HTTP, limits).
 */
export const SETTINGS = [
  s('Http.Host', 'SIGNALS_HOST', 'string', 'listen address', '0.0.0.0'),
  s('Http.Port', 'SIGNALS_PORT', 'int', 'listen port', 8080),
  s('Log.Level', 'SIGNALS_LOG_LEVEL', 'string', 'pino level', 'info'),
  s('Database.Url', ['SIGNALS_DATABASE_URL', 'DATABASE_URL'], 'string', 'PostgreSQL connection string'),
  s('Database.PoolMax', 'SIGNALS_DB_POOL_MAX', 'int', 'connection pool size', 10),
  s('CAS.BucketPrefix', 'SIGNALS_CAS_BUCKET_PREFIX', 'string', 'cas://<bucket>', 'cas://signals'),
  s('CAS.WriteEnabled', 'SIGNALS_CAS_WRITE_ENABLED', 'bool', 'accept uploads', true),
  s('CAS.RetentionDays.RuntimeFacts', 'SIGNALS_RETENTION_RUNTIME_FACTS_DAYS', 'int', 'days', 90),
  s('CAS.RetentionDays.OrphanCallgraphs', 'SIGNALS_RETENTION_ORPHAN_CALLGRAPHS_DAYS', 'int', 'days', 30),
  s('CAS.UnreferencedBlobGraceHours', 'SIGNALS_UNREFERENCED_BLOB_GRACE_HOURS', 'int', 'hours', 24),
  s('CAS.Backend', 'SIGNALS_CAS_BACKEND', 'string', 's3 | fs (default: s3 when an endpoint is set)'),
  s('CAS.Path', 'SIGNALS_CAS_PATH', 'string', 'filesystem store root', '.data/signals-blobs'),
  s('CAS.S3.Endpoint', ['SIGNALS_S3_ENDPOINT', 'S3_ENDPOINT'], 'string', 'S3/MinIO URL'),
  s('CAS.S3.Region', ['SIGNALS_S3_REGION', 'S3_REGION'], 'string', 'region', 'us-east-1'),
  s('CAS.S3.AccessKeyId', ['SIGNALS_S3_ACCESS_KEY_ID', 'S3_ACCESS_KEY_ID'], 'string', 'access key'),
  s('CAS.S3.SecretAccessKey', ['SIGNALS_S3_SECRET_ACCESS_KEY', 'S3_SECRET_ACCESS_KEY'], 'string', 'secret'),
  s('CAS.S3.ForcePathStyle', 'SIGNALS_S3_FORCE_PATH_STYLE', 'bool', 'path-style URLs (MinIO)', true),
  s('Provenance.Enabled', 'SIGNALS_PROVENANCE_ENABLED', 'bool', 'signing master switch', true),
  s('Provenance.SignManifests', 'SIGNALS_SIGN_MANIFESTS', 'bool', 'sign call graph manifests', true),
  s('Provenance.AttestBatches', 'SIGNALS_ATTEST_BATCHES', 'bool', 'attest fact batches', true),
  s('Provenance.RekorEnabled', 'SIGNALS_REKOR_ENABLED', 'bool', 'log to Rekor (off: air-gap)', false),
  s('Provenance.RekorUrl', 'SIGNALS_REKOR_URL', 'string', 'Rekor base URL', 'https://rekor.sigstore.dev'),
  s('Provenance.RekorTimeoutMs', 'SIGNALS_REKOR_TIMEOUT_MS', 'int', 'per Rekor call', 5000),
  s('Signing.KeyId', 'SIGNALS_SIGNING_KEY_ID', 'string', 'published key id (default: sha256 of SPKI)'),
  s(
    'Signing.Algorithm',
    'SIGNALS_SIGNING_ALGORITHM',
    'string',
    'ECDSA-P256-SHA256 | Ed25519',
    'ECDSA-P256-SHA256',
  ),
  s('Signing.KeyFile', 'SIGNALS_SIGNING_KEY_FILE', 'string', 'PKCS#8 PEM file (Kubernetes Secret)'),
  s('Signing.KeyPem', 'SIGNALS_SIGNING_KEY_PEM', 'string', 'PKCS#8 PEM text'),
  s('Signing.VerificationKeys', 'SIGNALS_VERIFICATION_KEYS', 'list', '[{KeyId, PublicKeyPem|PublicKeyFile}]'),
  s('Auth.Issuer', 'SIGNALS_AUTH_ISSUER', 'string', 'JWT iss'),
  s('Auth.Audience', 'SIGNALS_AUTH_AUDIENCE', 'string', 'JWT aud', 'stella-signals'),
  s('Auth.JwksUrl', 'SIGNALS_AUTH_JWKS_URL', 'string', 'JWKS URL'),
  s('Auth.PublicKeys', 'SIGNALS_AUTH_PUBLIC_KEYS', 'list', '[{Kid, Pem|PemFile, Alg}]'),
  s('Auth.DevTokensEnabled', 'SIGNALS_AUTH_DEV_TOKENS_ENABLED', 'bool', 'static tokens (dev only)', false),
  s('Auth.DevTokens', 'SIGNALS_AUTH_DEV_TOKENS', 'list', '[{Token, Principal, Tenant, Scopes}]'),
  s(
    'Auth.VerifiedTokenCacheSeconds',
    'SIGNALS_AUTH_VERIFIED_TOKEN_CACHE_SECONDS',
    'int',
    'a verified token skips the signature check for this long (never past its exp); 0 checks every request',
    60,
  ),
  s('Tenants.CacheTtlMs', 'SIGNALS_TENANT_CACHE_TTL_MS', 'int', 'tenant registry cache', 5000),
  s('Limits.MaxCallgraphBytes', 'SIGNALS_MAX_CALLGRAPH_BYTES', 'int', 'decompressed', 128 * 1024 * 1024),
  s('Limits.MaxBatchBytes', 'SIGNALS_MAX_BATCH_BYTES', 'int', 'decompressed', 10 * 1024 * 1024),
  s(
    'Limits.IngestWorkers',
    'SIGNALS_INGEST_WORKERS',
    'string',
    'auto (one per CPU, at most 8) | 0 (inline) | n',
    'auto',
  ),
  s('Limits.PageSizeDefault', 'SIGNALS_PAGE_SIZE_DEFAULT', 'int', 'by-purl page', 50),
  s('Limits.PageSizeMax', 'SIGNALS_PAGE_SIZE_MAX', 'int', 'by-purl page', 500),
  s('Feed.SettleMs', 'SIGNALS_FEED_SETTLE_MS', 'int', 'commit-order safety window', 1000),
  s('Feed.BatchesPerQuery', 'SIGNALS_FEED_BATCHES_PER_QUERY', 'int', 'rows per round trip', 50),
] as const satisfies readonly Setting[];

/** A setting's name in messages: `Signals.CAS.BucketPrefix (SIGNALS_CAS_BUCKET_PREFIX)`. */
export function settingName(setting: Setting): string {
  return `${setting.path} (${setting.env.join(' or ')})`;
}
