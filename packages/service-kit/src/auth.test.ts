import { generateKeyPairSync } from 'node:crypto';
import express from 'express';
import { importPKCS8, SignJWT } from 'jose';
import { pino } from 'pino';
import request from 'supertest';
import { allow, createAuthenticator, requireAuth } from './auth.js';
import { problemHandler } from './problem-handler.js';

const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const other = generateKeyPairSync('ec', { namedCurve: 'P-256' });
const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
const pem = (k: { export(o: object): string | Buffer }, type: 'pkcs8' | 'spki') =>
  String(k.export({ type, format: 'pem' }));

const ISS = 'https://auth.test';
const AUD = 'stella-signals';
const now = () => Math.floor(Date.now() / 1000);

async function token(
  claims: Record<string, unknown>,
  opts: { key?: string; alg?: string; kid?: string } = {},
) {
  const alg = opts.alg ?? 'ES256';
  const key = await importPKCS8(opts.key ?? pem(ec.privateKey, 'pkcs8'), alg);
  return new SignJWT({ principal: 'policy-engine', tenant: 'tenant-a', scope: 'signals:read', ...claims })
    .setProtectedHeader({ alg, kid: opts.kid ?? 'k1' })
    .setIssuer(ISS)
    .setAudience(AUD)
    .setSubject('svc-1')
    .setIssuedAt()
    .setExpirationTime(typeof claims['exp'] === 'number' ? claims['exp'] : '5m')
    .sign(key);
}

async function app(devTokensEnabled = false) {
  const logger = pino({ level: 'silent' });
  const auth = await createAuthenticator(
    {
      issuer: ISS,
      audience: AUD,
      publicKeys: [{ kid: 'k1', pem: pem(ec.publicKey, 'spki') }],
      devTokensEnabled,
      devTokens: [
        {
          token: 'dev-token-123',
          principal: { subject: 'dev', principal: 'policy-engine', tenant: 'dev', scopes: ['signals:read'] },
        },
      ],
    },
    logger,
  );
  const a = express();
  a.get('/read', requireAuth(auth), allow({ scope: 'signals:read' }), (req, res) => {
    res.json({ tenant: req.principal?.tenant, principal: req.principal?.principal });
  });
  a.get(
    '/scanner',
    requireAuth(auth),
    allow({ scope: 'signals:read', principals: ['scanner-worker'] }),
    (_req, res) => {
      res.json({ ok: true });
    },
  );
  a.use(problemHandler(logger));
  return a;
}

