import type { AuthConfig } from '@stella-ops/service-kit';
import { ConfigError } from './config-error.js';
import type { RawSettings } from './read-settings.js';
import { readText } from './read-text.js';

/** `Signals.Auth.*`: issuer, audience, JWKS URL or static keys; dev tokens only when enabled. */
export function auth(r: RawSettings): AuthConfig {
  const publicKeys = r.list('Signals.Auth.PublicKeys').map((k, i) => {
    const where = `Signals.Auth.PublicKeys[${i}]`;
    const pem =
      typeof k['Pem'] === 'string'
        ? k['Pem']
        : typeof k['PemFile'] === 'string'
          ? readText(k['PemFile'], where)
          : undefined;
    if (typeof k['Kid'] !== 'string' || !pem) throw new ConfigError(where, 'needs Kid and Pem or PemFile');
    return { kid: k['Kid'], pem, ...(typeof k['Alg'] === 'string' ? { alg: k['Alg'] } : {}) };
  });
  const devTokensEnabled = r.bool('Signals.Auth.DevTokensEnabled');
  const devTokens = r.list('Signals.Auth.DevTokens').map((t, i) => {
    const { Token, Principal, Tenant, Scopes } = t;
    if (typeof Token !== 'string' || Token.length < 16 || typeof Principal !== 'string') {
      throw new ConfigError(`Signals.Auth.DevTokens[${i}]`, 'needs Token (16+ characters) and Principal');
    }
    if (typeof Tenant !== 'string' || !Array.isArray(Scopes)) {
      throw new ConfigError(`Signals.Auth.DevTokens[${i}]`, 'needs Tenant and Scopes');
    }
    return {
      token: Token,
      principal: {
        subject: `dev:${Principal}`,
        principal: Principal,
        tenant: Tenant,
        scopes: Scopes.map(String),
      },
    };
  });
  const jwksUrl = r.str('Signals.Auth.JwksUrl');
  if (!jwksUrl && publicKeys.length === 0 && !(devTokensEnabled && devTokens.length > 0)) {
    throw r.error(
      'Signals.Auth.JwksUrl',
      'set a JWKS URL or Signals.Auth.PublicKeys (dev tokens only in development)',
    );
  }
  const issuer = r.str('Signals.Auth.Issuer');
  if ((jwksUrl || publicKeys.length > 0) && !issuer) throw r.error('Signals.Auth.Issuer', 'is required');
  return {
    issuer: issuer ?? '',
    audience: r.requiredStr('Signals.Auth.Audience'),
    ...(jwksUrl ? { jwksUrl } : {}),
    ...(publicKeys.length > 0 ? { publicKeys } : {}),
    devTokensEnabled,
    devTokens,
    verifiedTokenCacheSeconds: r.int('Signals.Auth.VerifiedTokenCacheSeconds', 0, 3600),
  };
}
