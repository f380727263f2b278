import { generateKeyPairSync, sign } from 'node:crypto';

/** The issuer both services trust in the e2e suite. */
export const ISSUER = 'https://auth.e2e.test';

const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });

/** The issuer's public key as PEM (both services verify tokens with it). */
export const ISSUER_PUBLIC_PEM = String(key.publicKey.export({ type: 'spki', format: 'pem' }));

const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString('base64url');

/** An ES256 JWT for `audience` with the claims both services read: principal, tenant, scope. */
export function jwt(audience: string, claims: { principal: string; tenant: string; scope: string }): string {
  const now = Math.floor(Date.now() / 1000);
  const signingInput = `${b64({ alg: 'ES256', kid: 'e2e', typ: 'JWT' })}.${b64({
    ...claims,
    iss: ISSUER,
    aud: audience,
    sub: `svc:${claims.principal}`,
    iat: now,
    exp: now + 3600,
  })}`;
  const sig = sign('sha256', Buffer.from(signingInput), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
  return `${signingInput}.${sig.toString('base64url')}`;
}
