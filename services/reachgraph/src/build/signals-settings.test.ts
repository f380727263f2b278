import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ConfigError, envToCfg, readEnv } from '../config.js';

const PEM = '-----BEGIN PUBLIC KEY-----\nMFkw\n-----END PUBLIC KEY-----';
const BASE = {
  REACHGRAPH_DATABASE_URL: 'postgres://reachgraph_app@db/reachgraph',
  REACHGRAPH_AUTH_ISSUER: 'https://auth',
  REACHGRAPH_AUTH_AUDIENCE: 'reachgraph',
  REACHGRAPH_AUTH_JWKS_URL: 'https://auth/jwks.json',
};
const cfgOf = (env: Record<string, string>) => envToCfg(readEnv({ ...BASE, ...env }));
const jwtFor = (claims: object) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.c2ln`;

describe('REACHGRAPH_SIGNALS_* settings', () => {
  it('are absent without REACHGRAPH_SIGNALS_URL (building from Signals is then unavailable)', () => {
    expect(cfgOf({}).signals).toBeUndefined();
  });

  it('read the token, its tenant (explicit or the JWT claim), trusted keys and the timeout', () => {
    const cfg = cfgOf({
      REACHGRAPH_SIGNALS_URL: 'http://signals:8080',
      REACHGRAPH_SIGNALS_TOKEN: jwtFor({ tenant: 'acme', principal: 'reachgraph-service' }),
      REACHGRAPH_SIGNALS_TRUSTED_KEYS: JSON.stringify([
        { keyId: 'signals-1', publicKeyPem: PEM },
        { pem: PEM },
      ]),
      REACHGRAPH_SIGNALS_TIMEOUT_MS: '5000',
    });
    expect(cfg.signals).toMatchObject({
      url: 'http://signals:8080',
      tenant: 'acme',
      timeoutMs: 5000,
      trustedKeys: [{ keyId: 'signals-1', publicKeyPem: PEM }, { publicKeyPem: PEM }],
    });
    const opaque = cfgOf({ REACHGRAPH_SIGNALS_URL: 'http://s', REACHGRAPH_SIGNALS_TOKEN: 'dev-token' });
    expect(opaque.signals?.tenant).toBeUndefined();
    const named = cfgOf({
      REACHGRAPH_SIGNALS_URL: 'http://s',
      REACHGRAPH_SIGNALS_TOKEN: 'dev-token',
      REACHGRAPH_SIGNALS_TENANT: 'acme',
    });
    expect(named.signals?.tenant).toBe('acme');
  });

  it("take Signals' own GET /signals/keys answer from a file", () => {
    const dir = mkdtempSync(join(tmpdir(), 'rg-keys-'));
    const file = join(dir, 'keys.json');
    writeFileSync(
      file,
      JSON.stringify({ keys: [{ keyId: 'k', algorithm: 'ECDSA-P256-SHA256', publicKeyPem: PEM }] }),
    );
    const cfg = cfgOf({ REACHGRAPH_SIGNALS_URL: 'http://s', REACHGRAPH_SIGNALS_TRUSTED_KEYS_FILE: file });
    rmSync(dir, { recursive: true, force: true });
    expect(cfg.signals?.trustedKeys).toEqual([{ keyId: 'k', publicKeyPem: PEM }]);
  });

  it('name the bad setting', () => {
    const bad: [Record<string, string>, string][] = [
      [{ REACHGRAPH_SIGNALS_URL: 'ftp://s' }, 'REACHGRAPH_SIGNALS_URL'],
      [
        { REACHGRAPH_SIGNALS_URL: 'http://s', REACHGRAPH_SIGNALS_TRUSTED_KEYS: '{' },
        'REACHGRAPH_SIGNALS_TRUSTED_KEYS',
      ],
      [
        { REACHGRAPH_SIGNALS_URL: 'http://s', REACHGRAPH_SIGNALS_TRUSTED_KEYS: '[{"keyId":"k"}]' },
        'REACHGRAPH_SIGNALS_TRUSTED_KEYS',
      ],
      [
        {
          REACHGRAPH_SIGNALS_URL: 'http://s',
          REACHGRAPH_SIGNALS_TRUSTED_KEYS_FILE: '/nonexistent/keys.json',
        },
        'REACHGRAPH_SIGNALS_TRUSTED_KEYS_FILE',
      ],
      [
        { REACHGRAPH_SIGNALS_URL: 'http://s', REACHGRAPH_SIGNALS_TIMEOUT_MS: '0' },
        'REACHGRAPH_SIGNALS_TIMEOUT_MS',
      ],
    ];
    for (const [env, variable] of bad) {
      expect(() => cfgOf(env)).toThrow(ConfigError);
      try {
        cfgOf(env);
      } catch (err) {
        expect((err as ConfigError).variable).toBe(variable);
      }
    }
  });
});
