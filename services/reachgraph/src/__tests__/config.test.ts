import { ConfigError, envToCfg, readEnv } from '../config.js';

const PEM = '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----';
const BASE = {
  REACHGRAPH_DATABASE_URL: 'postgres://reachgraph_app@db/reachgraph',
  REACHGRAPH_AUTH_ISSUER: 'https://auth',
  REACHGRAPH_AUTH_AUDIENCE: 'reachgraph',
  REACHGRAPH_AUTH_JWKS_URL: 'https://auth/jwks.json',
};

function failure(env: Record<string, string>): ConfigError {
  try {
    envToCfg(readEnv(env));
  } catch (err) {
    if (err instanceof ConfigError) return err;
    throw err;
  }
  throw new Error('expected a ConfigError');
}

describe('readEnv / envToCfg', () => {
  it('VEX_AUTHOR names the issuer of OpenVEX documents (absent: the default); blank or over 256 characters is refused', () => {
    expect(envToCfg(readEnv(BASE)).vexAuthor).toBeUndefined();
    expect(envToCfg(readEnv({ ...BASE, REACHGRAPH_VEX_AUTHOR: ' ACME PSIRT ' })).vexAuthor).toBe(
      'ACME PSIRT',
    );
    for (const bad of ['   ', 'x'.repeat(257)]) {
      expect(failure({ ...BASE, REACHGRAPH_VEX_AUTHOR: bad }).variable).toBe('REACHGRAPH_VEX_AUTHOR');
    }
  });

  it('AUTH_VERIFIED_TOKEN_CACHE_SECONDS bounds how long a verified token skips the signature check (default 60, 0 = never, at most 3600)', () => {
    expect(envToCfg(readEnv(BASE)).auth.verifiedTokenCacheSeconds).toBe(60);
    for (const seconds of ['0', '3600']) {
      const env = { ...BASE, REACHGRAPH_AUTH_VERIFIED_TOKEN_CACHE_SECONDS: seconds };
      expect(envToCfg(readEnv(env)).auth.verifiedTokenCacheSeconds).toBe(Number(seconds));
    }
    for (const bad of ['-1', '3601', '1.5', 'soon']) {
      expect(failure({ ...BASE, REACHGRAPH_AUTH_VERIFIED_TOKEN_CACHE_SECONDS: bad }).variable).toBe(
        'REACHGRAPH_AUTH_VERIFIED_TOKEN_CACHE_SECONDS',
      );
    }
  });

  it('applies the defaults of the issue', () => {
    const cfg = envToCfg(readEnv(BASE));
    expect(cfg.cache.sliceTtlSeconds).toBe(1800);
    expect(cfg.cache.durableSliceTtlSeconds).toBe(7 * 24 * 3600);
    expect(cfg.limits.readsPerMinute).toBe(100);
    expect(cfg.limits.writesPerMinute).toBe(20);
    expect(cfg.limits.maxUpsertBytes).toBe(256 * 1024 * 1024);
    expect(cfg.db.appRole).toBe('reachgraph_app');
    expect(cfg.redis).toBeUndefined();
    expect(cfg.signing).toEqual({ signGraphs: false, trustedKeys: [] });
  });

  it('reads every override', () => {
    const cfg = envToCfg(
      readEnv({
        ...BASE,
        REACHGRAPH_PORT: '9000',
        REACHGRAPH_REDIS_URL: 'redis://cache:6379',
        REACHGRAPH_REDIS_PREFIX: 'rg:',
        REACHGRAPH_SLICE_CACHE_TTL_SECONDS: '60',
        REACHGRAPH_SLICE_DURABLE_TTL_SECONDS: '86400',
        REACHGRAPH_RATE_LIMIT_READS_PER_MINUTE: '5',
        REACHGRAPH_RATE_LIMIT_WRITES_PER_MINUTE: '2',
        REACHGRAPH_GRAPH_LRU_BYTES: '1000',
        REACHGRAPH_TRUSTED_KEYS: JSON.stringify([{ keyid: 'k1', pem: PEM }]),
      }),
    );
    expect(cfg.service.port).toBe(9000);
    expect(cfg.redis).toEqual({ url: 'redis://cache:6379', prefix: 'rg:' });
    expect(cfg.cache.sliceTtlSeconds).toBe(60);
    expect(cfg.cache.durableSliceTtlSeconds).toBe(86400);
    for (const bad of ['0', String(11 * 365 * 24 * 3600)]) {
      expect(failure({ ...BASE, REACHGRAPH_SLICE_DURABLE_TTL_SECONDS: bad }).variable).toBe(
        'REACHGRAPH_SLICE_DURABLE_TTL_SECONDS',
      );
    }
    expect(cfg.limits.readsPerMinute).toBe(5);
    expect(cfg.limits.writesPerMinute).toBe(2);
    expect(cfg.cache.graphLruBytes).toBe(1000);
    expect(cfg.signing.trustedKeys).toEqual([{ keyid: 'k1', pem: PEM }]);
  });

  it.each([
    [{ REACHGRAPH_DATABASE_URL: '' }, 'REACHGRAPH_DATABASE_URL'],
    [{ REACHGRAPH_DATABASE_URL: 'mysql://x' }, 'REACHGRAPH_DATABASE_URL'],
    [{ REACHGRAPH_AUTH_ISSUER: '' }, 'REACHGRAPH_AUTH_ISSUER'],
    [{ REACHGRAPH_AUTH_JWKS_URL: '' }, 'REACHGRAPH_AUTH_JWKS_URL'],
    [{ REACHGRAPH_PORT: 'eighty' }, 'REACHGRAPH_PORT'],
    [{ REACHGRAPH_RATE_LIMIT_READS_PER_MINUTE: '0' }, 'REACHGRAPH_RATE_LIMIT_READS_PER_MINUTE'],
    [{ REACHGRAPH_SIGN_GRAPHS: 'maybe' }, 'REACHGRAPH_SIGN_GRAPHS'],
    [{ REACHGRAPH_SIGN_GRAPHS: 'true' }, 'REACHGRAPH_SIGNING_KEY_PEM'],
    [{ REACHGRAPH_TRUSTED_KEYS: '{nope' }, 'REACHGRAPH_TRUSTED_KEYS'],
    [{ REACHGRAPH_TRUSTED_KEYS: '[{"keyid":"k"}]' }, 'REACHGRAPH_TRUSTED_KEYS'],
    [{ REACHGRAPH_REDIS_URL: 'http://cache' }, 'REACHGRAPH_REDIS_URL'],
    [{ REACHGRAPH_DB_APP_ROLE: 'Robert"; drop' }, 'REACHGRAPH_DB_APP_ROLE'],
    [{ REACHGRAPH_SLICE_DEFAULT_LIMIT: '5000' }, 'REACHGRAPH_SLICE_DEFAULT_LIMIT'],
  ])('%p is refused naming %s', (patch, variable) => {
    expect(failure({ ...BASE, ...patch }).variable).toBe(variable);
  });
});