describe('bearer JWT authentication', () => {
  it('accepts a valid token and exposes tenant and principal', async () => {
    const res = await request(await app())
      .get('/read')
      .set('Authorization', `Bearer ${await token({})}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({ tenant: 'tenant-a', principal: 'policy-engine' });
  });

  const rejected: [string, () => Promise<string>][] = [
    ['no token', async () => ''],
    ['not a bearer token', async () => 'Basic dXNlcjpwYXNz'],
    [
      'wrong issuer',
      async () =>
        `Bearer ${await new SignJWT({ principal: 'p', tenant: 't' })
          .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
          .setIssuer('https://evil')
          .setAudience(AUD)
          .setSubject('s')
          .setExpirationTime('5m')
          .sign(await importPKCS8(pem(ec.privateKey, 'pkcs8'), 'ES256'))}`,
    ],
    [
      'wrong audience',
      async () =>
        `Bearer ${await new SignJWT({ principal: 'p', tenant: 't' })
          .setProtectedHeader({ alg: 'ES256', kid: 'k1' })
          .setIssuer(ISS)
          .setAudience('other')
          .setSubject('s')
          .setExpirationTime('5m')
          .sign(await importPKCS8(pem(ec.privateKey, 'pkcs8'), 'ES256'))}`,
    ],
    ['expired', async () => `Bearer ${await token({ exp: now() - 3600 })}`],
    ['not yet valid', async () => `Bearer ${await token({ nbf: now() + 3600 })}`],
    [
      'alg none',
      async () => {
        const b64 = (o: object) => Buffer.from(JSON.stringify(o)).toString('base64url');
        return `Bearer ${b64({ alg: 'none', kid: 'k1' })}.${b64({ iss: ISS, aud: AUD, sub: 's', exp: now() + 60, principal: 'p', tenant: 't' })}.`;
      },
    ],
    ['unknown kid', async () => `Bearer ${await token({}, { kid: 'k2' })}`],
    [
      'signed by another key',
      async () => `Bearer ${await token({}, { key: pem(other.privateKey, 'pkcs8') })}`,
    ],
    [
      'wrong key type (RS256 with an EC key id)',
      async () => `Bearer ${await token({}, { key: pem(rsa.privateKey, 'pkcs8'), alg: 'RS256' })}`,
    ],
    ['no tenant claim', async () => `Bearer ${await token({ tenant: undefined })}`],
    ['no principal claim', async () => `Bearer ${await token({ principal: '' })}`],
    ['dev token while dev tokens are disabled', async () => 'Bearer dev-token-123'],
  ];

  it.each(rejected)('rejects %s with 401 UNAUTHORIZED problem+json', async (_name, make) => {
    const res = await request(await app())
      .get('/read')
      .set('Authorization', await make());
    expect(res.status).toBe(401);
    expect(res.headers['content-type']).toMatch(/^application\/problem\+json/);
    expect(res.headers['www-authenticate']).toBe('Bearer');
    expect(res.body).toMatchObject({ status: 401, code: 'UNAUTHORIZED' });
  });

  it('answers 403 FORBIDDEN when the scope is missing', async () => {
    const res = await request(await app())
      .get('/read')
      .set('Authorization', `Bearer ${await token({ scope: 'reachgraph:read' })}`);
    expect(res.status).toBe(403);
    expect(res.body.code).toBe('FORBIDDEN');
  });

  it('answers 403 FORBIDDEN to a principal the rule does not name', async () => {
    const res = await request(await app())
      .get('/scanner')
      .set('Authorization', `Bearer ${await token({})}`);
    expect(res.status).toBe(403);
  });

  it('accepts scopes given as an scp array', async () => {
    const res = await request(await app())
      .get('/read')
      .set('Authorization', `Bearer ${await token({ scope: undefined, scp: ['signals:read'] })}`);
    expect(res.status).toBe(200);
  });

  it('accepts a static dev token only when dev tokens are enabled', async () => {
    const res = await request(await app(true))
      .get('/read')
      .set('Authorization', 'Bearer dev-token-123');
    expect(res.status).toBe(200);
    expect(res.body.tenant).toBe('dev');
  });

  it('refuses prefixes, extensions and one-character changes of a dev token (compared as SHA-256 in constant time)', async () => {
    const a = await app(true);
    for (const near of [
      'dev-token-12',
      'dev-token-1234',
      'dev-token-124',
      'Dev-token-123',
      'dev-token-123x',
    ]) {
      const res = await request(a).get('/read').set('Authorization', `Bearer ${near}`);
      expect([near, res.status]).toEqual([near, 401]);
    }
  });
});

describe('verified token cache', () => {
  const keys = [{ kid: 'k1', pem: pem(ec.publicKey, 'spki') }];
  const subtle = globalThis.crypto.subtle;
  type Verify = typeof subtle.verify;
  const realVerify = subtle.verify;
  let signatureChecks = 0;

  beforeEach(() => {
    signatureChecks = 0;
    subtle.verify = ((...args: Parameters<Verify>) => {
      signatureChecks++;
      return realVerify.apply(subtle, args);
    }) as Verify;
  });
  afterEach(() => {
    subtle.verify = realVerify;
  });

  it('checks a token signature once, then answers its principal from the cache', async () => {
    const auth = await createAuthenticator({ issuer: ISS, audience: AUD, publicKeys: keys });
    const bearer = `Bearer ${await token({})}`;
    const first = await auth.authenticate(bearer);
    const again = await auth.authenticate(bearer);
    expect(again).toEqual(first);
    expect(signatureChecks).toBe(1);
    await auth.authenticate(`Bearer ${await token({ tenant: 'tenant-b' })}`);
    expect(signatureChecks).toBe(2);
  });

  it('checks every request when the cache is off', async () => {
    const auth = await createAuthenticator({
      issuer: ISS,
      audience: AUD,
      publicKeys: keys,
      verifiedTokenCacheSeconds: 0,
    });
    const bearer = `Bearer ${await token({})}`;
    for (let i = 0; i < 3; i++) await auth.authenticate(bearer);
    expect(signatureChecks).toBe(3);
  });

  it('does not keep a rejected token: it is checked, and rejected, every time', async () => {
    const auth = await createAuthenticator({ issuer: ISS, audience: AUD, publicKeys: keys });
    const forged = `Bearer ${await token({}, { key: pem(other.privateKey, 'pkcs8') })}`;
    for (let i = 0; i < 2; i++)
      await expect(auth.authenticate(forged)).rejects.toMatchObject({ status: 401 });
    expect(signatureChecks).toBe(2);
  });

  it('rejects a cached token once it expires', async () => {
    const auth = await createAuthenticator({
      issuer: ISS,
      audience: AUD,
      publicKeys: keys,
      clockToleranceSeconds: 0,
    });
    const exp = now() + 2;
    const bearer = `Bearer ${await token({ exp })}`;
    await expect(auth.authenticate(bearer)).resolves.toMatchObject({ tenant: 'tenant-a' });
    await new Promise((r) => setTimeout(r, exp * 1000 - Date.now() + 50));
    await expect(auth.authenticate(bearer)).rejects.toMatchObject({ status: 401, detail: 'token expired' });
  });
});
