import { createHash, timingSafeEqual } from 'node:crypto';
import type { NextFunction, Request, RequestHandler, Response } from 'express';
import {
  createLocalJWKSet,
  createRemoteJWKSet,
  exportJWK,
  importSPKI,
  type JWTPayload,
  type JWTVerifyGetKey,
  errors as joseErrors,
  jwtVerify,
} from 'jose';
import type { Logger } from 'pino';
import { problems } from './problem.js';
import { VerifiedTokens } from './verified-tokens.js';

/** Who is calling: from a verified bearer token. */
export interface Principal {
  /** `sub` of the token. */
  subject: string;
  /** The caller's role, e.g. `scanner-worker`, `policy-engine` (contract §3.2). */
  principal: string;
  /** The tenant the token acts for. */
  tenant: string;
  scopes: ReadonlySet<string>;
}

/** How bearer tokens are verified. */
export interface AuthConfig {
  issuer: string;
  audience: string;
  /** A JWKS URL, or static public keys (PEM SPKI) by key id. At least one. */
  jwksUrl?: string;
  publicKeys?: { kid: string; pem: string; alg?: string }[];
  /** Accepted signature algorithms; default ES256, EdDSA, RS256. `none` is never accepted. */
  algorithms?: string[];
  /** Clock tolerance in seconds for exp/nbf; default 30. */
  clockToleranceSeconds?: number;
  /**
   * How long a verified token is remembered, so that its caller's next requests skip the signature
   * check: at most this many seconds, never past the token's expiry. Default 60; 0 verifies every
   * request (a key withdrawn from the JWKS then stops counting at once).
   */
  verifiedTokenCacheSeconds?: number;
  /** Claim names; defaults `principal`, `tenant`, `scope` (space separated, or `scp` as an array). */
  claims?: { principal?: string; tenant?: string; scope?: string };
  /**
   * Development only: static bearer tokens mapped to principals. Used only when `devTokensEnabled`
   * is true; a warning is logged at start-up.
   */
  devTokensEnabled?: boolean;
  devTokens?: { token: string; principal: Omit<Principal, 'scopes'> & { scopes: string[] } }[];
}

/** Verifies a bearer token into a {@link Principal} or throws a 401 problem. */
export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<Principal>;
}

const DEFAULT_ALGS = ['ES256', 'EdDSA', 'RS256'];
/** Verified tokens remembered at most (~1 KB each with their principal). */
const VERIFIED_TOKENS_KEPT = 5000;

async function keyResolver(cfg: AuthConfig): Promise<JWTVerifyGetKey> {
  if (cfg.jwksUrl) return createRemoteJWKSet(new URL(cfg.jwksUrl), { timeoutDuration: 5000 });
  if (cfg.publicKeys && cfg.publicKeys.length > 0) {
    const keys = await Promise.all(
      cfg.publicKeys.map(async (k) => {
        const alg = k.alg ?? 'ES256';
        const key = await importSPKI(k.pem, alg, { extractable: true });
        return { ...(await exportJWK(key)), kid: k.kid, alg, use: 'sig' };
      }),
    );
    return createLocalJWKSet({ keys });
  }
  throw new Error('auth config needs jwksUrl or publicKeys');
}

function scopesOf(payload: JWTPayload, claim: string): Set<string> {
  const raw = payload[claim] ?? payload['scp'];
  if (typeof raw === 'string') return new Set(raw.split(' ').filter(Boolean));
  if (Array.isArray(raw)) return new Set(raw.filter((s): s is string => typeof s === 'string'));
  return new Set();
}

/**
 * Compares a presented secret with a configured one in constant time. Both are hashed first, so the
 * comparison always runs over 32 bytes: its time says nothing about the secret, not even its length.
 */
function constantTimeEquals(a: string, b: string): boolean {
  const ah = createHash('sha256').update(a, 'utf8').digest();
  const bh = createHash('sha256').update(b, 'utf8').digest();
  return timingSafeEqual(ah, bh);
}

