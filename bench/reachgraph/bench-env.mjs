// What the ReachGraph benchmarks share: a bearer token the service under test trusts, and a scratch
// PostgreSQL database with the owner and app-role URLs the service connects with.
import { generateKeyPairSync, randomBytes, sign } from 'node:crypto';

// biome-ignore lint/suspicious/noUndeclaredEnvVars: a benchmark setting, not a build input
export const ADMIN_URL = process.env.PG_ADMIN_URL ?? 'postgres://postgres@127.0.0.1:5432/postgres';

/**
 * An ES256 key made for this run: `token(claims)` signs a bearer JWT (tenant `bench`, every
 * reachgraph scope unless `claims` say otherwise); `env` holds the service settings that trust it.
 */
export function benchAuth() {
  const key = generateKeyPairSync('ec', { namedCurve: 'P-256' });
  const b64 = (v) => Buffer.from(JSON.stringify(v)).toString('base64url');
  const token = (claims = {}) => {
    const now = Math.floor(Date.now() / 1000);
    const body = `${b64({ alg: 'ES256', kid: 'bench' })}.${b64({
      iss: 'https://bench',
      aud: 'reachgraph',
      sub: 'bench',
      iat: now,
      exp: now + 3600,
      principal: 'bench',
      tenant: 'bench',
      scope: 'reachgraph:read reachgraph:write reachgraph:admin',
      ...claims,
    })}`;
    const sig = sign('sha256', Buffer.from(body), { key: key.privateKey, dsaEncoding: 'ieee-p1363' });
    return `Bearer ${body}.${sig.toString('base64url')}`;
  };
  const env = {
    REACHGRAPH_AUTH_ISSUER: 'https://bench',
    REACHGRAPH_AUTH_AUDIENCE: 'reachgraph',
    REACHGRAPH_AUTH_PUBLIC_KEYS: JSON.stringify([
      { kid: 'bench', alg: 'ES256', pem: key.publicKey.export({ type: 'spki', format: 'pem' }) },
    ]),
  };
  return { token, env };
}

/**
 * Creates a database named after `label` and this process; `admin` stays connected (to drop it),
 * `ownerUrl` migrates it, `appUrl` is the service's non-owner role. `pg` is the service's pg module.
 */
export async function scratchDatabase(pg, label) {
  const dbName = `reachgraph_${label}_${process.pid}_${randomBytes(3).toString('hex')}`;
  const admin = new pg.Client({ connectionString: ADMIN_URL });
  // A connection ended by the server (another process terminating backends) must not skip clean-up.
  admin.on('error', (err) => process.stderr.write(`admin connection: ${err.message}\n`));
  await admin.connect();
  await admin.query(`create database ${dbName}`);
  const ownerUrl = new URL(ADMIN_URL);
  ownerUrl.pathname = `/${dbName}`;
  const appUrl = new URL(ownerUrl);
  appUrl.username = 'reachgraph_app';
  return { dbName, admin, ownerUrl, appUrl };
}

/**
 * Deletes this run's Redis keys (those under `prefix`), best effort: a bench stopping early must
 * still finish its clean-up. `Redis` is the service's ioredis class.
 */
export async function dropRedisKeys(Redis, url, prefix) {
  try {
    const redis = new Redis(url);
    let cursor = '0';
    do {
      const [next, keys] = await redis.scan(cursor, 'MATCH', `${prefix}*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length) await redis.unlink(...keys);
    } while (cursor !== '0');
    redis.disconnect();
  } catch {
    // best effort
  }
}

/** A fixed integer loop that allocates nothing. */
function spin(steps) {
  let x = 0;
  for (let i = 0; i < steps; i++) x = (x + i * 7) | 0;
  return x;
}

/**
 * The host's speed right now: milliseconds (median of 3, after a warm-up that compiles the loop) of
 * 1e8 steps of a fixed integer loop. On a shared machine it varies several-fold within minutes;
 * printed next to results, it tells a slow run from a slow build.
 */
export function cpuCalibration() {
  for (let r = 0; r < 20; r++) spin(100_000);
  const runs = [];
  for (let r = 0; r < 3; r++) {
    const t = performance.now();
    spin(100_000_000);
    runs.push(performance.now() - t);
  }
  return runs.sort((a, b) => a - b)[1];
}
