import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import { importPKCS8, SignJWT } from 'jose';

/** A P-256 key pair as PEM, kept on disk so tokens and signatures stay valid across restarts. */
export interface KeyPair {
  privatePem: string;
  publicPem: string;
}

/** Reads `<dir>/<name>.pem` or creates it (mode 0600) with a fresh P-256 key. */
export async function loadOrCreateKey(dir: string, name: string): Promise<KeyPair> {
  const file = join(dir, `${name}.pem`);
  let privatePem: string;
  try {
    privatePem = await readFile(file, 'utf8');
  } catch {
    await mkdir(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    privatePem = privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await writeFile(file, privatePem, { mode: 0o600 });
  }
  const publicPem = createPublicKey(createPrivateKey(privatePem))
    .export({ type: 'spki', format: 'pem' })
    .toString();
  return { privatePem, publicPem };
}

/** Who a token speaks for: the claims both services read (service-kit's auth). */
export interface TokenGrant {
  principal: string;
  tenant: string;
  scopes: string[];
}

export const TOKEN_ISSUER = 'stella-stack-local';
export const SIGNALS_AUDIENCE = 'stella-signals';
export const REACHGRAPH_AUDIENCE = 'stella-reachgraph';

/** Signs an ES256 JWT accepted by both services (audience names both). */
export async function mintToken(
  key: KeyPair,
  kid: string,
  grant: TokenGrant,
  ttlSeconds: number,
): Promise<string> {
  const signingKey = await importPKCS8(key.privatePem, 'ES256');
  return new SignJWT({ principal: grant.principal, tenant: grant.tenant, scope: grant.scopes.join(' ') })
    .setProtectedHeader({ alg: 'ES256', kid, typ: 'JWT' })
    .setIssuer(TOKEN_ISSUER)
    .setAudience([SIGNALS_AUDIENCE, REACHGRAPH_AUDIENCE])
    .setSubject(grant.principal)
    .setIssuedAt()
    .setExpirationTime(`${ttlSeconds}s`)
    .sign(signingKey);
}