/** Builds the authenticator for a service; logs a warning when dev tokens are on. */
export async function createAuthenticator(cfg: AuthConfig, logger?: Logger): Promise<Authenticator> {
  const hasKeys = Boolean(cfg.jwksUrl) || (cfg.publicKeys?.length ?? 0) > 0;
  const getKey = hasKeys ? await keyResolver(cfg) : undefined;
  const claims = { principal: 'principal', tenant: 'tenant', scope: 'scope', ...cfg.claims };
  const algorithms = (cfg.algorithms ?? DEFAULT_ALGS).filter((a) => a.toLowerCase() !== 'none');
  const devTokens = cfg.devTokensEnabled ? (cfg.devTokens ?? []) : [];
  if (cfg.devTokensEnabled) {
    logger?.warn({ count: devTokens.length }, 'static dev tokens are ENABLED: never use this in production');
  }
  if (!getKey && devTokens.length === 0) throw new Error('auth config has no keys and no dev tokens');
  const clockTolerance = cfg.clockToleranceSeconds ?? 30;
  const verified = new VerifiedTokens<Principal>(
    VERIFIED_TOKENS_KEPT,
    (cfg.verifiedTokenCacheSeconds ?? 60) * 1000,
  );

  return {
    async authenticate(authorization) {
      const match = /^Bearer ([A-Za-z0-9\-._~+/]+=*)$/.exec(authorization ?? '');
      if (!match) throw problems.unauthorized('a bearer token is required');
      const token = match[1]!;
      for (const dev of devTokens) {
        if (constantTimeEquals(dev.token, token)) {
          return { ...dev.principal, scopes: new Set(dev.principal.scopes) };
        }
      }
      if (!getKey) throw problems.unauthorized('invalid token');
      const known = verified.get(token, Date.now());
      if (known) return known;
      let payload: JWTPayload;
      try {
        ({ payload } = await jwtVerify(token, getKey, {
          issuer: cfg.issuer,
          audience: cfg.audience,
          algorithms,
          clockTolerance,
          requiredClaims: ['sub', 'exp'],
        }));
      } catch (err) {
        const reason =
          err instanceof joseErrors.JWTExpired
            ? 'token expired'
            : err instanceof joseErrors.JWTClaimValidationFailed
              ? `token claim invalid: ${err.claim}`
              : 'invalid token';
        throw problems.unauthorized(reason);
      }
      const principal = payload[claims.principal];
      const tenant = payload[claims.tenant];
      if (typeof principal !== 'string' || principal === '')
        throw problems.unauthorized('token has no principal');
      if (typeof tenant !== 'string' || tenant === '') throw problems.unauthorized('token has no tenant');
      const caller = {
        subject: payload.sub ?? '',
        principal,
        tenant,
        scopes: scopesOf(payload, claims.scope),
      };
      // `exp` is required and checked by jwtVerify: the token counts until exp + tolerance.
      verified.set(token, caller, ((payload.exp as number) + clockTolerance) * 1000, Date.now());
      return caller;
    },
  };
}

// The global Express namespace: `express-serve-static-core` (where Request lives) is not a direct
// dependency, so augmenting it by module name does not resolve under pnpm's strict layout.
declare global {
  namespace Express {
    interface Request {
      /** Set by {@link requireAuth}. */
      principal?: Principal;
    }
  }
}

/** Express middleware: every request must carry a valid bearer token. */
export function requireAuth(auth: Authenticator): RequestHandler {
  return (req: Request, _res: Response, next: NextFunction) => {
    auth.authenticate(req.headers.authorization).then(
      (p) => {
        req.principal = p;
        next();
      },
      (err: unknown) => next(err),
    );
  };
}

/** A rule: which principals may call, and which scope they need. */
export interface AccessRule {
  scope: string;
  /** Principals allowed (contract §3.2 roles); omit to allow any principal holding the scope. */
  principals?: readonly string[];
}

/** The authenticated caller, or a 401 when the route was mounted without {@link requireAuth}. */
export function principalOf(req: Request): Principal {
  if (!req.principal) throw problems.unauthorized('a bearer token is required');
  return req.principal;
}

/** Express middleware enforcing an {@link AccessRule}: 403 for everyone else. */
export function allow(rule: AccessRule): RequestHandler {
  return (req, _res, next) => {
    const p = principalOf(req);
    if (!p.scopes.has(rule.scope)) return next(problems.forbidden(`scope ${rule.scope} is required`));
    if (rule.principals && !rule.principals.includes(p.principal)) {
      return next(problems.forbidden(`principal ${p.principal} may not do this`));
    }
    next();
  };
}
